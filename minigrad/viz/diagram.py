"""``Diagram``: a graph diagram that Jupyter shows inline and that renders to files.

It wraps a ``graphviz.Digraph`` (``.graph``; its DOT text is ``.source``). Drawing needs
Graphviz's ``dot`` program; without it every drawing call raises :class:`GraphvizNotFound`,
whose message says how to install it, while ``.source`` keeps working.

In Jupyter the diagram carries both PNG and SVG: JupyterLab doesn't show the stored SVG of a
notebook it doesn't trust (one that was run on another machine), but it always shows PNG. The
PNG is drawn at ``PNG_SCALE`` times the screen resolution and displayed at its natural size, so
it stays sharp.

Diagrams fit JupyterLab's notebook column (``COLUMN_WIDTH`` px): ``draw_graph`` lays a graph
out top to bottom when left to right would be wider (:func:`fit`), and a diagram that is still
too wide is shown zoomed out towards the column's width (``Diagram.zoom``), as far as its
text stays legible (``MIN_TEXT_PX``).
"""
from __future__ import annotations

import os
import re
import struct
from typing import Any, Callable, Sequence

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

# PNG in Jupyter: PNG_SCALE times Graphviz's 96 dpi, shown at 1/PNG_SCALE of its pixel
# width. 1.5 keeps 9-point text crisp on ordinary and high-density screens alike, for about
# half the bytes of 2 (notebooks store every diagram's PNG).
PNG_SCALE = 1.5
FILE_PNG_SCALE = 2   # PNG files (render): slides and pages may show them larger

# Palette size of diagram PNGs: 64 colours look the same as 256 (fills, text, edges and
# their anti-aliasing) for a fifth fewer bytes; 32 visibly shifts the gradient red.
PNG_COLORS = 64

# The width of JupyterLab's notebook column, in CSS px, in a 1280 px wide window with the file
# browser open: wider pictures are cut off (SVG) or shrunk by the browser (PNG).
COLUMN_WIDTH = 840
# The smallest text on a diagram is 8 points (10.7 px); zooming out must leave it legible.
MIN_TEXT_PX = 10


class GraphvizNotFound(RuntimeError):
    """Graphviz's ``dot`` program is missing (the Python package alone can't draw)."""

    def __init__(self, detail: str = "") -> None:
        super().__init__(INSTALL_HELP + (f"\n({detail})" if detail else ""))


class Diagram:
    """A drawn graph: ``.source`` (DOT), ``.render(path, format)``, ``.pipe(format)``, and an
    inline picture in Jupyter. ``.graph`` is the ``graphviz.Digraph``, to restyle it."""

    def __init__(self, graph: Any, model: Any = None, zoom: float | None = None) -> None:
        self.graph = graph
        self.model = model   # the walked graph (minigrad.viz.walk.Graph), for inspection
        # How much Jupyter shrinks the picture (1: natural size). None: just enough to fit
        # COLUMN_WIDTH, as far as the text stays legible. Files (render, pipe) are never
        # zoomed.
        self.zoom = zoom

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
            g.graph_attr["dpi"] = f"{96 * scale:.6g}"
        try:
            data = g.pipe(format=format)
        except graphviz.ExecutableNotFound as exc:
            raise GraphvizNotFound(str(exc)) from None
        return compact_png(data) if format == "png" else data

    def render(self, filename: str, format: str = "svg", scale: float | None = None) -> str:
        """Write the picture to ``filename.<format>`` (the suffix is added unless present)
        and return the path. PNGs are drawn at double resolution (``FILE_PNG_SCALE``: for
        slides and pages, which may show them larger than a notebook does) unless ``scale``
        says."""
        if scale is None:
            scale = FILE_PNG_SCALE if format == "png" else 1
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
            svg = self.pipe("svg").decode("utf-8")
            zoom = self.zoom if self.zoom is not None else zoom_to_fit([svg], COLUMN_WIDTH)
            # Zoomed out: fewer PNG pixels for the same sharpness, and a smaller SVG box.
            png = self.pipe("png", scale=PNG_SCALE * zoom)
        except GraphvizNotFound as exc:
            # Shown in place of the picture: never a silent failure.
            return {"text/plain": str(exc)}
        if zoom != 1:
            svg = zoom_svg(svg, zoom)
        meta = {"image/png": {"width": round(png_size(png)[0] / PNG_SCALE)}}
        return {"image/png": png, "image/svg+xml": svg, "text/plain": repr(self)}, meta

    def __repr__(self) -> str:
        # Deterministic (no address): nbval compares this text.
        if self.model is None:
            return "<minigrad.viz.Diagram>"
        return (f"<minigrad.viz.Diagram: {len(self.model.items)} nodes, "
                f"{len(self.model.edges)} edges>")


