"""``show_source``: print the real code of a minigrad class or function in a notebook, so a
chapter can point at where the idea it teaches lives in the package."""
from __future__ import annotations

import inspect
from pathlib import Path


def show_source(obj, *, lines: "tuple[int, int] | None" = None) -> None:
    """Print ``obj``'s source with its file (relative to the repository) and line numbers.
    ``lines=(first, last)`` picks part of it (1-based, within the object's source)."""
    target = getattr(obj, "_forward_cls", obj)  # a grad_fn node: show its Function
    if not (inspect.isclass(target) or inspect.isfunction(target) or inspect.ismethod(target)
            or inspect.ismodule(target)):
        target = type(target)
    src, start = inspect.getsourcelines(target)
    path = Path(inspect.getsourcefile(target)).resolve()
    root = Path(__file__).resolve().parents[2]
    shown = path.relative_to(root) if root in path.parents else path.name
    if lines is not None:
        first, last = lines
        src, start = src[first - 1:last], start + first - 1
    print(f"# {shown}, line {start}")
    for i, line in enumerate(src):
        print(f"{start + i:4d}  {line.rstrip()}")
