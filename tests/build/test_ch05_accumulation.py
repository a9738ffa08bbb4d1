"""Chapter 5 — accumulation, and freeing the graph.

What you build: ``_add_to_buffer`` in ``minigrad/autograd/engine.py`` (the gradients that reach
a node along several edges are added up before it runs; a node keeps one slot per output),
``_accumulate_into`` in ``minigrad/autograd/graph.py`` (``.grad`` gets its own copy of the
first gradient, later ones are added into it in place; under ``create_graph`` the graph of the
gradient is kept), and ``BackwardNode.release`` in ``minigrad/autograd/function.py`` (after
backward a node drops what it saved, so a second backward raises PyTorch's error unless
``retain_graph=True``).

These checks run the whole engine through ``backward()``.
"""
import gc
import weakref

import numpy as np
import pytest

import minigrad

pytestmark = pytest.mark.chapter5

SECOND_TIME = "Trying to backward through the graph a second time"


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def values(t):
    return None if t is None else np.asarray(t.numpy(force=True), dtype=np.float64)


def grad_of(t):
    return None if t.grad is None else values(t.grad).tolist()


def backward(t, hint, *args, **kwargs):
    """``t.backward(...)``; an exception other than a stub's fails the check with a hint."""
    try:
        t.backward(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"backward() raised {type(exc).__name__}: {exc}. {hint}")


def test_gradients_from_several_uses_are_summed():
    x = leaf([1.0, 2.0, 3.0])
    backward((x * 2 + x * 3).sum(), "")
    assert np.allclose(values(x.grad), 5.0), (
        f"x is used twice, in x * 2 and x * 3: x.grad should be 2 + 3 = 5 everywhere, but is "
        f"{grad_of(x)}. x's AccumulateGrad received one gradient from each use: they must be "
        "added up in its buffer (_add_to_buffer) before it runs, not replace one another")
    g = minigrad.tensor([1.0, 2.0, 3.0])
    backward(x + x, "", g)               # + hands the same gradient g to both of its edges
    assert np.allclose(values(g), [1.0, 2.0, 3.0]), (
        f"the gradient passed to backward changed: it is now {values(g).tolist()}. The sum in "
        "a buffer must be a new tensor (buffer + g), not an addition in place into the first "
        "gradient that arrived: that may be the caller's tensor, or one shared by other edges")
    assert np.allclose(values(x.grad), [7.0, 9.0, 11.0]), (
        f"after x * 2 + x * 3, then x + x with gradient [1, 2, 3], x.grad should be "
        f"[7, 9, 11], but is {grad_of(x)}")
    v = leaf([1.0, -2.0])
    y = v * 2
    backward((y * y).sum(), "")
    assert np.allclose(values(v.grad), 8 * values(v)), (
        f"for y = 2v and z = y * y, v.grad should be 8v = {(8 * values(v)).tolist()}, but is "
        f"{grad_of(v)}: y's node receives a gradient along both edges of y * y, and must run "
        "once with their sum")


class Blocked(minigrad.autograd.Function):
    """An operation whose backward gives its input no gradient (None)."""

    @staticmethod
    def forward(ctx, a):
        return a * 1

    @staticmethod
    def backward(ctx, g):
        return None


def test_outputs_that_get_no_gradient_still_have_a_slot():
    hint = ("An edge that delivers None still counts as delivered: the node gets a buffer "
            "(of Nones) all the same, since its count reaches 0 and the engine takes its "
            "buffer")
    x = leaf([1.0, 2.0])
    backward((Blocked.apply(x) * 2).sum(), hint)
    assert x.grad is None, (
        f"x's only gradient was None (the backward of its one use returned None), so x.grad "
        f"should stay None, but it is {grad_of(x)}")
    backward((Blocked.apply(x) + x).sum(), hint)
    assert np.allclose(values(x.grad), 1.0), (
        f"x received None from Blocked and ones from the addition: x.grad should be ones, "
        f"but is {grad_of(x)}")
    w = leaf([1.0, 2.0, 3.0, 4.0])
    first, second = w.split(2)          # one node with two outputs; only the first is used
    backward((first * 2).sum(), "A node with several outputs (the split) needs a slot in its "
             "buffer for each output, None for those that got no gradient "
             "(node._output_meta has one entry per output when there are several)")
    assert np.allclose(values(w.grad), [2.0, 2.0, 0.0, 0.0]), (
        f"w split in two halves, only the first used (times 2): w.grad should be "
        f"[2, 2, 0, 0], but is {grad_of(w)}")


def test_first_gradient_is_copied_into_grad():
    x, w = leaf([1.0, 2.0, 3.0]), leaf([4.0, 5.0, 6.0])
    g = minigrad.tensor([1.0, 1.0, 1.0])
    backward(x + w, "", g)              # + passes g on as it is, to x and to w
    backward((x * 10).sum(), "")        # adds 10 into x.grad
    assert np.allclose(values(g), 1.0), (
        f"the gradient you passed to backward changed: it is now {values(g).tolist()} (was "
        "ones). .grad must get its own copy of the first gradient that reaches a leaf, since "
        "later gradients are added into .grad in place")
    assert np.allclose(values(w.grad), 1.0), (
        f"w.grad changed when only x received a gradient: it is {grad_of(w)} (should stay "
        "ones). x.grad and w.grad got the same gradient tensor from +: each leaf's .grad must "
        "be a copy of the first gradient, not the gradient itself")
    assert np.allclose(values(x.grad), 11.0), (
        f"x.grad should be 1 + 10 = 11 everywhere, but is {grad_of(x)}: the second gradient "
        "is added into .grad, not put in its place")


