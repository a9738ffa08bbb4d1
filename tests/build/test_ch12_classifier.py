"""Chapter 12 — training a classifier: the negative log-likelihood and Adam.

What you build:

- ``_nll`` and ``_nll_gradient`` in ``minigrad/ops/losses.py``, the heart of ``F.nll_loss``
  (and so of ``F.cross_entropy``, which is ``nll_loss(log_softmax(scores))``): from an array
  ``logp`` (n, C) of log-probabilities and an array ``target`` (n,) of classes, ``losses`` holds
  ``-logp[i, target[i]]`` for each sample and ``loss`` their mean; the gradient of that mean
  with respect to ``logp`` is ``-1/n`` at each sample's target class and 0 elsewhere. Class
  weights, ``ignore_index`` and the other reductions are provided around them.
- ``Adam._update`` in ``minigrad/optim/adam.py``: the running averages
  ``m = beta1 m + (1 - beta1) g`` and ``v = beta2 v + (1 - beta2) g^2`` (updated in place:
  they are the optimizer's state), with ``weight_decay`` added to g as an L2 penalty; then the
  step ``p -= lr / (1 - beta1^t) * m / (sqrt(v) / sqrt(1 - beta2^t) + eps)``, PyTorch's exact
  formula.

The expected numbers are computed here with NumPy from the formulas.
"""
import numpy as np
import pytest

import minigrad
import minigrad.nn.functional as F

pytestmark = pytest.mark.chapter12

LOGP = np.log(np.array([[0.7, 0.2, 0.1],
                        [0.1, 0.3, 0.6],
                        [0.25, 0.25, 0.5],
                        [0.05, 0.9, 0.05]]))
TARGET = np.array([1, 2, 0, 1])         # 4 samples, 3 classes: not square, on purpose


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def call(hint, fn, *args, **kwargs):
    """``fn(*args, **kwargs)``; an exception other than a stub's fails the check with a hint."""
    try:
        return fn(*args, **kwargs)
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"{getattr(fn, '__name__', 'the call')} raised {type(exc).__name__}: "
                    f"{exc}. {hint}")


def nll(logp, target, **kwargs):
    return call("logp has one row per sample and one column per class: pick "
                "logp[i, target[i]] for each row i (rows by xp.arange(n), columns by target)",
                F.nll_loss, logp, minigrad.tensor(target), **kwargs)


def test_nll_loss_is_minus_log_p_of_each_target_class():
    expected = -LOGP[np.arange(4), TARGET]
    losses = values(nll(minigrad.tensor(LOGP), TARGET, reduction="none"))
    assert losses.shape == (4,), (
        f"nll_loss(reduction='none') of 4 samples should give 4 losses, one per sample, but "
        f"gave shape {losses.shape}: losses holds one number per row of logp, "
        "-logp[i, target[i]]")
    if np.allclose(losses, -expected):
        pytest.fail("the losses have the wrong sign: they should be -log p of the target "
                    "class (positive: log p <= 0), not log p itself")
    assert np.allclose(losses, expected), (
        f"each row i of logp gives -log p of ITS target class, -logp[i, target[i]] (not the "
        f"diagonal logp[i, i], not a mean over the row). For targets {TARGET.tolist()} the "
        f"losses should be {np.round(expected, 4).tolist()}, but are "
        f"{np.round(losses, 4).tolist()}")


def test_nll_loss_averages_over_the_samples():
    expected = -LOGP[np.arange(4), TARGET]
    loss = nll(minigrad.tensor(LOGP), TARGET)
    assert loss.shape == (), f"nll_loss's mean should be one number (shape ()), not {loss.shape}"
    got = float(values(loss))
    hint = ""
    if np.isclose(got, expected.sum()):
        hint = ": that is their sum; the default reduction is the mean (divide by n)"
    elif np.isclose(got, expected.sum() / LOGP.size):
        hint = ": that divides by n * C, the size of logp; divide by n, the number of samples"
    elif np.isclose(got, -expected.mean()):
        hint = ": the sign is wrong (the loss is minus the mean log-likelihood)"
    assert np.isclose(got, expected.mean()), (
        f"nll_loss should be the mean over the samples of -logp[i, target[i]], "
        f"{expected.mean():.6f} for these 4 samples, but is {got:.6f}{hint}")
    total = float(values(nll(minigrad.tensor(LOGP), TARGET, reduction="sum")))
    assert np.isclose(total, expected.sum()), (
        f"nll_loss(reduction='sum') should be {expected.sum():.6f} but is {total:.6f}: the "
        "provided code sums your losses (one per sample)")
    one = float(values(nll(minigrad.tensor(LOGP[:1]), TARGET[:1])))
    assert np.isclose(one, expected[0]), (
        f"with one sample the mean is that sample's loss, {expected[0]:.6f}, but nll_loss gave "
        f"{one:.6f}")


