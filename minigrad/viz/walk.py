"""Walk an autograd graph into a plain, ordered description of what to draw.

``walk(roots, ...)`` follows ``grad_fn.next_functions`` from the roots, breadth first, and
returns a :class:`Graph`: a list of :class:`Item` (tensors, operations, saved tensors, ...)
and a list of :class:`Edge`, both in walk order. Ids are ``n0, n1, ...`` in that order — never
``id()`` — and nothing here iterates over a set, so the same graph always gives the same
description, hence the same DOT source and the same picture.

Edges point the way the forward pass went (input -> operation -> output); gradients flow
against them. Styling (colours, labels, legend) lives in ``style.py``.
"""
from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any, Iterable

from ..autograd.graph import AccumulateGrad, Node
from ..tensor.tensor import Tensor

# What an item stands for. Tensors: output (a root asked for), nonleaf (an intermediate
# tensor we hold: named, retained or a root used by another root), leaf (requires grad,
# created by the user), param (a named parameter), cut (doesn't require grad: made under
# no_grad, by detach(), or a plain constant). Graph nodes: op (a grad_fn), and const (the
# None edge of an input that doesn't require grad). Also saved (a tensor saved for backward)
# and more (the graph nodes left out by max_nodes).
TENSOR_KINDS = ("output", "nonleaf", "leaf", "param", "cut")


@dataclass
class Item:
    id: str
    kind: str
    node: Node | None = None        # op: the grad_fn; leaf/param: its AccumulateGrad
    tensor: Tensor | None = None    # tensors; saved inputs
    name: str | None = None
    saved: Any = None               # saved: the SavedTensor
    owner: Node | None = None       # saved: the node that saved it
    index: int = 0                  # saved: slot in save_for_backward; more: how many left out


@dataclass
class Edge:
    tail: str
    head: str
    kind: str = "data"   # data | saved | alias (same memory, no graph edge) | more
    # Which gradient flows back along a data edge (for labels from a trace):
    #   ("in", node, i)    what `node` sends to its i-th input (next_functions[i]);
    #   ("out", node, nr)  everything that arrived at output nr of `node`;
    #   ("seed", k)        the gradient backward starts with at root k.
    grad_key: tuple | None = None


@dataclass
class Graph:
    items: list[Item] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    roots: list[Tensor] = field(default_factory=list)
    hidden: int = 0       # graph nodes left out by max_nodes
    # The item that stands for each drawn graph node (a leaf's box stands for its
    # AccumulateGrad unless accumulate_nodes). Looked up only, never iterated.
    by_node: dict = field(default_factory=dict)

    def item_of(self, obj: Any) -> Item | None:
        """The item drawn for a tensor or a graph node (by identity)."""
        if isinstance(obj, Node):
            return self.by_node.get(obj)
        return next((it for it in self.items if it.tensor is obj and it.kind != "saved"), None)

    def ops(self) -> list[Item]:
        return [it for it in self.items if it.kind == "op"]


def named_tensors(pairs: Any) -> list[tuple[str, Tensor]]:
    """(name, tensor) pairs from a dict, an iterable of pairs, or anything with
    ``named_parameters()`` (an ``nn.Module``)."""
    if pairs is None:
        return []
    if hasattr(pairs, "named_parameters"):
        pairs = pairs.named_parameters()
    if hasattr(pairs, "items"):
        pairs = pairs.items()
    out = []
    for name, t in pairs:
        if not isinstance(t, Tensor):
            raise TypeError(f"expected (name, Tensor) pairs, got {name!r}: {type(t).__name__}")
        out.append((str(name), t))
    return out


def _flatten(roots: Iterable) -> list:
    out: list = []
    for r in roots:
        if isinstance(r, (list, tuple)):
            out.extend(_flatten(r))
        elif isinstance(r, (Tensor, Node)):
            if not any(r is o for o in out):
                out.append(r)
        else:
            raise TypeError(f"draw_graph() takes tensors or grad_fn nodes, got "
                            f"{type(r).__name__}")
    return out


def _is_parameter(t: Tensor) -> bool:
    # nn.Parameter (duck-typed: the nn layer may not be imported, or not written yet)
    return type(t).__name__ == "Parameter"


