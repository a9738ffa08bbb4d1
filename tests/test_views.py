"""Views and in-place operations on them, against PyTorch (the ``oracle``: live or recorded)
and against finite differences (float64 gradcheck and gradgradcheck, no PyTorch needed).

A view shares its base's memory; writing into it while recording gives the base a
``CopySlices`` node and every view of the base a node re-derived from it (``AsStridedBackward0``),
so gradients through ``y[1:].mul_(3)``, ``out[:, 0] = v``, ``h[mask] = 0`` and ``x.t().add_(1)``
are PyTorch's, first and second order; and the cases PyTorch refuses raise its errors.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import pytest

import minigrad as mg
from minigrad.autograd import gradcheck, gradgradcheck

X = [1.0, -2.0, 3.0, 0.5, -1.5, 2.5]


def _leaf(L, values=X, shape=None):
    t = L.tensor(values, dtype=L.float64)
    if shape is not None:
        t = t.reshape(shape)
    return t.requires_grad_()


def _grads(L, out, *inputs):
    """The gradients of out.sum() (weighted, so every element counts differently)."""
    w = L.arange(1, out.numel() + 1, dtype=out.dtype).reshape(out.shape)
    return list(L.autograd.grad((out * w).sum(), inputs, allow_unused=True))


# name -> fn(L): a scenario run with torch and with minigrad; returns what is compared
SCENARIOS: dict[str, Callable] = {}


def scenario(fn: Callable) -> Callable:
    SCENARIOS[fn.__name__] = fn
    return fn


@scenario
def slice_mul_(L):
    x = _leaf(L)
    y = x * 2
    v = y[1:]
    v.mul_(3)
    return dict(y=y, v=v, base=y.grad_fn.name(), edges=len(y.grad_fn.next_functions),
                grads=_grads(L, y, x))


@scenario
def slice_mul_tensor(L):
    x, w = _leaf(L), _leaf(L, [0.5, 2.0, -1.0])
    y = x * 1
    y[3:].mul_(w)
    return dict(y=y, grads=_grads(L, y, x, w))


@scenario
def setitem_column(L):
    x, v = _leaf(L, shape=(2, 3)), _leaf(L, [4.0, -3.0])
    out = x * 1
    out[:, 0] = v * 2
    return dict(out=out, grads=_grads(L, out, x, v))


@scenario
def setitem_row_of_a_view(L):
    x, v = _leaf(L, shape=(2, 3)), _leaf(L, [4.0, -3.0])
    out = x * 1
    t = out.t()          # a view
    t[0] = v.exp()       # in place on the view: out changes too
    return dict(out=out, t=t, grads=_grads(L, out, x, v))


@scenario
def mask_zero(L):
    x = _leaf(L)
    h = x * x
    h[h > 2] = 0
    return dict(h=h, grads=_grads(L, h, x))


@scenario
def transpose_add_(L):
    x, w = _leaf(L, shape=(2, 3)), _leaf(L, [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], shape=(3, 2))
    b = x * 1
    bt = b.t()
    bt.add_(1)
    c = x * 1
    c.t().add_(w * w)
    return dict(b=b, bt=bt, c=c, gb=_grads(L, b, x), gc=_grads(L, c, x, w))


@scenario
def view_of_view(L):
    x = _leaf(L)
    y = x * 2
    w = y[1:][1:3]
    w.mul_(5)
    return dict(y=y, w=w, same_base=w._base is y, grads=_grads(L, y, x))


@scenario
def every_view_op(L):
    """One in-place op through each kind of view, all on one base."""
    x = _leaf(L, list(range(1, 25)), shape=(2, 3, 4))
    y = x * 1
    y.view(6, 4)[0].mul_(2)
    y.reshape(2, 12)[1, :3].add_(1)
    y.permute(2, 0, 1)[0].mul_(-1)
    y.transpose(0, 1)[2].mul_(3)
    y.unsqueeze(0).squeeze(0)[0, 0, 0].mul_(10)
    y.narrow(2, 1, 2).mul_(0.5)
    y.select(1, 1).add_(7)
    y[1].diagonal().mul_(4)
    y[..., None][0, 1, 2].sub_(1)
    y.flatten()[5:9].mul_(2)
    return dict(y=y, grads=_grads(L, y, x))


@scenario
def base_changed_after_view(L):
    """A view made before its base changed in place takes the base's new value and node."""
    x = _leaf(L)
    y = x * 2
    v = y[:2]
    y.mul_(10)
    return dict(v=v, node=type(v.grad_fn).__name__, grads=_grads(L, v, x))


