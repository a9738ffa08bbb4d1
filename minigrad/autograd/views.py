"""Views, and in-place operations on them, as PyTorch differentiates them.

A *view* (``y[1:]``, ``y.t()``, ``y.view(6)``, ``y.unbind()`` ...) shares its base's memory,
so writing into the view changes the base. Autograd has to follow: after ``y[1:].mul_(3)`` the
base ``y`` is a new value (old ``y`` outside the slice, 3 times old ``y`` inside) and needs a
new ``grad_fn``; and every view of ``y`` needs one too, since its values come from the new ``y``.

Each view remembers ``(base, replay, kind)`` in ``_view_info``:

- ``base`` — the tensor that owns the memory (a view of a view points at the first base);
- ``replay(b)`` — makes the same view of ``b`` again (the view ops, applied in order), so a
  view's ``grad_fn`` can be re-derived from its base's after the base changed;
- ``kind`` — ``None``, or why an in-place change through it is refused: ``"no_grad"`` (made
  while recording was off; ``"no_grad_parent"``: a view of such a view),
  ``(output_nr, name)`` (one of several views one op returned) or ``"custom_function"`` (a
  custom Function's output on an input's memory; ``replay`` is None).

An in-place op on a view, while recording, gives the base a ``CopySlices`` node: it wraps the
in-place op's own node and applies it to the part of the gradient the view covers.
"""
from __future__ import annotations

import re
import weakref
from typing import Any, Callable

from ..tensor.tensor import Tensor
from . import grad_mode
from .function import Function
from .graph import Node, gradient_edge, next_sequence_number


class ViewFunction(Function):
    """An op whose output(s) share the input's memory. ``apply`` records, besides the usual
    node, how to make the same view again of the base (``_view_info``)."""

    @classmethod
    def apply(cls, a: Tensor, *args: Any, **kwargs: Any) -> Any:
        out = _apply(cls, a, *args, **kwargs)
        replay = lambda b: _apply(cls, b, *args, **kwargs)  # noqa: E731
        if type(out) is tuple:  # unbind, split: every output a view of a
            name = cls._backward_cls.__name__.removesuffix("Backward0")
            for nr, o in enumerate(out):
                _track(a, o, lambda b, nr=nr: replay(b)[nr], (nr, name))
        elif out._vc is not None and out._vc is a._vc:  # (not when the op had to copy)
            _track(a, out, replay, None)
        return out


# views that keep their node when their base changes: no in-place change may go through them
_NOT_REDERIVED = ("no_grad", "no_grad_parent", "custom_function")

_apply = Function.apply.__func__  # Function.apply itself, for a ViewFunction subclass


def _track(a: Tensor, view: Tensor, replay: Callable, kind: Any) -> None:
    parent = a._view_info
    if parent is None:
        base, full_replay = a, replay
    else:  # a view of a view: replay the parent's views first
        base, parent_replay, parent_kind = parent
        full_replay = lambda b: replay(parent_replay(b))  # noqa: E731
        if parent_kind == "custom_function":  # (its replay is None: it can't be re-derived)
            kind = parent_kind
        elif parent_kind == "no_grad" and grad_mode.state.enabled:
            kind = kind or "no_grad_parent"
        else:
            kind = kind or parent_kind
    if not grad_mode.state.enabled:
        kind = "no_grad"
        if base._requires_grad:  # PyTorch: a view of a tensor that requires grad does
            view._requires_grad = True
    view._view_info = (base, full_replay, kind)
    if kind in _NOT_REDERIVED:
        return  # refresh_views never re-derives it: no need to find it again
    views = base._views
    if views is None:
        views = base._views = []
    elif len(views) >= 16 and len(views) >= 2 * base._views_live:
        views[:] = [r for r in views if r() is not None]  # forget dead views now and then
        base._views_live = len(views)
    views.append(weakref.ref(view))


