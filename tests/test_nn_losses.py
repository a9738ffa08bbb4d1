"""Every loss against PyTorch, for every reduction: value, grad_fn name, gradients w.r.t. the
input (and the target where PyTorch gives one); gradcheck in float64; PyTorch's errors."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck, gradgradcheck

REDUCTIONS = ["mean", "sum", "none"]
rng = np.random.default_rng(0)
LOGITS = rng.standard_normal((5, 4)).astype(np.float32)
CLASSES = np.array([0, 3, 1, 1, 2])
WEIGHT = np.array([1.0, 2.0, 0.5, 1.5], dtype=np.float32)


def _torch_loss(torch, make_loss, arrays, grad_of):
    """PyTorch's loss and gradients for ``compare`` (the output weighted by a seeded draw)."""
    ts = [torch.tensor(a, requires_grad=i in grad_of) for i, a in enumerate(arrays)]
    tloss = make_loss(torch, ts)
    w = np.random.default_rng(1).standard_normal(tuple(tloss.shape)).astype(np.float32)
    (tloss * torch.tensor(w)).sum().backward()
    return tloss, [ts[i].grad for i in grad_of]


def compare(oracle, make_loss, arrays, grad_of=(0,), same_node=True):
    """Build the loss in both libraries from the same arrays; compare value and gradients
    (PyTorch's from the oracle: live or recorded)."""
    ms = [mg.tensor(a, requires_grad=i in grad_of) for i, a in enumerate(arrays)]
    loss = make_loss(mg, ms)
    tloss, tgrads = oracle(lambda torch: _torch_loss(torch, make_loss, arrays, grad_of))
    np.testing.assert_allclose(loss.detach().numpy(), tloss.detach().numpy(), rtol=1e-5,
                               atol=1e-6)
    if same_node:
        assert loss.grad_fn.name() == tloss.grad_fn.name()
    w = np.random.default_rng(1).standard_normal(tuple(tloss.shape)).astype(np.float32)
    (loss * mg.tensor(w)).sum().backward()
    for i, tgrad in zip(grad_of, tgrads):
        np.testing.assert_allclose(ms[i].grad.numpy(), tgrad.numpy(), rtol=1e-4,
                                   atol=1e-6, err_msg=f"grad of argument {i}")


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_mse_and_l1(oracle, reduction):
    x, t = LOGITS, np.random.default_rng(4).standard_normal((5, 4)).astype(np.float32)
    for name in ("MSELoss", "L1Loss"):
        compare(oracle, lambda lib, a: getattr(lib.nn, name)(reduction=reduction)(*a), [x, t],
                grad_of=(0, 1))


def test_mse_broadcast_warns(oracle):
    with pytest.warns(UserWarning, match="Using a target size"):
        compare(oracle, lambda lib, a: lib.nn.functional.mse_loss(*a),
                [LOGITS[:, :1], LOGITS[:, 0]], grad_of=(0, 1))


def test_cross_entropy_graph(oracle):
    loss = F.cross_entropy(mg.tensor(LOGITS, requires_grad=True), mg.tensor(CLASSES))
    tloss = lambda torch: torch.nn.functional.cross_entropy(  # noqa: E731
        torch.tensor(LOGITS, requires_grad=True), torch.tensor(CLASSES))
    assert [f.name() for f, _ in loss.grad_fn.next_functions] == \
        oracle(lambda torch: [f.name() for f, _ in tloss(torch).grad_fn.next_functions])


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce(oracle, reduction, weighted):
    p = 1 / (1 + np.exp(-LOGITS))
    t = np.random.default_rng(2).random((5, 4)).astype(np.float32)
    p[0, 0], t[0, 0] = 0.0, 0.0  # log(0) is clamped at -100, as in PyTorch
    compare(oracle, lambda lib, a: lib.nn.BCELoss(
        weight=lib.tensor(WEIGHT) if weighted else None, reduction=reduction)(*a), [p, t],
        grad_of=(0, 1))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"pos_weight": True}])
def test_bce_with_logits(oracle, reduction, options):
    x = LOGITS * 10  # large logits: the stable form must not overflow
    t = np.random.default_rng(3).random((5, 4)).astype(np.float32)

    def make(lib, a):
        kw = {k: lib.tensor(WEIGHT) for k in options}
        return lib.nn.BCEWithLogitsLoss(reduction=reduction, **kw)(*a)
    compare(oracle, make, [x, t], grad_of=(0, 1))


def test_loss_reprs(oracle):
    for name in ("MSELoss", "L1Loss", "CrossEntropyLoss", "NLLLoss", "BCELoss",
                 "BCEWithLogitsLoss"):
        assert repr(getattr(nn, name)()) == oracle(lambda torch: repr(getattr(torch.nn, name)()))


def test_errors_match_pytorch(oracle):
    cases = [
        lambda lib: lib.nn.functional.cross_entropy(lib.randn(3, 4), lib.tensor([0, 1])),
        lambda lib: lib.nn.functional.cross_entropy(lib.randn(3, 4), lib.tensor([0, 1, 4])),
        lambda lib: lib.nn.functional.cross_entropy(lib.randn(3, 4), lib.tensor([0, -1, 2])),
        lambda lib: lib.nn.functional.cross_entropy(lib.randn(3, 4),
                                                    lib.tensor([0, 1, 2], dtype=lib.int32)),
        lambda lib: lib.nn.functional.nll_loss(lib.randn(3, 4), lib.tensor([0.0, 1.0, 2.0])),
        lambda lib: lib.nn.functional.mse_loss(lib.randn(3), lib.randn(3), reduction="avg"),
        lambda lib: lib.nn.functional.binary_cross_entropy(lib.rand(3, 1), lib.rand(3)),
        lambda lib: lib.nn.functional.binary_cross_entropy(lib.tensor([1.5]), lib.rand(1)),
        lambda lib: lib.nn.functional.binary_cross_entropy_with_logits(lib.rand(3, 1),
                                                                       lib.rand(3)),
    ]
    for case in cases:
        with pytest.raises(Exception) as e:
            case(mg)
        with pytest.raises(Exception) as te:
            oracle(case)
        assert type(e.value) is type(te.value) or isinstance(te.value, type(e.value))
        assert str(e.value) == str(te.value)


def test_gradcheck_losses():
    x = mg.tensor(LOGITS.astype(np.float64), requires_grad=True)
    t = mg.tensor(rng.random((5, 4)), requires_grad=True)
    p = mg.tensor(rng.uniform(0.1, 0.9, (5, 4)), requires_grad=True)
    classes, w = mg.tensor(CLASSES), mg.tensor(WEIGHT.astype(np.float64))
    for reduction in REDUCTIONS:
        assert gradcheck(lambda x, t: F.mse_loss(x, t, reduction=reduction), (x, t))
        assert gradcheck(lambda x: F.cross_entropy(x, classes, w, reduction=reduction,
                                                   label_smoothing=0.1), (x,))
        assert gradcheck(lambda p, t: F.binary_cross_entropy(p, t, reduction=reduction),
                         (p, t))
        assert gradcheck(lambda x, t: F.binary_cross_entropy_with_logits(
            x, t, pos_weight=w, reduction=reduction), (x, t))
    assert gradgradcheck(lambda x: F.cross_entropy(x, classes), (x,))
    assert gradgradcheck(lambda x, t: F.mse_loss(x, t), (x, t))
    assert gradgradcheck(lambda x: F.binary_cross_entropy_with_logits(x, t.detach()), (x,))
