"""Matrix products: ``@``/matmul in all its cases, mm, bmm, mv, dot.

One backward serves them all: promote 1-d operands to matrices, then
dA = dY @ B^T and dB = A^T @ dY, summed over broadcast batch dimensions.

What differs between the cases is only what PyTorch shows: it computes ``a @ b`` with one of
four kernels (dot, mv, mm, bmm), folding batch dimensions into matrix rows where it can, and the
kernel decides the error messages and the name of the output's ``grad_fn``. ``_plan`` retraces
that choice (PyTorch's ``torch._decomp.decompositions.matmul``).
"""
from __future__ import annotations

from ..autograd.fastpath import saved_arrays
from ..autograd.forward_ad import bilinear
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import (broadcast_shape, c_type_name, check_device, into_out, out, sum_to,
                      type_name, writes_out)


class Matmul(Function):
    _node_name = "UnsafeViewBackward0"  # PyTorch's name for the batched case (a bmm + a view)
    jvp = staticmethod(bilinear)  # forward mode: d(a @ b) = da @ b + a @ db

    @staticmethod
    def forward(ctx, a, b):
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[0] else None)
        ctx.shapes = (a._data.shape, b._data.shape)
        return out(a.xp.matmul(a._data, b._data), a._device)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        if len(sb) == 1 and len(sa) <= 2:  # dot, matrix @ vector: one op per input
            return _vector_grads(g, a, b, sa, sb, na, nb)
        # a: shape sa, b: shape sb, g: the gradient of a @ b; return (dA or None, dB or None)
        ### BEGIN SOLUTION chapter 10: matmul's backward (the two products, summed back to each input's shape)
        # treat a vector as a 1-row (left) or 1-column (right) matrix, as matmul does
        a_vec, b_vec = len(sa) == 1, len(sb) == 1
        if b_vec:
            g = g.unsqueeze(-1)
        if a_vec:
            g = g.unsqueeze(-2)
        ga = gb = None
        if na:
            b2 = b.unsqueeze(-1) if b_vec else b
            ga = g @ b2.transpose(-1, -2)  # dA = dY B^T
            ga = sum_to(ga, (1,) + sa if a_vec else sa).reshape(sa)
        if nb:
            a2 = a.unsqueeze(-2) if a_vec else a
            gb = a2.transpose(-1, -2) @ g  # dB = A^T dY
            gb = sum_to(gb, sb + (1,) if b_vec else sb).reshape(sb)
        return ga, gb
        ### END SOLUTION

    @staticmethod
    def backward_arrays(ctx, xp, g):
        """The formulas of dot, mv and mm on the arrays (see autograd/fastpath.py)."""
        sa, sb = ctx.shapes
        if not (len(sa) <= 2 and len(sb) <= 2 and (len(sa) == 2 or len(sb) == 1)):
            return None  # vector @ matrix, batched: the tensor formulas
        a, b = saved_arrays(ctx)
        na, nb = ctx.needs_input_grad
        if len(sb) == 2:  # mm: dA = g B^T, dB = A^T g
            return (g @ b.T if na else None, a.T @ g if nb else None)
        if len(sa) == 2:  # mv: dA = g v^T (an outer product), dv = A^T g
            return (g[:, None] * b if na else None, a.T @ g if nb else None)
        return (g * b if na else None, g * a if nb else None)  # dot: g is a number


def _vector_grads(g, a, b, sa, sb, na, nb) -> tuple:
    """Matmul's gradients for dot and matrix @ vector, as PyTorch writes them (one op each,
    so a double backward records no reshapes). (vector @ matrix is PyTorch's unsqueeze, mm,
    squeeze: the general path records just that.)"""
    if len(sa) == 1 and len(sb) == 1:  # a . b: g is a scalar
        return g * b if na else None, g * a if nb else None
    # A v: dA = g v^T (an outer product), dv = A^T g
    return (g.unsqueeze(-1) * b if na else None,
            a.transpose(0, 1) @ g if nb else None)


class Mm(Matmul):
    _node_name = "MmBackward0"


class Mv(Matmul):
    _node_name = "MvBackward0"


class Dot(Matmul):
    _node_name = "DotBackward0"


class Bmm(Matmul):
    _node_name = "BmmBackward0"


class VecMat(Matmul):
    _node_name = "SqueezeBackward4"  # PyTorch: unsqueeze, mm, then squeeze


class MatmulTransposed(Matmul):
    _node_name = "TransposeBackward0"  # PyTorch: (B^T A^T)^T, already contiguous


class MatmulCopy(Matmul):
    _node_name = "CloneBackward0"  # PyTorch: (B^T A^T)^T, made contiguous by a copy


_NODES = {cls._node_name: cls for cls in (Matmul, Mm, Mv, Dot, VecMat, MatmulTransposed,
                                          MatmulCopy)}


def _prod(xs) -> int:
    p = 1
    for x in xs:
        p *= x
    return p


