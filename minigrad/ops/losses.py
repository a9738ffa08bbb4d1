"""The loss primitives, one node each as in PyTorch: ``NllLoss`` (and ``NllLoss2d``),
``MseLoss``, ``BinaryCrossEntropy``, ``BinaryCrossEntropyWithLogits``; with ``reduce`` (the
``reduction`` argument applied to an array of per-element losses)."""
from __future__ import annotations

import numpy as np

from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import _const, out, sum_to


def reduce(loss, reduction: str):
    """Apply ``reduction`` to an array of per-element losses."""
    if reduction == "none":
        return loss
    if reduction == "sum":
        return loss.sum()
    if reduction == "mean":
        return loss.mean()
    raise ValueError(f"{reduction} is not a valid value for reduction")


def _per_element(g: Tensor, reduction: str, n: int) -> Tensor:
    """The gradient reaching each element's loss: g itself, or g / n for a mean (a 0-d g
    broadcasts over the elements)."""
    return g / n if reduction == "mean" else g


class NllLoss(Function):
    """``-logp[i, target[i]]`` (weighted), classes along dim 1."""
    _node_name = "NllLossBackward0"

    @staticmethod
    def forward(ctx, logp, target=None, weight=None, reduction="mean", ignore_index=-100):
        xp, a, t = logp.xp, logp._data, target._data
        single = a.ndim == 1  # one sample: (C,) scores and a 0-d target
        if single:
            a, t = a[None], t[None]
        # The usual case, every target a class and no class weights, costs no mask and no
        # weights: a loss is called once per training step, on small arrays, where each
        # NumPy call counts. Read as unsigned, a negative target is huge: one max checks
        # that every target lies in [0, C) (so none is an ignore_index outside the classes).
        n_classes = a.shape[1]
        if t.size and int(t.view(f"u{t.dtype.itemsize}").max()) < n_classes and \
                not 0 <= ignore_index < n_classes:
            everything, safe = True, t
        else:
            valid = t != ignore_index
            everything = bool(valid.all())
            safe = t if everything else xp.where(valid, t, 0)
            if safe.size and (safe.min() < 0 or safe.max() >= n_classes):
                bad = (safe < 0) | (safe >= n_classes)
                raise IndexError(f"Target {int(safe[bad].reshape(-1)[0])} is out of bounds.")
        w = None  # each target's weight; None: all 1
        if weight is not None:
            w = weight._data[safe].astype(a.dtype, copy=False)
        if not everything:
            w = valid.astype(a.dtype) if w is None else w * valid
        ctx.target, ctx.weights, ctx.shape = safe, w, a.shape
        ctx.reduction, ctx.single, ctx.total = reduction, single, safe.size
        losses, loss = _nll(xp, _rows(xp, a), safe.reshape(-1))
        device = logp._device
        if reduction == "mean" and w is None:  # the usual case: the mean of the losses
            return out(loss, device, a.dtype)
        losses = losses.reshape(safe.shape)
        if w is not None:
            losses = losses * w
        if reduction == "none":
            return out(losses[0] if single else losses, device, a.dtype)
        if reduction == "mean":
            ctx.total = safe.size if w is None else w.sum()  # mean over the *weights*, as PyTorch
            with np.errstate(invalid="ignore", divide="ignore"):
                return out(losses.sum() / ctx.total, device, a.dtype)
        return out(reduce(losses, reduction), device, a.dtype)

    @staticmethod
    def backward(ctx, g):
        # d(-w_i logp[i, t_i]) / d logp[i, c] = -w_i if c == t_i else 0
        if ctx.reduction == "none" and not ctx.single:
            g = g.unsqueeze(1)  # one loss per sample (and position): spread over the classes
        return _const(_nll_coefficients(ctx, g.xp, g._data.dtype), g) * g, None

    @staticmethod
    def backward_arrays(ctx, xp, g):
        """The same on arrays (see autograd/fastpath.py)."""
        if ctx.reduction == "none" and not ctx.single:
            g = g[:, None]
        return (_nll_coefficients(ctx, xp, g.dtype) * g,)