def test_later_gradients_are_added_into_grad_in_place():
    x = leaf([1.0, 2.0, 3.0])
    backward((x * 2).sum(), "")
    held = x.grad
    version = held._version
    backward((x * 3).sum(), "")
    assert np.allclose(values(x.grad), 5.0), (
        f"after backward of x*2 and then of x*3, x.grad should be 2 + 3 = 5 everywhere, but "
        f"is {grad_of(x)}: a later gradient is added into .grad, not put in its place")
    assert np.allclose(values(held), 5.0), (
        f"a reference to x.grad taken after the first backward shows {values(held).tolist()} "
        "after the second, not the sum 5: later gradients are added into .grad in place (the "
        "same tensor, as PyTorch does), not into a new tensor")
    assert x.grad._version > version, (
        "x.grad was added into in place without bumping its version counter: after changing "
        "a tensor's memory in place, add 1 to its version (t._counter().value), as every "
        "in-place operation does (chapter 9 relies on it)")


def test_create_graph_keeps_the_graph_of_grad():
    x = leaf([1.0, 2.0, 3.0])
    backward((x ** 3).sum(), "", create_graph=True)
    assert np.allclose(values(x.grad), 3 * values(x) ** 2), (
        f"x.grad should be 3x^2 = {(3 * values(x) ** 2).tolist()}, but is {grad_of(x)}")
    assert x.grad.grad_fn is not None, (
        "after backward(create_graph=True) x.grad has no grad_fn: the gradient was recorded, "
        "and .grad must keep it as it is (graph and all), not a copy of its values, so that it "
        "can be differentiated again")
    first = x.grad
    x.grad = None
    backward(first.sum(), "", retain_graph=True)    # differentiate x.grad = 3x^2 itself
    assert np.allclose(values(x.grad), 6 * values(x)), (
        f"the derivative of x.grad = 3x^2 should be 6x, but is {grad_of(x)}")
    x.grad = first
    backward((x ** 2).sum(), "", create_graph=True)
    assert np.allclose(values(x.grad), 3 * values(x) ** 2 + 2 * values(x)), (
        f"after a second backward(create_graph=True), x.grad should be 3x^2 + 2x, but is "
        f"{grad_of(x)}")
    second = x.grad
    x.grad = None
    backward(second.sum(), "")
    assert np.allclose(values(x.grad), 6 * values(x) + 2), (
        f"the derivative of x.grad = 3x^2 + 2x should be 6x + 2, but is {grad_of(x)}: "
        "under create_graph a later gradient must be added out of place (t.grad + g, "
        "recorded), so that the sum has a graph (differentiating it needs fan-out sums too: "
        "test_gradients_from_several_uses_are_summed must pass first)")


def test_backward_frees_what_the_nodes_saved():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    tmp = x * 2                 # saved by the multiplication below (w requires grad)
    z = (tmp * w).sum()
    alive = weakref.ref(tmp)
    del tmp
    backward(z, "")
    gc.collect()
    assert alive() is None, (
        "an intermediate tensor that only the graph saved (for the backward of a "
        "multiplication) is still alive after backward: release() must drop the saved "
        "tensors (self._saved), not only mark the node as freed (and a node should hold "
        "nothing else of its inputs than what save_for_backward saved)")


def test_a_second_backward_raises_pytorchs_error():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    z = (x * w).sum()
    backward(z, "")
    try:
        z.backward()
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        assert SECOND_TIME in str(exc), (
            f"a second backward through a freed graph raised RuntimeError({str(exc)[:120]!r}),"
            f" not PyTorch's error, which starts {SECOND_TIME!r}: after release(), reading "
            "saved_tensors must raise it (release marks the node freed: self._freed)")
        return
    except Exception as exc:
        pytest.fail(
            f"a second backward through a freed graph raised {type(exc).__name__}: {exc}, not "
            f"PyTorch's RuntimeError {SECOND_TIME!r}...: release() must mark the node as freed "
            "(self._freed), which makes saved_tensors raise that error")
    pytest.fail("a second backward through the same graph worked, and the gradients were "
                "added twice: after backward the nodes must release what they saved "
                "(release() frees the saved tensors and marks the node freed), so that it "
                f"raises {SECOND_TIME!r} unless retain_graph=True")


def test_retain_graph_allows_a_second_backward():
    x, w = leaf([1.0, 2.0]), leaf([3.0, 4.0])
    z = (x * w).sum()
    backward(z, "", retain_graph=True)
    backward(z, "With retain_graph=True the first backward keeps what the nodes saved, so a "
                "second backward through the same graph must work")
    assert np.allclose(values(x.grad), 2 * values(w)), (
        f"two backward passes of x * w (the first with retain_graph=True) should give "
        f"x.grad = 2w = {(2 * values(w)).tolist()}, but it is {grad_of(x)}")
