"""Chapter 8 — ``autograd.grad`` and higher-order derivatives.

What you build, in ``minigrad/autograd/engine.py``:

- the body of ``grad()``: make ``outputs``, ``inputs`` and ``grad_outputs`` tuples (each may be
  one tensor or a sequence; no ``grad_outputs`` means one None per output: "1 for a scalar"),
  default ``retain_graph`` to ``create_graph``, run the engine with the inputs as its targets
  and ``accumulate=False``, and return one gradient per input, in the inputs' order. An input
  that received nothing raises PyTorch's error ("... appears to not have been used in the
  graph. Set allow_unused=True if this is the desired behavior.") unless ``allow_unused``,
  which gives None for it;
- in ``run_backward``, the capture: under ``grad()``, when the node an input's gradient
  arrives at is taken from the heap, its buffer holds the sum of everything that reached the
  input (chapter 5): put it in the input's slot of ``captured``. ``.grad`` is never touched.

Why ``create_graph=True`` gives a gradient with a graph: that is one provided line of
``run_backward``, ``state.enabled = create_graph``. The backward formulas are tensor code;
grad mode is switched on while they run only when a graph of the gradient is asked for, so
they are recorded like any forward computation (off otherwise: no graph, plain numbers). Your
part is to pass ``create_graph`` on, and to keep the first graph alive (``retain_graph``
defaults to ``create_graph``): the graph of the gradient runs through it again.

These checks use ``grad()`` only; the chapters before this one come solved.
"""
import numpy as np
import pytest

import minigrad

pytestmark = pytest.mark.chapter8

UNUSED = "appears to not have been used in the graph"


def leaf(values):
    return minigrad.tensor(np.array(values, dtype=np.float64), requires_grad=True)


def values(t):
    return None if t is None else np.asarray(t.numpy(force=True), dtype=np.float64)


def shown(t):
    return None if t is None else values(t).tolist()


