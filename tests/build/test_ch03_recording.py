"""Chapter 3 — recording the graph.

What you build: the edges every recorded operation keeps (``_record``'s loop: one edge per
input, ``gradient_edge`` for an input that requires grad, ``(None, 0)`` for one that doesn't),
``sum_to`` (a broadcast gradient summed back to an input's shape), and the backward formulas of
``+``, ``*`` and ``tensor ** number``.

These checks never run the backward engine (that is chapter 4): they read ``next_functions``
and call a node directly, ``out.grad_fn(g)``, as the engine would.
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd.graph import AccumulateGrad, gradient_edge
from minigrad.ops.helpers import sum_to

pytestmark = pytest.mark.chapter3


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def const(values):
    return minigrad.tensor(values)


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def describe(edge):
    node, nr = edge
    return f"({'None' if node is None else type(node).__name__}, {nr})"


def pairs(t):
    """t.grad_fn.next_functions, as a tuple of (node, output) tuples."""
    return tuple(tuple(e) for e in t.grad_fn.next_functions)


def edges_of(t):
    return ", ".join(describe(e) for e in t.grad_fn.next_functions)


def backward_of(out, g, what, n=2, hint=""):
    """``out.grad_fn(g)``: the gradients for the inputs, one per edge (``n`` of them). An
    exception (other than a stub's NotImplementedError) fails the check with a hint."""
    try:
        grads = out.grad_fn(g)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"calling the node of {what} with a gradient raised {type(exc).__name__}: "
                    f"{exc}. Its backward must return one gradient per forward input, each of "
                    f"that input's shape (sum a broadcast gradient back with sum_to){hint}")
    assert len(grads) == n, (
        f"the node of {what} gave {len(grads)} gradients, but has {n} inputs of the graph: it "
        "gives one gradient per edge, so _record must give every tensor input an edge ((None, "
        "0) for one that needs no gradient)")
    return grads


def test_edges_name_the_node_and_the_output_that_made_each_input():
    x = leaf([1.0, 2.0, 3.0, 4.0])
    y = x * 2
    first, second = y.split(2)      # one node with two outputs: first is output 0, second 1
    z = second * first
    split = first.grad_fn
    edges = z.grad_fn.next_functions
    assert isinstance(edges, tuple) and all(isinstance(e, tuple) and len(e) == 2
                                            for e in edges), (
        f"z.grad_fn.next_functions is {edges!r}: it should be a tuple with one "
        "(node, output number) tuple per input, as PyTorch shows it")
    assert len(edges) == 2, (
        f"z = second * first should have 2 edges, one per input, but has {len(edges)}: "
        f"[{edges_of(z)}]")
    assert edges[0][0] is split and edges[1][0] is split, (
        f"z = second * first has edges [{edges_of(z)}]; both inputs were made by the split's "
        "node (SplitBackward0): an edge points to input.grad_fn, the node that made the input")
    assert edges[0][1] == 1 and edges[1][1] == 0, (
        f"z = second * first has edges [{edges_of(z)}], but second is output 1 of the split "
        "and first is output 0: an edge says which of its outputs the input is as well "
        "(the input's output_nr), so its gradient reaches the right slot")
    assert split.next_functions[0][0] is y.grad_fn, (
        f"the split of y has edges [{edges_of(first)}]: its input y was made by "
        f"{type(y.grad_fn).__name__}, which its edge should point to")
    assert (tuple(gradient_edge(second)) == (split, 1)
            and tuple(gradient_edge(y)) == (y.grad_fn, 0)), (
        f"gradient_edge(second) = {describe(gradient_edge(second))} and gradient_edge(y) = "
        f"{describe(gradient_edge(y))}: for a tensor made by an operation it is (its grad_fn, "
        "which of that node's outputs it is); the engine starts backward from it")