def walk(roots: Iterable, *, params: Any = None, names: Any = None, max_nodes: int = 60,
         accumulate_nodes: bool = False, show_saved: bool = False) -> Graph:
    """Describe the graph behind ``roots`` (tensors or grad_fn nodes); see the module doc."""
    roots = _flatten(roots)
    param_pairs = named_tensors(params)
    # id() is only a lookup key here (the tensors stay alive while we walk); it never
    # becomes a name or an order.
    name_of = {id(t): n for n, t in named_tensors(names) + param_pairs}
    param_ids = [id(t) for _, t in param_pairs]

    # 1. The graph nodes, breadth first from the roots, at most max_nodes of them.
    start = []
    for r in roots:
        node = r if isinstance(r, Node) else (
            r.grad_fn if r.grad_fn is not None else
            (r._grad_accumulator() if r._requires_grad else None))
        if node is not None and node not in start:
            start.append(node)
    order: list[Node] = []
    seen = dict.fromkeys(start)          # a dict, not a set: membership only, never iterated
    queue = deque(start)
    hidden = 0
    while queue:
        node = queue.popleft()
        if len(order) < max_nodes:
            order.append(node)
        else:
            hidden += 1                  # keep walking only to count what is left out
        for child, _ in node.next_functions:
            if child is not None and child not in seen:
                seen[child] = None
                queue.append(child)

    g = Graph(roots=[r for r in roots if isinstance(r, Tensor)], hidden=hidden)
    drawn = g.by_node

    def add(kind: str, **kw) -> Item:
        it = Item(id=f"n{len(g.items)}", kind=kind, **kw)
        g.items.append(it)
        return it

    def tensor_kind(t: Tensor) -> str:
        if not t._requires_grad:
            return "cut"
        if t.grad_fn is not None:
            return "nonleaf"
        return "param" if id(t) in param_ids or _is_parameter(t) else "leaf"

    # 2. Items. Tensors we hold that a graph node produced sit between the node and its
    #    users; `boxes` maps (node, output_nr) to that tensor's item.
    boxes: dict[tuple, Item] = {}
    for r in g.roots:
        kind = tensor_kind(r)
        it = add("output" if kind == "nonleaf" else kind, tensor=r, name=name_of.get(id(r)),
                 node=r.grad_fn)
        if r.grad_fn is not None:
            boxes[(r.grad_fn, r._output_nr)] = it
        elif r._requires_grad:
            drawn[r._grad_accumulator()] = it
    named = [t for _, t in named_tensors(names) if t.grad_fn is not None]
    for node in order:
        if isinstance(node, AccumulateGrad) and not accumulate_nodes:
            if node not in drawn:
                t = node.variable
                drawn[node] = add(tensor_kind(t), tensor=t, name=name_of.get(id(t)), node=node)
            continue
        drawn[node] = add("op", node=node)
        if isinstance(node, AccumulateGrad) and not any(
                it.tensor is node.variable for it in g.items):
            t = node.variable
            add(tensor_kind(t), tensor=t, name=name_of.get(id(t)), node=node)
        # Intermediate tensors we know of: named ones, and those kept by retain_grad().
        held = [t for t in named if t.grad_fn is node]
        for nr, ref in sorted((node._retained or {}).items()):
            t = ref()
            if t is not None and not any(t is h for h in held):
                held.append(t)
        for t in held:
            if (node, t._output_nr) not in boxes:
                boxes[(node, t._output_nr)] = add("nonleaf", tensor=t, node=node,
                                                  name=name_of.get(id(t)))

    more = add("more", index=hidden) if hidden else None

    # 3. Edges, per graph node in walk order.
    for k, r in enumerate(g.roots):
        if r.grad_fn is not None and r.grad_fn in drawn:
            g.edges.append(Edge(drawn[r.grad_fn].id, boxes[(r.grad_fn, r._output_nr)].id,
                                grad_key=("seed", k)))
    for (node, nr), box in boxes.items():
        if box.kind == "nonleaf" and node in drawn:
            g.edges.append(Edge(drawn[node].id, box.id, grad_key=("out", node, nr)))
    used: list = []
    for node in order:
        if node not in drawn:
            continue
        head = drawn[node]
        if head.kind != "op":
            continue
        if isinstance(node, AccumulateGrad):
            leaf = next(it for it in g.items if it.tensor is node.variable)
            g.edges.append(Edge(leaf.id, head.id, grad_key=("out", node, 0)))
            continue
        for i, (child, nr) in enumerate(node.next_functions):
            if child is None:
                tail = add("const", owner=node, index=i).id
                g.edges.append(Edge(tail, head.id))
                continue
            if child in drawn:
                box = boxes.get((child, nr))
                tail = box.id if box is not None else drawn[child].id
                if box is not None:
                    used.append(box)
                g.edges.append(Edge(tail, head.id, grad_key=("in", node, i)))
            elif more is not None and not any(e.tail == more.id and e.head == head.id
                                              for e in g.edges):
                g.edges.append(Edge(more.id, head.id, kind="more"))
        if show_saved:
            for j, s in enumerate(getattr(node, "_saved", ()) or ()):
                if s is not None:
                    sv = add("saved", saved=s, owner=node, index=j, tensor=s.tensor,
                             name=name_of.get(id(s.tensor)) if s.tensor is not None else None)
                    g.edges.append(Edge(sv.id, head.id, kind="saved"))
    # A root that another root's graph uses is an intermediate tensor, not an output.
    for box in used:
        if box.kind == "output":
            box.kind = "nonleaf"

    # 4. Tensors cut from the graph: show which drawn tensor they share memory with
    #    (detach() and .data share it; a tensor made under no_grad doesn't).
    tensors = [it for it in g.items if it.kind in TENSOR_KINDS]
    for it in tensors:
        if it.kind != "cut":
            continue
        # Prefer a tensor in the graph; else an earlier cut-off one (two detach() of one x).
        for other in [o for o in tensors if o.kind != "cut"] + tensors[:tensors.index(it)]:
            t, u = it.tensor, other.tensor
            if u._counter() is t._counter() or u._data is t._data:
                g.edges.append(Edge(other.id, it.id, kind="alias"))
                break
    return g
