"""Chapter 11 — from gradients to learning: the mean squared error and SGD's momentum.

What you build: ``MseLoss`` in ``minigrad/ops/losses.py`` (the node behind ``F.mse_loss`` and
``nn.MSELoss``): its forward, the squared differences of input and target reduced as
``reduction`` says ('mean', 'sum' or 'none'), and its backward, 2 (input - target) for the
input and the opposite for the target, divided by the number of elements for a mean; and the
momentum branch of ``SGD._update`` in ``minigrad/optim/sgd.py``: a buffer per parameter in
``self.state[p]["momentum_buffer"]``, b = g on the first step (a copy), then
b = momentum * b + (1 - dampening) * g, the step along b, or along g + momentum * b with
``nesterov=True``.

The numbers expected are computed here with NumPy, from the formulas PyTorch documents.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F

pytestmark = pytest.mark.chapter11


def values(t):
    return None if t is None else np.asarray(t.numpy(force=True), dtype=np.float64)


def call(fn, hint=""):
    """``fn()``; an exception other than a stub's fails the check with a hint."""
    try:
        return fn()
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"{type(exc).__name__}: {exc}. {hint}")


X = np.array([[0.5, -1.0, 2.0], [1.5, 0.0, -0.5]])
T = np.array([[1.0, 1.0, 1.0], [-1.0, 0.5, 0.0]])
SQ = (X - T) ** 2


def pair(x=X, t=T, grad=True):
    return (minigrad.tensor(x, dtype=minigrad.float32, requires_grad=grad),
            minigrad.tensor(t, dtype=minigrad.float32, requires_grad=grad))


def test_mse_forward_each_reduction():
    x, t = pair(grad=False)
    mean = call(lambda: F.mse_loss(x, t))
    assert tuple(mean.shape) == (), (
        f"mse_loss with reduction='mean' should give one number (a 0-d tensor), but its shape "
        f"is {tuple(mean.shape)}: reduce the squared differences to their mean")
    assert np.isclose(values(mean), SQ.mean(), rtol=1e-5), (
        f"mse_loss(x, t) should be the mean of (x - t)^2 over all {SQ.size} elements, "
        f"{SQ.mean():.5f}, but is {float(values(mean)):.5f}"
        + (": that is the sum; 'mean' divides by the number of elements"
           if np.isclose(values(mean), SQ.sum()) else
           ": that is the sum divided by the batch size (rows); the mean divides by every "
           "element" if np.isclose(values(mean), SQ.sum() / X.shape[0]) else
           ": are the differences squared (not their absolute values or the plain "
           "differences)?"))
    assert mean.dtype == minigrad.float32, (
        f"the loss of float32 tensors should be float32, but is {mean.dtype}")
    total = call(lambda: F.mse_loss(x, t, reduction="sum"))
    assert tuple(total.shape) == () and np.isclose(values(total), SQ.sum(), rtol=1e-5), (
        f"reduction='sum' should give the sum of the squared differences, {SQ.sum():.5f} (a "
        f"0-d tensor), but gives {values(total).tolist()}")
    each = call(lambda: F.mse_loss(x, t, reduction="none"))
    assert tuple(each.shape) == X.shape and np.allclose(values(each), SQ, rtol=1e-5), (
        f"reduction='none' should give each squared difference, in the input's shape "
        f"{X.shape}: {SQ.tolist()}, but gives {values(each).tolist()}")


def test_mse_backward_is_two_differences_over_n():
    for reduction, scale in [("mean", 1 / SQ.size), ("sum", 1.0)]:
        x, t = pair()
        loss = call(lambda: F.mse_loss(x, t, reduction=reduction))
        call(lambda: loss.backward())
        want = 2 * (X - T) * scale
        got = values(x.grad)
        hint = ""
        if got is not None and np.allclose(got, want / 2, rtol=1e-5):
            hint = ": the factor 2 of d(x - t)^2/dx = 2 (x - t) is missing"
        elif got is not None and reduction == "mean" and np.allclose(got, 2 * (X - T)):
            hint = (f": the gradient of a mean is divided by the number of elements "
                    f"({SQ.size}): each element weighs 1/n in the mean")
        assert got is not None and np.allclose(got, want, rtol=1e-5), (
            f"reduction={reduction!r}: the gradient of the loss with respect to the input "
            f"should be 2 (x - t){' / n' if reduction == 'mean' else ''} = "
            f"{np.round(want, 4).tolist()}, but is "
            f"{None if got is None else np.round(got, 4).tolist()}{hint}")
        assert t.grad is not None and np.allclose(values(t.grad), -want, rtol=1e-5), (
            f"reduction={reduction!r}: the target's gradient should be the opposite of the "
            f"input's, -2 (x - t){' / n' if reduction == 'mean' else ''} = "
            f"{np.round(-want, 4).tolist()}, but is "
            f"{None if t.grad is None else np.round(values(t.grad), 4).tolist()}: "
            "d(x - t)^2/dt = -2 (x - t)")
    x, t = pair()
    each = call(lambda: F.mse_loss(x, t, reduction="none"))
    g = np.arange(1.0, 7.0).reshape(2, 3)
    call(lambda: each.backward(minigrad.tensor(g, dtype=minigrad.float32)))
    assert np.allclose(values(x.grad), 2 * (X - T) * g, rtol=1e-5), (
        f"reduction='none' with a gradient g for each element: the input's gradient should "
        f"be g * 2 (x - t) = {(2 * (X - T) * g).tolist()}, but is {values(x.grad).tolist()}")