def test_a_leaf_is_represented_by_its_one_accumulategrad():
    x = leaf([1.0, -2.0, 0.5])
    a, b, c = x * 2, x + 1, x * x
    node = a.grad_fn.next_functions[0][0]
    assert node is not x, (
        "the edge of x * 2 points at the leaf tensor itself: a leaf that requires grad is "
        "represented in the graph by its AccumulateGrad node (x._grad_accumulator())")
    assert isinstance(node, AccumulateGrad) and node.variable is x, (
        f"the edge of x * 2 for the leaf x is [{describe(a.grad_fn.next_functions[0])}]: it "
        "should point to x's AccumulateGrad node (x._grad_accumulator()), whose .variable is x")
    others = [b.grad_fn.next_functions[0][0], c.grad_fn.next_functions[0][0],
              c.grad_fn.next_functions[1][0]]
    assert all(n is node for n in others), (
        "x is used by x * 2, x + 1 and twice by x * x, and each use got its own AccumulateGrad "
        "node: a leaf has exactly one, shared by every use (x._grad_accumulator() makes it "
        "once and hands back the same node after), so that all its gradients meet there")
    assert tuple(gradient_edge(x)) == (node, 0), (
        f"gradient_edge(x) for the leaf x is {describe(gradient_edge(x))}: it should be "
        "(x's AccumulateGrad, 0), the same node the edges of x's uses point to")


def test_inputs_that_need_no_gradient_get_none_edges():
    x = leaf([1.0, 2.0, 3.0])
    c = const([4.0, 5.0, 6.0])
    acc = gradient_edge(x)[0]
    y = c * x
    assert pairs(y) == ((None, 0), (acc, 0)), (
        f"c * x (c doesn't require grad) has edges [{edges_of(y)}]: every tensor input gets "
        "an edge, in the order of the arguments, and (None, 0) when it needs no gradient")
    y = x + 2
    assert pairs(y) == ((acc, 0), (None, 0)), (
        f"x + 2 has edges [{edges_of(y)}]: + - * / treat a Python number like a tensor that "
        "needs no gradient (their Function sets _scalar_edges), so it gets a (None, 0) edge")
    y = x ** 2
    assert pairs(y) == ((acc, 0),), (
        f"x ** 2 has edges [{edges_of(y)}]: only x is an input of the graph; the exponent is "
        "a plain number of an op without _scalar_edges, and gets no edge")
    y = x.sum(dim=0)
    assert pairs(y) == ((acc, 0),), (
        f"x.sum(dim=0) has edges [{edges_of(y)}]: only x is an input of the graph; a dim, a "
        "shape or a flag gets no edge")


SUM_TO_CASES = [
    # (target shape, what sum_to must do with a gradient of shape (2, 3, 4), in words)
    ((2, 3, 4), "nothing: the shapes already match"),
    ((3, 4), "sum over the leading dimension 0, which broadcasting added"),
    ((4,), "sum over the leading dimensions 0 and 1, which broadcasting added"),
    ((2, 1, 4), "sum over dimension 1, which was 1 and got stretched to 3, keeping it as 1"),
    ((3, 1), "sum over the leading dimension 0 and over dimension 2, which was 1 "
             "(keeping it as 1)"),
    ((), "sum over every dimension: a 0-d input was broadcast to the whole shape"),
]


@pytest.mark.parametrize("shape, how", SUM_TO_CASES,
                         ids=["x".join(map(str, s)) or "0-d" for s, _ in SUM_TO_CASES])
def test_sum_to_sums_a_broadcast_gradient_back_to_the_input_shape(shape, how):
    data = np.arange(24, dtype=np.float32).reshape(2, 3, 4)
    expected = {(2, 3, 4): data, (3, 4): data.sum(axis=0), (4,): data.sum(axis=(0, 1)),
                (2, 1, 4): data.sum(axis=1, keepdims=True),
                (3, 1): data.sum(axis=(0, 2)).reshape(3, 1), (): data.sum()}[shape]
    try:
        result = sum_to(const(data), shape)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"sum_to(g of shape (2, 3, 4), {shape}) raised {type(exc).__name__}: {exc}."
                    f" It should {how}")
    assert tuple(result.shape) == shape, (
        f"sum_to(g of shape (2, 3, 4), {shape}) has shape {tuple(result.shape)}; it should "
        f"{how}. sum_to must sum over the leading dimensions broadcasting added AND over the "
        "dimensions that were 1 in the input")
    assert np.allclose(values(result), expected), (
        f"sum_to(g of shape (2, 3, 4), {shape}) has the right shape but the wrong values: it "
        f"should {how}")