def compact_png(png: bytes, colors: int = PNG_COLORS) -> bytes:
    """The same picture in a palette of ``colors`` colours: a quarter of the bytes for a
    diagram (a dozen colours and their anti-aliased edges), which keeps notebooks that
    store them small. Unchanged without Pillow."""
    try:
        from PIL import Image  # comes with matplotlib
    except ImportError:
        return png
    import io
    with Image.open(io.BytesIO(png)) as im:
        small = im.convert("RGB").quantize(colors=colors, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", optimize=True)
    return out.getvalue()


def png_size(png: bytes) -> tuple[int, int]:
    """(width, height) of a PNG, from its header."""
    w, h = struct.unpack(">II", png[16:24])
    return w, h


_SVG_SIZE = re.compile(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"')


def svg_size(svg: "str | bytes") -> tuple[float, float]:
    """(width, height) of a Graphviz SVG in CSS px (its attributes are in points: 96/72)."""
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    m = _SVG_SIZE.search(svg)
    if m is None:
        raise ValueError("not a Graphviz SVG: no width and height in points")
    return float(m.group(1)) * 96 / 72, float(m.group(2)) * 96 / 72


def zoom_svg(svg: str, zoom: float) -> str:
    """The same SVG shown ``zoom`` times as large (its viewBox keeps the drawing whole)."""
    w, h = (v * 72 / 96 for v in svg_size(svg))
    return _SVG_SIZE.sub(f'<svg width="{w * zoom:.2f}pt" height="{h * zoom:.2f}pt"', svg,
                         count=1)


def smallest_text_px(svg: "str | bytes") -> float:
    """The size of the smallest text in a Graphviz SVG, in CSS px as shown (inf: no text)."""
    if isinstance(svg, bytes):
        svg = svg.decode("utf-8")
    sizes = [float(v) for v in re.findall(r'font-size="([\d.]+)"', svg)]
    m = re.search(r'<svg width="([\d.]+)pt"[^>]*viewBox="[-\d.]+ [-\d.]+ ([\d.]+)', svg)
    shown = float(m.group(1)) / float(m.group(2)) if m else 1.0
    m = re.search(r'class="graph" transform="scale\(([\d.]+)', svg)
    drawn = float(m.group(1)) if m else 1.0
    return min(sizes, default=float("inf")) * shown * drawn * 96 / 72


def fit(make: Callable[[str], Sequence[Any]], rankdir: str = "auto",
        max_width: float | None = COLUMN_WIDTH) -> tuple[str, float]:
    """Choose how to lay out a drawing so that it fits ``max_width`` px: returns
    ``(rankdir, zoom)``.

    ``make(rankdir)`` gives the ``graphviz.Digraph`` (s) to draw that way: several for the
    frames of a trace, which must all look alike, so one choice is made for all, from the
    widest. ``rankdir="auto"`` tries left to right (``"LR"``), then top to bottom (``"TB"``),
    and takes the first that fits; any other value is kept. When nothing fits, the narrowest
    is zoomed out to ``max_width`` (zoom < 1), but never so far that text gets smaller than
    ``MIN_TEXT_PX``: legible and too wide beats fitting and unreadable. Deterministic: it
    depends only on the DOT text and Graphviz. Without Graphviz (nothing can be measured) or
    with ``max_width=None``: the first choice, unzoomed.
    """
    import graphviz
    choices = ("LR", "TB") if rankdir == "auto" else (rankdir,)
    if max_width is None:
        return choices[0], 1.0
    widest: dict[str, float] = {}
    smallest: dict[str, float] = {}
    for rd in choices:
        try:
            svgs = [g.pipe(format="svg") for g in make(rd)]
        except graphviz.ExecutableNotFound:
            return choices[0], 1.0
        widest[rd] = max(svg_size(svg)[0] for svg in svgs)
        if widest[rd] <= max_width:
            return rd, 1.0
        smallest[rd] = min(smallest_text_px(svg) for svg in svgs)
    best = min(choices, key=lambda rd: widest[rd])   # the first of equals
    return best, _zoom(widest[best], smallest[best], max_width)


def zoom_to_fit(svgs: Sequence["str | bytes"], max_width: float) -> float:
    """The zoom (<= 1) that shows the widest of these SVGs ``max_width`` px wide, or as close
    to it as text ``MIN_TEXT_PX`` high allows."""
    return _zoom(max(svg_size(svg)[0] for svg in svgs),
                 min(smallest_text_px(svg) for svg in svgs), max_width)


def _zoom(width: float, text_px: float, max_width: float) -> float:
    if width <= max_width:
        return 1.0
    return max(max_width / width, min(1.0, MIN_TEXT_PX / text_px))