def _rows(xp, a):
    """Log-probabilities (N, C) or (N, C, d1, ...) as rows (samples, classes): one row per
    sample (and position)."""
    return a if a.ndim == 2 else xp.moveaxis(a, 1, -1).reshape(-1, a.shape[1])


def _nll(xp, logp, target):
    """The negative log-likelihood of each sample, and their mean: ``logp`` is an array
    (n, C) of log-probabilities (one row per sample), ``target`` an array (n,) of class
    indices. Returns ``losses`` (n,), ``-logp[i, target[i]]`` for each sample i, and
    ``loss``, their mean."""
    if len(target) == 0:  # no samples: the mean of nothing is nan, as in PyTorch
        return logp[:, 0], xp.asarray(np.nan, logp.dtype)
    ### BEGIN SOLUTION chapter 12: nll_loss's forward (-log p of each sample's target class, and their mean)
    losses = -logp[xp.arange(len(target)), target]
    loss = losses.sum() / len(target)
    ### END SOLUTION
    return losses, loss


def _nll_gradient(xp, shape, target, dtype):
    """The gradient of the mean loss of ``_nll`` with respect to ``logp`` (an array of
    ``shape`` (n, C), dtype ``dtype``), for the class indices ``target`` (n,)."""
    if len(target) == 0:
        return xp.zeros(shape, dtype)
    ### BEGIN SOLUTION chapter 12: nll_loss's backward (-1/n at each sample's target class, 0 elsewhere)
    grad = xp.zeros(shape, dtype)
    grad[xp.arange(len(target)), target] = -1 / len(target)
    ### END SOLUTION
    return grad


def _nll_coefficients(ctx, xp, dtype):
    """d loss / d logp, shaped like logp, for a gradient g = 1 of the (reduced) loss: the
    mean's gradient (``_nll_gradient``), rescaled for the other reductions and for weights."""
    shape, safe, w = ctx.shape, ctx.target, ctx.weights
    rows = (shape[0] * int(np.prod(shape[2:], dtype=np.int64)), shape[1])
    coef = _nll_gradient(xp, rows, safe.reshape(-1), dtype)
    if ctx.reduction != "mean" or w is not None:  # -w_i (/ the total weight, for a mean)
        scale = float(rows[0]) if ctx.reduction != "mean" else rows[0] / float(ctx.total)
        coef = coef * (scale if w is None else w.reshape(-1, 1) * scale)
    if len(shape) > 2:  # back from rows to (N, C, d1, ...)
        coef = xp.moveaxis(coef.reshape((shape[0],) + shape[2:] + (shape[1],)), -1, 1)
    coef = coef.astype(dtype, copy=False)
    return coef[0] if ctx.single else coef


class NllLoss2d(NllLoss):
    """The same, for inputs with spatial dimensions (N, C, d1, ...), as PyTorch names it."""
    _node_name = "NllLoss2DBackward0"


class MseLoss(Function):
    _node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, target, reduction="mean"):
        ctx.save_for_backward(x, target)
        ctx.reduction = reduction
        ### BEGIN SOLUTION chapter 11: the mean squared error's forward (squared differences, reduced)
        d = x._data - target._data          # arrays; target may broadcast against x
        ctx.n = d.size                      # how many squared differences a mean divides by
        squared = d * d
        if reduction == "none":
            loss = squared
        elif reduction == "sum":
            loss = squared.sum()
        else:
            loss = squared.mean()
        ### END SOLUTION
        return out(loss, x._device, x._data.dtype)

    @staticmethod
    def backward(ctx, g):
        x, t = ctx.saved_tensors
        nx, nt = ctx.needs_input_grad
        ### BEGIN SOLUTION chapter 11: the mean squared error's backward
        # d(x - t)^2/dx = 2 (x - t),  d/dt = -2 (x - t); a mean divides by n
        gd = 2 * (x - t) * _per_element(g, ctx.reduction, ctx.n)
        return (sum_to(gd, x._data.shape) if nx else None,
                sum_to(-gd, t._data.shape) if nt else None)
        ### END SOLUTION