# ---------------------------------------------------------------------- in-place on a view
def check_inplace_on_view(view: Tensor) -> None:
    """PyTorch's errors for a recorded in-place op on a view it can't rewrite."""
    base, _, kind = view._view_info
    if kind is not None:
        if view.grad_fn is not None:
            name = re.sub(r"Backward\d*$", "", view.grad_fn.name())
            nr = view._output_nr
            msg = f"Output {nr} of {name} is a view and is being modified inplace."
        else:
            msg = ("A view was created in no_grad mode and is being modified inplace with "
                   "grad mode enabled.")
        if kind == "no_grad_parent":
            msg = msg.replace(" is a view and is being modified inplace.",
                              " is a view of a view which was created in no_grad mode and is "
                              "being modified inplace with grad mode enabled.")
        if kind == "custom_function":
            raise RuntimeError(
                msg + " This view was created inside a custom Function (or because an input was "
                "returned as-is) and the autograd logic to handle view+inplace would override "
                "the custom backward associated with the custom Function, leading to incorrect "
                "gradients. This behavior is forbidden. You can fix this by cloning the output "
                "of the custom Function.")
        if kind in ("no_grad", "no_grad_parent"):
            raise RuntimeError(
                msg + " Given that this use case is ambiguous and error-prone, it is forbidden. "
                "You can clarify your code by moving both the view and the inplace either both "
                "inside the no_grad block (if you don't want the inplace to be tracked) or "
                "both outside (if you want the inplace to be tracked).")
        raise RuntimeError(
            msg + " This view is the output of a function that returns multiple views. Such "
            "functions do not allow the output views to be modified inplace. You should "
            "replace the inplace operation by an out-of-place one.")
    if view._requires_grad and base._requires_grad and base.grad_fn is None:
        raise RuntimeError("a view of a leaf Variable that requires grad is being used in an "
                           "in-place operation.")


def rebase_view(view: Tensor, r: Tensor) -> None:
    """``r``, the view's new value recorded out of place on its old value, was written into
    the view (so into its base): the base's node becomes a ``CopySlices`` wrapping r's node."""
    base, replay, _ = view._view_info
    base_edge = gradient_edge(base) if base._requires_grad else (None, 0)
    base.grad_fn = CopySlices(base_edge, r.grad_fn, replay)
    base._output_nr, base._requires_grad = 0, True


def refresh_views(base: Tensor) -> None:
    """After a recorded in-place change of ``base`` (or of one of its views): every live view
    gets its ``grad_fn`` anew, from the base's new one (PyTorch re-derives it the same way)."""
    for ref in base._views or ():
        v = ref()
        if v is None or v._view_info[2] in _NOT_REDERIVED:
            continue
        with grad_mode.enable_grad():
            fresh = AsStrided.apply(base, replay=v._view_info[1])
        v.grad_fn, v._output_nr, v._requires_grad = fresh.grad_fn, 0, True


class CopySlices(Node):
    """The base's node after an in-place op on its view. The gradient of the new base is the
    gradient of the old base outside the view; inside it, the in-place op's node (``fn``)
    turns it into the gradients of the view's old value and of the op's other inputs."""

    def __init__(self, base_edge: tuple, fn: Node, replay: Callable) -> None:
        # edges: the old base, then the in-place op's other inputs (its first input, the
        # view's old value, is the old base's business: it is part of it)
        self.next_functions = (base_edge,) + tuple(fn.next_functions[1:])
        self.fn, self.replay = fn, replay
        self._seq = next_sequence_number()

    def name(self) -> str:
        return "torch::autograd::CopySlices"

    @property
    def _saved(self) -> tuple:
        return self.fn._saved

    def release(self) -> None:
        self.fn.release()

    def apply(self, grad_outputs: tuple) -> tuple:
        g = grad_outputs[0]
        g_view = self.replay(g)  # the part of the base's gradient that the view covers
        result = self.fn.apply((g_view,))
        g_old_view = result[0]
        if g_old_view is None:  # the old values were overwritten (fill_, copy_)
            g_old_view = g_view * 0
        return (WriteIntoView.apply(g, g_old_view, replay=self.replay),) + tuple(result[1:])


class AsStrided(Function):
    """A view's node re-derived from its base (whatever views made it): the view's gradient
    goes into a zero gradient of the base, at the place the view covers."""
    _node_name = "AsStridedBackward0"

    @staticmethod
    def forward(ctx, base, replay=None):
        ctx.replay, ctx.meta = replay, (base._data.shape, base._data.dtype, base._device)
        return replay(base)

    @staticmethod
    def backward(ctx, g):
        return into_zeros(g, *ctx.meta, replay=ctx.replay), None


def into_zeros(g: Tensor, shape: tuple, dtype, device, replay: Callable) -> Tensor:
    """Zeros of ``shape``, with ``g`` at the place that ``replay`` views: the backward of a
    view that takes part of its input (as WriteIntoView, so it can be differentiated again)."""
    from .. import backend
    zeros = Tensor._make(backend.array_module(device).zeros(shape, dtype), device)
    return WriteIntoView.apply(zeros, g, replay=replay)


class WriteIntoView(Function):
    """``base`` with the part that ``replay`` views replaced by ``value`` (out of place)."""
    _node_name = "CopySlices"

    @staticmethod
    def forward(ctx, base, value, replay=None):
        ctx.replay = replay
        r = Tensor._make(base._data.copy(), base._device)
        replay(r)._data[...] = value._data
        return r

    @staticmethod
    def backward(ctx, g):
        g_view = ctx.replay(g)
        return WriteIntoView.apply(g, g_view * 0, replay=ctx.replay), g_view, None