def test_mse_with_a_target_that_broadcasts():
    x = minigrad.tensor([[1.0], [2.0], [4.0]], requires_grad=True)        # (3, 1)
    t = minigrad.tensor([[0.0, 1.0], [1.0, 1.0], [3.0, 0.0]], requires_grad=True)  # (3, 2)
    with pytest.warns(UserWarning, match="target size"):
        loss = call(lambda: F.mse_loss(x, t))
    d = np.array([[1.0], [2.0], [4.0]]) - np.array([[0.0, 1.0], [1.0, 1.0], [3.0, 0.0]])
    assert np.isclose(values(loss), (d ** 2).mean(), rtol=1e-5), (
        f"input (3, 1) against target (3, 2) broadcast to (3, 2): the mean is over its 6 "
        f"squared differences, {(d ** 2).mean():.5f}, but the loss is "
        f"{float(values(loss)):.5f}")
    call(lambda: loss.backward())
    want_x = (2 * d / d.size).sum(axis=1, keepdims=True)
    assert x.grad is not None and tuple(x.grad.shape) == (3, 1) and \
        np.allclose(values(x.grad), want_x, rtol=1e-5), (
        f"the input (3, 1) was broadcast against a (3, 2) target: its gradient should be "
        f"2 (x - t) / 6 summed back to shape (3, 1) (sum_to), {want_x.tolist()}, but is "
        f"{None if x.grad is None else values(x.grad).tolist()}. n is the number of squared "
        "differences (6), not the number of the input's elements (3)")
    assert t.grad is not None and np.allclose(values(t.grad), -2 * d / d.size, rtol=1e-5), (
        f"the target's gradient should be -2 (x - t) / 6 = {(-2 * d / 6).tolist()}, but is "
        f"{None if t.grad is None else values(t.grad).tolist()}")


# ------------------------------------------------------------------------------- momentum
def param(values_):
    return minigrad.tensor(values_, requires_grad=True)


def steps(p, grads, **options):
    """SGD on one parameter, with these gradients one after the other; the parameter after
    each step."""
    opt = minigrad.optim.SGD([p], **options)
    after = []
    for g in grads:
        p.grad = minigrad.tensor(g)
        call(lambda: opt.step())
        after.append(values(p).copy())
    return opt, after


def reference(p0, grads, lr, momentum, dampening=0.0, nesterov=False, weight_decay=0.0):
    """PyTorch's SGD, as its documentation writes it, in NumPy."""
    p, b, after = np.array(p0, dtype=np.float64), None, []
    for g in grads:
        g = np.asarray(g, dtype=np.float64) + weight_decay * p
        b = g.copy() if b is None else momentum * b + (1 - dampening) * g
        p = p - lr * (g + momentum * b if nesterov else b)
        after.append(p)
    return after


G = [[1.0, -2.0], [0.5, 0.5], [-1.0, 2.0], [2.0, 0.0]]


def test_first_step_the_buffer_is_the_gradient():
    p = param([1.0, 2.0])
    opt, after = steps(p, G[:1], lr=0.1, momentum=0.9, dampening=0.5)
    want = reference([1.0, 2.0], G[:1], 0.1, 0.9, 0.5)
    assert np.allclose(after[0], want[0], rtol=1e-5), (
        f"the first step of SGD(lr=0.1, momentum=0.9, dampening=0.5) from p = [1, 2] with "
        f"gradient {G[0]} should give p = {want[0].tolist()} (the buffer starts as the "
        f"gradient itself, without dampening), but gives {after[0].tolist()}"
        + (": (1 - dampening) applies only from the second step on"
           if np.allclose(after[0], [1.0 - 0.05, 2.0 + 0.1]) else ""))
    state = opt.state[p]
    assert "momentum_buffer" in state, (
        f"after a step with momentum, the optimizer's state for the parameter holds "
        f"{sorted(state)}: keep the buffer in self.state[p]['momentum_buffer'] (PyTorch's "
        "name: state_dict() saves it, and the next step reads it)")
    assert np.allclose(values(state["momentum_buffer"]), G[0]), (
        f"after the first step the momentum buffer should be the gradient {G[0]}, but is "
        f"{values(state['momentum_buffer']).tolist()}")