def test_nll_loss_gradient_is_minus_one_over_n_at_each_target():
    logp = minigrad.tensor(LOGP, requires_grad=True)
    call("", nll(logp, TARGET).backward)
    grad = values(logp.grad)
    expected = np.zeros_like(LOGP)
    expected[np.arange(4), TARGET] = -1 / 4
    hint = ""
    if np.allclose(grad, 4 * expected):
        hint = ": that is -1 at each target; the loss is a mean over n = 4 samples, so -1/n"
    elif np.allclose(grad, -expected):
        hint = ": the sign is wrong (the loss is MINUS log p, so its derivative is -1/n)"
    elif np.allclose(grad, expected * 4 / 3):
        hint = ": that divides by C, the number of classes; divide by n, the number of samples"
    assert np.allclose(grad, expected), (
        f"the gradient of the mean nll_loss with respect to logp should be -1/n at each "
        f"sample's target class and 0 elsewhere{hint}. For n = 4 and targets "
        f"{TARGET.tolist()} it should be {expected.tolist()}, but is {grad.tolist()}")
    logp.grad = None
    call("", nll(logp, TARGET, reduction="sum").backward)
    assert np.allclose(values(logp.grad), 4 * expected), (
        f"with reduction='sum' the gradient should be -1 at each target class, but is "
        f"{values(logp.grad).tolist()}: the provided code multiplies the mean's gradient "
        "(yours) by n, so yours must be exactly -1/n at the targets")


def test_cross_entropy_is_nll_of_log_softmax_even_for_large_scores():
    scores = np.array([[1000.0, 990.0, 0.0], [-5.0, 3.0, 2.0], [0.5, 0.5, 800.0]])
    target = np.array([1, 2, 2])
    x = minigrad.tensor(scores, requires_grad=True)
    loss = call("", F.cross_entropy, x, minigrad.tensor(target))
    shifted = scores - scores.max(axis=1, keepdims=True)
    logp = shifted - np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    expected = -logp[np.arange(3), target].mean()
    got = float(values(loss))
    assert np.isclose(got, expected), (
        f"cross_entropy of scores {scores.tolist()} with targets {target.tolist()} should be "
        f"{expected:.6f} (the mean of -log_softmax at each target), but is {got:.6f}")
    assert type(loss.grad_fn).__name__ == "NllLossBackward0", (
        f"cross_entropy's grad_fn should be NllLossBackward0, as in PyTorch, not "
        f"{type(loss.grad_fn).__name__}")
    call("", loss.backward)
    p = np.exp(logp)
    onehot = np.eye(3)[target]
    assert np.allclose(values(x.grad), (p - onehot) / 3), (
        f"the gradient of cross_entropy with respect to the scores should be "
        f"(softmax - one_hot(target)) / n = {np.round((p - onehot) / 3, 4).tolist()}, but is "
        f"{np.round(values(x.grad), 4).tolist()}: log_softmax's backward is provided, so check "
        "your nll gradient (-1/n at each target class)")


# ----------------------------------------------------------------------------------- Adam
def adam_reference(p, grads, lr=1e-3, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0):
    """PyTorch's Adam in NumPy: the weights after each step, and the final m and v."""
    p, m, v = p.copy(), np.zeros_like(p), np.zeros_like(p)
    beta1, beta2 = betas
    history = []
    for t, g in enumerate(grads, start=1):
        g = g + weight_decay * p
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        denom = np.sqrt(v) / np.sqrt(1 - beta2 ** t) + eps
        p = p - lr / (1 - beta1 ** t) * m / denom
        history.append(p.copy())
    return history, m, v


def adam_run(p0, grads, **kwargs):
    """minigrad's Adam on one parameter, gradients set by hand: the weights after each step."""
    p = minigrad.tensor(p0, requires_grad=True)
    opt = minigrad.optim.Adam([p], **kwargs)
    history = []
    for g in grads:
        p.grad = minigrad.tensor(g)
        call("", opt.step)
        history.append(values(p).copy())
    return history, opt.state[p]


P0 = np.array([1.0, -2.0, 0.5, 3.0])
GRADS = [np.array([0.5, -2.0, 1e-3, 4.0]), np.array([0.1, 1.0, -1e-3, 4.0]),
         np.array([-0.3, 0.5, 2e-3, 0.0]), np.array([0.2, -0.2, 0.0, -1.0])]


