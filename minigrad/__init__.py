"""minigrad: a small autograd package with PyTorch's semantics, built to be read.

``import minigrad as torch`` runs (and prints) like PyTorch for everything it implements.
Layers, each importing only the ones before it:

    backend   NumPy on the CPU, CuPy on the GPU — the one place that knows which
    tensor    Tensor: data, dtype, device, requires_grad, grad, grad_fn, version counter
    autograd  the graph (grad_fn nodes), the backward engine, grad modes, Function
    ops       the differentiable primitives, each a Function with forward and backward
"""
import builtins  # minigrad shadows int/bool/float below, as torch does

from . import backend
from .backend import (device, manual_seed, seed, initial_seed, cuda, accelerator,
                      set_default_device, get_default_device)
from .backend.random import Generator
from .tensor import (Tensor, Size, tensor, as_tensor, from_numpy, zeros, ones, empty, full,
                     zeros_like, ones_like, empty_like, full_like, rand_like, randn_like, arange,
                     linspace, eye, rand, randn, randint, randperm, FloatTensor, DoubleTensor,
                     LongTensor, IntTensor, BoolTensor, finfo, iinfo)
from .tensor.dtypes import (dtype, float16, half, float32, float, float64, double, uint8, int8,
                            int16, short, int32, int, int64, long, bool)
from .tensor.printing import set_printoptions
from . import autograd
autograd._install(Tensor)  # Tensor.backward(), hooks, AccumulateGrad: see its docstring
from .autograd import (no_grad, enable_grad, set_grad_enabled, inference_mode, is_grad_enabled,
                       is_inference_mode_enabled)
from . import ops
ops._install()  # Tensor's operators and methods call into ops: see its docstring
from .ops import (add, sub, mul, div, floor_divide, neg, reciprocal, pow, square, rsqrt, exp,
                  log, log1p, sqrt, abs,
                  sin, cos, tanh,
                  sigmoid, relu, clamp, clip, sign, eq, ne, gt, lt, ge, le, maximum, minimum,
                  where, masked_fill, logical_and, logical_or, logical_not, logical_xor, isnan, isinf,
                  isfinite, equal, allclose, isclose, nonzero, sum, mean, var, std, max, min,
                  amax, argmax, argmin, norm, logsumexp, prod, matmul, mm, bmm, mv, dot, view,
                  reshape, flatten, transpose, t, permute, squeeze, unsqueeze, clone, cat,
                  concat, stack, split, chunk, unbind, softmax, log_softmax, narrow, select,
                  diagonal, sort)



subtract, multiply, divide, negative = sub, mul, div, neg

__version__ = "0.1.0"


def is_tensor(obj) -> "builtins.bool":
    return isinstance(obj, Tensor)


def numel(input: Tensor) -> "builtins.int":
    return input.numel()


def get_default_dtype() -> dtype:
    return float32


def is_floating_point(input: Tensor) -> "builtins.bool":
    return input.is_floating_point()


def broadcast_shapes(*shapes) -> Size:
    """The shape that tensors of these shapes broadcast to (PyTorch's error if they don't)."""
    shapes = [(s,) if isinstance(s, builtins.int) else s for s in shapes]
    result = [1] * builtins.max((len(s) for s in shapes), default=0)
    for i, shape in enumerate(shapes):  # PyTorch's order: each shape against those before it
        for k in range(-1, -len(shape) - 1, -1):
            if result[k] == 1:
                if shape[k] < 0:
                    raise ValueError("Attempting to broadcast a dimension with negative length!")
                result[k] = shape[k]
            elif shape[k] != 1 and shape[k] != result[k]:
                raise RuntimeError(
                    f"Attempting to broadcast a dimension of length {shape[k]} at {k}! "
                    f"Mismatching argument at index {i} had {shape}; but expected shape should "
                    f"be broadcastable to {result}")
    return Size(result)


def broadcast_to(input: Tensor, size) -> Tensor:
    return input.expand(size)



from . import viz  # noqa: E402,F401  (diagrams and plots: graphviz, matplotlib load on first use)
from . import nn, optim, data, utils  # noqa: E402,F401  (layers, optimizers, datasets)