_LOG_FLOOR = -100.0  # PyTorch clamps log(p) at -100 so that p = 0 gives a finite loss


class BinaryCrossEntropy(Function):
    _node_name = "BinaryCrossEntropyBackward0"

    @staticmethod
    def forward(ctx, x, target, weight=None, reduction="mean"):
        xp, p, t = x.xp, x._data, target._data
        if bool(((p < 0) | (p > 1)).any()):
            raise RuntimeError("all elements of input should be between 0 and 1")
        with np.errstate(divide="ignore"):
            logp, log1mp = xp.log(p), xp.log(1 - p)
        loss = -(t * xp.maximum(logp, _LOG_FLOOR) + (1 - t) * xp.maximum(log1mp, _LOG_FLOOR))
        if weight is not None:
            loss = loss * weight._data
        ctx.save_for_backward(x, target, weight)
        ctx.reduction, ctx.n = reduction, loss.size
        return out(reduce(loss, reduction), x._device, p.dtype)

    @staticmethod
    def backward(ctx, g):
        # dL/dp = (p - t) / (p (1 - p)), the denominator kept >= 1e-12 (PyTorch's EPSILON)
        # dL/dt = log(1 - p) - log(p)  (= -logit(p))
        p, t, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        ge = _per_element(g, ctx.reduction, ctx.n)
        if w is not None:
            ge = ge * w
        gp = ge * (p - t) / (p * (1 - p)).clamp(min=1e-12) if need[0] else None
        gt = None
        if len(need) > 1 and need[1]:
            gt = sum_to(ge * ((1 - p).log() - p.log()), t._data.shape)  # unclamped, as PyTorch
        return gp, gt, None


class BinaryCrossEntropyWithLogits(Function):
    """BCE on logits, computed stably: never exp of a large positive number."""
    _node_name = "BinaryCrossEntropyWithLogitsBackward0"

    @staticmethod
    def forward(ctx, x, target, weight=None, pos_weight=None, reduction="mean"):
        xp, z, t = x.xp, x._data, target._data
        # log sigmoid(z) = min(z, 0) - log(1 + exp(-|z|))
        log_sig = xp.minimum(z, 0) - xp.log1p(xp.exp(-xp.abs(z)))
        lw = 1 + (pos_weight._data - 1) * t if pos_weight is not None else 1
        loss = (1 - t) * z - lw * log_sig  # = -[lw t log sig(z) + (1 - t) log(1 - sig(z))]
        if weight is not None:
            loss = loss * weight._data
        ctx.save_for_backward(x, target, weight, pos_weight)
        ctx.reduction, ctx.n = reduction, loss.size
        return out(reduce(loss, reduction), x._device, z.dtype)

    @staticmethod
    def backward(ctx, g):
        # dL/dz = lw sigmoid(z) - lw + 1 - t (= sigmoid(z) - t without pos_weight)
        # dL/dt = -z - (pos_weight - 1) log sigmoid(z)
        z, t, w, pw = ctx.saved_tensors
        need = ctx.needs_input_grad
        ge = _per_element(g, ctx.reduction, ctx.n)
        if w is not None:
            ge = ge * w
        sig = z.sigmoid()
        gz = gt = None
        if need[0]:
            gz = ge * (sig - t) if pw is None else ge * ((1 + (pw - 1) * t) * (sig - 1) + 1 - t)
            gz = sum_to(gz, z._data.shape)
        if len(need) > 1 and need[1]:
            gt = -z if pw is None else -z - (pw - 1) * (sig.log())
            gt = sum_to(ge * gt, t._data.shape)
        return gz, gt, None, None
