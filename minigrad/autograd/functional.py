"""``autograd.functional``: whole derivatives of a function at a point, built on ``grad()``:
vjp, jacobian, hessian, hvp, and (with PyTorch's checks and errors) jvp and vhp."""
from __future__ import annotations

from typing import Callable

from .engine import grad


def _tuple(x):
    return x if isinstance(x, tuple) else (x,)


def _prepare(inputs, create_graph):
    return tuple(x.detach().requires_grad_(True) if not (create_graph and x.requires_grad)
                 else x for x in _tuple(inputs))


def vjp(func: Callable, inputs, v=None, create_graph: bool = False):
    """(func(inputs), v^T J)."""
    xs = _prepare(inputs, create_graph)
    out = func(*xs)
    g = grad(out, xs, v, create_graph=create_graph, allow_unused=True, materialize_grads=True)
    res = g if isinstance(inputs, tuple) else g[0]
    return (out if create_graph else out.detach()), res


def jacobian(func: Callable, inputs, create_graph: bool = False, strict: bool = False,
             vectorize: bool = False, strategy: str = "reverse-mode"):
    """The Jacobian d func / d inputs, shape out.shape + in.shape: one backward per output
    element, or with ``strategy="forward-mode"`` (and ``vectorize=True``, as PyTorch asks)
    one forward-mode pass (``forward_ad``) per input element. (``strict`` is accepted and not
    checked; ``vectorize`` changes nothing else: no batching here.)"""
    from .. import ops
    if strategy not in ("forward-mode", "reverse-mode"):
        raise AssertionError('Expected strategy to be either "forward-mode" or "reverse-mode". '
                             'Hint: If your function has more outputs than inputs, '
                             '"forward-mode" tends to be more performant. Otherwise, prefer to '
                             'use "reverse-mode".')
    if strategy == "forward-mode":
        if create_graph:
            raise NotImplementedError('torch.autograd.functional.jacobian: `create_graph=True` '
                                      'and `strategy="forward-mode"` are not supported together '
                                      '(yet). Please either set `create_graph=False` or make '
                                      'your function not require gradients.')
        if not vectorize:
            raise NotImplementedError("Computing Jacobian using forward-AD or forward-over-"
                                      "reverse Hessian isonly implemented for `vectorize=True`.")
        return _jacobian_forward(func, inputs)
    xs = _prepare(inputs, create_graph)
    out = func(*xs)
    rows = [[] for _ in xs]
    flat = out.reshape(-1)
    for k in range(flat.shape[0]):
        gs = grad(flat[k], xs, retain_graph=True, create_graph=create_graph,
                  allow_unused=True, materialize_grads=True)
        for i, g in enumerate(gs):
            rows[i].append(g)
    jac = tuple(ops.stack(r).reshape(tuple(out.shape) + tuple(x.shape)) for r, x in zip(rows, xs))
    return jac if isinstance(inputs, tuple) else jac[0]


def _jacobian_forward(func: Callable, inputs):
    """The Jacobian column by column: each input element's unit tangent, pushed forward."""
    from .. import ops, zeros_like
    from . import forward_ad
    xs = tuple(x.detach() for x in _tuple(inputs))
    cols = [[] for _ in xs]
    with forward_ad.dual_level():
        for i, x in enumerate(xs):
            for k in range(x.numel()):
                e = zeros_like(x).reshape(-1)
                e[k] = 1.0
                duals = [forward_ad.make_dual(y, e.reshape(x.shape) if j == i else zeros_like(y))
                         for j, y in enumerate(xs)]
                t = forward_ad.unpack_dual(func(*duals)).tangent
                cols[i].append(t.detach() if t is not None else None)
    out = func(*xs)
    jac = tuple(ops.stack([c if c is not None else zeros_like(out) for c in col], -1)
                .reshape(tuple(out.shape) + tuple(x.shape)) for col, x in zip(cols, xs))
    return jac if isinstance(inputs, tuple) else jac[0]


def hessian(func: Callable, inputs, create_graph: bool = False):
    """The Hessian of a scalar function: the Jacobian of its gradient."""
    def gradient(*xs):
        out = func(*xs)
        g = grad(out, xs, create_graph=True, allow_unused=True, materialize_grads=True)
        return g[0] if len(g) == 1 else g
    return jacobian(gradient, inputs, create_graph=create_graph)


