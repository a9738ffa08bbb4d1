"""Anomaly mode: find the operation whose backward failed or produced NaN.

When on, every recorded node remembers the stack of the forward call that made it. When a
node's backward raises (a saved tensor modified in place, ...), the engine warns, as PyTorch
does, with the place its forward operation was called; and it checks each backward result: a
NaN raises an error naming the node and showing that place.
"""
from __future__ import annotations

import os
import sys
import warnings
from typing import Any

_PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # minigrad/


class _State:
    enabled = False
    check_nan = True


state = _State()


def is_anomaly_enabled() -> bool:
    return state.enabled


def is_anomaly_check_nan_enabled() -> bool:
    return state.check_nan


class detect_anomaly:
    """Context manager (and decorator) that turns anomaly detection on."""

    def __init__(self, check_nan: bool = True) -> None:
        self.check_nan = check_nan

    def __enter__(self) -> None:
        warnings.warn("Anomaly Detection has been enabled. This mode will increase the runtime "
                      "and should only be enabled for debugging.", UserWarning, stacklevel=2)
        self._prev = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = True, self.check_nan

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.check_nan = self._prev

    def __call__(self, fn):
        def wrapper(*args, **kwargs):
            with detect_anomaly(self.check_nan):
                return fn(*args, **kwargs)
        return wrapper


class set_detect_anomaly:
    """``set_detect_anomaly(True)`` switches it on at once; as a context manager it restores."""

    def __init__(self, mode: bool, check_nan: bool = True) -> None:
        self._prev = (state.enabled, state.check_nan)
        state.enabled, state.check_nan = bool(mode), check_nan

    def __enter__(self) -> None:
        pass

    def __exit__(self, *exc: Any) -> None:
        state.enabled, state.check_nan = self._prev


def _forward_stack(node) -> str:
    """The stack recorded when ``node`` was created, up to the line that called the operation:
    minigrad's own innermost frames are left out (in PyTorch they are C++ and never shown)."""
    trace = list(node._trace or ())
    while trace and trace[-1].startswith('  File "') and \
            os.path.abspath(trace[-1].split('"')[1]).startswith(_PACKAGE + os.sep):
        trace.pop()
    return "".join(trace or ["  (stack not recorded: the node was created before anomaly mode "
                             "was on)\n"])


def warn_error(node) -> None:
    """PyTorch's warning when a node's backward raises in anomaly mode: where its forward ran."""
    frame, level = sys._getframe(0), 1  # shown at the first line outside minigrad
    while frame is not None and os.path.abspath(frame.f_code.co_filename).startswith(
            _PACKAGE + os.sep):
        frame, level = frame.f_back, level + 1
    warnings.warn(f"Error detected in {node.name()}. Traceback of forward call that caused the "
                  f"error:\n{_forward_stack(node)}", UserWarning, stacklevel=level)


def check_nan(node, grads: tuple) -> None:
    """Raise if a backward output holds NaN, showing where the node's forward was created."""
    for i, g in enumerate(grads):
        if g is not None and g.is_floating_point() and bool(g.xp.isnan(g._data).any()):
            where = _forward_stack(node)
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               f"output.\nThe forward operation of {node.name()} was created "
                               f"at (most recent call last):\n{where}")
