"""Chapter 6 — controlling the graph: the grad-mode switches and ``detach``.

What you build: in ``minigrad/autograd/grad_mode.py``, the three methods of ``_Mode``, the base
of ``no_grad``, ``enable_grad``, ``set_grad_enabled`` (and ``inference_mode``): ``__enter__``
(save the mode in force, switch recording to this switch's ``_enter_value``), ``__exit__``
(restore the saved mode, also when the block raised) and ``__call__`` (as a decorator, a
function that runs under the mode each time it is called); and ``Tensor.detach`` in
``minigrad/tensor/tensor.py`` (a new tensor on the same memory, sharing the version counter,
with no ``grad_fn`` and ``requires_grad`` False).

Recording is the one flag ``grad_mode.state.enabled``, which ``is_grad_enabled()`` reads.
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd import grad_mode

pytestmark = pytest.mark.chapter6


@pytest.fixture(autouse=True)
def recording_on(monkeypatch):
    """Each check starts with recording on, and a switch that fails half-way doesn't leave
    recording off for the next check."""
    monkeypatch.setattr(grad_mode.state, "enabled", True)
    monkeypatch.setattr(grad_mode.state, "inference", False)


class Oops(Exception):
    """Raised inside a block, to see what the switch does when its block fails."""


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def on():
    return minigrad.is_grad_enabled()


def records(x):
    """Whether an operation on ``x`` (which requires grad) is recorded right now."""
    y = x * 2
    return y.requires_grad and y.grad_fn is not None


def test_no_grad_and_enable_grad_switch_recording():
    x = leaf([1.0, 2.0])
    with minigrad.no_grad():
        assert not on(), "inside `with no_grad():` is_grad_enabled() is still True"
        y = x * 2
        assert not y.requires_grad and y.grad_fn is None, (
            "x * 2 computed inside `with no_grad():` was recorded (it has a grad_fn): entering "
            "must set grad_mode.state.enabled to the switch's _enter_value (False here)")
        with minigrad.enable_grad():
            assert on() and records(x), (
                "inside `with enable_grad():`, itself inside no_grad, recording is still off: "
                "entering switches to this switch's own mode (_enter_value is True for "
                "enable_grad), not always to False")
        assert not on(), (
            "after leaving an enable_grad block that sat inside no_grad, recording is on: "
            "leaving must restore the mode that was in force on entry (off here), not "
            "turn recording on")
    assert on() and records(x), "after `with no_grad():` recording is still off: restore it"
    with minigrad.inference_mode():      # built on the same three methods
        assert not on() and not records(x), "inside inference_mode() recording is on"
    assert on(), "after inference_mode() recording is still off"


def test_leaving_restores_the_mode_in_force_before():
    x = leaf([1.0, 2.0])
    with minigrad.no_grad():
        with minigrad.no_grad():
            assert not on(), (
                "inside `with no_grad():` within another no_grad block, recording is on: "
                "entering sets recording to the switch's mode (_enter_value), it doesn't "
                "flip the mode in force")
        assert not on() and not records(x), (
            "`with no_grad():` inside another no_grad block turned recording on when it ended: "
            "leaving must restore the mode saved on entry (off: the outer block's), not True")
        with minigrad.enable_grad():
            with minigrad.no_grad():
                pass
            assert on(), ("no_grad inside enable_grad inside no_grad: after the innermost "
                          "block, recording should be on (enable_grad's mode), but it is off")
        assert not on(), (
            "no_grad, then enable_grad, then no_grad nested: after the middle block recording "
            "should be off again (the outer no_grad's). Each switch restores the mode saved "
            "when it was entered: one saved value shared by every switch (a global, or a "
            "class attribute) is overwritten by the inner blocks; keep it per switch "
            "(self._prev)")
    assert on(), ("after nested no_grad / enable_grad blocks, recording is off: each switch "
                  "must restore the mode saved when it was entered")


def test_the_mode_is_restored_when_the_block_raises():
    try:
        with minigrad.no_grad():
            raise Oops()
    except Oops:
        pass
    else:
        pytest.fail("an exception raised inside `with no_grad():` did not come out of the "
                    "block: __exit__ returned a true value, which swallows the exception "
                    "(return nothing)")
    assert on(), ("an exception raised inside `with no_grad():` left recording off: __exit__ "
                  "runs also when the block raises, and must restore the mode then too")

    @minigrad.no_grad()
    def fails():
        raise Oops()

    try:
        fails()
    except Oops:
        pass
    assert on(), (
        "a function decorated with @no_grad() raised, and recording stayed off: the wrapper "
        "must restore the mode even when the function raises (call it inside `with self:`, "
        "or restore in a finally block)")
    with minigrad.no_grad():
        try:
            with minigrad.enable_grad():
                raise Oops()
        except Oops:
            pass
        assert not on(), ("an exception inside enable_grad (itself inside no_grad) left "
                          "recording on: restore the saved mode, off here")


def test_set_grad_enabled_chooses_the_mode():
    x = leaf([1.0, 2.0])
    with minigrad.set_grad_enabled(False):
        assert not on() and not records(x), (
            "inside `with set_grad_enabled(False):` recording is on: the mode a switch "
            "turns on is its _enter_value (set_grad_enabled sets it from its argument), not "
            "a fixed value per kind of switch")
    assert on(), "after `with set_grad_enabled(False):` recording is still off: restore it"
    with minigrad.no_grad():
        with minigrad.set_grad_enabled(True):
            assert on() and records(x), (
                "inside `with set_grad_enabled(True):` (within no_grad) recording is off: "
                "switch to the switch's _enter_value")
        assert not on(), ("after `with set_grad_enabled(True):` inside no_grad, recording "
                          "is on: restore the mode saved on entry (off)")
    assert on(), ("after a set_grad_enabled block inside no_grad, and the no_grad block, "
                  "recording is off: each switch must restore the mode saved on its entry")
    minigrad.set_grad_enabled(False)     # a plain call switches at once, as in PyTorch
    assert not on(), "set_grad_enabled(False), called as a plain statement, left recording on"
    minigrad.set_grad_enabled(True)
    assert on(), "set_grad_enabled(True), called as a plain statement, left recording off"

    @minigrad.set_grad_enabled(False)
    def evaluate(t):
        return t * 2

    assert on(), ("decorating a function with @set_grad_enabled(False) switched recording "
                  "off: as a decorator it switches only while the function runs")
    out = evaluate(x)
    assert out is not None and not out.requires_grad, (
        "a function decorated with @set_grad_enabled(False) recorded its operations")
    assert on(), "after a call of a @set_grad_enabled(False) function, recording is still off"


def test_a_decorator_switches_at_each_call_not_when_decorating():
    x = leaf([1.0, 2.0])

    def scale(t, factor=2.0):
        """Multiply by factor."""
        return t * factor

    decorated = minigrad.no_grad()(scale)
    assert on(), ("decorating a function with @no_grad() switched recording off (and it "
                  "stays off): switch inside the wrapper, each time the function is called")
    try:
        out = decorated(x, factor=3.0)
    except TypeError as exc:
        pytest.fail(f"decorated(x, factor=3.0) raised TypeError: {exc}. The wrapper must take "
                    "and pass on every argument (*args and **kwargs)")
    assert out is not None, ("a function decorated with @no_grad() returned None: the "
                             "wrapper must return what the function returns")
    assert np.allclose(values(out), [3.0, 6.0]), (
        f"decorated(x, factor=3.0) gave {values(out).tolist()}, not [3, 6]: the wrapper must "
        "pass every argument on (*args and **kwargs)")
    assert not out.requires_grad and out.grad_fn is None, (
        "a function decorated with @no_grad() recorded its operations: the wrapper must run "
        "the function under the mode")
    assert on(), "after a call of a @no_grad() function, recording is still off: restore it"
    with minigrad.no_grad():
        decorated(x)
        assert not on(), ("a @no_grad() function called inside no_grad turned recording on "
                          "when it returned: restore the caller's mode, not True")
        with_grad = minigrad.enable_grad()(scale)(x)
        assert with_grad.requires_grad and not on(), (
            "@enable_grad() inside no_grad: the function must record, and recording must be "
            "off again once it returns")
    assert decorated.__name__ == "scale" and decorated.__doc__ == scale.__doc__, (
        f"the decorated function is called {decorated.__name__!r}, not 'scale': copy the "
        "function's name and docstring onto the wrapper (functools.wraps), as PyTorch does")

    @minigrad.no_grad
    def depth(n):                     # (bare @no_grad: the same __call__)
        return on() if n == 0 else depth(n - 1)

    assert depth(3) is False, "inside a @no_grad function calling itself, recording is on"
    assert on(), (
        "after a @no_grad function that calls itself returned, recording is off. The same "
        "decorator object is entered again (by the inner call) before it is left: the modes "
        "it saves must not overwrite one another. Keep them on a stack (self._prev), or use "
        "a fresh copy of the switch for each call")


def test_detach_shares_the_memory_but_not_the_history():
    x = minigrad.tensor(np.array([1.0, 2.0, 3.0]), requires_grad=True)   # float64
    y = x * 2
    d = y.detach()
    assert isinstance(d, minigrad.Tensor) and d is not y, (
        "detach() must return a new tensor, not the tensor itself: the original keeps its "
        "history")
    assert y.grad_fn is not None and y.requires_grad, (
        "y.detach() cut y itself out of the graph (y lost its grad_fn): that is detach_(); "
        "detach() leaves y alone and returns a new tensor")
    assert d.grad_fn is None, "y.detach() has a grad_fn: the new tensor has no history"
    assert not d.requires_grad and d.is_leaf, (
        "y.detach() requires grad: the new tensor is a constant (requires_grad False, a leaf)")
    assert d.dtype == y.dtype and tuple(d.shape) == tuple(y.shape), (
        f"y.detach() is {d.dtype} of shape {tuple(d.shape)}, y is {y.dtype} of shape "
        f"{tuple(y.shape)}: wrap y's own array, without converting it")
    assert np.allclose(values(d), [2.0, 4.0, 6.0]), f"y.detach() holds {values(d).tolist()}"
    z = (y * d).sum()                 # d is a constant: dz/dx = 2 d = 4x, not 8x
    z.backward()
    assert np.allclose(values(x.grad), [4.0, 8.0, 12.0]), (
        f"z = sum(y * y.detach()) with y = 2x should give x.grad = 2 * y.detach() = [4, 8, "
        f"12] (the detached factor is a constant), but x.grad is {values(x.grad).tolist()}")
    d.add_(100.0)                     # a change through d is a change of y
    assert np.allclose(values(y), [102.0, 104.0, 106.0]), (
        f"after d.add_(100) on d = y.detach(), y is {values(y).tolist()}, unchanged: "
        "detach() copied the data. It must share y's memory (the same array, no copy)")
    c = x.detach()
    assert not c.requires_grad and x.requires_grad and x.is_leaf, (
        "detaching a leaf that requires grad must leave the leaf as it is, and give a tensor "
        "that doesn't require grad")


def test_detach_shares_the_version_counter():
    t = minigrad.tensor([1.0, 2.0])  # never changed in place yet: its counter isn't made yet
    d = t.detach()
    d.add_(1.0)
    assert t._version == 1, (
        f"after d.add_(1) on d = t.detach(), t._version is {t._version}, not 1: detach() must "
        "share the version counter with the original (the same Version object), so that "
        "changes through the detached alias are seen. A tensor's counter is made on first "
        "need: use t._counter(), which makes it if there is none yet (t._vc may be None)")
    t.add_(1.0)
    assert d._version == 2, (
        f"after t.add_(1), the detached alias d reports version {d._version}, not 2: the two "
        "must share one counter, not copy its value")
    a = leaf([1.0, 2.0])
    s = a.sigmoid()                  # sigmoid saves its output for backward
    before = s._version
    try:
        s.detach().zero_()
    except RuntimeError as exc:
        pytest.fail(f"s.detach().zero_() raised RuntimeError: {exc} s.detach() must not "
                    "require grad (and have no grad_fn): it is a constant")
    assert s._version == before + 1, (
        "an in-place change through s.detach() did not move s._version: backward could then "
        "compute with a saved tensor that was overwritten, silently (that is what .data "
        "does; detach() shares the counter)")