def hvp(func: Callable, inputs, v, create_graph: bool = False):
    """(func(inputs), H v): a Hessian-vector product by double backward, without forming H."""
    xs = _prepare(inputs, create_graph)
    out = func(*xs)
    g = grad(out, xs, create_graph=True)
    vs = _tuple(v)
    dot = sum((gi * vi).sum() for gi, vi in zip(g, vs))
    hv = grad(dot, xs, create_graph=create_graph, allow_unused=True, materialize_grads=True)
    res = hv if isinstance(inputs, tuple) else hv[0]
    return (out if create_graph else out.detach()), res


# ------------------------------------------------------- jvp and vhp, with PyTorch's checks
def _as_tuple_checked(x, arg_name: str, fn_name: str) -> tuple:
    """(was it a tuple, the tensors as a tuple), with PyTorch's error for anything else."""
    from ..tensor.tensor import Tensor
    is_tuple = isinstance(x, tuple)
    xs = x if is_tuple else (x,)
    for i, el in enumerate(xs):
        if not isinstance(el, Tensor):
            where = f"the value at index {i}" if is_tuple else f"the given {arg_name}"
            raise TypeError(f"The {arg_name} given to {fn_name} must be either a Tensor or a "
                            f"tuple of Tensors but {where} has type {type(el)}.")
    return is_tuple, xs


def _validate_v(v: tuple, other: tuple, is_other_tuple: bool) -> None:
    if len(other) != len(v):
        if is_other_tuple:
            raise RuntimeError(f"v is a tuple of invalid length: should be {len(other)} but got "
                               f"{len(v)}.")
        raise RuntimeError("The given v should contain a single Tensor.")
    for i, (a, b) in enumerate(zip(v, other)):
        if a.shape != b.shape:
            prefix = f"Entry {i} in " if is_other_tuple else ""
            raise RuntimeError(f"{prefix}v has invalid size: should be {b.shape} but got "
                               f"{a.shape}.")


def _check_strict(ts: tuple, what: str, strict: bool) -> None:
    if not strict:
        return
    for i, t in enumerate(ts):
        if t is None:
            raise RuntimeError(f"The output of the user-provided function is independent of "
                               f"input {i}. This is not allowed in strict mode.")
        if not t.requires_grad:
            if what == "outputs":
                raise RuntimeError(f"Output {i} of the user-provided function does not require "
                                   "gradients. The outputs must be computed in a differentiable "
                                   "manner from the input when running in strict mode.")
            if what == "jacobian":
                raise RuntimeError(
                    "While computing the hessian, found that the jacobian of the user-provided "
                    f"function with respect to input {i} is independent of the input. This is "
                    "not allowed in strict mode. You should ensure that your function is twice "
                    "differentiable and that the jacobian depends on the inputs (this would be "
                    "violated by a linear function for example).")
            raise RuntimeError(f"The gradient with respect to input {i} is independent of the "
                               "inputs of the user-provided function. This is not allowed in "
                               "strict mode.")


def _grad_or_none(outputs: tuple, inputs: tuple, grad_outputs, create_graph: bool) -> tuple:
    """grad() over the outputs that require grad (None for every input if none does)."""
    gos = (None,) * len(outputs) if grad_outputs is None else grad_outputs
    pairs = [(o, g) for o, g in zip(outputs, gos) if o is not None and o.requires_grad]
    if not pairs:
        return (None,) * len(inputs)
    return grad(tuple(o for o, _ in pairs), inputs, tuple(g for _, g in pairs),
                create_graph=create_graph, retain_graph=create_graph or None,
                allow_unused=True)


def _zeros_for_none(grads: tuple, refs: tuple, strict: bool, stage: str) -> tuple:
    from .. import zeros_like
    res = []
    for i, g in enumerate(grads):
        if g is None:
            if strict:
                raise RuntimeError(
                    f"The gradient with respect to the input is independent of entry {i} in "
                    "the grad_outputs when using the double backward trick to compute forward "
                    "mode gradients. This is not allowed in strict mode." if stage == "jvp" else
                    f"The jacobian of the user-provided function is independent of input {i}. "
                    "This is not allowed in strict mode.")
            g = zeros_like(refs[i])
        res.append(g)
    return tuple(res)


