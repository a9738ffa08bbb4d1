"""Backward, step by step: record what the engine does and replay it as frames.

``trace_backward(loss)`` runs ``loss.backward()`` while watching the engine
(``minigrad.autograd.engine.observe``): for every node it runs, in the order it runs them, the
gradient that arrived and the gradients it sent to its inputs. The result replays the pass:
``trace[0]`` is the graph before backward, ``trace[k]`` the graph after step k, with the node
of step k highlighted, every gradient known so far written on its edge, and each leaf's
``.grad`` as it was then. Every frame has the same layout (text not known yet is drawn
transparent), so a class can step through them without the picture jumping.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any, Iterator, Sequence

import numpy as np

from ..autograd import engine
from ..autograd.graph import AccumulateGrad, Node
from ..tensor.tensor import Tensor
from .diagram import COLUMN_WIDTH, Diagram, fit
from .walk import Graph, walk
from .style import Overlay, caption_width, fmt_array, host, to_digraph


@dataclass(frozen=True)
class Step:
    """One node run by the engine. Gradients are NumPy copies, taken as they were then."""
    index: int                      # 1, 2, ...: the engine's order
    node: Node
    grads_in: tuple                 # gradient w.r.t. each output of the node
    grads_out: tuple | None         # sent along each of next_functions (None: AccumulateGrad)
    leaf_grad: np.ndarray | None    # AccumulateGrad: the leaf's .grad right after this step

    @property
    def name(self) -> str:
        """The node's name as PyTorch gives it (``torch::autograd::AccumulateGrad``)."""
        return self.node.name()


def trace_backward(tensors: "Tensor | Sequence[Tensor]", gradient: Any = None,
                   retain_graph: bool | None = None, create_graph: bool = False,
                   inputs: Any = None, *, params: Any = None, names: Any = None,
                   show_saved: bool = False, show_data: bool = False, rankdir: str = "auto",
                   max_nodes: int = 60, accumulate_nodes: bool = False,
                   max_width: float | None = COLUMN_WIDTH) -> "BackwardTrace":
    """Run ``backward`` on ``tensors`` (same arguments as ``Tensor.backward``) and record
    it step by step. Gradients accumulate into ``.grad`` exactly as ``backward`` does.

    The keyword-only arguments are ``draw_graph``'s, used for every frame; every frame gets
    the same layout (``rankdir="auto"`` chooses it for the widest frame). Returns a
    :class:`BackwardTrace`: ``len(trace)`` frames, ``trace[k]`` a diagram, ``trace.order`` the
    names of the nodes in the order they ran, ``trace.save("figures/name")`` writes them.
    """
    roots = [tensors] if isinstance(tensors, Tensor) else list(tensors)
    opts = dict(show_saved=show_saved, show_grads=True, show_data=show_data, rankdir=rankdir,
                max_nodes=max_nodes, legend=True, max_width=max_width)
    # Walk before running: backward frees what nodes saved, and frame 0 shows them.
    graph = walk(roots, params=params, names=names, max_nodes=max_nodes,
                 accumulate_nodes=accumulate_nodes, show_saved=show_saved)
    before = {id(it.tensor): (None if it.tensor._grad is None else host(it.tensor._grad))
              for it in graph.items if it.kind in ("leaf", "param")}
    grads = [gradient] if isinstance(tensors, Tensor) else (
        list(gradient) if gradient is not None else [None] * len(roots))
    seeds = [host(g) if g is not None else np.ones(r.shape, dtype=r._data.dtype)
             for r, g in zip(roots, grads)]
    steps: list[Step] = []

    def record(node: Node, grads_in: tuple, grads_out: tuple | None) -> None:
        # Copy now: later steps may add into these very arrays.
        copy = lambda gs: tuple(None if g is None else host(g) for g in gs)  # noqa: E731
        leaf = host(node.variable._grad) if isinstance(node, AccumulateGrad) and \
            node.variable._grad is not None else None
        steps.append(Step(len(steps) + 1, node, copy(grads_in),
                          None if grads_out is None else copy(grads_out), leaf))

    with engine.observe(record):
        engine.backward(tensors, gradient, retain_graph=retain_graph,
                        create_graph=create_graph, inputs=inputs)
    retained = bool(retain_graph if retain_graph is not None else create_graph)
    return BackwardTrace(graph, steps, seeds, before, opts, retained)


