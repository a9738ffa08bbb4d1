"""Chapter 4 — the backward engine.

What you build, in ``minigrad/autograd/engine.py``: ``_count_dependencies`` (walk the graph
from the roots with an explicit stack and count the edges into every node; with targets, also
note each node's parents) and, in ``run_backward``, the hand-over (each gradient a node
computed goes to the buffer of the node its edge names, that node's count goes down by one,
and it is pushed on the heap when its count reaches 0).

These checks run your engine alone. Chapter 5's pieces are replaced by stand-ins for their
duration (the fixture ``engine_alone``): arrivals at a leaf are recorded instead of added into
``.grad``, nothing is freed, and a node's output takes exactly one gradient, so the graphs
here never use a tensor twice (fan-out is checked through the counts instead).
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd import engine, function, graph
from minigrad.autograd.graph import AccumulateGrad, gradient_edge

pytestmark = pytest.mark.chapter4


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def name(node):
    if isinstance(node, AccumulateGrad):
        return "AccumulateGrad"
    return type(node).__name__


class EngineAlone:
    """Stand-ins for chapter 5's three pieces (they are not chapter 5's solution):

    - ``_accumulate_into(leaf, g)`` records what reaches each leaf, and leaves ``.grad`` alone;
    - ``BackwardNode.release()`` frees nothing;
    - ``_add_to_buffer`` puts a gradient in its slot and fails the check if a second one
      arrives for the same output of the same node in one backward pass.
    """

    def __init__(self):
        self.arrived = {}       # id(leaf) -> the gradients that reached it, as arrays
        self._passes = {}       # id(buffers) -> (buffers, {(node, output)})

    def accumulate(self, t, g):
        self.arrived.setdefault(id(t), []).append(values(g))

    def at(self, t):
        return self.arrived.get(id(t), [])

    def add_to_buffer(self, buffers, node, nr, g):
        seen = self._passes.setdefault(id(buffers), (buffers, set()))[1]
        if (node, nr) in seen:
            pytest.fail(
                f"output {nr} of {name(node)} received a second gradient in one backward pass. "
                "This check's graph uses every output once, so each receives exactly one: is "
                "each gradient handed over once, to the output its edge names "
                "(next_functions[i] = (node, output))?")
        seen.add((node, nr))
        buf = buffers.setdefault(node, [])
        buf.extend([None] * (nr + 1 - len(buf)))
        buf[nr] = g


@pytest.fixture
def engine_alone(monkeypatch):
    stand_in = EngineAlone()
    monkeypatch.setattr(graph, "_accumulate_into", stand_in.accumulate)
    monkeypatch.setattr(engine, "_accumulate_into", stand_in.accumulate)
    monkeypatch.setattr(function.BackwardNode, "release", lambda self: None)
    monkeypatch.setattr(engine, "_add_to_buffer", stand_in.add_to_buffer)
    return stand_in


def count(*roots, targets=None):
    """Your ``_count_dependencies`` from these roots' nodes: {node: edges into it}."""
    deps, _ = engine._count_dependencies([r.grad_fn for r in roots], targets or {})
    return deps


def backward(t, hint, **kwargs):
    """``t.backward()``; an exception other than a stub's fails the check with a hint."""
    try:
        t.backward(**kwargs)
    except (NotImplementedError, pytest.fail.Exception):
        raise
    except Exception as exc:
        pytest.fail(f"backward() raised {type(exc).__name__}: {exc}. {hint}")


def test_dependency_count_counts_every_edge_into_a_node():
    x = leaf([1.0, 2.0])
    y = x * 2
    z = y * y               # one node, two edges into y's node
    deps = count(z)
    assert deps.get(z.grad_fn, 0) == 0, (
        f"the root (z's node) was counted {deps.get(z.grad_fn)}: no edge points into the node "
        "backward starts from, so its count is 0")
    assert deps.get(y.grad_fn) == 2, (
        f"y's node was counted {deps.get(y.grad_fn)} for z = y * y, whose node has two edges "
        "into it: count every edge (the gradient comes once per edge), not every distinct "
        "parent node")


def test_dependency_count_walks_on_from_each_node_once():
    x = leaf([1.0, 2.0])
    h = x * 2
    y = h + 1
    u, v = y + 1, y * 3      # a diamond: y's node is reached along two paths
    z = u * v
    deps = count(z)
    assert deps.get(y.grad_fn) == 2, (
        f"y's node, used by u and by v, was counted {deps.get(y.grad_fn)} instead of 2: each "
        "edge into a node adds 1 to its count")
    for node, what in ((h.grad_fn, "h's node"), (gradient_edge(x)[0], "x's AccumulateGrad")):
        assert deps.get(node) == 1, (
            f"{what}, below the diamond, has one edge into it but was counted "
            f"{deps.get(node)}: the nodes above it were walked more than once (once per path). "
            "Walk on from a node only the first time an edge reaches it")


def test_dependency_count_and_backward_handle_a_3000_deep_chain(engine_alone):
    x = leaf([1.0, 2.0])
    y = x
    for _ in range(3000):
        y = y * 1.0
    try:
        deps = count(y)
    except RecursionError:
        pytest.fail("counting the dependencies of a 3000-deep chain hit Python's recursion "
                    "limit: walk the graph with an explicit stack (a list you push nodes on and "
                    "pop them from), not with a function that calls itself")
    chain = [n for n, c in deps.items() if n is not None and c == 1]
    assert len(chain) == 3000, (
        f"in a chain of 3000 multiplications, 3000 nodes (2999 MulBackward0 and x's "
        f"AccumulateGrad) have one edge into them, but {len(chain)} were counted so")
    backward(y, "A long chain must not need recursion in the hand-over either",
             gradient=minigrad.ones(2))
    assert len(engine_alone.at(x)) == 1, (
        f"at the bottom of a 3000-deep chain, x received {len(engine_alone.at(x))} gradients "
        "instead of 1: every node of the chain must run once and hand its gradient on")


