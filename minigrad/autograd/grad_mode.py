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
    Each entry pushes the previous mode on a stack, so one object can be re-entered
    (a decorated function that recurses)."""

    _enter_value: bool = False
    _inference: bool = False

    def __new__(cls, *args: Any, **kwargs: Any):
        self = super().__new__(cls)
        self._prev = []
        return self

    def __enter__(self) -> None:
        self._prev.append((state.enabled, state.inference))
        state.enabled = self._enter_value
        state.inference = self._inference or state.inference

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.inference = self._prev.pop()

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper


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
        self._before_init = state.enabled
        state.enabled = self._enter_value

    def __enter__(self) -> None:
        if not self._prev and state.enabled == self._enter_value:
            # Entered right after __init__: restore to the mode before the call on exit.
            self._prev.append((self._before_init, state.inference))
            return
        super().__enter__()

    def __call__(self, fn: Callable) -> Callable:
        state.enabled = self._before_init  # as a decorator, the switch happens per call only
        self._before_init = None
        return super().__call__(fn)


class inference_mode(_Mode):
    """Like ``no_grad``, for pure inference (``inference_mode(False)`` changes nothing)."""

    def __init__(self, mode: bool = True) -> None:
        self.mode = mode

    def __enter__(self) -> None:
        if self.mode:
            self._enter_value, self._inference = False, True
        else:
            self._enter_value = state.enabled
        super().__enter__()
