"""Check an op's gradients against finite differences, as ``torch.autograd.gradcheck`` does.

For f: R^n -> R^m, column j of the numerical Jacobian is (f(x + eps e_j) - f(x - eps e_j)) / 2eps;
the analytical one comes from backward with each unit vector as ``grad_outputs``, row by row.
Use float64: in float32 the finite differences themselves are too noisy to judge anything.
"""
from __future__ import annotations

from typing import Callable, Sequence

import numpy as np

from ..tensor.tensor import Tensor
from . import grad_mode
from .engine import grad


class GradcheckError(RuntimeError):
    pass


def _as_tuple(x) -> tuple:
    return x if isinstance(x, tuple) else tuple(x) if isinstance(x, list) else (x,)


def _outputs(fn, inputs) -> tuple:
    return tuple(o for o in _as_tuple(fn(*inputs)) if isinstance(o, Tensor))


def numerical_jacobian(fn: Callable, inputs: Sequence, eps: float = 1e-6) -> list:
    """J[i][k]: d output k / d input i, as arrays of shape (input numel, output numel)."""
    inputs = _as_tuple(inputs)
    result = []
    # fn runs with grad mode as it is: gradgradcheck's fn calls grad() itself
    outs = _outputs(fn, inputs)
    for x in inputs:
        if not (isinstance(x, Tensor) and x.requires_grad):
            result.append(None)
            continue
        flat = x._data.reshape(-1)  # a view: perturb in place, then restore
        cols = [np.zeros((flat.size, o._data.size)) for o in outs]
        for j in range(flat.size):
            ### BEGIN SOLUTION chapter 2: central differences, one input element at a time
            orig = flat[j].item()
            flat[j] = orig + eps
            plus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
                    for o in _outputs(fn, inputs)]
            flat[j] = orig - eps
            minus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
                     for o in _outputs(fn, inputs)]
            flat[j] = orig
            for k in range(len(outs)):
                cols[k][j] = (plus[k] - minus[k]) / (2 * eps)
            ### END SOLUTION
        result.append(cols)
    return result


def analytical_jacobian(fn: Callable, inputs: Sequence) -> list:
    """J[i][k] as ``numerical_jacobian`` gives it, from backward: column r of J[i][k] is the
    gradient of element r of output k with respect to input i (a VJP with the unit vector e_r)."""
    inputs = _as_tuple(inputs)
    diff = [x for x in inputs if isinstance(x, Tensor) and x.requires_grad]
    outs = _outputs(fn, inputs)
    result = [[np.zeros((x._data.size, o._data.size)) for o in outs] if isinstance(x, Tensor)
              and x.requires_grad else None for x in inputs]
    for k, o in enumerate(outs):
        if not o.requires_grad:
            continue
        for r in range(o._data.size):
            ### BEGIN SOLUTION chapter 14: the Jacobian from one backward per output element
            g = np.zeros(o._data.size, dtype=o._data.dtype)
            g[r] = 1                                 # the unit vector e_r, shaped like o
            g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
            grads = grad(o, diff, g_t, retain_graph=True, allow_unused=True)
            it = iter(grads)                         # one gradient per input in diff
            for i, x in enumerate(inputs):
                if result[i] is None:
                    continue
                gi = next(it)                        # d o[r] / d x: column r of J[i][k]
                if gi is not None:
                    result[i][k][:, r] = gi.numpy(force=True).reshape(-1)
            ### END SOLUTION
    return result


def gradcheck(func: Callable, inputs, *, eps: float = 1e-6, atol: float = 1e-5,
              rtol: float = 1e-3, raise_exception: bool = True, **_ignored) -> bool:
    """True if backward's Jacobian matches finite differences (raises otherwise by default)."""
    inputs = _as_tuple(inputs)
    for x in inputs:
        if isinstance(x, Tensor) and x.requires_grad and x.dtype.name != "float64":
            import warnings
            warnings.warn(f"Input #{inputs.index(x)} requires gradient and is not a double "
                          "precision floating point or complex. This check will likely fail if "
                          "all the inputs are not of double precision floating point or "
                          "complex. ", UserWarning)
    num = numerical_jacobian(func, inputs, eps)
    ana = analytical_jacobian(func, inputs)
    for i, (n_i, a_i) in enumerate(zip(num, ana)):
        if n_i is None:
            continue
        for k, (n, a) in enumerate(zip(n_i, a_i)):
            ### BEGIN SOLUTION chapter 14: the comparison of the two Jacobians
            ok = bool(np.all(np.abs(a - n) <= atol + rtol * np.abs(n)))
            ### END SOLUTION
            if not ok:
                msg = (f"Jacobian mismatch for output {k} with respect to input {i},\n"
                       f"numerical:{_as_tensor(n)}\nanalytical:{_as_tensor(a)}\n")
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def _as_tensor(jacobian) -> Tensor:
    """A Jacobian (an array) as the float64 tensor PyTorch's message prints."""
    from ..backend import cpu
    return Tensor._make(np.asarray(jacobian, dtype=np.float64), cpu)


def gradgradcheck(func: Callable, inputs, grad_outputs=None, *, eps: float = 1e-6,
                  atol: float = 1e-5, rtol: float = 1e-3, raise_exception: bool = True,
                  **_ignored) -> bool:
    """gradcheck of the gradient itself: checks the backward of the backward
    (``create_graph=True``) against finite differences of the first backward."""
    inputs = _as_tuple(inputs)
    with grad_mode.no_grad():
        outs = _outputs(func, inputs)
    if grad_outputs is None:
        rng = np.random.default_rng(0)
        grad_outputs = [Tensor._make(o.xp.asarray(rng.standard_normal(o._data.shape)
                                                  .astype(o._data.dtype)), o.device)
                        .requires_grad_(True) for o in outs]
    grad_outputs = list(_as_tuple(grad_outputs))

    def first_grads(*args):
        xs, gos = args[:len(inputs)], args[len(inputs):]
        o = _outputs(func, xs)
        d = [x for x in xs if isinstance(x, Tensor) and x.requires_grad]
        gs = grad(o, d, gos, create_graph=True, allow_unused=True)
        return tuple(g for g in gs if g is not None)

    return gradcheck(first_grads, tuple(inputs) + tuple(grad_outputs), eps=eps, atol=atol,
                     rtol=rtol, raise_exception=raise_exception)
