"""Grad modes: is the engine recording operations right now?

``no_grad``, ``enable_grad``, ``set_grad_enabled`` and ``inference_mode`` flip one flag, as
context managers or as decorators. The flag is process-wide (PyTorch keeps one per thread);
a teaching engine runs in one thread.
"""
from __future__ import annotations

import functools
from typing import Any, Callable


class _State:
    enabled = True     # record operations into the graph?
    inference = False  # inside inference_mode?


state = _State()


def is_grad_enabled() -> bool:
    return state.enabled


def is_inference_mode_enabled() -> bool:
    return state.inference


class _Mode:
    """Base of the grad-mode switches: a context manager that is also a decorator.

    A switch has the mode it turns on (``_enter_value``: False for ``no_grad``, True for
    ``enable_grad``, the argument of ``set_grad_enabled``). Entering saves the mode in force and
    switches; leaving restores the saved mode, whatever it was (the switch may sit inside
    another one). ``self._prev`` is a list made for each switch object: one object can be
    entered again before it is left (a decorated function that calls itself), so the saved
    modes form a stack. Recording is the one flag ``state.enabled``."""

    _enter_value: bool = False

    def __new__(cls, *args: Any, **kwargs: Any):
        self = super().__new__(cls)
        self._prev = []
        return self

    def __enter__(self) -> None:
        ### BEGIN SOLUTION chapter 6: entering a grad mode (save the mode in force, switch)
        self._prev.append(state.enabled)
        state.enabled = self._enter_value
        ### END SOLUTION

    def __exit__(self, *exc: Any) -> None:
        # Runs also when the block raised (exc is then its type, value and traceback);
        # returning a true value would swallow the exception.
        ### BEGIN SOLUTION chapter 6: leaving a grad mode (restore the saved mode)
        state.enabled = self._prev.pop()
        ### END SOLUTION

    def __call__(self, fn: Callable) -> Callable:
        """As a decorator: the function runs under this mode each time it is called."""
        ### BEGIN SOLUTION chapter 6: a grad mode as a decorator (switched around each call)
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper
        ### END SOLUTION


class _BareDecorator(_Mode):
    """Allows both ``@no_grad()`` and bare ``@no_grad``."""

    def __new__(cls, orig_func: Callable | None = None):
        self = super().__new__(cls)
        return self if orig_func is None else self(orig_func)

    def __init__(self, orig_func: Callable | None = None) -> None:
        pass


class no_grad(_BareDecorator):
    """Don't record: results don't require grad (use for evaluation and weight updates)."""

    _enter_value = False


class enable_grad(_BareDecorator):
    """Record again inside a ``no_grad`` block."""

    _enter_value = True


class set_grad_enabled(_Mode):
    """``set_grad_enabled(False)`` switches recording off at once (as a plain call); as a
    context manager or decorator it also restores the previous mode afterwards."""

    def __init__(self, mode: bool) -> None:
        self._enter_value = bool(mode)
        self._before_call = state.enabled  # the plain call switches at once, as in PyTorch
        state.enabled = self._enter_value

    def _undo_the_call(self) -> None:
        """Put back the mode from before the call: entering (or each call of a decorated
        function) then saves that mode and switches, as every switch does."""
        if self._before_call is not None:
            state.enabled, self._before_call = self._before_call, None

    def __enter__(self) -> None:
        self._undo_the_call()
        super().__enter__()

    def __call__(self, fn: Callable) -> Callable:
        self._undo_the_call()  # as a decorator, the switch happens per call only
        return super().__call__(fn)


class inference_mode(_Mode):
    """Like ``no_grad``, for pure inference (``inference_mode(False)`` changes nothing).
    It also sets the flag ``is_inference_mode_enabled()`` reads, saved and restored here."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode
        self._prev_inference = []

    def __enter__(self) -> None:
        self._enter_value = False if self.mode else state.enabled
        super().__enter__()
        self._prev_inference.append(state.inference)
        state.inference = self.mode or state.inference

    def __exit__(self, *exc: Any) -> None:
        state.inference = self._prev_inference.pop()
        return super().__exit__(*exc)
