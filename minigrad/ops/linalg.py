"""Matrix products: ``@``/matmul in all its cases, mm, bmm, mv, dot.

One backward serves them all: promote 1-d operands to matrices, then
dA = dY @ B^T and dB = A^T @ dY, summed over broadcast batch dimensions.
"""
from __future__ import annotations

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import check_device, out, result_dtype, sum_to


class Matmul(Function):
    _node_name = "UnsafeViewBackward0"  # PyTorch's name for the batched case (a bmm + a view)

    @staticmethod
    def forward(ctx, a, b):
        check_device(a, b)
        _check_shapes(a._data.shape, b._data.shape)
        ctx.save_for_backward(a if ctx.needs_input_grad[1] else None,
                              b if ctx.needs_input_grad[0] else None)
        ctx.shapes = (a._data.shape, b._data.shape)
        dt = result_dtype(a, b)
        xa, xb = a._data, b._data
        if xa.dtype != dt:
            xa = xa.astype(dt)
        if xb.dtype != dt:
            xb = xb.astype(dt)
        return out(a.xp.matmul(xa, xb), a._device)

    @staticmethod
    def backward(ctx, g):
        a, b = ctx.saved_tensors
        sa, sb = ctx.shapes
        na, nb = ctx.needs_input_grad
        # treat a vector as a 1-row (left) or 1-column (right) matrix, as matmul does
        a_vec, b_vec = len(sa) == 1, len(sb) == 1
        if a_vec:
            g = g.unsqueeze(-2)
        if b_vec:
            g = g.unsqueeze(-1)
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


def _check_shapes(sa: tuple, sb: tuple) -> None:
    if len(sa) == 0 or len(sb) == 0:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(sa)}D and {len(sb)}D")
    if len(sa) == 1 and len(sb) == 1:
        if sa[0] != sb[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{sa[0]}] and src "
                               f"[{sb[0]}] to have the same number of elements, but got "
                               f"{sa[0]} and {sb[0]} elements respectively")
        return
    k_a = sa[-1]
    k_b = sb[0] if len(sb) == 1 else sb[-2]
    if k_a != k_b:
        m1 = "x".join(map(str, sa if len(sa) <= 2 else (int(_prod(sa[:-1])), sa[-1])))
        m2 = "x".join(map(str, sb if len(sb) <= 2 else sb[-2:]))
        if len(sa) == 1:
            m1 = f"1x{sa[0]}"
        if len(sb) == 1:
            m2 = f"{sb[0]}x1"
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({m1} and {m2})")


def _prod(xs) -> int:
    p = 1
    for x in xs:
        p *= x
    return p


def matmul(a: Tensor, b: Tensor) -> Tensor:
    na, nb = a._data.ndim, b._data.ndim
    if na == 1 and nb == 1:
        return Dot.apply(a, b)
    if na == 2 and nb == 1:
        return Mv.apply(a, b)
    if na == 2 and nb == 2:
        return Mm.apply(a, b)
    if na == 1 and nb == 2:
        return VecMat.apply(a, b)
    return Matmul.apply(a, b)


def mm(a: Tensor, b: Tensor) -> Tensor:
    if a._data.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if b._data.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return Mm.apply(a, b)


def bmm(a: Tensor, b: Tensor) -> Tensor:
    if a._data.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if b._data.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if a._data.shape[0] != b._data.shape[0] or a._data.shape[2] != b._data.shape[1]:
        raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                           f"[{a._data.shape[0]}, {a._data.shape[2]}] but got: "
                           f"[{b._data.shape[0]}, {b._data.shape[1]}].")
    return Bmm.apply(a, b)


def mv(a: Tensor, v: Tensor) -> Tensor:
    if a._data.ndim != 2 or v._data.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got {a._data.ndim}, "
                           f"{v._data.ndim}")
    return Mv.apply(a, v)


def dot(a: Tensor, b: Tensor) -> Tensor:
    if a._data.ndim != 1 or b._data.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {a._data.ndim}D and "
                           f"{b._data.ndim}D tensors")
    return Dot.apply(a, b)
