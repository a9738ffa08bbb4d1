"""How each kind of item looks, and the text on it: turns a walked ``Graph`` into DOT.

One table of styles (``STYLES``) says what each kind of tensor or operation looks like; the
legend is made from the same table, so the two can't disagree. Labels are Graphviz HTML-like
labels (bold names, small grey details).
"""
from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..autograd.graph import AccumulateGrad, Node
from ..backend import cpu, to_device
from .walk import Graph, Item

FONT = "Helvetica"
GRAD_COLOR = "#c92a2a"      # gradients: edge labels and .grad lines
GHOST = "transparent"       # text that takes its place in the layout but isn't shown yet
MUTED = "#666666"

# kind: (node attributes, legend text). Tensors are boxes, operations ovals.
STYLES: dict[str, tuple[dict, str]] = {
    "output": ({"shape": "box", "style": "filled", "fillcolor": "#b2f2bb"},
               "output (what you drew)"),
    "nonleaf": ({"shape": "box", "style": "filled", "fillcolor": "#ffffff"},
                "intermediate tensor"),
    "leaf": ({"shape": "box", "style": "filled", "fillcolor": "#a5d8ff"},
             "leaf tensor, requires_grad=True"),
    "param": ({"shape": "box", "style": "filled", "fillcolor": "#ffec99"}, "parameter"),
    "cut": ({"shape": "box", "style": "dashed", "color": "#868e96", "fontcolor": MUTED},
            "cut off: requires_grad=False, no grad_fn"),
    "op": ({"shape": "ellipse", "style": "filled", "fillcolor": "#e9ecef", "margin": "0.03,0.01"},
           "operation: a grad_fn node (oval)"),
    "const": ({"shape": "box", "style": "filled,rounded", "fillcolor": "#f1f3f5",
               "color": "#adb5bd", "fontcolor": MUTED, "fontsize": "9", "height": "0.25"},
              "constant: an input that doesn't require grad"),
    "saved": ({"shape": "note", "style": "filled", "fillcolor": "#ffd8a8", "fontsize": "9"},
              "saved for backward"),
    "more": ({"shape": "plaintext", "fontcolor": MUTED}, ""),
    "current": ({"style": "filled,bold", "fillcolor": "#ffd43b", "color": "#e8590c",
                 "penwidth": "2.5"}, "running now"),
}
EDGE_STYLES: dict[str, dict] = {
    "data": {},
    "saved": {"style": "dotted", "color": "#f08c00", "arrowhead": "none"},
    "alias": {"style": "dashed", "color": "#868e96", "arrowhead": "none", "fontsize": "9",
              "fontcolor": MUTED},
    "more": {"style": "dashed", "color": "#adb5bd"},
}
SPINE_WEIGHT = "5"   # Graphviz weight of the edges of the longest path (others: 1)
LEGEND_ORDER = ("output", "nonleaf", "leaf", "param", "cut", "op", "const", "saved", "current")


@dataclass
class Overlay:
    """What a backward pass has shown so far (from a trace), drawn over the graph.

    Each text is (text, visible): hidden texts are drawn transparent, so every frame of a
    trace has the same layout and nothing jumps while a class steps through it.
    """
    edge_grads: dict = field(default_factory=dict)    # grad_key -> (text, visible)
    steps: dict = field(default_factory=dict)         # Node -> (step number, visible)
    tensor_grads: dict = field(default_factory=dict)  # id(tensor) -> (text, visible)
    # Node -> True when its saved tensors are freed at this point of the pass; None: look at
    # the graph as it is now.
    freed: dict | None = None
    current: Node | None = None
    caption: str | None = None


def fmt_array(a: Any, max_items: int = 6) -> str:
    """A short, deterministic text for an array: all values when there are at most
    ``max_items`` (a matrix one row a line), else numpy's summary (``[1, ..., 9]``) and the
    shape."""
    a = np.asarray(a)
    if a.ndim == 0:
        return _fmt_scalar(a.item())
    text = np.array2string(a, separator=", ", threshold=max_items, edgeitems=1,
                           max_line_width=10_000,
                           formatter={"all": lambda v: _fmt_scalar(v.item())})
    if a.ndim == 2 and a.size <= max_items:
        return "\n".join(" ".join(row.split()) for row in text.split("\n"))
    text = " ".join(text.split())
    if a.size > max_items:
        text += f"  ({', '.join(map(str, a.shape))})"
    return text


def _fmt_scalar(v: Any) -> str:
    if isinstance(v, float):
        return f"{v:.4g}"
    return str(v)


