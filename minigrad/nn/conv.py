"""``Conv2d``: slide ``out_channels`` learned kernels over an image (computed with im2col: see
``minigrad/ops/conv.py``); ``ConvTranspose2d``: its transpose, which grows an image (a decoder's
upsampling)."""
from __future__ import annotations

import math

from ..tensor.creation import empty
from ..tensor.tensor import Tensor
from . import functional as F
from . import init
from .module import Module
from .parameter import Parameter


def _pair(v) -> tuple:
    return tuple(v) if isinstance(v, (tuple, list)) else (v, v)


class Conv2d(Module):
    """``weight`` is (out_channels, in_channels, kh, kw); input (N, C, H, W) gives
    (N, out_channels, OH, OW) with OH = (H + 2 padding - dilation (kh - 1) - 1) // stride + 1."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 dilation=1, groups: int = 1, bias: bool = True, padding_mode: str = "zeros",
                 device=None, dtype=None) -> None:
        super().__init__()
        if groups != 1:
            raise NotImplementedError("minigrad's Conv2d supports groups=1 only")
        if padding_mode != "zeros":
            raise NotImplementedError("minigrad's Conv2d supports padding_mode='zeros' only")
        if isinstance(padding, str) and padding not in ("valid", "same"):
            raise ValueError(f"Invalid padding string '{padding}', should be one of "
                             "{'valid', 'same'}")
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding = padding if isinstance(padding, str) else _pair(padding)
        self.dilation, self.groups, self.padding_mode = _pair(dilation), groups, padding_mode
        self.output_padding = (0, 0)
        self.weight = Parameter(empty(out_channels, in_channels, *self.kernel_size,
                                      device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """As Linear: U(-1/sqrt(fan_in), 1/sqrt(fan_in)), fan_in = in_channels * kh * kw."""
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, input: Tensor) -> Tensor:
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation,
                        self.groups)

    def extra_repr(self) -> str:
        s = (f"{self.in_channels}, {self.out_channels}, kernel_size={self.kernel_size}, "
             f"stride={self.stride}")
        if self.padding != (0, 0):
            s += f", padding={self.padding}"
        if self.dilation != (1, 1):
            s += f", dilation={self.dilation}"
        if self.output_padding != (0, 0):
            s += f", output_padding={self.output_padding}"
        if self.bias is None:
            s += ", bias=False"
        return s


class ConvTranspose2d(Conv2d):
    """``weight`` is (in_channels, out_channels, kh, kw); input (N, C, H, W) gives
    (N, out_channels, OH, OW) with OH = (H - 1) stride - 2 padding + dilation (kh - 1)
    + output_padding + 1: the shapes of Conv2d's backward, from output to input."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size, stride=1, padding=0,
                 output_padding=0, groups: int = 1, bias: bool = True, dilation=1,
                 padding_mode: str = "zeros", device=None, dtype=None) -> None:
        Module.__init__(self)
        if groups != 1:
            raise NotImplementedError("minigrad's ConvTranspose2d supports groups=1 only")
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {type(self).__name__}')
        self.in_channels, self.out_channels = in_channels, out_channels
        self.kernel_size, self.stride = _pair(kernel_size), _pair(stride)
        self.padding, self.dilation = _pair(padding), _pair(dilation)
        self.output_padding, self.groups = _pair(output_padding), groups
        self.padding_mode = padding_mode
        self.weight = Parameter(empty(in_channels, out_channels, *self.kernel_size,
                                      device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()  # Conv2d's (fan_in: out_channels * kh * kw here, as PyTorch)

    def forward(self, input: Tensor, output_size=None) -> Tensor:
        output_padding = self.output_padding
        if output_size is not None:  # the size to reach (one of several a stride allows)
            output_padding = self._output_padding(input, list(output_size)[-2:])
        return F.conv_transpose2d(input, self.weight, self.bias, self.stride, self.padding,
                                  output_padding, self.groups, self.dilation)

    def _output_padding(self, input: Tensor, size: list) -> tuple:
        """The output_padding that gives ``size``: a stride s allows s sizes, from the
        smallest (output_padding 0) up."""
        hw = list(input.shape[-2:])
        smallest = [(h - 1) * s - 2 * p + d * (k - 1) + 1 for h, s, p, d, k in
                    zip(hw, self.stride, self.padding, self.dilation, self.kernel_size)]
        largest = [lo + s - 1 for lo, s in zip(smallest, self.stride)]
        if not all(lo <= want <= hi for want, lo, hi in zip(size, smallest, largest)):
            raise ValueError(f"requested an output size of {size}, but valid sizes range from "
                             f"{smallest} to {largest} (for an input of torch.Size({hw}))")
        return tuple(want - lo for want, lo in zip(size, smallest))
