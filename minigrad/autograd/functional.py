"""``autograd.functional``: whole derivatives of a function at a point, built on ``grad()``."""
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


def jacobian(func: Callable, inputs, create_graph: bool = False):
    """The Jacobian d func / d inputs, shape out.shape + in.shape (one backward per output)."""
    from .. import ops
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