class BackwardTrace:
    """A recorded backward pass: ``steps`` (what ran, in order) and ``frames`` (diagrams:
    ``frames[0]`` before the first step, ``frames[k]`` after step k)."""

    def __init__(self, graph: Graph, steps: list[Step], seeds: list, before: dict,
                 opts: dict, retained: bool) -> None:
        self.graph = graph
        self.steps = steps
        self._seeds = seeds
        self._before = before
        self._opts = opts
        self._retained = retained
        self._frames: list[Diagram] | None = None
        self._fit: tuple[str, float] | None = None

    # --- what ran ---------------------------------------------------------------------
    @property
    def order(self) -> list[str]:
        """Names of the nodes in the order the engine ran them."""
        return [s.name for s in self.steps]

    def step_of(self, node: Node) -> Step | None:
        return next((s for s in self.steps if s.node is node), None)

    # --- frames -----------------------------------------------------------------------
    @property
    def frames(self) -> list[Diagram]:
        """One diagram per point of the pass: before any step, then after each step."""
        if self._frames is None:
            self._frames = [self.frame(k) for k in range(len(self.steps) + 1)]
        return self._frames

    def frame(self, k: int) -> Diagram:
        rankdir, zoom = self._layout()
        ov = self.overlay(self.graph, k)
        return Diagram(to_digraph(self.graph, {**self._opts, "rankdir": rankdir}, ov),
                       self.graph, zoom=zoom)

    def _layout(self) -> tuple[str, float]:
        """One direction and zoom for every frame (chosen once, for the widest), so that a
        class stepping through them sees the same picture."""
        if self._fit is None:
            overlays = [self.overlay(self.graph, k) for k in range(len(self))]
            self._opts["caption_width"] = caption_width([ov.caption for ov in overlays])
            self._fit = fit(lambda rd: [to_digraph(self.graph, {**self._opts, "rankdir": rd}, ov)
                                        for ov in overlays],
                            self._opts["rankdir"], self._opts["max_width"])
        return self._fit

    def __len__(self) -> int:
        return len(self.steps) + 1

    def __getitem__(self, k: int) -> Diagram:
        return self.frames[k]

    def __iter__(self) -> Iterator[Diagram]:
        return iter(self.frames)

    def overlay(self, graph: Graph, k: int | None = None) -> Overlay:
        """The gradients, steps and ``.grad`` values known after step ``k`` (all when None)
        as an overlay for ``graph`` (a walk of the same graph). Texts not known yet are kept
        invisible, so that every frame lays out the same."""
        n = len(self.steps)
        done = n if k is None else k
        ov = Overlay(freed=None if k is None else {})
        last_leaf: dict = {}
        for s in self.steps:
            visible = s.index <= done
            ov.steps[s.node] = (s.index, visible)
            for nr, gin in enumerate(s.grads_in):
                if gin is not None:
                    ov.edge_grads[("out", s.node, nr)] = (fmt_array(gin), visible)
                    retained = (s.node._retained or {}).get(nr)
                    t = retained() if retained is not None else None
                    if t is not None:
                        ov.tensor_grads[id(t)] = (fmt_array(gin), visible)
            for i, gout in enumerate(s.grads_out or ()):
                if gout is not None:
                    ov.edge_grads[("in", s.node, i)] = (fmt_array(gout), visible)
            if s.leaf_grad is not None and (visible or id(s.node.variable) not in last_leaf):
                last_leaf[id(s.node.variable)] = (fmt_array(s.leaf_grad), visible)
            if visible and ov.freed is not None and not self._retained:
                ov.freed[s.node] = True
        for key, text in last_leaf.items():
            visible = text[1]
            if not visible and self._before.get(key) is not None:
                text = (fmt_array(self._before[key]), True)  # .grad from an earlier backward
            ov.tensor_grads[key] = text
        for j, seed in enumerate(self._seeds):
            ov.edge_grads[("seed", j)] = (fmt_array(seed), True)
        if k is not None:
            cur = self.steps[k - 1] if k > 0 else None
            ov.current = cur.node if cur is not None else None
            if cur is None:
                ov.caption = (f"before backward: the output's gradient is "
                              f"{fmt_array(self._seeds[0])}" if self._seeds else
                              "before backward")
            elif isinstance(cur.node, AccumulateGrad):
                leaf = graph.item_of(cur.node.variable)
                where = f"{leaf.name}.grad" if leaf is not None and leaf.name else "the leaf's .grad"
                ov.caption = (f"step {k} of {n}: AccumulateGrad adds "
                              f"{fmt_array(cur.grads_in[0])} into {where}")
            else:
                ov.caption = f"step {k} of {n}: {cur.name} runs"
        if ov.caption:
            ov.caption = " ".join(ov.caption.split())  # a matrix on one line
        return ov

    # --- output -------------------------------------------------------------------------
    def save(self, path: "str | os.PathLike", format: str = "png") -> list[str]:
        """Write the frames: ``path_00.png, path_01.png, ...`` (``format`` png, svg, pdf),
        or one animated ``path.gif`` with ``format="gif"``. Returns the paths written."""
        path = os.fspath(path)
        if format == "gif":
            return [self._save_gif(path)]
        return [f.render(f"{path}_{k:02d}", format=format) for k, f in enumerate(self.frames)]

    def _save_gif(self, path: str, ms_per_frame: int = 1200) -> str:
        import io

        from PIL import Image  # Pillow comes with matplotlib
        images = [Image.open(io.BytesIO(f.pipe("png", scale=1.5))).convert("RGB")
                  for f in self.frames]
        w = max(im.width for im in images)
        h = max(im.height for im in images)
        frames = []
        for im in images:
            canvas = Image.new("RGB", (w, h), "white")
            canvas.paste(im, (0, 0))
            frames.append(canvas.quantize(colors=128, dither=Image.Dither.NONE))
        path = path if path.endswith(".gif") else path + ".gif"
        os.makedirs(os.path.dirname(path) or ".", exist_ok=True)
        durations = [ms_per_frame] * (len(frames) - 1) + [ms_per_frame * 3]
        frames[0].save(path, save_all=True, append_images=frames[1:], duration=durations,
                       loop=0, optimize=False)
        return path

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> Any:
        # The last frame: every step numbered and every gradient on its edge.
        bundle = self.frames[-1]._repr_mimebundle_(include, exclude)
        if isinstance(bundle, tuple):
            bundle[0]["text/plain"] = repr(self)
        return bundle

    def __repr__(self) -> str:
        lines = [f"BackwardTrace: {len(self.steps)} steps, {len(self)} frames "
                 f"(trace[0] before backward ... trace[{len(self.steps)}])"]
        lines += [f"  {s.index:>2}  {s.name}" for s in self.steps]
        return "\n".join(lines)
