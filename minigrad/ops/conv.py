"""2-d convolution (``ConvolutionBackward0``) as im2col + one matrix product.

``ConvGeometry`` says where the kernel goes; ``im2col`` copies every patch the kernel sees into a
column, so sliding the kernel becomes ``W @ cols``; ``col2im`` is its adjoint (it adds columns
back where their patches came from). ``Im2col`` and ``Col2im`` are each other's backward, and
``Convolution``'s backward is built from them, so it differentiates again.

``ConvTranspose`` (``conv_transpose2d``) is the adjoint of a convolution: ``col2im(W^T x)``
spreads every input pixel over a kernel-sized patch of the output, which is how a convolution's
backward carries its gradient to its input. Its backward is a convolution again.
"""
from __future__ import annotations

from typing import NamedTuple

from ..autograd.function import Function
from .helpers import out


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


class ConvTranspose(Function):
    """``y = col2im(W^T x) + b``: the adjoint of the convolution described by ``geo`` (whose
    input has the shape of y, and whose output the shape of x, grown by zeros where
    ``output_padding`` asks for more rows than the stride makes)."""
    _node_name = "ConvolutionBackward0"  # PyTorch: the same node as a convolution's

    @staticmethod
    def forward(ctx, x, weight, bias=None, geo=None):
        need = ctx.needs_input_grad  # dW needs x, dX needs W
        ctx.save_for_backward(x if need[1] else None, weight if need[0] else None)
        ctx.geo, ctx.wshape, ctx.xshape = geo, weight._data.shape, x._data.shape
        xp, data = x.xp, x._data
        (oh, ow), (h, w) = geo.out, data.shape[2:]
        if (oh, ow) != (h, w):  # output_padding >= stride: rows of x that are all zeros
            data = xp.pad(data, ((0, 0), (0, 0), (0, oh - h), (0, ow - w)))
        cin = weight._data.shape[0]
        x2 = data.transpose(1, 0, 2, 3).reshape(cin, -1)     # (Cin, N*H*W)
        cols = weight._data.reshape(cin, -1).T @ x2          # (Cout*kh*kw, N*H*W)
        y = col2im(xp, cols, geo)                            # (N, Cout, OH, OW)
        if bias is not None:
            y += bias._data[:, None, None]
        return out(y, x._device)

    @staticmethod
    def backward(ctx, g):
        # with Y = col2im(W^T X) + b:  dX = W im2col(dY),  dW = X im2col(dY)^T,  db = sum of dY
        x, w = ctx.saved_tensors
        need = ctx.needs_input_grad
        geo, cin = ctx.geo, ctx.wshape[0]
        (n, _, h, wd), (oh, ow) = ctx.xshape, geo.out
        cols = Im2col.apply(g, geo=geo)                      # (Cout*kh*kw, N*OH*OW)
        gx = gw = None
        if need[0]:
            gx = w.reshape(cin, -1).mm(cols).reshape(cin, n, oh, ow).transpose(0, 1)
            gx = gx[:, :, :h, :wd] if (oh, ow) != (h, wd) else gx.contiguous()
        if need[1]:
            if (oh, ow) != (h, wd):
                cols = cols.reshape(-1, n, oh, ow)[:, :, :h, :wd].reshape(cols.shape[0], -1)
            gw = x.transpose(0, 1).reshape(cin, -1).mm(cols.t()).reshape(ctx.wshape)
        gb = g.sum(dim=(0, 2, 3)) if len(need) > 2 and need[2] else None
        return gx, gw, gb