def grad(hint, *args, **kwargs):
    """``minigrad.autograd.grad(...)``; an exception other than a stub's fails with a hint."""
    try:
        return minigrad.autograd.grad(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:
        text = str(exc) if len(str(exc)) < 150 else str(exc)[:150] + "..."
        pytest.fail(f"autograd.grad raised {type(exc).__name__}: {text} {hint}")


def test_grad_returns_the_gradients_and_touches_no_grad():
    x, y = leaf(2.0), leaf(3.0)
    z = x ** 2 * y
    result = grad("", z, [x, y], retain_graph=True)
    assert isinstance(result, tuple) and len(result) == 2, (
        f"grad(z, [x, y]) returned {type(result).__name__} {result!r}: it must return a tuple, "
        "one gradient per input")
    assert np.allclose(values(result[0]), 12.0) and np.allclose(values(result[1]), 4.0), (
        f"for z = x^2 y at x = 2, y = 3, grad(z, [x, y]) should be (2xy, x^2) = (12, 4), but "
        f"is ({shown(result[0])}, {shown(result[1])}): one gradient per input, in the "
        "inputs' order")
    assert x.grad is None and y.grad is None, (
        f"after grad(z, [x, y]), x.grad is {shown(x.grad)} and y.grad is {shown(y.grad)}: "
        "grad() touches no .grad. It runs the engine with accumulate=False and returns what "
        "the capture kept at each input, so no AccumulateGrad runs")
    x.grad = minigrad.tensor(100.0, dtype=minigrad.float64)
    held = x.grad
    (again,) = grad("", z, x)            # one tensor as inputs: a tuple of one gradient
    assert np.allclose(values(again), 12.0) and x.grad is held and np.allclose(values(held), 100), (
        f"with x.grad set to 100 beforehand, grad(z, x) gave {shown(again)} and left x.grad "
        f"{shown(x.grad)}: the result must be dz/dx = 12 and x.grad must stay 100 (the same "
        "tensor). grad() touches no .grad: it neither adds into it nor reads it back, nor "
        "resets it")


def test_one_gradient_per_input_in_the_inputs_order():
    x, y, w = leaf([1.0, 2.0]), leaf([3.0, 4.0]), leaf([5.0, 6.0])
    z = (x * 2 + y * 3 + w * 4).sum()
    want = {"x": 2.0, "y": 3.0, "w": 4.0}
    named = {"x": x, "y": y, "w": w}
    for order in (["x", "y", "w"], ["w", "x", "y"], ["y", "w", "x"], ["x", "x", "y"]):
        got = grad("", z, [named[n] for n in order], retain_graph=True)
        got_values = [None if g is None else float(values(g)[0]) for g in got]
        assert got_values == [want[n] for n in order], (
            f"z = sum(2x + 3y + 4w): grad(z, [{', '.join(order)}]) gave {got_values}, expected "
            f"{[want[n] for n in order]}: the i-th gradient returned must be that of the "
            "i-th input, in the inputs' order (not the order the engine reached them); an "
            "input given twice gets its gradient in both slots")
    v = leaf([1.0, 2.0, 3.0])
    got = grad("One tensor as inputs (not a list) is one input: make it (v,), don't iterate "
               "over it (that gives its elements)", (v * v).sum(), v)
    assert len(got) == 1 and np.allclose(values(got[0]), 2 * values(v)), (
        f"grad(sum(v * v), v) with v a tensor of 3 elements gave {len(got)} gradients: one "
        "tensor as inputs is one input, not a sequence of its elements")


def test_a_non_leaf_input_gets_the_sum_of_what_reaches_it():
    x = leaf([1.0, -2.0, 3.0])
    h = x * 3                          # an intermediate tensor, used twice below
    z = (h * h + h * 5).sum()          # dz/dh = 2h + 5, from three edges into h's node
    dh, dx = grad("Any tensor that requires grad may be an input, not only leaves",
                  z, [h, x], retain_graph=True)
    want = 2 * values(h) + 5
    assert dh is not None and np.allclose(values(dh), want), (
        f"h = 3x is used three times (h * h + h * 5): dz/dh should be 2h + 5 = {want.tolist()},"
        f" but grad(z, [h, x]) gave {shown(dh)} for h. Capture the buffer of h's node when it "
        "is taken from the heap: by then it holds the sum of every gradient that reached h "
        "(not only the last one to arrive)")
    assert np.allclose(values(dx), 3 * want), (
        f"dz/dx should be 3 (2h + 5) = {(3 * want).tolist()}, but is {shown(dx)}: capturing "
        "h's gradient must not stop the engine from going on to x")
    (alone,) = grad("", z, h)
    assert np.allclose(values(alone), want) and x.grad is None, (
        f"grad(z, h) gave {shown(alone)} (expected {want.tolist()}) and left x.grad "
        f"{shown(x.grad)} (expected None)")


def test_several_outputs_weighted_by_grad_outputs():
    a = leaf([1.0, 2.0, 3.0])
    sq = a ** 2
    hint = ("A non-scalar output needs its grad_outputs: pass them on to the engine, one per "
            "output (a single tensor is one grad_output)")
    (got,) = grad(hint, [a * 10, sq], a,
                  grad_outputs=[minigrad.ones(3), minigrad.tensor([1.0, 0.0, 0.0])])
    assert np.allclose(values(got), [12.0, 10.0, 10.0]), (
        f"grad([a * 10, a ** 2], a, grad_outputs=[ones, [1, 0, 0]]) should be 10 * ones + "
        f"[2a_0, 0, 0] = [12, 10, 10], but is {shown(got)}: several outputs give the sum of "
        "their gradients, each output weighted by its own grad_outputs (not by ones)")
    (got,) = grad(hint, a * a, a, grad_outputs=minigrad.tensor([1.0, -1.0, 0.5]))
    assert np.allclose(values(got), 2 * values(a) * [1.0, -1.0, 0.5]), (
        f"grad(a * a, a, grad_outputs=v) with v = [1, -1, 0.5] should be v * 2a = "
        f"{(2 * values(a) * [1.0, -1.0, 0.5]).tolist()}, but is {shown(got)}: grad_outputs "
        "weighs the output's elements (a vector-Jacobian product)")
    b = leaf(2.0)
    (got,) = grad("grad_outputs may hold None for a scalar output (1 is used for it)",
                  [b * 3, b * b * minigrad.ones(2)], b,
                  grad_outputs=[None, minigrad.tensor([1.0, 1.0])])
    assert np.allclose(values(got), 3 + 2 * 2 * 2.0), (
        f"grad([3b, b^2 * ones(2)], b, grad_outputs=[None, ones]) at b = 2 should be "
        f"3 + 2 * 2b = 11, but is {shown(got)}")


def test_an_unused_input_raises_unless_allow_unused():
    x, u = leaf([1.0, 2.0]), leaf([5.0])
    z = (x * 3).sum()
    try:
        minigrad.autograd.grad(z, [x, u], retain_graph=True)
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        assert UNUSED in str(exc) and "allow_unused=True" in str(exc), (
            f"an unused input raised RuntimeError({str(exc)[:150]!r}), not PyTorch's error: "
            f"'The differentiated Tensor at index 1 {UNUSED}. Set allow_unused=True if this "
            "is the desired behavior.'")
    except Exception as exc:
        pytest.fail(f"an unused input raised {type(exc).__name__}: {exc}; PyTorch raises a "
                    f"RuntimeError: 'The differentiated Tensor at index 1 {UNUSED}. Set "
                    "allow_unused=True if this is the desired behavior.'")
    else:
        pytest.fail("grad(z, [x, u]) with z computed from x alone returned without an error: "
                    "u received no gradient (None: no path leads to it), and grad() must "
                    f"raise PyTorch's RuntimeError '... {UNUSED}. Set allow_unused=True if this "
                    "is the desired behavior.', not return zeros or None silently")
    dx, du = grad("With allow_unused=True an unused input is not an error: its gradient is None",
                  z, [x, u], allow_unused=True)
    assert du is None and np.allclose(values(dx), 3.0), (
        f"grad(z, [x, u], allow_unused=True) gave ({shown(dx)}, {shown(du)}), expected "
        "([3, 3], None): allow_unused=True returns None for an input the outputs don't "
        "depend on (not zeros)")


def test_create_graph_gives_gradients_that_can_be_differentiated_again():
    s = leaf(2.0)
    cube = s ** 3
    (plain,) = grad("", cube, s, retain_graph=True)
    assert np.allclose(values(plain), 12.0) and not plain.requires_grad, (
        f"grad(s ** 3, s) should be 3s^2 = 12 without a graph of its own (requires_grad "
        f"False), but is {shown(plain)} with requires_grad={plain.requires_grad}")
    hint = ("With create_graph=True the gradient must come with a graph (pass create_graph "
            "on to the engine), and the graphs it runs through must be kept for the next "
            "derivative (retain_graph defaults to create_graph)")
    (d1,) = grad(hint, cube, s, create_graph=True)
    assert d1.grad_fn is not None, (
        "grad(s ** 3, s, create_graph=True) returned a gradient without grad_fn: pass "
        "create_graph on to run_backward, which then records the backward formulas")
    (d2,) = grad(hint, d1, s, create_graph=True)
    (d3,) = grad(hint, d2, s)
    assert np.allclose(values(d2), 12.0) and np.allclose(values(d3), 6.0), (
        f"the 2nd and 3rd derivatives of s^3 at s = 2 should be 6s = 12 and 6, but are "
        f"{shown(d2)} and {shown(d3)}")
    x, w = leaf([1.0, 2.0]), leaf([3.0, -1.0])
    h = x * w                            # its node saved x and w
    (g,) = grad("", (h ** 2).sum(), x, create_graph=True)   # 2 h w, whose graph runs via h
    got = grad("The gradient's graph runs through the first graph (through h = x * w): "
               "create_graph=True must keep it (retain_graph defaults to create_graph)",
               g.sum(), [x, w])
    assert np.allclose(values(got[0]), 2 * values(w) ** 2) and np.allclose(
        values(got[1]), 4 * values(x) * values(w)), (
        f"for h = x w and z = sum(h^2), g = dz/dx = 2 h w; d(sum g)/d(x, w) should be "
        f"(2 w^2, 4 x w) = ({(2 * values(w) ** 2).tolist()}, "
        f"{(4 * values(x) * values(w)).tolist()}), but is ({shown(got[0])}, {shown(got[1])})")


def test_a_hessian_vector_product_by_double_backward():
    w = leaf([1.0, -2.0, 0.5, 3.0])
    v = minigrad.tensor([1.0, 0.0, 2.0, -1.0], dtype=minigrad.float64)
    f = (w ** 4).sum() / 4 + (w[:-1] * w[1:]).sum()
    (g,) = grad("The first grad of a Hessian-vector product needs create_graph=True",
                f, w, create_graph=True)
    (hv,) = grad("", (g * v).sum(), w)
    H = np.diag(3 * values(w) ** 2) + np.eye(4, k=1) + np.eye(4, k=-1)
    assert np.allclose(values(hv), H @ values(v)), (
        f"H v by double backward gave {shown(hv)}, but H v = {(H @ values(v)).tolist()} for "
        "f = sum(w^4)/4 + sum(w_i w_(i+1))")
    assert w.grad is None, "a Hessian-vector product with grad() left w.grad filled"
