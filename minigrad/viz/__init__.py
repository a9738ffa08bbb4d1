"""``minigrad.viz``: see the graph, watch backward run, and plot what the course teaches.

| name                | what                                                           |
|---------------------|----------------------------------------------------------------|
| ``draw_graph``      | the autograd graph behind some tensors, as a diagram (draw.py) |
| ``trace_backward``  | run backward and replay it step by step, as frames (trace.py)  |
| ``Diagram``         | what both return: Jupyter shows it; ``.render``, ``.source``   |
| ``plots``           | matplotlib helpers: derivatives, descent, loss, grad norms     |
| ``show_source``     | print the real minigrad code behind a concept (source.py)      |

Graphviz and matplotlib are imported only when something is drawn, so ``import minigrad``
stays light.
"""
from .diagram import Diagram, GraphvizNotFound
from .draw import draw_graph
from .trace import BackwardTrace, Step, trace_backward
from .source import show_source

__all__ = ["draw_graph", "trace_backward", "BackwardTrace", "Step", "Diagram",
           "GraphvizNotFound", "plots", "show_source"]


def __getattr__(name: str):
    # `minigrad.viz.plots` loads matplotlib's pieces only when first used.
    if name == "plots":
        import importlib
        return importlib.import_module(".plots", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