def _preprocess(xs: tuple, create_graph: bool, need_graph: bool) -> tuple:
    """New tensor objects for the inputs (as PyTorch: a view keeps the graph under
    create_graph, else a detached copy that requires grad if needed)."""
    return tuple(x.view_as(x) if create_graph and x.requires_grad
                 else x.detach().requires_grad_(need_graph) for x in xs)


def _post(ts: tuple, create_graph: bool, is_tuple: bool):
    ts = ts if create_graph else tuple(t.detach() for t in ts)
    return ts if is_tuple else ts[0]


def _inputs_and_v(inputs, v, create_graph: bool, fn: str) -> tuple:
    """``jvp``/``vhp``'s arguments checked as PyTorch checks them: (is_inputs_tuple, inputs,
    v), the inputs prepared to be differentiated, ``v`` shaped like them (None only for one
    single-element input)."""
    is_inputs_tuple, xs = _as_tuple_checked(inputs, "inputs", fn)
    xs = _preprocess(xs, create_graph, need_graph=True)
    if v is None:
        if len(xs) != 1 or xs[0].numel() != 1:
            raise RuntimeError("The vector v can only be None if the input to the "
                               "user-provided function is a single Tensor with a single "
                               "element.")
        return is_inputs_tuple, xs, None
    _, vs = _as_tuple_checked(v, "v", fn)
    vs = _preprocess(vs, create_graph, need_graph=False)
    _validate_v(vs, xs, is_inputs_tuple)
    return is_inputs_tuple, xs, vs


def jvp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), J v): the Jacobian of ``func`` at ``inputs`` times the vector ``v``,
    one tensor per output, shaped like it.

    Computed as PyTorch's ``autograd.functional.jvp`` does, by the *double backward trick*
    (it works for every op, not only those with a forward-mode rule): u -> J^T u is linear in
    u, so with ``u`` a tensor that requires grad, ``grad(J^T u, u, v)`` is ``J v``. (True
    forward mode is ``minigrad.autograd.forward_ad``.)"""
    from .. import enable_grad, zeros_like
    with enable_grad():
        is_inputs_tuple, xs, vs = _inputs_and_v(inputs, v, create_graph, "jvp")
        outputs = func(*xs)
        is_outputs_tuple, outs = _as_tuple_checked(
            outputs, "outputs of the user-provided function", "jvp")
        _check_strict(outs, "outputs", strict)
        # J^T u is linear in u: u's value doesn't matter (zeros: never inf or nan)
        us = tuple(zeros_like(o, requires_grad=True) for o in outs)
        grad_inputs = _grad_or_none(outs, xs, us, create_graph=True)
        _check_strict(grad_inputs, "grad_inputs", strict)
        with _grad_mode_for(create_graph):
            res = _grad_or_none(grad_inputs, us, vs, create_graph=create_graph)
            res = _zeros_for_none(res, outs, strict, "jvp")
    return _post(outs, create_graph, is_outputs_tuple), _post(res, create_graph,
                                                               is_outputs_tuple)


def vhp(func: Callable, inputs, v=None, create_graph: bool = False, strict: bool = False):
    """(func(inputs), v^T H): the vector ``v`` times the Hessian of the scalar ``func`` at
    ``inputs``, shaped like the inputs (by double backward, as PyTorch)."""
    from .. import enable_grad, is_grad_enabled
    from ..tensor.tensor import Tensor
    with enable_grad():
        is_inputs_tuple, xs, vs = _inputs_and_v(inputs, v, create_graph, "vhp")
        outputs = func(*xs)
        is_outputs_tuple, outs = _as_tuple_checked(
            outputs, "outputs of the user-provided function", "vhp")
        _check_strict(outs, "outputs", strict)
        if is_outputs_tuple or not isinstance(outs[0], Tensor):
            raise RuntimeError("The function given to vhp should return a single Tensor")
        if outs[0].numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to vhp should "
                               "contain a single element")
        jac = _grad_or_none(outs, xs, None, create_graph=True)
        _check_strict(jac, "jacobian", strict)
    with _grad_mode_for(create_graph or is_grad_enabled()):
        res = _grad_or_none(jac, xs, vs, create_graph=create_graph)
        res = _zeros_for_none(res, xs, strict, "vhp")
    return _post(outs, create_graph, is_outputs_tuple), _post(res, create_graph,
                                                               is_inputs_tuple)


def _grad_mode_for(enabled: bool):
    from .. import set_grad_enabled
    return set_grad_enabled(enabled)