def test_adam_first_step_moves_each_weight_by_about_lr():
    lr = 0.01
    history, _ = adam_run(P0, GRADS[:1], lr=lr)
    step = history[0] - P0
    expected = adam_reference(P0, GRADS[:1], lr=lr)[0][0] - P0
    hint = "each weight should move by about lr, against its gradient's sign"
    if np.allclose(step, -expected):
        hint = ("the weights moved uphill, along the gradient: the step subtracts "
                "lr * m_hat / (sqrt(v_hat) + eps)")
    elif np.allclose(np.abs(step), lr * 0.1 / np.sqrt(0.001), rtol=1e-3):
        hint = ("each weight moved by about 3.16 lr, the step without the bias corrections: "
                "at t = 1, m = 0.1 g and v = 0.001 g^2 lean towards their zero start; divide "
                "m by 1 - beta1^t and v by 1 - beta2^t (t counts from 1)")
    elif np.allclose(np.abs(step), lr / np.sqrt(0.001), rtol=1e-3):
        hint = ("each weight moved by about 31.6 lr, as if m were bias-corrected but not v: "
                "divide v by 1 - beta2^t too (under the square root)")
    elif np.allclose(np.abs(step), lr * 0.1, rtol=1e-3):
        hint = ("each weight moved by about 0.1 lr, as if v were bias-corrected but not m: "
                "divide m by 1 - beta1^t too")
    assert np.allclose(step, expected, rtol=1e-6, atol=1e-12), (
        f"Adam's first step (lr={lr}, gradient {GRADS[0].tolist()}) is wrong: {hint}. "
        f"It should be {np.round(expected, 8).tolist()}, but is {np.round(step, 8).tolist()}")


def test_adam_adds_eps_after_the_square_root_and_its_correction():
    g = [np.full(3, 1e-9), np.full(3, -2e-9)]
    p0 = np.zeros(3)
    history, _ = adam_run(p0, g, lr=1.0, eps=1e-8)
    got = history[-1]
    expected = adam_reference(p0, g, lr=1.0, eps=1e-8)[0][-1]
    assert np.allclose(got, expected, rtol=1e-6, atol=0), (
        "eps is added to the denominator last, sqrt(v) / sqrt(1 - beta2^t) + eps: not under "
        "the square root, and not before the division by sqrt(1 - beta2^t). With gradients "
        f"as small as eps (1e-9 then -2e-9, eps=1e-8, lr=1) the weights should end at "
        f"{expected[0]:.6g}, but are {got[0]:.6g}")


def test_adam_follows_pytorchs_formulas_over_several_steps():
    history, state = adam_run(P0, GRADS, lr=0.05, betas=(0.8, 0.99))
    expected, m, v = adam_reference(P0, GRADS, lr=0.05, betas=(0.8, 0.99))
    for name, got, want in (("exp_avg", state["exp_avg"], m), ("exp_avg_sq", state["exp_avg_sq"], v)):
        assert np.allclose(values(got), want), (
            f"after {len(GRADS)} steps, state[{name!r}] is not what it should be: m and v are "
            "the optimizer's state, updated in place at each step (m.mul_(...).add_(...), or "
            "lerp_/addcmul_), with the betas of the group (beta1 for m, beta2 for v), and kept "
            f"without bias correction. It should be {np.round(want, 6).tolist()}, but is "
            f"{np.round(values(got), 6).tolist()}")
    for t, (got, want) in enumerate(zip(history, expected), start=1):
        assert np.allclose(got, want, rtol=1e-6, atol=1e-12), (
            f"the weights are wrong after step {t} of Adam (lr=0.05, betas=(0.8, 0.99)), though "
            "m and v are right: check the step, p -= lr / (1 - beta1^t) * m / (sqrt(v) / "
            f"sqrt(1 - beta2^t) + eps). They should be {np.round(want, 6).tolist()}, but are "
            f"{np.round(got, 6).tolist()}")


def test_adam_weight_decay_is_added_to_the_gradient():
    wd = 0.5
    history, _ = adam_run(P0, GRADS[:3], lr=0.1, weight_decay=wd)
    expected = adam_reference(P0, GRADS[:3], lr=0.1, weight_decay=wd)[0]
    plain = adam_reference(P0, GRADS[:3], lr=0.1)[0]
    ignored = " (weight_decay was ignored)" if np.allclose(history[-1], plain[-1]) else ""
    assert np.allclose(history[-1], expected[-1], rtol=1e-6, atol=1e-12), (
        f"with weight_decay={wd}, Adam adds weight_decay * p to the gradient (an L2 penalty) "
        f"before m and v are updated{ignored}; not AdamW's shrink of p, not a term of the "
        f"step. After 3 steps the weights should be {np.round(expected[-1], 6).tolist()}, "
        f"but are {np.round(history[-1], 6).tolist()}")
    history, _ = adam_run(P0, GRADS[:2], lr=0.1, weight_decay=wd, amsgrad=True)
    assert np.all(np.isfinite(history[-1])), "Adam with amsgrad=True gave non-finite weights"
