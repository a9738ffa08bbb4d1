"""The differentiable primitives, each a ``Function`` with its forward and backward side by side.

| file             | what                                                     |
|------------------|----------------------------------------------------------|
| arithmetic.py    | + - * / ** // and negation                               |
| elementwise.py   | exp log sqrt abs sin cos tanh sigmoid relu softplus...   |
| comparison.py    | == < > ... (no grad), maximum minimum where masked_fill  |
| reduction.py     | sum mean var std max min amax argmax norm logsumexp prod |
| linalg.py        | matmul (@), mm, bmm, mv, dot                             |
| shape.py         | view reshape flatten transpose permute squeeze expand... |
| indexing.py      | x[i], x[i] = v                                           |
| join.py          | cat stack split chunk unbind                             |
| softmax.py       | softmax log_softmax                                      |
| sort.py          | sort: values and indices; backward puts values back      |
| inplace.py       | add_ mul_ zero_ copy_ ... and their safety rules         |
| linear.py        | Addmm: ``bias + x @ W.t()`` in one node (nn.Linear)      |
| conv.py          | im2col / col2im, ConvGeometry, Convolution (nn.Conv2d)   |
| pooling.py       | MaxPool2d                                                |
| embedding.py     | Embedding                                                |
| normalization.py | BatchNorm                                                |
| losses.py        | NllLoss, MseLoss, BinaryCrossEntropy(WithLogits), reduce |
| helpers.py       | type promotion, broadcasting, ``sum_to``, dtype names    |
"""
from .arithmetic import add, sub, mul, div, floor_divide, neg, reciprocal, pow
from .elementwise import (square, rsqrt, exp, log, log1p, sqrt, abs, sin, cos, tanh, sigmoid, relu,
                          softplus, clamp,
                          clip, sign)
from .comparison import (eq, ne, gt, lt, ge, le, maximum, minimum, where, masked_fill,
                         logical_and, logical_or, logical_not, logical_xor, isnan, isinf,
                         isfinite, equal, allclose, isclose, nonzero)
from .reduction import (sum, mean, var, std, max, min, amax, argmax, argmin, norm, logsumexp,
                        prod)
from .linalg import matmul, mm, bmm, mv, dot
from .shape import (view, reshape, flatten, transpose, t, permute, squeeze, unsqueeze, expand,
                    clone, to, narrow, select, diagonal)
from .indexing import getitem, setitem
from .join import cat, concat, stack, split, chunk, unbind
from .softmax import softmax, log_softmax
from .sort import sort
from . import inplace


def _install() -> None:
    """Bind this package to the name ``ops`` through which Tensor's operators and methods call
    it (``tensor/methods.py``). ops is built on Tensor, so the tensor package can't import it:
    ``minigrad/__init__.py`` calls this once, right after importing ops. (An operator stays
    one call into ops, ``ops.mul(self, other)``, on the hottest path of the engine.)

    Tensor's methods take no ``out=`` (as in PyTorch), so what they see of ops is the ops
    themselves, without ``writes_out``'s wrapper: a namespace made once, here."""
    import sys
    import types
    from ..tensor import methods
    methods.ops = types.SimpleNamespace(**{
        name: value.__wrapped__ if getattr(value, "_writes_out", False) else value
        for name, value in vars(sys.modules[__name__]).items()})
