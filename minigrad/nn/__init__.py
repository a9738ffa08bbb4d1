"""``minigrad.nn``: modules (layers and models), their parameters, losses, and the functional
forms, as ``torch.nn``.

| file              | what                                                        |
|-------------------|-------------------------------------------------------------|
| parameter.py      | Parameter: a tensor a Module registers                      |
| module.py         | Module: registration, traversal, state_dict, train/eval, to |
| hooks.py          | module backward hooks (forward hooks live in module.py)     |
| container.py      | Sequential, ModuleList, ModuleDict                          |
| linear.py         | Linear, Identity                                            |
| activation.py     | ReLU, Tanh, Sigmoid, Softplus, Softmax, LogSoftmax          |
| flatten.py        | Flatten                                                     |
| dropout.py        | Dropout                                                     |
| sparse.py         | Embedding                                                   |
| conv.py           | Conv2d, ConvTranspose2d                                     |
| pooling.py        | MaxPool2d                                                   |
| normalization.py  | BatchNorm1d, BatchNorm2d                                    |
| loss.py           | MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, ...    |
| functional.py     | F.linear, F.conv2d, F.cross_entropy, ...                    |
| init.py           | weight initialisation (kaiming_uniform_, xavier_uniform_...)|
| utils.py          | clip_grad_norm_, parameters_to_vector, ...                  |

The differentiable primitives they run on (AddmmBackward0, ConvolutionBackward0, ...) are in
``minigrad/ops/``: linear.py, conv.py, pooling.py, embedding.py, normalization.py, losses.py.
"""
from .parameter import Parameter
from .module import Module
from .container import Sequential, ModuleList, ModuleDict
from .linear import Linear, Identity
from .activation import ReLU, Tanh, Sigmoid, Softplus, Softmax, LogSoftmax
from .flatten import Flatten
from .dropout import Dropout
from .sparse import Embedding
from .conv import Conv2d, ConvTranspose2d
from .pooling import MaxPool2d
from .normalization import BatchNorm1d, BatchNorm2d
from .loss import MSELoss, L1Loss, CrossEntropyLoss, NLLLoss, BCELoss, BCEWithLogitsLoss
from . import functional, init, utils

__all__ = ["Parameter", "Module", "Sequential", "ModuleList", "ModuleDict", "Linear",
           "Identity", "ReLU", "Tanh", "Sigmoid", "Softplus", "Softmax", "LogSoftmax", "Flatten",
           "Dropout",
           "Embedding", "Conv2d", "ConvTranspose2d", "MaxPool2d", "BatchNorm1d", "BatchNorm2d",
           "MSELoss", "L1Loss",
           "CrossEntropyLoss", "NLLLoss", "BCELoss", "BCEWithLogitsLoss", "functional", "init",
           "utils"]
