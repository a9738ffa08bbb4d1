"""The primitives behind ``minigrad.nn``: the steps of a network that PyTorch records as one node.

| section        | Function                      | PyTorch's node                        |
|----------------|-------------------------------|---------------------------------------|
| linear         | Addmm                         | AddmmBackward0                        |
| convolution    | Im2col, Col2im, Convolution   | ConvolutionBackward0                  |
| pooling        | MaxPool2d                     | MaxPool2DWithIndicesBackward0         |
| embedding      | Embedding                     | EmbeddingBackward0                    |
| normalisation  | BatchNorm                     | NativeBatchNormBackward0              |
| losses         | NllLoss, MseLoss, BinaryCrossEntropy, BinaryCrossEntropyWithLogits |   |

As everywhere in ``minigrad.ops``: forward works on arrays, backward is Tensor code, so
``create_graph=True`` differentiates the backward itself (second derivatives for free).
Convolution is im2col + one matrix product: im2col copies every patch the kernel sees into a
column, so sliding the kernel becomes ``W @ cols``; its backward is col2im (and vice versa).
"""
from __future__ import annotations

from typing import NamedTuple

import numpy as np

from ..autograd import grad_mode
from ..autograd.function import Function
from ..tensor.tensor import Tensor
from .helpers import out, sum_to
from .indexing import IndexAdd


def _const(arr, like: Tensor) -> Tensor:
    """A constant (never differentiated) tensor on ``like``'s device."""
    return Tensor._make(arr, like._device)


# ------------------------------------------------------------------------------------- linear
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


# -------------------------------------------------------------------------------- convolution
class ConvGeometry(NamedTuple):
    """Where a 2-d kernel goes: input shape (N, C, H, W) and (height, width) pairs."""
    shape: tuple
    kernel: tuple
    stride: tuple
    padding: tuple
    dilation: tuple

    @property
    def out(self) -> tuple:
        """(OH, OW): how many kernel positions fit, as PyTorch counts them."""
        return tuple((size + 2 * p - d * (k - 1) - 1) // s + 1 for size, k, s, p, d in
                     zip(self.shape[2:], self.kernel, self.stride, self.padding, self.dilation))

    def window(self, i: int, j: int) -> tuple:
        """The slices of the padded input that kernel element (i, j) sees, for every output."""
        (oh, ow), (sh, sw), (dh, dw) = self.out, self.stride, self.dilation
        return (slice(None), slice(None), slice(i * dh, i * dh + sh * (oh - 1) + 1, sh),
                slice(j * dw, j * dw + sw * (ow - 1) + 1, sw))


def im2col(xp, x, geo: ConvGeometry, pad_value: float = 0.0):
    """(N, C, H, W) -> (C*kh*kw, N*OH*OW): column n*OH*OW + l is the patch under output l of
    sample n, in the order of ``weight.reshape(out_channels, -1)``'s rows."""
    n, c = geo.shape[:2]
    (kh, kw), (ph, pw), (oh, ow) = geo.kernel, geo.padding, geo.out
    if ph or pw:
        x = xp.pad(x, ((0, 0), (0, 0), (ph, ph), (pw, pw)), constant_values=pad_value)
    cols = xp.empty((c, kh, kw, n, oh, ow), dtype=x.dtype)
    for i in range(kh):  # a loop over the kernel (9 steps for 3x3), not over the image
        for j in range(kw):
            cols[:, i, j] = x[geo.window(i, j)].transpose(1, 0, 2, 3)
    return cols.reshape(c * kh * kw, n * oh * ow)


def col2im(xp, cols, geo: ConvGeometry):
    """The adjoint of im2col: add every column back where its patch came from."""
    n, c, h, w = geo.shape
    (kh, kw), (ph, pw), (oh, ow) = geo.kernel, geo.padding, geo.out
    cols = cols.reshape(c, kh, kw, n, oh, ow)
    x = xp.zeros((n, c, h + 2 * ph, w + 2 * pw), dtype=cols.dtype)
    for i in range(kh):
        for j in range(kw):
            x[geo.window(i, j)] += cols[:, i, j].transpose(1, 0, 2, 3)  # overlapping patches add
    return xp.ascontiguousarray(x[:, :, ph:ph + h, pw:pw + w])


