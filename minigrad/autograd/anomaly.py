"""Anomaly mode: find the operation whose backward produced NaN.

When on, every recorded node remembers the stack of the forward call that made it, and the
engine checks each backward result; a NaN raises an error naming the node and showing where
its forward operation was created.
"""
from __future__ import annotations

from typing import Any


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
        import warnings
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


def check_nan(node, grads: tuple) -> None:
    """Raise if a backward output holds NaN, showing where the node's forward was created."""
    for i, g in enumerate(grads):
        if g is not None and g.is_floating_point() and bool(g.xp.isnan(g._data).any()):
            where = "".join(node._trace or ["  (stack not recorded: the node was created before "
                                            "anomaly mode was on)\n"])
            raise RuntimeError(f"Function '{node.name()}' returned nan values in its {i}th "
                               f"output.\nThe forward operation of {node.name()} was created "
                               f"at (most recent call last):\n{where}")