def test_later_steps_follow_the_buffer():
    for dampening in (0.0, 0.25):
        p = param([1.0, 2.0])
        _, after = steps(p, G, lr=0.1, momentum=0.9, dampening=dampening)
        want = reference([1.0, 2.0], G, 0.1, 0.9, dampening)
        plain = reference([1.0, 2.0], G, 0.1, 0.0)
        for k, (got, exp) in enumerate(zip(after, want)):
            hint = ""
            if np.allclose(got, plain[k], rtol=1e-5):
                hint = (": that is plain SGD, the step along the gradient; with momentum the "
                        "step is along the buffer, which must be kept from one step to the next")
            assert np.allclose(got, exp, rtol=1e-5), (
                f"SGD(lr=0.1, momentum=0.9, dampening={dampening}) from p = [1, 2] with the "
                f"gradients {G}: after step {k + 1} p should be {np.round(exp, 5).tolist()}, "
                f"but is {np.round(got, 5).tolist()}{hint}. From the second step on the "
                "buffer is b = momentum * b + (1 - dampening) * g, and p -= lr * b")


def test_nesterov_looks_ahead():
    p = param([1.0, 2.0])
    _, after = steps(p, G, lr=0.1, momentum=0.9, nesterov=True)
    want = reference([1.0, 2.0], G, 0.1, 0.9, nesterov=True)
    heavy = reference([1.0, 2.0], G, 0.1, 0.9)
    for k, (got, exp) in enumerate(zip(after, want)):
        assert np.allclose(got, exp, rtol=1e-5), (
            f"SGD(lr=0.1, momentum=0.9, nesterov=True) from p = [1, 2] with the gradients "
            f"{G}: after step {k + 1} p should be {np.round(exp, 5).tolist()}, but is "
            f"{np.round(got, 5).tolist()}"
            + (": nesterov=True was ignored" if np.allclose(got, heavy[k], rtol=1e-5) else "")
            + ". With Nesterov the buffer is updated as usual and the step is along "
            "g + momentum * b")


def test_each_parameter_has_its_own_buffer_of_its_own():
    # the gradient lives on in place (zero_grad(set_to_none=False), then backward adds into
    # it): a buffer that is the gradient tensor itself would change with it. w's group has
    # weight decay: its buffer starts from the gradient with weight_decay * w added
    a, w = param([1.0, 2.0]), param([[0.5], [-1.0], [3.0]])
    opt = minigrad.optim.SGD([{"params": [a]}, {"params": [w], "weight_decay": 0.1}],
                             lr=0.1, momentum=0.9)
    xs = [np.array([1.0, -1.0]), np.array([2.0, 0.5]), np.array([-1.0, 1.0])]
    w0, gw = values(w).copy(), []
    for x in xs:
        opt.zero_grad(set_to_none=False)
        loss = (a * minigrad.tensor(x)).sum() + (w * w).sum() * float(x[0])
        call(lambda: loss.backward())
        gw.append(values(w.grad).copy())
        before = values(a.grad).copy()
        call(lambda: opt.step())
        assert np.allclose(values(a.grad), before), (
            f"opt.step() changed a.grad (from {before.tolist()} to "
            f"{values(a.grad).tolist()}): the buffer must be a copy of the first gradient "
            "(g.detach().clone()), not the gradient tensor itself, which it then multiplies "
            "in place (and which zero_grad(set_to_none=False) zeroes)")
    want_a = reference([1.0, 2.0], xs, 0.1, 0.9)[-1]
    assert np.allclose(values(a), want_a, rtol=1e-5), (
        f"SGD(lr=0.1, momentum=0.9), three steps on a parameter whose .grad is zeroed in "
        f"place between steps: a should end at {np.round(want_a, 5).tolist()}, but is "
        f"{np.round(values(a), 5).tolist()}. Each parameter keeps its own buffer "
        "(self.state[p]), a tensor of its own")
    want_w = reference(w0, gw, 0.1, 0.9, weight_decay=0.1)[-1]
    assert np.allclose(values(w), want_w, rtol=1e-5), (
        f"SGD(lr=0.1, momentum=0.9, weight_decay=0.1), three steps: w should end at "
        f"{np.round(want_w, 5).ravel().tolist()}, but is "
        f"{np.round(values(w), 5).ravel().tolist()}. The buffer is made of g, the gradient "
        "with the weight decay already added (weight_decay * p), not of p.grad")
    assert values(opt.state[w]["momentum_buffer"]).shape == (3, 1), (
        "w's momentum buffer does not have w's shape: each parameter has its own buffer")
