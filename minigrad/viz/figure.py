"""``CourseFigure``: the matplotlib ``Figure`` that ``minigrad.viz.plots`` returns.

It is a plain ``Figure`` (``savefig`` and everything else unchanged) that Jupyter shows as a
palette PNG: the same pixels as matplotlib's inline PNG, in a third of the bytes, which keeps
the notebooks that store it small. Imported only when a plot is made (it imports matplotlib).
"""
from __future__ import annotations

import io
from typing import Any

from matplotlib.figure import Figure

from .diagram import compact_png

# Plots have more colours than diagrams (colour maps, overlapping lines): the full palette.
PLOT_COLORS = 256


class CourseFigure(Figure):
    """A ``Figure`` that Jupyter displays as a compact PNG (see the module doc)."""

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        # What matplotlib's inline backend draws (its dpi, a tight box, the figure's colours),
        # then the palette.
        buf = io.BytesIO()
        self.savefig(buf, format="png", dpi=self.dpi, bbox_inches="tight",
                     facecolor=self.get_facecolor(), edgecolor=self.get_edgecolor())
        return {"image/png": compact_png(buf.getvalue(), colors=PLOT_COLORS),
                "text/plain": repr(self)}

    def _ipython_display_(self) -> None:
        # IPython prefers the PNG printer that matplotlib's inline backend registers for every
        # Figure over _repr_mimebundle_; an object that displays itself comes first.
        from IPython.display import display
        display(self._repr_mimebundle_(), raw=True)

    def __repr__(self) -> str:
        # `<Figure size 600x400 with 1 Axes>`, as matplotlib's own (notebooks store this text).
        return super().__repr__().replace(type(self).__name__, "Figure", 1)
