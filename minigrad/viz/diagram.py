"""``Diagram``: a graph diagram that Jupyter shows inline and that renders to files.

It wraps a ``graphviz.Digraph`` (``.graph``; its DOT text is ``.source``). Drawing needs
Graphviz's ``dot`` program; without it every drawing call raises :class:`GraphvizNotFound`,
whose message says how to install it, while ``.source`` keeps working.

In Jupyter the diagram carries both PNG and SVG: JupyterLab doesn't show the stored SVG of a
notebook it doesn't trust (one that was run on another machine), but it always shows PNG. The
PNG is drawn at twice the resolution and displayed at its natural size, so it stays sharp.
"""
from __future__ import annotations

import os
import struct
from typing import Any

INSTALL_HELP = """\
Graphviz's `dot` program was not found on PATH; minigrad.viz needs it to draw diagrams.
Install Graphviz, then restart the kernel (or Python):
  Debian/Ubuntu:  sudo apt-get install graphviz
  Fedora:         sudo dnf install graphviz
  macOS:          brew install graphviz
  Windows:        the installer from https://graphviz.org/download/ -- tick "add Graphviz to
                  the system PATH" (or add its bin folder, which holds dot.exe, to PATH)
  conda:          conda install -c conda-forge graphviz python-graphviz
The diagram's DOT source is still available: diagram.source"""

# PNG for Jupyter and files: twice Graphviz's 96 dpi, shown at half its pixel width.
PNG_SCALE = 2


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is missing (the Python package alone can't draw)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HELP + (f"\n({detail})" if detail else ""))


class Diagram:
    """A drawn graph: ``.source`` (DOT), ``.render(path, format)``, ``.pipe(format)``, and an
    inline picture in Jupyter. ``.graph`` is the ``graphviz.Digraph``, to restyle it."""

    def __init__(self, graph: Any, model: Any = None) -> None:
        self.graph = graph
        self.model = model   # the walked graph (minigrad.viz.walk.Graph), for inspection

    @property
    def source(self) -> str:
        """The DOT source: deterministic, the same for the same graph on every run."""
        return self.graph.source

    def pipe(self, format: str = "svg", scale: float = 1) -> bytes:
        """The picture as bytes (``svg``, ``png``, ``pdf``, ...). ``scale`` multiplies the
        resolution of bitmap formats. Raises :class:`GraphvizNotFound` without ``dot``."""
        import graphviz
        g = self.graph
        if scale != 1:
            g = g.copy()
            g.graph_attr["dpi"] = str(int(96 * scale))
        try:
            data = g.pipe(format=format)
        except graphviz.ExecutableNotFound as exc:
            raise GraphvizNotFound(str(exc)) from None
        return compact_png(data) if format == "png" else data

    def render(self, filename: str, format: str = "svg", scale: float | None = None) -> str:
        """Write the picture to ``filename.<format>`` (the suffix is added unless present)
        and return the path. PNGs are drawn at double resolution unless ``scale`` says."""
        if scale is None:
            scale = PNG_SCALE if format == "png" else 1
        path = os.fspath(filename)
        if not path.endswith("." + format):
            path += "." + format
        data = self.pipe(format, scale=scale)
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        try:
            png = self.pipe("png", scale=PNG_SCALE)
            svg = self.pipe("svg").decode("utf-8")
        except GraphvizNotFound as exc:
            # Shown in place of the picture: never a silent failure.
            return {"text/plain": str(exc)}
        meta = {"image/png": {"width": png_size(png)[0] // PNG_SCALE}}
        return {"image/png": png, "image/svg+xml": svg, "text/plain": repr(self)}, meta

    def __repr__(self) -> str:
        # Deterministic (no address): nbval compares this text.
        if self.model is None:
            return "<minigrad.viz.Diagram>"
        return (f"<minigrad.viz.Diagram: {len(self.model.items)} nodes, "
                f"{len(self.model.edges)} edges>")


def compact_png(png: bytes) -> bytes:
    """The same picture in a 256-colour palette: a third of the bytes (diagrams have few
    colours), which keeps notebooks that store them small. Unchanged without Pillow."""
    try:
        from PIL import Image  # comes with matplotlib
    except ImportError:
        return png
    import io
    with Image.open(io.BytesIO(png)) as im:
        small = im.convert("RGB").quantize(colors=256, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    w, h = struct.unpack(">II", png[16:24])
    return w, h