class Im2col(Function):
    _node_name = "Im2ColBackward0"

    @staticmethod
    def forward(ctx, x, geo=None):
        ctx.geo = geo
        return out(im2col(x.xp, x._data, geo), x._device)

    @staticmethod
    def backward(ctx, g):
        return Col2im.apply(g, geo=ctx.geo)  # im2col is linear: its adjoint is col2im


class Col2im(Function):
    _node_name = "Col2ImBackward0"

    @staticmethod
    def forward(ctx, cols, geo=None):
        ctx.geo = geo
        return out(col2im(cols.xp, cols._data, geo), cols._device)

    @staticmethod
    def backward(ctx, g):
        return Im2col.apply(g, geo=ctx.geo)  # ... and col2im's is im2col


class Convolution(Function):
    """``y = W @ im2col(x) + b``, reshaped to (N, out_channels, OH, OW)."""
    _node_name = "ConvolutionBackward0"

    @staticmethod
    def forward(ctx, x, weight, bias=None, geo=None):
        need = ctx.needs_input_grad  # dW needs x, dX needs W
        ctx.save_for_backward(x if need[1] else None, weight if need[0] else None)
        ctx.geo, ctx.wshape = geo, weight._data.shape
        oc = weight._data.shape[0]
        (oh, ow), n = geo.out, geo.shape[0]
        y = weight._data.reshape(oc, -1) @ im2col(x.xp, x._data, geo)  # (OC, N*OH*OW)
        if bias is not None:
            y += bias._data[:, None]
        y = y.reshape(oc, n, oh, ow).transpose(1, 0, 2, 3)
        return out(x.xp.ascontiguousarray(y), x._device)

    @staticmethod
    def backward(ctx, g):
        # with Y = W cols(x) + b:  dX = col2im(W^T dY),  dW = dY cols(x)^T,  db = sum of dY
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        geo, oc = ctx.geo, ctx.wshape[0]
        g2 = g.transpose(0, 1).reshape(oc, -1)  # (OC, N*OH*OW), the layout of W @ cols
        gx = Col2im.apply(w.reshape(oc, -1).t().mm(g2), geo=geo) if need[0] else None
        gw = g2.mm(Im2col.apply(x, geo=geo).t()).reshape(ctx.wshape) if need[1] else None
        gb = g.sum(dim=(0, 2, 3)) if len(need) > 2 and need[2] else None
        return gx, gw, gb