def host(t_or_array: Any) -> np.ndarray:
    """A NumPy copy of a tensor's (or array's) data, from any device."""
    data = getattr(t_or_array, "_data", t_or_array)
    return np.array(to_device(data, cpu) if not isinstance(data, np.ndarray) else data)


def describe(data: Any, device: Any = None) -> str:
    """``(2, 2) float32`` for an array or a tensor (plus its device when not the CPU);
    ``scalar float32`` for 0-d."""
    device = getattr(data, "_device", device)
    data = getattr(data, "_data", data)
    shape = tuple(int(s) for s in data.shape)
    text = ("scalar" if not shape else str(shape)) + f" {np.dtype(data.dtype).name}"
    if device is not None and device.type != "cpu":
        text += f" {device}"
    return text


def op_name(node: Node) -> str:
    # PyTorch names a few C++ nodes with their namespace (torch::autograd::CopySlices)
    return "AccumulateGrad" if isinstance(node, AccumulateGrad) else node.name().removeprefix(
        "torch::autograd::")


def is_freed(node: Node, ov: Overlay | None) -> bool:
    """Has this node dropped its saved tensors (it ran, without retain_graph)?"""
    if ov is not None and ov.freed is not None:
        return ov.freed.get(node, False)
    return getattr(node, "_freed", False)


def _e(text: str) -> str:
    return html.escape(str(text), quote=False)


def _line(text: str, size: int | None = None, color: str | None = None,
          bold: bool = False, italic: bool = False) -> str:
    """One line of an HTML-like label (several when ``text`` holds newlines)."""
    s = "<BR/>".join(_e(part) for part in str(text).split("\n"))
    if bold:
        s = f"<B>{s}</B>"
    if italic:
        s = f"<I>{s}</I>"
    attrs = (f' POINT-SIZE="{size}"' if size else "") + (f' COLOR="{color}"' if color else "")
    return f"<FONT{attrs}>{s}</FONT>" if attrs else s


def _html(lines: list[str]) -> str:
    return "<" + "<BR/>".join(lines) + ">"


def _count(hooks: Any) -> int:
    return len(hooks) if hooks else 0


def item_label(it: Item, opts: dict, ov: Overlay | None) -> str:
    """The HTML-like label of one item."""
    kind = it.kind
    if kind == "op":
        return _op_label(it.node, opts, ov)
    if kind == "const":
        return _html([_line("constant", 9, MUTED)])
    if kind == "more":
        return _html([_line(f"... {it.index} more nodes", italic=True),
                      _line(f"(max_nodes={opts['max_nodes']})", 9)])
    if kind == "saved":
        return _saved_label(it, opts, ov)
    return _tensor_label(it, opts, ov)


def _tensor_label(it: Item, opts: dict, ov: Overlay | None) -> str:
    t = it.tensor
    lines = []
    if it.name:
        lines.append(_line(it.name, bold=True))
    lines.append(_line(describe(t), 9 if it.name else None, bold=not it.name))
    if opts["show_data"]:
        lines.append(_line(fmt_array(host(t)), 9))
    # Hooks: on a leaf they live on the tensor, on a non-leaf on its grad_fn's output slot.
    n_hooks = _count(t._hooks) if t.grad_fn is None else _count(
        (t.grad_fn._tensor_hooks or {}).get(t._output_nr))
    if n_hooks:
        lines.append(_line(f"hook x{n_hooks}" if n_hooks > 1 else "hook", 9, "#5f3dc4"))
    if t._retains_grad:
        lines.append(_line("retain_grad()", 9, "#5f3dc4"))
    if it.kind == "cut":
        lines.append(_line("cut: no grad_fn", 9, MUTED, italic=True))
    grad = None
    if ov is not None and id(t) in ov.tensor_grads:
        grad = ov.tensor_grads[id(t)]
    elif opts["show_grads"] and t._grad is not None:
        grad = (fmt_array(host(t._grad)), True)
    if grad is not None:
        lines.append(_line(f"grad = {grad[0]}", 9, GRAD_COLOR if grad[1] else GHOST))
    return _html(lines)


def _op_label(node: Node, opts: dict, ov: Overlay | None) -> str:
    lines = [_line(op_name(node), bold=True)]
    if ov is not None and node in ov.steps:
        n, visible = ov.steps[node]
        lines.insert(0, _line(f"step {n}", 9, "#e8590c" if visible else GHOST))
    if node._pre_hooks:
        lines.append(_line(f"prehook x{len(node._pre_hooks)}", 9, "#5f3dc4"))
    if node._post_hooks:
        lines.append(_line(f"hook x{len(node._post_hooks)}", 9, "#5f3dc4"))
    if opts["show_saved"] and is_freed(node, ov):
        lines.append(_line("saved tensors freed", 9, MUTED, italic=True))
    return _html(lines)


