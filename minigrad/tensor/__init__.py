"""The ``tensor`` layer: the Tensor class, dtypes, printing and creation functions."""
from .tensor import Tensor, Size
from . import dtypes
from .info import finfo, iinfo
from .creation import (tensor, as_tensor, from_numpy, zeros, ones, empty, full, zeros_like,
                       ones_like, empty_like, full_like, rand_like, randn_like, arange,
                       linspace, eye, rand, randn, randint, randperm, FloatTensor,
                       DoubleTensor, LongTensor, IntTensor, BoolTensor)