def test_add_backward_passes_the_gradient_to_both_inputs():
    a = leaf([[1.0], [2.0], [3.0]])                 # (3, 1)
    b = leaf([10.0, 20.0, 30.0, 40.0])               # (4,)
    out = a + b                                      # (3, 4): both were broadcast
    g = const(np.arange(12, dtype=np.float32).reshape(3, 4))
    ga, gb = backward_of(out, g, "a + b (shapes (3, 1) and (4,))")
    assert ga is not None and gb is not None, (
        "a + b's backward gave None for an input that requires grad: d(a+b)/da = 1, "
        "d(a+b)/db = 1, so both get the gradient (summed back to their shape)")
    assert np.allclose(values(ga), values(g).sum(axis=1, keepdims=True)), (
        "a + b's gradient for a (shape (3, 1)) is wrong: it is g summed back to a's shape, "
        "sum_to(g, (3, 1))")
    assert np.allclose(values(gb), values(g).sum(axis=0)), (
        "a + b's gradient for b (shape (4,)) is wrong: it is g summed back to b's shape, "
        "sum_to(g, (4,))")
    out = const([[1.0], [2.0], [3.0]]) + b
    none, gb = backward_of(out, g, "c + b")
    assert none is None and np.allclose(values(gb), values(g).sum(axis=0)), (
        "c + b (c doesn't require grad): the node should give None for c and g summed back "
        "to b's shape for b")


def test_mul_backward_gives_each_input_the_other_factor():
    a = leaf([1.5, -2.0, 0.5])
    b = leaf([4.0, 3.0, -1.0])
    g = const([1.0, 2.0, -3.0])
    ga, gb = backward_of(a * b, g, "a * b")
    for name, got, other in (("a", ga, "b"), ("b", gb, "a")):
        want = values(g) * values(b if other == "b" else a)
        assert got is not None and np.allclose(values(got), want), (
            f"a * b's gradient for {name} is "
            f"{None if got is None else values(got).tolist()}, expected g * {other} = "
            f"{want.tolist()}: d(a*b)/d{name} = {other}, so {name} gets the gradient times the "
            "OTHER factor (not g itself, nor g times itself)")
    c = const([4.0, 3.0, -1.0])
    saved_only = (". Forward saved only what backward needs (None in the place of a, since c "
                  "needs no gradient): look at ctx.needs_input_grad before using a saved tensor")
    ga, none = backward_of(a * c, g, "a * c (c doesn't require grad)", hint=saved_only)
    assert none is None and ga is not None and np.allclose(values(ga), values(g) * values(c)), (
        "a * c (c doesn't require grad): the node should give g * c for a and None for c"
        + saved_only)
    gx, none = backward_of(a * 3, g, "a * 3")
    assert none is None and np.allclose(values(gx), values(g) * 3), (
        "a * 3's gradient for a should be g * 3 (and None for the number): d(a*3)/da = 3")
    col = leaf([[1.0], [2.0]])                                  # (2, 1)
    gcol, gb = backward_of(col * b, const(np.ones((2, 3), np.float32)), "col * b (broadcast)")
    assert (gcol is not None and tuple(gcol.shape) == (2, 1)
            and np.allclose(values(gcol), values(b).sum())), (
        "col * b with col of shape (2, 1) and b of shape (3,): col's gradient must be g * b "
        "summed back to (2, 1) with sum_to")
    assert (gb is not None and tuple(gb.shape) == (3,)
            and np.allclose(values(gb), values(col).sum())), (
        "col * b with col of shape (2, 1) and b of shape (3,): b's gradient must be g * col "
        "summed back to (3,) with sum_to")


@pytest.mark.parametrize("e", [3, -2, 0.5])
def test_pow_backward_is_e_times_a_to_the_e_minus_one(e):
    x = leaf([1.5, 2.0, 0.25])
    g = const([1.0, -2.0, 3.0])
    grads = backward_of(x ** e, g, f"x ** {e}", n=1)
    want = values(g) * e * values(x) ** (e - 1)
    got = values(grads[0])
    assert np.allclose(got, want, rtol=1e-5), (
        f"x ** {e}'s gradient for x = {values(x).tolist()} with g = {values(g).tolist()} is "
        f"{got.tolist()}, expected g * {e} * x^{e - 1} = {want.tolist()}: d(a^e)/da = "
        "e * a^(e-1) (did you forget the factor e, or take a^e instead of a^(e-1)?)")
