"""``nn.Linear``'s primitive: ``bias + mat1 @ mat2`` in one node, as PyTorch's ``addmm``
(``AddmmBackward0``). Forward works on arrays, backward is Tensor code (so ``create_graph=True``
differentiates it); ``backward_arrays`` is the same on arrays, for when nothing is recorded
(see autograd/fastpath.py)."""
from __future__ import annotations

from ..autograd.fastpath import saved_arrays
from ..autograd.forward_ad import plus
from ..autograd.function import Function
from .helpers import out, sum_to


class Addmm(Function):
    """``bias + mat1 @ mat2`` in one node: ``nn.Linear`` is ``addmm(b, x, W.t())``."""
    _node_name = "AddmmBackward0"

    @staticmethod
    def forward(ctx, bias, mat1, mat2):
        _, n1, n2 = ctx.needs_input_grad
        ctx.save_for_backward(mat1 if n2 else None, mat2 if n1 else None)
        ctx.bias_shape = bias._data.shape
        m2 = mat2._data
        ctx.mat2_transposed = m2.ndim == 2 and not m2.flags.c_contiguous and m2.flags.f_contiguous
        y = mat1._data @ m2
        y += bias._data  # in place: no second (batch, out) temporary
        return out(y, mat1._device)

    @staticmethod
    def backward(ctx, g):
        # d(b + A B)/db = 1 (summed over rows), dA = g B^T, dB = A^T g
        a, b = ctx.saved_tensors
        nb, na, nm = ctx.needs_input_grad
        gm = None
        if nm:
            # mat2 is usually weight.t(), a transposed view: compute (g^T A)^T, so that after
            # TBackward0 the weight's gradient comes out row-major like the weight (as
            # PyTorch's mm_mat2_backward does); A^T g would give a column-major one, slow to
            # copy and to add into a row-major weight.
            gm = g.t().mm(a).t() if ctx.mat2_transposed else a.t().mm(g)
        return (sum_to(g, ctx.bias_shape) if nb else None,
                g.mm(b.t()) if na else None,
                gm)

    @staticmethod
    def jvp(fw, tbias, tm1, tm2):
        # d(b + A B) = db + dA B + A dB
        return plus(tbias, None if tm1 is None else tm1.mm(fw.mat2),
                    None if tm2 is None else fw.mat1.mm(tm2))

    @staticmethod
    def backward_arrays(ctx, xp, g):
        if len(ctx.bias_shape) != 1:
            return None
        a, b = saved_arrays(ctx)
        nb, na, nm = ctx.needs_input_grad
        gm = None
        if nm:
            gm = (g.T @ a).T if ctx.mat2_transposed else a.T @ g
        return (g.sum(axis=0) if nb else None, g @ b.T if na else None, gm)
