"""``draw_graph``: the autograd graph behind some tensors, as a diagram."""
from __future__ import annotations

from typing import Any

from .diagram import COLUMN_WIDTH, Diagram, fit
from .walk import walk
from .style import to_digraph


def draw_graph(*roots: Any, params: Any = None, show_saved: bool = False,
               show_grads: bool = False, show_data: bool = False, rankdir: str = "auto",
               names: Any = None, trace: Any = None, max_nodes: int = 60,
               accumulate_nodes: bool = False, legend: bool = True,
               max_width: float | None = COLUMN_WIDTH) -> Diagram:
    """Draw the graph that produced ``roots`` (tensors, or ``grad_fn`` nodes).

    Tensors are boxes, operations (``grad_fn`` nodes, named ``MulBackward0``...) ovals; edges go
    the way the forward pass went. Colours tell outputs, intermediate tensors, leaves that
    require grad, parameters, constants and tensors cut off from the graph apart (see the
    legend). A root that doesn't require grad (made under ``no_grad`` or by ``detach()``) is
    drawn on its own, dashed, linked to a drawn tensor it shares memory with.

    Args:
        params: names for parameters: a dict, (name, tensor) pairs, or a module (anything
            with ``named_parameters()``). They are drawn as parameters.
        show_saved: draw the tensors each operation saved for backward (and whether they
            were freed or modified in place since).
        show_grads: write each leaf's (and retained tensor's) ``.grad``.
        show_data: write tensor values.
        rankdir: ``"LR"`` (inputs on the left, arrows left to right), ``"TB"`` (inputs on
            top, arrows downwards), or ``"auto"``: left to right when that fits
            ``max_width``, else top to bottom.
        names: names for any tensors (dict or pairs); named intermediate tensors are drawn
            between the operations that make and use them.
        trace: a ``BackwardTrace`` of this graph: label every edge with the gradient that
            flowed back along it and every operation with its step.
        max_nodes: draw at most this many graph nodes; the rest become one
            "... N more nodes" node.
        accumulate_nodes: draw leaves' ``AccumulateGrad`` nodes as operations too.
        legend: draw the legend.
        max_width: the widest the diagram may be shown, in CSS px (default: JupyterLab's
            notebook column, 840). ``rankdir="auto"`` picks the direction that fits; a
            diagram still wider is shown zoomed out to this width (``Diagram.zoom``; files
            written by ``render`` keep their natural size). ``None``: no limit.

    Returns a :class:`Diagram`: shown inline by Jupyter, ``.render("figures/x",
    format="svg")`` writes a file, ``.source`` is the DOT text.
    """
    opts = dict(show_saved=show_saved, show_grads=show_grads, show_data=show_data,
                rankdir=rankdir, max_nodes=max_nodes, legend=legend)
    g = walk(roots, params=params, names=names, max_nodes=max_nodes,
             accumulate_nodes=accumulate_nodes, show_saved=show_saved)
    overlay = trace.overlay(g) if trace is not None else None
    rankdir, zoom = fit(lambda rd: [to_digraph(g, {**opts, "rankdir": rd}, overlay)],
                        rankdir, max_width)
    return Diagram(to_digraph(g, {**opts, "rankdir": rankdir}, overlay), g, zoom=zoom)
