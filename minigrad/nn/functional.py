"""``minigrad.nn.functional`` (``F``): the layers and losses as plain functions.

The modules in ``minigrad.nn`` hold parameters and call these. Each function checks its
arguments the way PyTorch does (same errors), then calls the primitive that computes it: a
``Function`` in ``minigrad.ops`` (linear.py, conv.py, losses.py...) where PyTorch records one
node (``AddmmBackward0``, ``ConvolutionBackward0``, ``NllLossBackward0``...), or a few Tensor
operations where PyTorch composes too (``l1_loss`` is ``(input - target).abs().mean()``).
"""
from __future__ import annotations

import warnings

import numpy as np

from .. import backend
from .. import ops
from ..ops.conv import ConvGeometry, ConvTranspose, Convolution
from ..ops.embedding import Embedding
from ..ops.helpers import broadcast_shape
from ..ops.linear import Addmm
from ..ops.losses import (BinaryCrossEntropy, BinaryCrossEntropyWithLogits, MseLoss, NllLoss,
                          NllLoss2d)
from ..ops.normalization import BatchNorm
from ..ops.pooling import MaxPool2d
from ..tensor.dtypes import legacy_type_name, type_name
from ..tensor.tensor import Tensor


# --------------------------------------------------------------------------------- layers
def linear(input: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """``input @ weight.T + bias``; weight is (out_features, in_features)."""
    if bias is None:
        return ops.matmul(input, weight.t())
    shape, wshape = input._data.shape, weight._data.shape  # (plain tuples: called per layer)
    k = shape[-1] if shape else 1
    if k != wshape[1]:
        rows = input.numel() // k if len(shape) > 1 and k else 1
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({rows}x{k} and "
                           f"{wshape[1]}x{wshape[0]})")
    if len(shape) == 2:
        return Addmm.apply(bias, input, weight.t())
    # other ranks: fold the leading dimensions into one, as PyTorch does (hence ViewBackward0)
    y = Addmm.apply(bias, input.reshape(-1, k), weight.t())
    return y.view(*input.shape[:-1], weight.shape[0])


def _pair(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (int(v), int(v))


def _batched(input: Tensor, name: str):
    """Accept (C, H, W) as a batch of one, as PyTorch does; returns (4-d input, was_3d)."""
    if input.dim() == 3:
        return input.unsqueeze(0), True
    if input.dim() != 4:
        raise RuntimeError(f"Expected 3D (unbatched) or 4D (batched) input to {name}, but got "
                           f"input of size: {list(input.shape)}")
    return input, False


def conv2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1, padding=0,
           dilation=1, groups: int = 1) -> Tensor:
    """2-d cross-correlation (what deep learning calls convolution), via im2col."""
    if groups != 1:
        raise NotImplementedError("minigrad's conv2d supports groups=1 only")
    x, unbatched = _batched(input, "conv2d")
    if x.shape[1] != weight.shape[1]:
        raise RuntimeError(f"Given groups=1, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {weight.shape[1]} channels, but got "
                           f"{x.shape[1]} channels instead")
    kernel, dilation = tuple(weight.shape[2:]), _pair(dilation)
    if isinstance(padding, str):
        padding = _string_padding(padding, kernel, _pair(stride), dilation)
    geo = ConvGeometry(tuple(x.shape), kernel, _pair(stride), _pair(padding), dilation)
    if min(geo.out) <= 0:
        raise RuntimeError(f"Calculated output size: ({weight.shape[0]}x{geo.out[0]}x"
                           f"{geo.out[1]}). Output size is too small")
    args = (x, weight) if bias is None else (x, weight, bias)
    y = Convolution.apply(*args, geo=geo)
    return y.squeeze(0) if unbatched else y


def conv_transpose2d(input: Tensor, weight: Tensor, bias: Tensor | None = None, stride=1,
                     padding=0, output_padding=0, groups: int = 1, dilation=1) -> Tensor:
    """The transpose (adjoint) of conv2d: each input pixel adds a weighted copy of the kernel
    to the output (stride apart), which grows the image; ``weight`` is (in_channels,
    out_channels, kh, kw). Output size: (H - 1) stride - 2 padding + dilation (kh - 1)
    + output_padding + 1."""
    if groups != 1:
        raise NotImplementedError("minigrad's conv_transpose2d supports groups=1 only")
    x, unbatched = _batched(input, "conv_transpose2d")
    if x.shape[1] != weight.shape[0]:
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"input{list(x.shape)} to have {weight.shape[0]} channels, but got "
                           f"{x.shape[1]} channels instead")
    if bias is not None and tuple(bias.shape) != (weight.shape[1],):
        raise RuntimeError(f"Given transposed=1, weight of size {list(weight.shape)}, expected "
                           f"bias to be 1-dimensional with {weight.shape[1]} elements, but got "
                           f"bias of size {list(bias.shape)} instead")
    kernel, stride, padding = tuple(weight.shape[2:]), _pair(stride), _pair(padding)
    dilation, output_padding = _pair(dilation), _pair(output_padding)
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but got "
            f"output_padding_height: {output_padding[0]} output_padding_width: "
            f"{output_padding[1]} stride_height: {stride[0]} stride_width: {stride[1]} "
            f"dilation_height: {dilation[0]} dilation_width: {dilation[1]}")
    size = tuple((h - 1) * s - 2 * p + d * (k - 1) + op + 1 for h, s, p, d, k, op in
                 zip(x.shape[2:], stride, padding, dilation, kernel, output_padding))
    if min(size) < 0:
        raise RuntimeError(f"Given input size per channel: ({x.shape[2]} x {x.shape[3]}). "
                           f"Calculated output size per channel: ({size[0]} x {size[1]}). "
                           "Output size is too small")
    # the convolution whose adjoint this is: from an image of the output's size
    geo = ConvGeometry((x.shape[0], weight.shape[1]) + size, kernel, stride, padding, dilation)
    args = (x, weight) if bias is None else (x, weight, bias)
    y = ConvTranspose.apply(*args, geo=geo)
    return y.squeeze(0) if unbatched else y