def _saved_label(it: Item, opts: dict, ov: Overlay | None) -> str:
    s = it.saved
    data = s.tensor._data if s.tensor is not None else s.data
    lines = [_line(f"saved[{it.index}]" + (f" = {it.name}" if it.name else ""), bold=True)]
    lines.append(_line(describe(s.tensor if s.tensor is not None else data, s.device
                                if s.tensor is None else None)))
    if s.tensor is None:
        lines.append(_line("(this op's output)", 8, MUTED))
    if opts["show_data"]:
        lines.append(_line(fmt_array(host(data))))
    if s.current_version != s.version:
        lines.append(_line(f"modified in place: version {s.current_version}, saved at "
                           f"{s.version}", 8, GRAD_COLOR, bold=True))
    return _html(lines)


def _caption_html(caption: str) -> str:
    return f'<FONT POINT-SIZE="12"><B>{_e(caption)}</B></FONT>'


def caption_width(captions: list) -> int | None:
    """The width, in points, of the widest of ``captions`` as Graphviz draws them (None
    without Graphviz, or without captions). Every frame of a trace reserves that width for
    its caption: the frames then have the same size, and nothing moves from one to the next
    (a graph narrower than its caption is centred under it)."""
    import graphviz
    g = graphviz.Digraph(node_attr={"shape": "plaintext", "margin": "0", "width": "0",
                                    "height": "0", "fontname": FONT})
    for k, caption in enumerate(captions):
        if caption:
            g.node(f"c{k}", label="<" + _caption_html(caption) + ">")
    try:
        plain = g.pipe(format="plain").decode()
    except graphviz.ExecutableNotFound:
        return None
    widths = [float(line.split()[4]) for line in plain.splitlines() if line.startswith("node ")]
    # Inches to points, and a little room for the cell's padding.
    return int(max(widths) * 72) + 4 if widths else None


def legend_label(kinds: list[str], grads: bool, caption: str | None = None,
                 show: bool = True, caption_width: int | None = None) -> str:
    """The graph's label: the caption (a trace's step; at least ``caption_width`` points
    wide), then the legend — a small table, two entries a row, one entry per kind of item in
    this diagram."""
    cells = []
    for kind in LEGEND_ORDER:
        if kind not in kinds:
            continue
        attrs, text = STYLES[kind]
        fill = attrs.get("fillcolor", "#ffffff")
        style = ' STYLE="rounded"' if kind == "op" else ' STYLE="dashed"' if kind == "cut" else ""
        cells.append(f'<TD BGCOLOR="{fill}" WIDTH="18"{style}> </TD>'
                     f'<TD BORDER="0" ALIGN="LEFT">{_e(text)}</TD>')
    cells.append('<TD BORDER="0">--&gt;</TD><TD BORDER="0" ALIGN="LEFT">forward: input to '
                 'output</TD>')
    if grads:
        cells.append(f'<TD BORDER="0"><FONT COLOR="{GRAD_COLOR}">&lt;--</FONT></TD>'
                     f'<TD BORDER="0" ALIGN="LEFT"><FONT COLOR="{GRAD_COLOR}">gradient flowing '
                     'back</FONT></TD>')
    if len(cells) % 2:
        cells.append('<TD BORDER="0"></TD><TD BORDER="0"></TD>')
    rows = ["<TR>" + cells[i] + cells[i + 1] + "</TR>" for i in range(0, len(cells), 2)]
    if not show:
        rows = []
    if caption:
        width = f' WIDTH="{caption_width}"' if caption_width else ""
        rows.insert(0, f'<TR><TD BORDER="0" COLSPAN="4" ALIGN="LEFT"{width}>'
                       f'{_caption_html(caption)}</TD></TR>')
    if not rows:
        return ""
    return ('<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="3" CELLPADDING="1">'
            + "".join(rows) + "</TABLE>>")