# ------------------------------------------------------------------------------------ pooling
class MaxPool2d(Function):
    """The largest value under each window; the gradient goes to the element that won."""
    _node_name = "MaxPool2DWithIndicesBackward0"

    @staticmethod
    def forward(ctx, x, geo=None, return_indices=False):
        xp = x.xp
        n, c, h, w = geo.shape
        (oh, ow), kw = geo.out, geo.kernel[1]
        # every channel is pooled on its own: treat (N, C) as N*C one-channel images
        flat = geo._replace(shape=(n * c, 1, h, w))
        cols = im2col(xp, x._data.reshape(n * c, 1, h, w), flat, pad_value=-np.inf)
        arg = cols.argmax(axis=0)  # which kernel element won, for every output
        y = xp.take_along_axis(cols, arg[None], axis=0).reshape(n, c, oh, ow)
        ctx.flat, ctx.arg, ctx.shape = flat, arg, geo.shape
        y = out(y, x._device)
        if not return_indices:
            return y
        # PyTorch's indices: the winner's flat position h*W + w in its (n, c) plane
        pos = xp.tile(xp.arange(oh * ow), n * c)  # output position l of each column
        hh = (pos // ow) * geo.stride[0] - geo.padding[0] + (arg // kw) * geo.dilation[0]
        ww = (pos % ow) * geo.stride[1] - geo.padding[1] + (arg % kw) * geo.dilation[1]
        idx = out((hh * w + ww).reshape(n, c, oh, ow).astype(np.int64), x._device)
        ctx.mark_non_differentiable(idx)
        return y, idx

    @staticmethod
    def backward(ctx, g, *_):
        # d max/dx_i = 1 for the winner of each window, 0 for the others (windows may overlap)
        k = ctx.flat.kernel[0] * ctx.flat.kernel[1]
        xp = g.xp
        winner = (xp.arange(k)[:, None] == ctx.arg[None, :]).astype(g._data.dtype)
        gcols = g.reshape(1, -1) * _const(winner, g)
        return Col2im.apply(gcols, geo=ctx.flat).reshape(ctx.shape)


# ---------------------------------------------------------------------------------- embedding
class Embedding(Function):
    """Row lookup ``weight[indices]``; the backward adds each gradient row into its row."""
    _node_name = "EmbeddingBackward0"

    @staticmethod
    def forward(ctx, weight, indices=None, padding_idx=None):
        idx = indices._data
        n = weight._data.shape[0]
        if idx.size and bool(((idx < 0) | (idx >= n)).any()):
            raise IndexError("index out of range in self")
        ctx.idx, ctx.wshape, ctx.padding_idx = idx, weight._data.shape, padding_idx
        return out(weight._data[idx], weight._device)

    @staticmethod
    def backward(ctx, g):
        # d weight[i]/d weight = one-hot rows: scatter-add (an index used twice gets both)
        if ctx.padding_idx is not None:  # the padding row never learns
            keep = (ctx.idx != ctx.padding_idx)[..., None].astype(g._data.dtype)
            g = g * _const(keep, g)
        return IndexAdd.apply(g, shape=ctx.wshape, index=ctx.idx)


# ------------------------------------------------------------------------------ normalisation
class BatchNorm(Function):
    """``(x - mean) / sqrt(var + eps) * weight + bias`` per channel (dim 1). Training uses the
    batch's statistics (and updates the running ones in place); eval uses the running ones."""
    _node_name = "NativeBatchNormBackward0"

    @staticmethod
    def forward(ctx, x, weight=None, bias=None, running_mean=None, running_var=None,
                training=True, momentum=0.1, eps=1e-5):
        xp, a = x.xp, x._data
        axes = (0,) + tuple(range(2, a.ndim))  # every dimension but the channels
        shape = tuple(s if i == 1 else 1 for i, s in enumerate(a.shape))
        if training:
            mean, var = a.mean(axis=axes), a.var(axis=axes)
            if running_mean is not None:
                n = a.size // a.shape[1]
                # running_var tracks the unbiased variance, as in PyTorch
                _blend(running_mean, mean, momentum)
                _blend(running_var, var * (n / max(n - 1, 1)), momentum)
        else:
            mean, var = running_mean._data, running_var._data
        invstd = 1 / xp.sqrt(var + eps)
        y = (a - mean.reshape(shape)) * invstd.reshape(shape)
        if weight is not None:
            y = y * weight._data.reshape(shape)
        if bias is not None:
            y = y + bias._data.reshape(shape)
        ctx.save_for_backward(x, weight)
        ctx.axes, ctx.shape, ctx.training, ctx.eps = axes, shape, training, eps
        if not training:  # copies: the running statistics may change before backward
            ctx.stats = (mean.reshape(shape).copy(), invstd.reshape(shape))
        return out(y.astype(a.dtype, copy=False), x._device)

    @staticmethod
    def backward(ctx, g):
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad + (False,) * (3 - len(ctx.needs_input_grad))
        axes, shape = ctx.axes, ctx.shape
        if ctx.training:  # recomputed as Tensor code, so that they differentiate again
            mean = x.mean(dim=axes, keepdim=True)
            invstd = (x.var(dim=axes, unbiased=False, keepdim=True) + ctx.eps).rsqrt()
        else:
            mean, invstd = (_const(s, x) for s in ctx.stats)
        xhat = (x - mean) * invstd
        gx = gw = gb = None
        if need[0]:
            gxhat = g * w.reshape(shape) if w is not None else g
            if ctx.training:
                # xhat_i depends on every x_j through the mean and the variance:
                # dx = invstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat))
                gx = invstd * (gxhat - gxhat.mean(dim=axes, keepdim=True)
                               - xhat * (gxhat * xhat).mean(dim=axes, keepdim=True))
            else:
                gx = gxhat * invstd  # constants: a plain affine map
        if need[1]:
            gw = (g * xhat).sum(dim=axes)  # d(xhat w + b)/dw = xhat
        if need[2]:
            gb = g.sum(dim=axes)           # d(xhat w + b)/db = 1
        return gx, gw, gb


def _blend(running: Tensor, value, momentum: float) -> None:
    """running = (1 - momentum) running + momentum value, in place (a new version)."""
    running._data *= 1 - momentum
    running._data += momentum * value.astype(running._data.dtype, copy=False)
    running._counter().value += 1


# ------------------------------------------------------------------------------------- losses
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
        if a.ndim == 2:
            picked = a[xp.arange(a.shape[0]), safe]
        else:
            picked = xp.take_along_axis(a, safe[:, None], axis=1)[:, 0]
        ctx.target, ctx.weights, ctx.shape = safe, w, a.shape
        ctx.reduction, ctx.single = reduction, single
        if reduction == "mean" and w is None and safe.size:  # -sum / N: no array of losses
            ctx.total = safe.size
            return out(-picked.sum() / ctx.total, logp._device, a.dtype)
        losses = -picked if w is None else -picked * w
        if reduction == "none":
            return out(losses[0] if single else losses, logp._device)
        if reduction == "mean":
            ctx.total = safe.size if w is None else w.sum()  # mean over the *weights*, as PyTorch
            with np.errstate(invalid="ignore", divide="ignore"):
                return out(losses.sum() / ctx.total, logp._device, a.dtype)
        return out(reduce(losses, reduction), logp._device, a.dtype)

    @staticmethod
    def backward(ctx, g):
        # d(-w_i logp[i, t_i]) / d logp[i, c] = -w_i if c == t_i else 0
        xp, shape, safe, w = g.xp, ctx.shape, ctx.target, ctx.weights
        if not grad_mode.state.enabled and len(shape) == 2:
            return NllLoss._first_order(ctx, g, shape, safe, w), None
        if ctx.reduction == "none" and not ctx.single:
            g = g.unsqueeze(1)  # one loss per sample (and position): spread over the classes
        elif ctx.reduction == "mean":
            g = g / float(ctx.total)
        # backward's coefficients: -w at each target, 0 elsewhere (a weighted one-hot)
        classes = xp.arange(shape[1]).reshape((1, -1) + (1,) * (len(shape) - 2))
        hit = classes == safe[:, None]
        coef = -hit.astype(g._data.dtype) if w is None else hit * -w[:, None]
        coef = coef[0] if ctx.single else coef
        return _const(coef, g) * g, None

    @staticmethod
    def _first_order(ctx, g, shape, safe, w):
        """The same gradient on the arrays, when nothing is recorded: zeros, and -w * g
        written at each sample's target (PyTorch's kernel does just this)."""
        xp, gd = g.xp, g._data
        if ctx.reduction == "mean":
            gd = gd / float(ctx.total)
        res = xp.zeros(shape, gd.dtype)
        res[xp.arange(shape[0]), safe] = -gd if w is None else -(w * gd)
        return out(res[0] if ctx.single else res, g._device)


class NllLoss2d(NllLoss):
    """The same, for inputs with spatial dimensions (N, C, d1, ...), as PyTorch names it."""
    _node_name = "NllLoss2DBackward0"


class MseLoss(Function):
    _node_name = "MseLossBackward0"

    @staticmethod
    def forward(ctx, x, target, reduction="mean"):
        d = x._data - target._data
        ctx.save_for_backward(x, target)
        ctx.reduction, ctx.n = reduction, d.size
        return out(reduce(d * d, reduction), x._device, x._data.dtype)

    @staticmethod
    def backward(ctx, g):
        # d(x - t)^2/dx = 2 (x - t),  d/dt = -2 (x - t)
        x, t = ctx.saved_tensors
        nx, nt = ctx.needs_input_grad
        gd = 2 * (x - t) * _per_element(g, ctx.reduction, ctx.n)
        return (sum_to(gd, x._data.shape) if nx else None,
                sum_to(-gd, t._data.shape) if nt else None)


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
