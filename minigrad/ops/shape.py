"""Shape ops: view/reshape, flatten, transpose, permute, squeeze, unsqueeze, expand; plus
clone and dtype/device copies. Their backward only moves the gradient back into the input's
shape (or device, or dtype). Outputs that share the input's memory share its version counter."""
from __future__ import annotations

import math
import warnings

import numpy as np

from .. import backend
from ..autograd.forward_ad import linear
from ..autograd.function import Function
from ..autograd.views import ViewFunction, into_zeros
from ..tensor.tensor import Tensor
from .helpers import normalize_dim, out, tensor_type_name


def _view_of(a: Tensor, arr) -> Tensor:
    """An output on the same memory as ``a``: in-place changes to either are seen by both."""
    t = Tensor._make(arr, a._device)
    t._vc = a._counter()
    return t


def infer_shape(shape, numel: int) -> tuple:
    shape = tuple(map(int, shape))
    if -1 not in shape:  # the usual case: every size given
        if math.prod(shape) != numel:
            raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
        return shape
    if shape.count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = math.prod(s for s in shape if s != -1)
    if known == 0 or numel % known:
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {numel}")
    return tuple(numel // known if s == -1 else s for s in shape)


class View(ViewFunction):
    _node_name = "ViewBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a._data.shape
        arr = a._data.view()
        try:
            arr.shape = shape  # a true view: fails instead of silently copying
        except AttributeError:
            raise RuntimeError("view size is not compatible with input tensor's size and stride "
                               "(at least one dimension spans across two contiguous subspaces). "
                               "Use .reshape(...) instead.") from None
        return _view_of(a, arr)

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class Reshape(View):
    """A reshape that had to copy (the input's memory layout doesn't allow a view)."""
    _node_name = "UnsafeViewBackward0"

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a._data.shape
        arr = a._data.reshape(shape)
        return _view_of(a, arr) if arr.base is not None else out(arr, a._device)


def _viewable(arr, shape: tuple) -> bool:
    if arr.flags.c_contiguous:  # any shape is a view of contiguous memory
        return True
    v = arr.view()
    try:
        v.shape = shape
        return True
    except AttributeError:
        return False


def view(input: Tensor, *shape) -> Tensor:
    shape = infer_shape(_shape_args(shape), input._data.size)
    if input._device.type != "cpu":
        return Reshape.apply(input, shape=shape)
    return View.apply(input, shape=shape)


def reshape(input: Tensor, *sizes, shape=None) -> Tensor:
    """A view when the memory layout allows it, else a copy (as PyTorch).
    ``reshape(t, (2, 3))``, ``t.reshape(2, 3)`` and ``reshape(t, shape=(2, 3))`` all work."""
    shape = infer_shape(_shape_args(sizes, shape), input._data.size)
    if input._device.type == "cpu" and _viewable(input._data, shape):
        return View.apply(input, shape=shape)
    return Reshape.apply(input, shape=shape)


def _shape_args(shape: tuple, keyword=None) -> tuple:
    """The sizes given as ``f(2, 3)``, ``f((2, 3))`` or ``f(shape=(2, 3))``."""
    if keyword is not None:
        shape = (keyword,)
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return shape


def flatten(input: Tensor, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    shape = input._data.shape
    if len(shape) == 0:
        return reshape(input, (1,))
    s, e = normalize_dim(start_dim, len(shape)), normalize_dim(end_dim, len(shape))
    if s > e:
        raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
    if s == e:
        return input
    n = 1
    for d in shape[s:e + 1]:
        n *= d
    return reshape(input, shape[:s] + (n,) + shape[e + 1:])


class Transpose(ViewFunction):
    _node_name = "TransposeBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dim0=0, dim1=1):
        ctx.dims = (dim0, dim1)
        return _view_of(a, a.xp.swapaxes(a._data, dim0, dim1))

    @staticmethod
    def backward(ctx, g):
        return g.transpose(*ctx.dims), None, None


class T(ViewFunction):
    """``t()``: a matrix transposed (vectors and scalars stay as they are)."""
    _node_name = "TBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a):
        return _view_of(a, a._data.T)

    @staticmethod
    def backward(ctx, g):
        return g.t()


class Permute(ViewFunction):
    _node_name = "PermuteBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dims=None):
        ctx.dims = dims
        return _view_of(a, a._data.transpose(dims))

    @staticmethod
    def backward(ctx, g):
        inverse = tuple(int(i) for i in np.argsort(ctx.dims))
        return g.permute(inverse), None


def transpose(input: Tensor, dim0: int, dim1: int) -> Tensor:
    n = input._data.ndim
    return Transpose.apply(input, dim0=normalize_dim(dim0, n), dim1=normalize_dim(dim1, n))


def t(input: Tensor) -> Tensor:
    if input._data.ndim > 2:
        raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is "
                           f"{input._data.ndim}D")
    return T.apply(input)  # PyTorch records TBackward0 for vectors too (a view, changing nothing)


def permute(input: Tensor, *order, dims=None) -> Tensor:
    dims = _shape_args(order, dims)
    n = input._data.ndim
    if len(dims) != n:
        raise RuntimeError(f"permute(sparse_coo): number of dimensions in the tensor input does "
                           f"not match the length of the desired ordering of dimensions i.e. "
                           f"input.dim() = {n} is not equal to len(dims) = {len(dims)}")
    dims = tuple(normalize_dim(d, n) for d in dims)
    if len(set(dims)) != n:
        raise RuntimeError("permute(): duplicate dims are not allowed.")
    return Permute.apply(input, dims=dims)


def T_property(a: Tensor) -> Tensor:
    """``x.T``: all dimensions reversed (PyTorch records it as a permute). Meant for matrices:
    PyTorch warns on anything else."""
    n = a._data.ndim
    if n == 0:
        warnings.warn("Tensor.T is deprecated on 0-D tensors. This function is the identity in "
                      "these cases.", UserWarning, stacklevel=3)
    elif n != 2:
        warnings.warn("The use of `x.T` on tensors of dimension other than 2 to reverse their "
                      "shape is deprecated and it will throw an error in a future release. "
                      "Consider `x.mT` to transpose batches of matrices or "
                      "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the dimensions "
                      "of a tensor.", UserWarning, stacklevel=3)
    return Permute.apply(a, dims=tuple(range(n - 1, -1, -1)))


class Squeeze(ViewFunction):
    _node_name = "SqueezeBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dims=None):
        ctx.shape = a._data.shape
        return _view_of(a, a._data.squeeze() if dims is None else a._data.squeeze(axis=dims))

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


class SqueezeDim(Squeeze):
    _node_name = "SqueezeBackward1"


class SqueezeDims(Squeeze):
    _node_name = "SqueezeBackward2"  # squeeze(dim=(0, 2)): several dims


def squeeze(input: Tensor, dim=None) -> Tensor:
    if dim is None:
        return Squeeze.apply(input)
    n = input._data.ndim
    several = not isinstance(dim, int)
    dims = tuple(normalize_dim(d, n) for d in (dim if several else (dim,)))
    dims = tuple(d for d in dims if n and input._data.shape[d] == 1)  # others stay: not an error
    return (SqueezeDims if several else SqueezeDim).apply(input, dims=dims)


class Unsqueeze(ViewFunction):
    _node_name = "UnsqueezeBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dim=0):
        ctx.shape = a._data.shape
        # (indexing with None inserts the new axis: a view, and much cheaper than expand_dims)
        return _view_of(a, a._data[(slice(None),) * dim + (None,)])

    @staticmethod
    def backward(ctx, g):
        return g.reshape(ctx.shape), None


def unsqueeze(input: Tensor, dim: int) -> Tensor:
    return Unsqueeze.apply(input, dim=normalize_dim(dim, input._data.ndim + 1))


class Expand(ViewFunction):
    _node_name = "ExpandBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, shape=None):
        ctx.shape = a._data.shape
        return _view_of(a, _broadcast(a.xp, a._data, shape))

    @staticmethod
    def backward(ctx, g):
        from .helpers import sum_to
        return sum_to(g, ctx.shape), None  # each input element was used many times: add up


def _broadcast(xp, arr, shape: tuple):
    """``xp.broadcast_to(arr, shape)``: a view that repeats arr along new or size-1 dimensions,
    read-only as its elements share memory. Two cases are done by hand:
    - nothing repeated (only leading 1s added): a plain view, writable as in PyTorch;
    - a single number (0-d) spread over a shape, the gradient of a sum or a mean in every
      loss's backward: a view with all strides 0 is the array broadcast_to would make,
      without its general-purpose checks (see benchmarks/README.md)."""
    if arr.size and math.prod(shape) == arr.size:
        return arr[(None,) * (len(shape) - arr.ndim) + (...,)]  # (..., so 0-d stays an array)
    if arr.ndim == 0 and type(arr) is np.ndarray:
        view = np.ndarray(shape, arr.dtype, buffer=arr, strides=(0,) * len(shape))
        view.flags.writeable = False
        return view
    return xp.broadcast_to(arr, shape)


def expand(a: Tensor, *sizes) -> Tensor:
    if len(sizes) == 1 and isinstance(sizes[0], (tuple, list)):
        sizes = tuple(sizes[0])
    shape = a._data.shape
    if len(sizes) < len(shape):
        raise RuntimeError(f"expand({tensor_type_name(a)}{{{list(shape)}}}, size={[int(s) for s in sizes]}): "
                           f"the number of sizes provided ({len(sizes)}) must be greater or equal "
                           f"to the number of dimensions in the tensor ({len(shape)})")
    lead = len(sizes) - len(shape)
    target = []
    for i, s in enumerate(sizes):
        old = shape[i - lead] if i >= lead else None
        s = int(s)
        if s == -1:
            if old is None:
                raise RuntimeError("expand: -1 is not allowed in a leading, non-existing dimension")
            s = old
        elif old is not None and old != 1 and old != s:
            raise RuntimeError(f"The expanded size of the tensor ({s}) must match the existing "
                               f"size ({old}) at non-singleton dimension {i}.  Target sizes: "
                               f"{list(sizes)}.  Tensor sizes: {list(shape)}")
        target.append(s)
    return Expand.apply(a, shape=tuple(target))


class Clone(Function):
    _node_name = "CloneBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a):
        return out(a._data.copy(), a._device)

    @staticmethod
    def backward(ctx, g):
        return g


def clone(input: Tensor) -> Tensor:
    return Clone.apply(input)


class ToCopy(Function):
    """A copy to another dtype and/or device; backward copies the gradient back."""
    _node_name = "ToCopyBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, dtype=None, device=None):
        ctx.src = (a.dtype, a._device)
        arr = a._data
        if device is not None and device != a._device:
            arr = backend.to_device(arr, device)
        if dtype is not None and arr.dtype != dtype.np:
            arr = arr.astype(dtype.np)
        elif arr is a._data:
            arr = arr.copy()
        return Tensor._make(arr, device or a._device)

    @staticmethod
    def backward(ctx, g):
        dtype, dev = ctx.src  # where the input was, and its dtype
        ### BEGIN SOLUTION chapter 15: the backward of to (the gradient back where the input was)
        # d(copy of a)/da = 1: the gradient itself, moved back to a's device and dtype
        return g.to(device=dev, dtype=dtype), None, None
        ### END SOLUTION


def to(a: Tensor, *args, dtype=None, device=None, copy: bool = False, non_blocking=False):
    """``to(dtype)``, ``to(device)``, ``to(device, dtype)``, ``to(other_tensor)``."""
    from ..tensor import dtypes
    for arg in args:
        if isinstance(arg, Tensor):
            dtype, device = arg.dtype, arg.device
        elif isinstance(arg, dtypes.dtype) or (isinstance(arg, str) and arg in dtypes._NAMES):
            dtype = arg  # minigrad.float64, or "float64" (what Tensor.double() passes)
        elif isinstance(arg, (str, backend.device)):
            device = arg
        else:
            dtype = dtypes.as_dtype(arg)
    if dtype is not None:
        dtype = dtypes.as_dtype(dtype)
    dev = backend.parse_device(device) if device is not None else None
    same_dtype = dtype is None or dtype.np == a._data.dtype
    same_dev = dev is None or dev == a._device
    if same_dtype and same_dev and not copy:
        return a
    return ToCopy.apply(a, dtype=dtype, device=dev)


def narrow(input: Tensor, dim: int, start: int, length: int) -> Tensor:
    """``length`` consecutive elements along ``dim`` from ``start``: a view (a slice)."""
    from .indexing import _index
    d = normalize_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not -n <= start <= n:
        raise IndexError(f"start out of range (expected to be in range of [{-n}, {n}], but "
                         f"got {start})")
    start = start + n if start < 0 else start
    if start + length > n or length < 0:
        raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({n}).")
    return _index(input, (slice(None),) * d + (slice(start, start + length),), "SliceBackward0")


def select(input: Tensor, dim: int, index: int) -> Tensor:
    """The slice at ``index`` along ``dim``, without that dimension: a view."""
    from .indexing import _index
    d = normalize_dim(dim, input._data.ndim)
    n = input._data.shape[d]
    if not -n <= index < n:
        raise IndexError(f"select(): index {index} out of range for tensor of size "
                         f"{list(input._data.shape)} at dimension {dim}")
    return _index(input, (slice(None),) * d + (index % n, Ellipsis), "SelectBackward0")


class Diagonal(ViewFunction):
    """The diagonal of the 2-d slices over ``dim1`` and ``dim2``, as the last dimension."""
    _node_name = "DiagonalBackward0"
    jvp = staticmethod(linear)  # forward mode: linear, so the op itself on the tangent

    @staticmethod
    def forward(ctx, a, offset=0, dim1=0, dim2=1):
        ctx.shape, ctx.args = a._data.shape, (offset, dim1, dim2)
        arr = a.xp.diagonal(a._data, offset, dim1, dim2)
        if a.xp is np and a._data.flags.writeable:
            arr.flags.writeable = True  # NumPy hands it out read-only; PyTorch's is writable
        return _view_of(a, arr)

    @staticmethod
    def backward(ctx, g):
        offset, dim1, dim2 = ctx.args
        def replay(b):
            return Diagonal.apply(b, offset=offset, dim1=dim1, dim2=dim2)
        return into_zeros(g, ctx.shape, g._data.dtype, g._device, replay=replay), None


def diagonal(input: Tensor, offset: int = 0, dim1: int = 0, dim2: int = 1) -> Tensor:
    d1, d2 = normalize_dim(dim1, input._data.ndim), normalize_dim(dim2, input._data.ndim)
    if d1 == d2:
        raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
    return Diagonal.apply(input, offset=offset, dim1=d1, dim2=d2)