@scenario
def sibling_views(L):
    """Writing through one view changes another that overlaps it."""
    x = _leaf(L)
    y = x * 1
    a, b = y[:4], y[2:]
    b.mul_(3)
    out = a * a
    return dict(a=a, out=out, grads=_grads(L, out, x))


@scenario
def fill_zero_copy_on_views(L):
    x, s, c = _leaf(L), _leaf(L, [5.0]), _leaf(L, [7.0, 8.0])
    y = x * 1
    y[0:1].zero_()
    y[1].fill_(s[0] * 2)
    y[2:4].copy_(c * c)
    return dict(y=y, grads=_grads(L, y, x, s, c))


@scenario
def exp_on_view(L):
    """An in-place op whose backward uses its output (exp_)."""
    x = _leaf(L)
    y = x * 1
    y[::2].exp_()
    return dict(y=y, grads=_grads(L, y, x))


@scenario
def loop_writes_rows(L):
    x = _leaf(L, shape=(2, 3))
    out = L.zeros(3, 2, dtype=L.float64)
    for i in range(3):
        out[i] = x[:, i] * (i + 1)
    return dict(out=out, grads=_grads(L, out, x))


@scenario
def view_of_base_without_grad(L):
    x = _leaf(L)
    z = L.zeros(6, dtype=L.float64)
    z[1:].add_(x[1:])
    return dict(z=z, node=z.grad_fn.name(), grads=_grads(L, z, x))


@scenario
def second_order(L):
    x = _leaf(L)
    y = x * 1
    y[1:].mul_(x[1:])
    y[:3].mul_(y[3:].clone())
    g, = L.autograd.grad((y * y).sum(), x, create_graph=True)
    gg, = L.autograd.grad((g * g).sum(), x)
    return dict(y=y, g=g, gg=gg)


@scenario
def second_order_setitem_on_view(L):
    x = _leaf(L, shape=(2, 3))
    out = x * 2
    out.t()[1] = x[:, 0] ** 3
    g, = L.autograd.grad((out ** 2).sum(), x, create_graph=True)
    gg, = L.autograd.grad(g.sum(), x)
    return dict(out=out, g=g, gg=gg)


@scenario
def select_writes_into_base(L):
    """Without autograd: an element is a view (a[0].add_ changes a), as is .grad's row."""
    a = L.arange(3.0)
    a[0].add_(10)
    w = L.ones(2, 3, requires_grad=True)
    (w * 2).sum().backward()
    w.grad[0].zero_()
    return dict(a=a, grad=w.grad, is_view=a[0]._is_view(), base=a[0]._base is a)


@scenario
def no_grad_view_requires_grad(L):
    x = _leaf(L)
    y = x * 2
    with L.no_grad():
        v = y[1:]
    return dict(requires_grad=v.requires_grad, leaf=v.is_leaf, is_view=v._is_view())


@scenario
def detach_is_not_a_view(L):
    x = _leaf(L)
    y = x * 2
    d = y.detach()
    d.add_(x)   # recorded on d alone; y keeps its node
    return dict(d=d, y=y, is_view=d._is_view(), grads=_grads(L, d, x))