def _string_padding(padding: str, kernel: tuple, stride: tuple, dilation: tuple) -> tuple:
    if padding == "valid":
        return (0, 0)
    if padding != "same":
        raise ValueError(f"Invalid padding string '{padding}', should be one of "
                         "{'valid', 'same'}")
    if stride != (1, 1):
        raise ValueError("padding='same' is not supported for strided convolutions")
    total = [d * (k - 1) for k, d in zip(kernel, dilation)]
    if any(t % 2 for t in total):  # PyTorch pads one more on one side; im2col pads evenly
        raise NotImplementedError("minigrad supports padding='same' only when it is symmetric "
                                  "(odd kernel sizes)")
    return tuple(t // 2 for t in total)


def max_pool2d(input: Tensor, kernel_size, stride=None, padding=0, dilation=1,
               ceil_mode: bool = False, return_indices: bool = False):
    """The maximum of each kernel_size window (stride defaults to the kernel size)."""
    if ceil_mode:
        raise NotImplementedError("minigrad's max_pool2d does not support ceil_mode=True")
    x, unbatched = _batched(input, "max_pool2d")
    kernel, dilation = _pair(kernel_size), _pair(dilation)
    stride, padding = _pair(stride if stride is not None and stride != [] else kernel), \
        _pair(padding)
    for p, k, d in zip(padding, kernel, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(f"pad should be at most half of effective kernel size, but got "
                               f"pad={p}, kernel_size={k} and dilation={d}")
    geo = ConvGeometry(tuple(x.shape), kernel, stride, padding, dilation)
    res = MaxPool2d.apply(x, geo=geo, return_indices=return_indices)
    if unbatched:
        res = tuple(r.squeeze(0) for r in res) if return_indices else res.squeeze(0)
    return res


def embedding(input: Tensor, weight: Tensor, padding_idx: int | None = None,
              max_norm=None, norm_type: float = 2.0, scale_grad_by_freq: bool = False,
              sparse: bool = False) -> Tensor:
    """``weight[input]``: one row of the table per index."""
    if max_norm is not None or scale_grad_by_freq or sparse:
        raise NotImplementedError("minigrad's embedding does not support max_norm, "
                                  "scale_grad_by_freq or sparse")
    if input.is_floating_point():
        raise RuntimeError("Expected tensor for argument #1 'indices' to have one of the "
                           "following scalar types: Long, Int; but got "
                           f"torch.{legacy_type_name(input.dtype)} "
                           "instead (while checking arguments for embedding)")
    if padding_idx is not None and padding_idx < 0:
        padding_idx += weight.shape[0]
    return Embedding.apply(weight, indices=input, padding_idx=padding_idx)


def batch_norm(input: Tensor, running_mean: Tensor | None, running_var: Tensor | None,
               weight: Tensor | None = None, bias: Tensor | None = None,
               training: bool = False, momentum: float = 0.1, eps: float = 1e-5) -> Tensor:
    """Normalise each channel (dim 1) to zero mean and unit variance, then scale and shift."""
    if training:
        n = input.numel() // input.shape[1]
        if n == 1:
            raise ValueError(f"Expected more than 1 value per channel when training, got input "
                             f"size {input.shape}")
    elif running_mean is None or running_var is None:
        raise RuntimeError("running_mean and running_var must be defined in evaluation mode")
    return BatchNorm.apply(input, weight, bias, running_mean=running_mean,
                           running_var=running_var, training=training,
                           momentum=momentum, eps=eps)


def dropout(input: Tensor, p: float = 0.5, training: bool = True,
            inplace: bool = False) -> Tensor:
    """Zero each element with probability p and scale the rest by 1/(1-p), so the expected
    value is unchanged; the identity in eval mode."""
    if p < 0.0 or p > 1.0:
        raise ValueError(f"dropout probability has to be between 0 and 1, but got {p}")
    if not training or p == 0.0:
        return input
    keep = backend.default_generator.rng.random(tuple(input.shape)) >= p
    scale = 0.0 if p == 1.0 else 1.0 / (1.0 - p)
    mask = Tensor._make(backend.to_device((keep * scale).astype(input._data.dtype),
                                          input.device), input.device)
    return input.mul_(mask) if inplace else input * mask  # d(x m)/dx = m


# ---------------------------------------------------------------------------- activations
def relu(input: Tensor, inplace: bool = False) -> Tensor:
    return input.relu_() if inplace else ops.relu(input)


def sigmoid(input: Tensor) -> Tensor:
    return ops.sigmoid(input)


def tanh(input: Tensor) -> Tensor:
    return ops.tanh(input)


def softplus(input: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + exp(beta x)) / beta``, and ``x`` where ``beta x > threshold``."""
    return ops.softplus(input, beta, threshold)


def _softmax_dim(ndim: int) -> int:
    warnings.warn("Implicit dimension choice for softmax has been deprecated. Change the call "
                  "to include dim=X as an argument.", stacklevel=3)
    return 0 if ndim in (0, 1, 3) else 1


def softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
            dtype=None) -> Tensor:
    return ops.softmax(input, _softmax_dim(input.dim()) if dim is None else dim, dtype)


def log_softmax(input: Tensor, dim: int | None = None, _stacklevel: int = 3,
                dtype=None) -> Tensor:
    return ops.log_softmax(input, _softmax_dim(input.dim()) if dim is None else dim, dtype)


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """Class indices -> rows of the identity (int64), one more dimension at the end."""
    if tensor.is_floating_point():
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    idx = tensor._data
    if idx.size and int(idx.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    if num_classes == -1:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    elif idx.size and int(idx.max()) >= num_classes:
        raise RuntimeError("Class values must be smaller than num_classes.")
    xp = tensor.xp
    return Tensor._make((idx[..., None] == xp.arange(num_classes)).astype(np.int64),
                        tensor.device)


# --------------------------------------------------------------------------------- losses
def _legacy_reduction(size_average, reduce, reduction: str) -> str:
    """The old ``size_average``/``reduce`` flags, mapped to ``reduction`` as PyTorch does."""
    if size_average is None and reduce is None:
        return reduction
    size_average = True if size_average is None else size_average
    reduce = True if reduce is None else reduce
    ret = ("mean" if size_average else "sum") if reduce else "none"
    warnings.warn(f"size_average and reduce args will be deprecated, please use "
                  f"reduction='{ret}' instead.", stacklevel=3)
    return ret


def _check_reduction(reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{reduction} is not a valid value for reduction")


def _warn_if_target_size_differs(input: Tensor, target: Tensor) -> None:
    """PyTorch's warning for a regression loss whose target would broadcast (and its error,
    if the two shapes don't broadcast at all)."""
    if target.shape != input.shape:
        warnings.warn(f"Using a target size ({target.shape}) that is different to the input "
                      f"size ({input.shape}). This will likely lead to incorrect results due to "
                      "broadcasting. Please ensure they have the same size.", stacklevel=3)
        broadcast_shape(input.shape, target.shape)


def mse_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
             reduction: str = "mean", weight=None) -> Tensor:
    """Mean squared error: mean((input - target)^2)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _warn_if_target_size_differs(input, target)
    return MseLoss.apply(input, target, reduction=reduction)


def l1_loss(input: Tensor, target: Tensor, size_average=None, reduce=None,
            reduction: str = "mean") -> Tensor:
    """Mean absolute error: mean(|input - target|)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    _warn_if_target_size_differs(input, target)
    loss = (input - target).abs()
    return loss if reduction == "none" else loss.sum() if reduction == "sum" else loss.mean()


def nll_loss(input: Tensor, target: Tensor, weight: Tensor | None = None, size_average=None,
             ignore_index: int = -100, reduce=None, reduction: str = "mean") -> Tensor:
    """Negative log likelihood of the target classes, given log-probabilities (classes along
    dim 1): -mean(input[i, target[i]])."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    shape, tshape = input._data.shape, target._data.shape  # (plain tuples: once per step)
    if len(shape) < 1:
        raise ValueError(f"Expected 1 or more dimensions (got {len(shape)})")
    if target._data.dtype.name not in ("int64", "uint8"):
        raise RuntimeError("expected target dtype to be Long or Byte, but got "
                           f"{type_name(target._data.dtype)}")
    if len(shape) >= 2 and (len(tshape) == 0 or shape[0] != tshape[0]):
        raise ValueError(f"Expected input batch_size ({shape[0]}) to match target "
                         f"batch_size ({tshape[0] if tshape else 1}).")
    if len(shape) <= 2:
        return NllLoss.apply(input, target=target, weight=weight, reduction=reduction,
                             ignore_index=ignore_index)
    if tuple(target.shape[1:]) != tuple(input.shape[2:]):
        raise ValueError(f"Expected target size {list(input.shape[:1] + input.shape[2:])}, "
                         f"got {list(target.shape)}")
    if input.dim() == 4:
        return NllLoss2d.apply(input, target=target, weight=weight,
                               reduction=reduction, ignore_index=ignore_index)
    # other spatial ranks go through the 2-d loss on (N, C, 1, rest), as PyTorch does
    n, c = input.shape[:2]
    loss = NllLoss2d.apply(input.reshape(n, c, 1, -1), target=target.reshape(n, 1, -1),
                           weight=weight, reduction=reduction, ignore_index=ignore_index)
    return loss.view(target.shape) if reduction == "none" else loss


def cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                  size_average=None, ignore_index: int = -100, reduce=None,
                  reduction: str = "mean", label_smoothing: float = 0.0) -> Tensor:
    """Softmax + negative log likelihood, from raw scores (logits), classes along dim 1.
    ``target`` holds class indices, or class probabilities (same shape as input)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    class_dim = 0 if input.dim() == 1 else 1
    logp = ops.log_softmax(input, class_dim)
    if target.is_floating_point():
        return _cross_entropy_probs(logp, target, weight, reduction, label_smoothing, class_dim)
    loss = nll_loss(logp, target, weight, ignore_index=ignore_index, reduction=reduction)
    if label_smoothing <= 0.0:
        return loss
    # PyTorch's label smoothing: (1 - eps) * nll + eps/C * (-sum_c logp_c), same reduction
    n_classes = input.shape[class_dim]
    ignore = target == ignore_index
    if weight is not None:
        shape = [1] * input.dim()
        shape[class_dim] = n_classes
        smooth = -(logp * weight.reshape(shape)).sum(dim=class_dim)
    else:
        smooth = -logp.sum(dim=class_dim)
    smooth = smooth.masked_fill(ignore, 0.0)
    if reduction == "mean":
        if weight is not None:
            kept = target._data[~ignore._data]
            denom = Tensor._make(weight._data[kept].sum(), weight.device)
            smooth = smooth.sum() / denom
        else:
            smooth = smooth.sum() / int((~ignore._data).sum())
    elif reduction == "sum":
        smooth = smooth.sum()
    return (1 - label_smoothing) * loss + smooth * (label_smoothing / n_classes)


def _cross_entropy_probs(logp: Tensor, target: Tensor, weight, reduction: str,
                         label_smoothing: float, class_dim: int) -> Tensor:
    if target.shape != logp.shape:
        raise RuntimeError(f"Expected target size {list(logp.shape)}, got "
                           f"{list(target.shape)}")
    n_classes = logp.shape[class_dim]
    if label_smoothing > 0.0:
        target = target * (1 - label_smoothing) + label_smoothing / n_classes
    terms = logp * target
    if weight is not None:
        shape = [1] * logp.dim()
        shape[class_dim] = n_classes
        terms = terms * weight.reshape(shape)
    if reduction == "none":
        return -terms.sum(dim=class_dim)
    if reduction == "sum":
        return -terms.sum()
    return -terms.sum() / (logp.numel() // n_classes)  # mean over the samples


def binary_cross_entropy(input: Tensor, target: Tensor, weight: Tensor | None = None,
                         size_average=None, reduce=None, reduction: str = "mean") -> Tensor:
    """-[t log p + (1 - t) log(1 - p)] for probabilities p (after a sigmoid)."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Using a target size ({target.shape}) that is different to the input "
                         f"size ({input.shape}) is deprecated. Please ensure they have the same "
                         "size.")
    return BinaryCrossEntropy.apply(input, target, weight, reduction=reduction)


def binary_cross_entropy_with_logits(input: Tensor, target: Tensor,
                                     weight: Tensor | None = None, size_average=None,
                                     reduce=None, reduction: str = "mean",
                                     pos_weight: Tensor | None = None) -> Tensor:
    """Sigmoid + binary cross entropy in one stable step, from logits."""
    reduction = _legacy_reduction(size_average, reduce, reduction)
    _check_reduction(reduction)
    if target.shape != input.shape:
        raise ValueError(f"Target size ({target.shape}) must be the same as input size "
                         f"({input.shape})")
    return BinaryCrossEntropyWithLogits.apply(input, target, weight, pos_weight,
                                              reduction=reduction)


__all__ = ["linear", "conv2d", "conv_transpose2d", "max_pool2d", "embedding", "batch_norm",
           "dropout", "relu", "sigmoid", "tanh", "softmax", "log_softmax", "one_hot", "mse_loss", "l1_loss",
           "nll_loss", "cross_entropy", "binary_cross_entropy",
           "binary_cross_entropy_with_logits"]