def _plan(sa: tuple, sb: tuple, ga: bool, gb: bool) -> tuple:
    """How PyTorch computes a @ b: (kernel, its two operands' shapes, whether they are b-first,
    the output node's name). ``ga``/``gb``: whether a/b require grad (that changes the plan)."""
    na, nb = len(sa), len(sb)
    if na == 1 and nb == 1:
        return "dot", sa, sb, False, "DotBackward0"
    if na == 2 and nb == 1:
        return "mv", sa, sb, False, "MvBackward0"
    if na == 1 and nb == 2:
        return "mm", (1,) + sa, sb, False, "SqueezeBackward4"
    if na == 2 and nb == 2:
        return "mm", sa, sb, False, "MmBackward0"
    if na >= 3 and nb <= 2:  # fold a's batch dimensions into its rows: one mm (or mv)
        rows = (_prod(sa[:-1]), sa[-1])
        return ("mv" if nb == 1 else "mm"), rows, sb, False, "UnsafeViewBackward0"
    if nb >= 3 and na <= 2 and ga:  # the same with b^T a^T, transposed back (a copy, mostly)
        cols = (_prod(sb[:-2]) * sb[-1], sb[-2])
        if na == 1:
            return "mv", cols, sa, True, "UnsafeViewBackward0"
        copy = sa[0] != 1 and sb[-1] != 1
        return "mm", cols, sa[::-1], True, "CloneBackward0" if copy else "TransposeBackward0"
    if na == nb == 3 and sa[0] != sb[0]:  # a batch of 1 that requires grad is dropped
        if sa[0] == 1 and ga:
            return _plan(sa[1:], sb, ga, gb)
        if sb[0] == 1 and gb:
            return _plan(sa, sb[1:], ga, gb)
    return "bmm", sa, sb, False, "UnsafeViewBackward0"


def _check(kernel: str, s1: tuple, s2: tuple, d1, d2) -> None:
    """PyTorch's errors for a kernel's operands: first their shapes, then their dtypes."""
    if kernel == "dot":
        if s1[0] != s2[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{s1[0]}] and src "
                               f"[{s2[0]}] to have the same number of elements, but got "
                               f"{s1[0]} and {s2[0]} elements respectively")
        if d1 != d2:
            raise RuntimeError("dot : expected both vectors to have same dtype, but found "
                               f"{type_name(d1)} and {type_name(d2)}")
    elif kernel == "mv":
        if s1[1] != s2[0]:
            raise RuntimeError(f"size mismatch, got input ({s1[0]}), mat ({s1[0]}x{s1[1]}), "
                               f"vec ({s2[0]})")
        if d1 != d2:
            raise RuntimeError("addmv input tensors must have the same dtype, but got "
                               f"{type_name(d2)}, {type_name(d1)}, and {type_name(d2)}")
    elif kernel == "mm":
        if s1[1] != s2[0]:
            raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({s1[0]}x{s1[1]} "
                               f"and {s2[0]}x{s2[1]})")
        if d1 != d2:
            raise RuntimeError("expected m1 and m2 to have the same dtype, but got: "
                               f"{c_type_name(d1)} != {c_type_name(d2)}")
    else:  # bmm, after broadcasting the batch dimensions
        batch = _prod(broadcast_shape(s1[:-2], s2[:-2]))
        k1, k2 = s1[-1], (s2[0] if len(s2) == 1 else s2[-2])
        if k1 != k2:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{batch}, {k1}] but got: [{batch}, {k2}].")
        if d1 != d2:
            raise RuntimeError(f"expected scalar type {type_name(d1)} but found "
                               f"{type_name(d2)}")


def matmul(input: Tensor, other: Tensor, *, out: Tensor | None = None) -> Tensor:
    if out is not None:
        return into_out("matmul", out, (input, other), lambda: matmul(input, other),
                        same_dtype=True)
    a, b = input, other
    sa, sb = a._data.shape, b._data.shape
    if len(sa) == 0 or len(sb) == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(sa)}D and {len(sb)}D")
    check_device(a, b)
    kernel, s1, s2, swapped, name = _plan(sa, sb, a._requires_grad, b._requires_grad)
    d1, d2 = (b._data.dtype, a._data.dtype) if swapped else (a._data.dtype, b._data.dtype)
    _check(kernel, s1, s2, d1, d2)
    return _NODES[name].apply(a, b)


@writes_out(same_dtype=True)
def mm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    if input._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    check_device(input, mat2)
    _check("mm", input._data.shape, mat2._data.shape, input._data.dtype, mat2._data.dtype)
    return Mm.apply(input, mat2)


@writes_out(same_dtype=True)
def bmm(input: Tensor, mat2: Tensor, *, out: Tensor | None = None) -> Tensor:
    if input._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    sa, sb = input._data.shape, mat2._data.shape
    if sa[0] != sb[0] or sa[2] != sb[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{sa[0]}, {sa[2]}] but got: [{sb[0]}, {sb[1]}].")
    check_device(input, mat2)
    _check("bmm", sa, sb, input._data.dtype, mat2._data.dtype)
    return Bmm.apply(input, mat2)


@writes_out(same_dtype=True)
def mv(input: Tensor, vec: Tensor, *, out: Tensor | None = None) -> Tensor:
    if input._data.ndim != 2 or vec._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {input._data.ndim}, "
                           f"{vec._data.ndim}")
    check_device(input, vec)
    _check("mv", input._data.shape, vec._data.shape, input._data.dtype, vec._data.dtype)
    return Mv.apply(input, vec)


@writes_out(same_dtype=True)
def dot(input: Tensor, tensor: Tensor, *, out: Tensor | None = None) -> Tensor:
    if input._data.ndim != 1 or tensor._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input._data.ndim}D and "
                           f"{tensor._data.ndim}D tensors")
    check_device(input, tensor)
    _check("dot", input._data.shape, tensor._data.shape, input._data.dtype, tensor._data.dtype)
    return Dot.apply(input, tensor)