@scenario
def custom_function_output_is_a_view(L):
    """A custom Function's output on its input's memory is a view of it; the base may still
    change in place (through it, it may not: see ERRORS)."""
    x = _leaf(L)
    y = x * 2
    out = _custom_function_output(L, base=y)
    y.mul_(3)
    return dict(out=out.detach(), is_view=out._is_view(), base=out._base is y, y=y,
                grads=_grads(L, y, x))


@scenario
def writes_into_expanded(L):
    """fill_, zero_ and x[i] = v write through an expanded view into the shared memory."""
    x = L.zeros(3)
    e = x.expand(2, 3)
    e.fill_(1)
    y = L.ones(1)
    y.expand(4).zero_()
    z = L.zeros(3)
    z.expand(2, 3)[1] = L.tensor([1.0, 2.0, 3.0])
    return dict(x=x, e=e, y=y, z=z)


@pytest.mark.parametrize("name", list(SCENARIOS))
def test_view_scenario_matches_pytorch(name, oracle):
    expected = oracle(lambda torch: SCENARIOS[name](torch))
    got = SCENARIOS[name](mg)
    _compare(got, expected, name)


def _compare(got, expected, where: str) -> None:
    if isinstance(expected, dict):
        assert list(got) == list(expected), where
        for k in expected:
            _compare(got[k], expected[k], f"{where}.{k}")
    elif isinstance(expected, (list, tuple)):
        assert len(got) == len(expected), where
        for i, (a, b) in enumerate(zip(got, expected)):
            _compare(a, b, f"{where}[{i}]")
    elif hasattr(expected, "values") and hasattr(expected, "requires_grad"):  # a tensor
        assert isinstance(got, mg.Tensor), where
        assert str(got.dtype) == str(expected.dtype), where
        assert tuple(got.shape) == tuple(expected.shape), where
        assert got.requires_grad == expected.requires_grad, where
        want = None if expected.grad_fn is None else expected.grad_fn.name()
        have = None if got.grad_fn is None else got.grad_fn.name()
        assert have == want, f"{where}: grad_fn {have} vs PyTorch's {want}"
        np.testing.assert_allclose(got.detach().numpy(), expected.values, rtol=1e-12,
                                   atol=1e-12, err_msg=where)
    else:
        assert got == expected, f"{where}: {got!r} vs PyTorch's {expected!r}"


# ------------------------------------------------------------------- PyTorch's errors
ERRORS: dict[str, Callable] = {
    "leaf-view": lambda L: _leaf(L)[0].mul_(2),
    "leaf-view-setitem": lambda L: _leaf(L).view(2, 3).__setitem__(0, 1.0),
    "leaf-view-of-view": lambda L: _leaf(L)[1:][0].add_(1),
    "no-grad-view": lambda L: _no_grad_view(L).mul_(2),
    "no-grad-view-of-base-without-grad": lambda L: _no_grad_view(L, grad=False).add_(_leaf(L)[1:]),
    "no-grad-view-of-a-view": lambda L: _no_grad_view(L)[1:].mul_(2),
    "unbind": lambda L: (_leaf(L) * 2).unbind()[0].mul_(2),
    "unbind-second": lambda L: (_leaf(L) * 2).unbind()[3].add_(1),
    "split": lambda L: (_leaf(L) * 2).split(2)[1].mul_(2),
    "chunk": lambda L: (_leaf(L) * 2).chunk(3)[0].mul_(2),
    "unbind-base-without-grad": lambda L: L.zeros(3, dtype=L.float64).unbind()[0].add_(
        _leaf(L)[0]),
    "detach_-of-view": lambda L: (_leaf(L) * 2)[0].detach_(),
    "detach_-of-view-without-grad": lambda L: L.zeros(3)[1:].detach_(),
    "expanded-view": lambda L: (_leaf(L) * 2)[:2].expand(3, 2).mul_(2),
    "custom-function-returns-input": lambda L: _custom_function_output(L).mul_(2),
    "custom-function-makes-a-view": lambda L: _custom_function_output(L, view=True).add_(1),
    "view-of-custom-function-view": lambda L: _custom_function_output(L, of_view=True).mul_(2),
    "expanded-copy_": lambda L: L.zeros(1).expand(3).copy_(L.ones(3)),
    "expanded-normal_": lambda L: L.zeros(1).expand(3).normal_(),
    "expanded-uniform_": lambda L: L.zeros(3).expand(2, 3).uniform_(),
    "saved-then-written-through-view": lambda L: _saved_then_written(L),
    "saved-view-then-written": lambda L: _saved_view_then_written(L),
}


