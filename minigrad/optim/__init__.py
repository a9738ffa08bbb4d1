"""``minigrad.optim``: optimizers that update parameters from their ``.grad``, step for step
as ``torch.optim`` does (same formulas, same defaults), and learning-rate schedules.

| file             | what                                                        |
|------------------|-------------------------------------------------------------|
| optimizer.py     | Optimizer: param_groups, state, zero_grad, state_dict       |
| sgd.py           | SGD (momentum, dampening, nesterov, weight_decay)           |
| adam.py          | Adam, AdamW                                                 |
| rmsprop.py       | RMSprop                                                     |
| adadelta.py      | Adadelta                                                    |
| lr_scheduler.py  | StepLR, MultiStepLR, ExponentialLR, CosineAnnealingLR, ...  |
"""
from .optimizer import Optimizer
from .sgd import SGD
from .adam import Adam, AdamW
from .rmsprop import RMSprop
from .adadelta import Adadelta
from . import lr_scheduler

__all__ = ["Optimizer", "SGD", "Adam", "AdamW", "RMSprop", "Adadelta", "lr_scheduler"]