def spine_edges(g: Graph) -> set[int]:
    """Indices (in ``g.edges``) of the edges that carry the graph's longest paths: into each
    item, the data edge from its deepest input (the first of equals; constants last).

    Drawn heavier, these keep the main chain of operations straight (one row, or one
    column) with the side inputs around it, instead of a staircase that shifts sideways at
    every operation and widens the picture.
    """
    into: dict[str, list[int]] = {}
    for k, e in enumerate(g.edges):
        if e.kind == "data":
            into.setdefault(e.head, []).append(k)
    kind = {it.id: it.kind for it in g.items}
    # Depth: the longest path from an input, by an iterative depth-first walk (no recursion
    # limit on long chains; the graph has no cycles).
    depth: dict[str, int] = {}
    for start in into:
        stack = [(start, False)]
        while stack:
            item, ready = stack.pop()
            if item in depth:
                continue
            tails = [g.edges[k].tail for k in into.get(item, ())]
            if ready:
                depth[item] = 1 + max((depth[t] for t in tails), default=-1)
            else:
                stack.append((item, True))
                stack.extend((t, False) for t in tails if t not in depth)
    spine = set()
    for head, ks in into.items():
        best = max(ks, key=lambda k: (kind.get(g.edges[k].tail) != "const",
                                      depth[g.edges[k].tail], -k))
        spine.add(best)
    return spine


def to_digraph(g: Graph, opts: dict, ov: Overlay | None = None):
    """The ``graphviz.Digraph`` of a walked graph, styled, with a legend."""
    import graphviz  # only when drawing: `import minigrad` stays light
    dot = graphviz.Digraph(
        "minigrad",
        graph_attr={"rankdir": opts["rankdir"], "bgcolor": "white", "fontname": FONT,
                    "fontsize": "11", "nodesep": "0.25", "ranksep": "0.35", "pad": "0.15"},
        node_attr={"fontname": FONT, "fontsize": "11", "margin": "0.08,0.04", "height": "0.3"},
        edge_attr={"fontname": FONT, "fontsize": "9", "arrowsize": "0.7"})
    # Every frame of a trace gets the same legend (same layout), "running now" included.
    kinds: list[str] = ["current"] if ov is not None and ov.freed is not None else []
    for it in g.items:
        attrs = dict(STYLES[it.kind][0])
        if ov is not None and ov.current is not None and it is g.item_of(ov.current):
            attrs.update(STYLES["current"][0])
        if it.kind == "saved" and is_freed(it.owner, ov):
            attrs.update({"style": "dashed", "fontcolor": MUTED, "color": "#adb5bd"})
        if it.kind not in kinds:
            kinds.append(it.kind)
        dot.node(it.id, label=item_label(it, opts, ov), **attrs)
    # What an operation saved sits beside it (same rank), not a rank before it with its
    # inputs: in a top-to-bottom layout that row would be the widest. saved[0], [2]... go
    # on one side, saved[1], [3]... on the other (a same-rank edge points to the right, or
    # down), so that no dotted line has to pass another saved tensor.
    beside: dict[str, list[str]] = {}
    right_of: dict[str, str] = {}
    for it in g.items:
        if it.kind == "saved" and it.owner in g.by_node:
            op = g.by_node[it.owner].id
            beside.setdefault(op, []).append(it.id)
            if it.index % 2:
                right_of[it.id] = op
    for op, saved in beside.items():
        with dot.subgraph() as row:
            row.attr(rank="same")
            for node_id in [op] + saved:
                row.node(node_id)
    any_grads = False
    spine = spine_edges(g)
    for k, e in enumerate(g.edges):
        attrs = dict(EDGE_STYLES[e.kind])
        if k in spine:
            attrs["weight"] = SPINE_WEIGHT
        if e.kind == "alias":
            attrs["label"] = "shares memory"
        grad = ov.edge_grads.get(e.grad_key) if ov is not None and e.grad_key else None
        if grad is not None:
            text, visible = grad
            attrs["label"] = _html([_line(text, 9, GRAD_COLOR if visible else GHOST)])
            if visible:
                # Same layout, arrow turned round: this edge carries a gradient back.
                attrs.update({"color": GRAD_COLOR, "dir": "back", "penwidth": "1.5"})
                any_grads = True
        if e.tail in right_of:
            dot.edge(e.head, e.tail, **attrs)   # no arrowhead: only the side changes
        else:
            dot.edge(e.tail, e.head, **attrs)
    # The legend (and a trace's caption) is the graph's label, above the graph: as a node it
    # would take a rank of its own and widen the picture.
    label = legend_label(kinds, any_grads or (ov is not None),
                         ov.caption if ov is not None else None, opts["legend"],
                         opts.get("caption_width"))
    if label:
        dot.attr(label=label, labelloc="t", labeljust="l", fontsize="9")
    return dot
