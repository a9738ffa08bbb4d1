"""Tensor's operators and math methods: each one line that calls into ``minigrad.ops``.

Kept apart from ``tensor.py`` so that the data/autograd core of Tensor reads on its own.
``ops`` is built on Tensor, so it isn't imported here: the name ``ops`` below is bound to
``minigrad.ops`` by ``minigrad._install_ops()`` once ops is imported.
"""
from __future__ import annotations

from . import dtypes


class TensorMethods:
    __slots__ = ()

    # --- arithmetic ---------------------------------------------------------------------
    def __add__(self, other): return ops.add(self, other)
    def __radd__(self, other): return ops.add(self, other)
    def __sub__(self, other): return ops.sub(self, other)
    def __rsub__(self, other): return ops.sub(other, self)
    def __mul__(self, other): return ops.mul(self, other)
    def __rmul__(self, other): return ops.mul(self, other)
    def __truediv__(self, other): return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __pow__(self, other): return ops.pow(self, other)
    def __rpow__(self, other): return ops.pow(other, self)
    def __matmul__(self, other): return ops.matmul(self, other)
    def __rmatmul__(self, other): return ops.matmul(other, self)
    def __neg__(self): return ops.neg(self)
    def __pos__(self): return self
    def __abs__(self): return ops.abs(self)
    def __floordiv__(self, other): return ops.floor_divide(self, other)
    def __rfloordiv__(self, other): return ops.floor_divide(other, self)

    def add(self, other, *, alpha=1): return ops.add(self, other, alpha=alpha)
    def sub(self, other, *, alpha=1): return ops.sub(self, other, alpha=alpha)
    def mul(self, other): return ops.mul(self, other)
    def div(self, other, *, rounding_mode=None): return ops.div(self, other, rounding_mode=rounding_mode)
    def pow(self, exponent): return ops.pow(self, exponent)
    def floor_divide(self, other): return ops.floor_divide(self, other)
    def neg(self): return ops.neg(self)
    def reciprocal(self): return ops.reciprocal(self)
    def square(self): return ops.mul(self, self)
    def rsqrt(self): return ops.reciprocal(ops.sqrt(self))
    multiply, divide, subtract, negative = mul, div, sub, neg
    def true_divide(self, other): return ops.div(self, other)

    # --- comparisons (bool results, never recorded) ---------------------------------------
    def __eq__(self, other): return ops.eq(self, other)
    def __ne__(self, other): return ops.ne(self, other)
    def __gt__(self, other): return ops.gt(self, other)
    def __lt__(self, other): return ops.lt(self, other)
    def __ge__(self, other): return ops.ge(self, other)
    def __le__(self, other): return ops.le(self, other)
    def __and__(self, other): return ops.logical_and(self, other)
    def __or__(self, other): return ops.logical_or(self, other)
    def __xor__(self, other): return ops.logical_xor(self, other)
    def __invert__(self): return ops.logical_not(self)
    eq, ne, gt, lt, ge, le = __eq__, __ne__, __gt__, __lt__, __ge__, __le__
    def equal(self, other): return ops.equal(self, other)
    def allclose(self, other, rtol=1e-5, atol=1e-8, equal_nan=False): return ops.allclose(self, other, rtol, atol, equal_nan)
    def isnan(self): return ops.isnan(self)
    def logical_not(self): return ops.logical_not(self)

    # --- elementwise math -----------------------------------------------------------------
    def exp(self): return ops.exp(self)
    def log(self): return ops.log(self)
    def log1p(self): return ops.log1p(self)
    def sqrt(self): return ops.sqrt(self)
    def abs(self): return ops.abs(self)
    def sin(self): return ops.sin(self)
    def cos(self): return ops.cos(self)
    def tanh(self): return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self): return ops.relu(self)
    def sign(self): return ops.sign(self)
    def clamp(self, min=None, max=None): return ops.clamp(self, min, max)
    clip = clamp
    # (the argument's position in PyTorch's error counts from the method's first: 1)
    def maximum(self, other): return ops.maximum(self, ops.comparison.tensor_arg("maximum", "other", other, 1))
    def minimum(self, other): return ops.minimum(self, ops.comparison.tensor_arg("minimum", "other", other, 1))
    def where(self, condition, other): return ops.where(condition, self, other)
    def masked_fill(self, mask, value): return ops.masked_fill(self, mask, value)

    # --- reductions -----------------------------------------------------------------------
    def sum(self, dim=None, keepdim=False, *, dtype=None): return ops.sum(self, dim, keepdim, dtype=dtype)
    def mean(self, dim=None, keepdim=False, *, dtype=None): return ops.mean(self, dim, keepdim, dtype=dtype)
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return ops.var(self, dim, unbiased, keepdim, correction=correction)
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None): return ops.std(self, dim, unbiased, keepdim, correction=correction)
    def max(self, dim=None, keepdim=False, *, other=None): return ops.max(self, dim, keepdim, other=other)
    def min(self, dim=None, keepdim=False, *, other=None): return ops.min(self, dim, keepdim, other=other)
    def amax(self, dim=(), keepdim=False): return ops.amax(self, dim, keepdim)
    def argmax(self, dim=None, keepdim=False): return ops.argmax(self, dim, keepdim)
    def argmin(self, dim=None, keepdim=False): return ops.argmin(self, dim, keepdim)
    def norm(self, p="fro", dim=None, keepdim=False): return ops.norm(self, p, dim, keepdim)
    def logsumexp(self, dim, keepdim=False): return ops.logsumexp(self, dim, keepdim)
    def prod(self, dim=None, keepdim=False): return ops.prod(self, dim, keepdim)
    def softmax(self, dim, dtype=None): return ops.softmax(self, dim, dtype)
    def log_softmax(self, dim, dtype=None): return ops.log_softmax(self, dim, dtype)
    def sort(self, dim=-1, descending=False, *, stable=False): return ops.sort(self, dim, descending, stable=stable)
    def all(self, dim=None, keepdim=False): return _wrap(self.xp.all(self._data, axis=dim, keepdims=keepdim), self._device)
    def any(self, dim=None, keepdim=False): return _wrap(self.xp.any(self._data, axis=dim, keepdims=keepdim), self._device)

    # --- linear algebra -------------------------------------------------------------------
    def matmul(self, other): return ops.matmul(self, other)
    def mm(self, mat2): return ops.mm(self, mat2)
    def bmm(self, mat2): return ops.bmm(self, mat2)
    def mv(self, vec): return ops.mv(self, vec)
    def dot(self, tensor): return ops.dot(self, tensor)

    # --- shapes ---------------------------------------------------------------------------
    def size(self, dim=None):
        if dim is None:
            return self.shape
        return self._data.shape[ops.helpers.normalize_dim(dim, self._data.ndim)]
    def view(self, *shape): return ops.view(self, *shape)
    def reshape(self, *shape, **kwargs): return ops.reshape(self, *shape, **kwargs)
    def view_as(self, other): return ops.view(self, other.shape)
    def reshape_as(self, other): return ops.reshape(self, other.shape)
    def flatten(self, start_dim=0, end_dim=-1): return ops.flatten(self, start_dim, end_dim)
    def transpose(self, dim0, dim1): return ops.transpose(self, dim0, dim1)
    def t(self): return ops.t(self)
    def permute(self, *dims, **kwargs): return ops.permute(self, *dims, **kwargs)
    def squeeze(self, dim=None): return ops.squeeze(self, dim)
    def unsqueeze(self, dim): return ops.unsqueeze(self, dim)
    def expand(self, *sizes): return ops.expand(self, *sizes)
    def expand_as(self, other): return ops.expand(self, other.shape)
    def split(self, split_size, dim=0): return ops.split(self, split_size, dim)
    def chunk(self, chunks, dim=0): return ops.chunk(self, chunks, dim)
    def unbind(self, dim=0): return ops.unbind(self, dim)
    def narrow(self, dim, start, length): return ops.narrow(self, dim, start, length)
    def select(self, dim, index): return ops.select(self, dim, index)
    def diagonal(self, offset=0, dim1=0, dim2=1): return ops.diagonal(self, offset, dim1, dim2)
    def stride(self, dim=None):
        """Steps between neighbours along each dimension, in elements (PyTorch's strides)."""
        arr = self._data
        if arr.flags.c_contiguous:  # (NumPy may give size-1 dimensions any stride)
            steps, step = [], 1
            for n in reversed(arr.shape):
                steps.append(step)
                step *= max(n, 1)
            strides = tuple(reversed(steps))
        else:
            strides = tuple(s // arr.itemsize for s in arr.strides)
        if dim is not None and arr.ndim == 0:
            raise IndexError(f"Dimension specified as {dim} but tensor has no dimensions")
        return strides if dim is None else strides[ops.helpers.normalize_dim(dim, arr.ndim)]
    def contiguous(self): return self if self._data.flags.c_contiguous else ops.clone(self)
    def is_contiguous(self): return bool(self._data.flags.c_contiguous)

    @property
    def T(self):  # (T_property warns as PyTorch does, once)
        return ops.shape.T_property(self)

    @property
    def mT(self): return ops.transpose(self, -2, -1)

    def __getitem__(self, index): return ops.getitem(self, index)
    def __setitem__(self, index, value): ops.setitem(self, index, value)

    # --- copies, dtypes, devices ----------------------------------------------------------
    def clone(self): return ops.clone(self)
    def to(self, *args, **kwargs): return ops.to(self, *args, **kwargs)
    def type(self, dtype=None):
        if dtype is None:
            return f"torch.{dtypes.legacy_type_name(self.dtype)}"
        return ops.to(self, dtype)
    def type_as(self, other): return ops.to(self, other.dtype)
    def float(self): return ops.to(self, "float32")
    def double(self): return ops.to(self, "float64")
    def half(self): return ops.to(self, "float16")
    def long(self): return ops.to(self, "int64")
    def int(self): return ops.to(self, "int32")
    def bool(self): return ops.to(self, "bool")
    def cpu(self): return ops.to(self, device="cpu")
    def cuda(self, device=None): return ops.to(self, device="cuda" if device is None else (f"cuda:{device}" if isinstance(device, int) else device))

    # --- in place ---------------------------------------------------------------------------
    def add_(self, other, *, alpha=1): return ops.inplace.binary_inplace(self, other if alpha == 1 else other * alpha, ops.add, "add")
    def sub_(self, other, *, alpha=1): return ops.inplace.binary_inplace(self, other if alpha == 1 else other * alpha, ops.sub, "subtract")
    def mul_(self, other): return ops.inplace.binary_inplace(self, other, ops.mul, "multiply")
    def div_(self, other): return ops.inplace.binary_inplace(self, other, ops.div, "true_divide")
    def pow_(self, exponent): return ops.inplace.binary_inplace(self, exponent, ops.pow, "power")
    def __iadd__(self, other): return self.add_(other)
    def __isub__(self, other): return self.sub_(other)
    def __imul__(self, other): return self.mul_(other)
    def __itruediv__(self, other): return self.div_(other)
    def neg_(self): return ops.inplace.unary_inplace(self, ops.neg)
    def exp_(self): return ops.inplace.unary_inplace(self, ops.exp)
    def sqrt_(self): return ops.inplace.unary_inplace(self, ops.sqrt)
    def tanh_(self): return ops.inplace.unary_inplace(self, ops.tanh)
    def relu_(self): return ops.inplace.unary_inplace(self, ops.relu)
    def sigmoid_(self): return ops.inplace.unary_inplace(self, ops.sigmoid)
    def clamp_(self, min=None, max=None): return ops.inplace.unary_inplace(self, lambda t: ops.clamp(t, min, max))
    clip_ = clamp_
    def zero_(self): return ops.inplace.zero_(self)
    def fill_(self, value): return ops.inplace.fill_(self, value)
    def copy_(self, other, non_blocking=False): return ops.inplace.copy_(self, other)

    def uniform_(self, from_=0.0, to=1.0):  # PyTorch's first is `from`, a Python keyword
        from ..tensor.creation import _rng_fill
        return _rng_fill(self, lambda rng, shape: rng.uniform(from_, to, shape))

    def normal_(self, mean=0.0, std=1.0):
        from ..tensor.creation import _rng_fill
        return _rng_fill(self, lambda rng, shape: rng.normal(mean, std, shape))


ops = None  # minigrad.ops, bound by minigrad._install_ops() (ops is built on Tensor)


def _wrap(arr, device):
    return ops.helpers.out(arr, device)