def _custom_function_output(L, view=False, of_view=False, base=None):
    class Ident(L.autograd.Function):
        @staticmethod
        def forward(ctx, a):
            return a.view(a.shape) if view else a  # a view made inside, or the input itself

        @staticmethod
        def backward(ctx, g):
            return g
    out = Ident.apply(_leaf(L) * 2 if base is None else base)
    return out[1:] if of_view else out


def _no_grad_view(L, grad=True):
    y = _leaf(L) * 2 if grad else L.zeros(6, dtype=L.float64)
    with L.no_grad():
        return y[1:]


def _saved_then_written(L):
    x = _leaf(L)
    y = x.exp()   # saves its output
    y[0].mul_(2)
    y.sum().backward()


def _saved_view_then_written(L):
    x = _leaf(L)
    y = x * 1
    y[1:].mul_(2)
    y[:3].mul_(y[3:])  # mul_ saves y[3:], then writes into y: backward finds it changed
    y.sum().backward()


@pytest.mark.parametrize("name", list(ERRORS))
def test_view_error_matches_pytorch(name, oracle):
    with pytest.raises(Exception) as expected:
        oracle(lambda torch: ERRORS[name](torch))
    with pytest.raises(type(expected.value)) as got:
        ERRORS[name](mg)
    assert str(got.value) == str(expected.value)


def test_under_no_grad_writes_through_views_are_allowed():
    """Both the view and the write under no_grad: nothing recorded, the base changes."""
    x = _leaf(mg)
    y = x * 2
    with mg.no_grad():
        v = y[1:]
        v.mul_(2)
        y.unbind()[0].add_(1)
    assert y.grad_fn.name() == "MulBackward0"
    np.testing.assert_array_equal(y.detach().numpy(), [3.0, -8.0, 12.0, 2.0, -6.0, 10.0])


# ------------------------------------------------- finite differences (no PyTorch needed)
def _through_views(x, w):
    y = x * 1
    y[1:].mul_(w[0])
    y.view(2, 3).t()[2].add_(w[1:3] ** 2)
    y[y.detach() > 0] = 0.5 * w[3]
    y[:2].exp_()
    z = y.reshape(3, 2)
    z[:, 1].sub_(z[:, 0].clone() * w[4])
    return y * y


def test_gradcheck_through_views():
    x = mg.tensor(X, dtype=mg.float64, requires_grad=True)
    w = mg.tensor([0.7, -1.2, 0.4, 1.3, -0.6], dtype=mg.float64, requires_grad=True)
    assert gradcheck(_through_views, (x, w))
    assert gradgradcheck(_through_views, (x, w))


def test_views_share_memory_and_version():
    y = mg.arange(6.0)
    views = [y[1:], y.view(2, 3), y.view(2, 3).t(), y.unsqueeze(0), y.narrow(0, 1, 3),
             y.select(0, 2), y.view(2, 3).diagonal(), y.expand(2, 6), y.reshape(3, 2)]
    for v in views:
        assert v._base is y and v._is_view()
    before = y._version
    views[0].add_(1)
    assert all(v._version == before + 1 for v in views)
    assert y.tolist() == [0.0, 2.0, 3.0, 4.0, 5.0, 6.0]
