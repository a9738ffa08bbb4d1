"""``nn.Linear``'s primitive: ``bias + mat1 @ mat2`` in one node, as PyTorch's ``addmm``
(``AddmmBackward0``). Forward works on arrays, backward is Tensor code (so ``create_graph=True``
differentiates it), with a first-order shortcut on the arrays when nothing is recorded."""
from __future__ import annotations

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor.tensor import Tensor
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
        if not grad_mode.state.enabled and len(ctx.bias_shape) == 1:
            return Addmm._first_order(ctx, g, a, b)
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
    def _first_order(ctx, g, a, b):
        """The same products on the arrays, when nothing is recorded (no create_graph) and the
        bias is a vector (nn.Linear): a training step's backward spends its time here, and
        the seven tensor ops above each cost a few µs of Python."""
        nb, na, nm = ctx.needs_input_grad
        gd, dev = g._data, g._device
        gm = None
        if nm:
            gm = (gd.T @ a._data).T if ctx.mat2_transposed else a._data.T @ gd
        return (Tensor._make(gd.sum(axis=0), dev) if nb else None,
                Tensor._make(gd @ b._data.T, dev) if na else None,
                None if gm is None else Tensor._make(gm, dev))