def test_backward_hands_each_gradient_to_the_node_of_its_edge(engine_alone):
    x, w = leaf([1.0, 2.0, 3.0]), leaf([0.5, -1.0, 2.0])
    c = minigrad.tensor([3.0, 3.0, 3.0])            # needs no gradient: a (None, 0) edge
    z = ((x * w + c) ** 2).sum()
    backward(z, "Gradients for (None, 0) edges (inputs that need no gradient) go nowhere: "
                "skip them")
    inner = values(x) * values(w) + values(c)
    for t, other, label in ((x, w, "x"), (w, x, "w")):
        got = engine_alone.at(t)
        assert len(got) == 1, (
            f"{label}'s AccumulateGrad received {len(got)} gradients instead of 1: hand each "
            "gradient a node computed (out_grads[i]) to the node of its edge "
            "(next_functions[i]), count that node down, and push it on the heap when its "
            "count reaches 0")
        want = 2 * inner * values(other)
        assert np.allclose(got[0], want), (
            f"{label} received {got[0].tolist()}, expected {want.tolist()}: gradient i of a "
            "node belongs to its edge i (next_functions[i])")


def test_a_node_runs_once_all_its_outputs_have_their_gradients(engine_alone):
    x = leaf([1.0, 2.0, 3.0, 4.0])
    first, second = x.split(2)         # one node, two outputs: two edges point into it
    p = first * 2
    q = (second * 3) * 1.0
    z = (p * q).sum()
    deps = count(z)
    assert deps.get(first.grad_fn) == 2, (
        f"the split's node has two edges into it (one to each of its outputs) but was counted "
        f"{deps.get(first.grad_fn)}")
    backward(z, "A KeyError here usually means a node was taken from the heap a second time, "
                "after its gradients were used up: push a node on the heap only when its count "
                "reaches 0, once every edge into it has delivered")
    got = engine_alone.at(x)
    assert len(got) == 1, (
        f"x received {len(got)} gradients instead of 1: the split's node must run once, when "
        "the gradients of both its outputs have arrived (its count reached 0)")
    want = [6 * 3.0, 6 * 4.0, 6 * 1.0, 6 * 2.0]
    assert np.allclose(got[0], want), (
        f"x received {got[0].tolist()}, expected {want}: the split's node must run with the "
        "gradient of each of its outputs in its slot (the edge's output number)")


def test_ready_nodes_run_newest_first(engine_alone):
    x1, x2, x3 = leaf([1.0, 2.0]), leaf([3.0, 4.0]), leaf([5.0, 6.0])
    a, b, c = x1 * 2, x2 * 3, x3 * 4      # made in this order: a, b, c, then s
    s = a + c
    z = (s + b).sum()
    labels = {a.grad_fn: "a", b.grad_fn: "b", c.grad_fn: "c", s.grad_fn: "s"}
    ran = []
    with minigrad.autograd.engine.observe(lambda node, grads_in, grads_out: ran.append(node)):
        backward(z, "")
    order = [labels[node] for node in ran if node in labels]
    assert order == ["s", "c", "b", "a"], (
        f"the nodes of a, b, c, s ran in the order {order}; PyTorch's (and minigrad's) rule "
        "gives s, c, b, a: when several nodes are ready, the most recently created runs first "
        "(the heap holds (-sequence number, node))")


def test_with_targets_only_the_paths_to_them_are_counted(engine_alone):
    x, w = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    h = x * 2
    s = h + 1
    wb = w * 5
    const = minigrad.tensor(values(s))           # s's values, as a constant
    z = (s * const).sum() + wb.sum()             # w's branch leads to no input asked for
    ran = []
    try:
        with minigrad.autograd.engine.observe(lambda node, grads_in, grads_out: ran.append(node)):
            z.backward(inputs=[h, x])
    except (NotImplementedError, pytest.fail.Exception):
        raise
    except Exception as exc:
        pytest.fail(f"z.backward(inputs=[h, x]) raised {type(exc).__name__}: {exc}. With "
                    "targets (backward(inputs=...), autograd.grad) your walk must also fill in "
                    "`parents`: for every node reached, the list of nodes with an edge into "
                    "it (parents[child] gets the node each edge comes from), which the code "
                    "after your part uses to keep only the nodes on a path to a target; and "
                    "the hand-over must skip an edge whose node has no count (deps.get(child) "
                    "is None: not on such a path). (If other checks of this chapter fail too, "
                    "fix those first.)")
    for t, label, want in ((h, "h", values(s)), (x, "x", 2 * values(s))):
        got = [g.tolist() for g in engine_alone.at(t)]
        assert len(got) == 1 and np.allclose(got[0], want), (
            f"backward(inputs=[h, x]) gave {label} the gradients {got}, expected one: "
            f"{want.tolist()}")
    assert wb.grad_fn not in ran and not engine_alone.at(w), (
        "backward(inputs=[h, x]) ran w's branch, which leads to none of the inputs asked for: "
        "with targets, `parents` must list every edge's node, so that only the nodes on a path "
        "to a target run")
