"""``RemovableHandle``: what ``register_hook`` returns, on a tensor, a graph node or a module.

Hooks are kept in a dict (``{handle id: hook}``) on whatever they hook; the handle remembers
the dict and its id, so ``handle.remove()`` (or leaving ``with handle:``) unregisters the hook.
PyTorch's is ``torch.utils.hooks.RemovableHandle`` (here also ``minigrad.utils.hooks``).
"""
from __future__ import annotations

from typing import Callable


class RemovableHandle:
    """Returned by ``register_hook``: ``handle.remove()`` unregisters the hook."""

    _next_id = 0

    def __init__(self, hooks: dict, hook: Callable) -> None:
        """Put ``hook`` into ``hooks`` under ``self.id``, a number no other handle ever had
        (module hooks find it there by that key: ``prepend`` moves it to the front)."""
        ### BEGIN SOLUTION chapter 7: the handle (the hook kept under an id of its own)
        RemovableHandle._next_id += 1  # one counter for every handle: ids are never reused
        self.id = RemovableHandle._next_id
        self._hooks = hooks
        hooks[self.id] = hook
        ### END SOLUTION

    def remove(self) -> None:
        """Unregister this handle's hook, and only it; removing twice does nothing."""
        ### BEGIN SOLUTION chapter 7: handle.remove()
        self._hooks.pop(self.id, None)
        ### END SOLUTION

    def __enter__(self) -> "RemovableHandle":
        return self

    def __exit__(self, *exc) -> None:
        self.remove()
