"""nn layers against PyTorch: the same weights in both, then forward values, gradients (input
and parameters) and grad_fn names must agree; gradcheck/gradgradcheck in float64 for the
primitives minigrad adds (addmm, conv2d, max_pool2d, batch_norm, embedding)."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck, gradgradcheck


def _torch_steps(torch, make, steps, backward=True):
    """PyTorch's side of ``run_oracle`` for a module made by ``make(torch)`` (seeded): its
    initial state and repr, then for each (input, seed, train mode) step the output, the
    gradients of the input and the parameters, and the buffers after the step."""
    torch.manual_seed(0)
    tm = make(torch)
    out = {"state": {k: v.clone() for k, v in tm.state_dict().items()}, "repr": repr(tm),
           "steps": []}
    for x_np, seed, train in steps:
        if train is not None:
            tm.train(train)
        tm.zero_grad()
        tx = torch.tensor(x_np, requires_grad=x_np.dtype.kind == "f")
        ty = tm(tx)
        step = {"y": ty}
        if backward:
            w = np.random.default_rng(seed).standard_normal(tuple(ty.shape)).astype(np.float32)
            (ty * torch.tensor(w)).sum().backward()
            step["x_grad"] = tx.grad
            step["grads"] = {name: p.grad for name, p in tm.named_parameters()}
        step["buffers"] = {name: b.clone() for name, b in tm.named_buffers()}
        out["steps"].append(step)
    return out


def run_oracle(oracle, m, make_torch, x_np, backward=True, seed=0, steps=None):
    """The same module in both libraries: forward values, grad_fn names, gradients (of the
    input and parameters, for a random weighting of the output) and buffers must agree.
    PyTorch's side comes from the oracle (live or recorded): ``m`` gets the
    state of the module ``make_torch(torch)`` makes, then both run the same ``steps``
    ((input, seed, train mode or None: as made) each; by default ``[(x_np, seed, None)]``)."""
    steps = steps or [(x_np, seed, None)]
    t = oracle(lambda torch: _torch_steps(torch, make_torch, steps, backward))
    if t["state"]:
        m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in t["state"].items()})
    for (x_np, seed, train), ts in zip(steps, t["steps"]):
        if train is not None:
            m.train(train)
        m.zero_grad()
        x = mg.tensor(x_np, requires_grad=x_np.dtype.kind == "f")
        y, ty = m(x), ts["y"]
        np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-5, atol=1e-5)
        assert (y.grad_fn.name() if y.grad_fn else None) == (ty.grad_fn.name() if ty.grad_fn
                                                             else None)
        if backward:
            w = np.random.default_rng(seed).standard_normal(tuple(ty.shape)).astype(np.float32)
            (y * mg.tensor(w)).sum().backward()
            if x.requires_grad:
                np.testing.assert_allclose(x.grad.numpy(), ts["x_grad"].numpy(), rtol=1e-4,
                                           atol=1e-5)
            for name, p in m.named_parameters():
                np.testing.assert_allclose(p.grad.numpy(), ts["grads"][name].numpy(),
                                           rtol=1e-4, atol=1e-5, err_msg=name)
        for name, buf in ts["buffers"].items():
            np.testing.assert_allclose(getattr(m, name).numpy(), buf.numpy(), rtol=1e-5,
                                       err_msg=name)
    return m, t


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


# ------------------------------------------------------------------------------ vs PyTorch
@pytest.mark.parametrize("shape", [(5, 4), (2, 3, 4), (4,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear(oracle, shape, bias):
    run_oracle(oracle, nn.Linear(4, 3, bias=bias), lambda torch: torch.nn.Linear(4, 3, bias=bias),
               rand(*shape))


def test_linear_graph_matches_pytorch(oracle):
    y = nn.Linear(2, 3)(mg.randn(4, 2))
    names = [f.name() if f else None for f, _ in y.grad_fn.next_functions]
    assert names == oracle(lambda torch: [f.name() if f else None for f, _ in torch.nn.Linear(
        2, 3)(torch.zeros(4, 2)).grad_fn.next_functions])


def test_linear_shape_error(oracle):
    with pytest.raises(RuntimeError) as e:
        nn.Linear(2, 5)(mg.randn(4, 3))
    with pytest.raises(RuntimeError) as te:
        oracle(lambda torch: torch.nn.Linear(2, 5)(torch.zeros(4, 3)))
    assert str(e.value) == str(te.value)


def test_linear_default_init_range():
    mg.manual_seed(0)
    m = nn.Linear(100, 50)
    bound = 1 / 10
    for p in (m.weight, m.bias):
        a = p.detach().numpy()
        assert a.min() >= -bound and a.max() <= bound and a.std() > 0.8 * bound / np.sqrt(3)


@pytest.mark.parametrize("kwargs", [dict(), dict(stride=2), dict(padding=1),
                                    dict(padding=2, stride=2, dilation=2), dict(bias=False),
                                    dict(padding="same"), dict(kernel_size=(2, 3), stride=(1, 2))])
def test_conv2d(oracle, kwargs):
    kwargs = {"kernel_size": 3, **kwargs}
    m, tm = run_oracle(oracle, nn.Conv2d(3, 4, **kwargs),
                       lambda torch: torch.nn.Conv2d(3, 4, **kwargs), rand(2, 3, 7, 8))
    assert repr(m) == tm["repr"]


def test_conv2d_unbatched_and_errors(oracle):
    m, _ = run_oracle(oracle, nn.Conv2d(2, 3, 3), lambda torch: torch.nn.Conv2d(2, 3, 3),
                      rand(2, 5, 5))
    for bad in (rand(1, 3, 5, 5), rand(5, 5)):
        with pytest.raises(RuntimeError) as e:
            m(mg.tensor(bad))
        with pytest.raises(RuntimeError) as te:
            oracle(lambda torch: torch.nn.Conv2d(2, 3, 3)(torch.tensor(bad)))
        assert str(e.value) == str(te.value)


@pytest.mark.parametrize("kwargs", [dict(kernel_size=2), dict(kernel_size=3, stride=1),
                                    dict(kernel_size=3, stride=2, padding=1),
                                    dict(kernel_size=(2, 3), stride=(2, 1), dilation=(1, 2))])
def test_max_pool2d(oracle, kwargs):
    m, tm = run_oracle(oracle, nn.MaxPool2d(**kwargs), lambda torch: torch.nn.MaxPool2d(**kwargs),
                       rand(2, 3, 7, 8))
    assert repr(m) == tm["repr"]


def test_max_pool2d_indices(oracle):
    x = rand(2, 3, 6, 6)
    y, i = F.max_pool2d(mg.tensor(x), 3, 2, 1, return_indices=True)
    ty, ti = oracle(lambda torch: torch.nn.functional.max_pool2d(torch.tensor(x), 3, 2, 1,
                                                                 return_indices=True))
    np.testing.assert_array_equal(i.numpy(), ti.numpy())
    assert i.dtype == mg.int64 and not i.requires_grad


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
@pytest.mark.parametrize("momentum", [0.1, None])
def test_batchnorm1d_train_then_eval(oracle, shape, momentum):
    def make(torch):
        tm = torch.nn.BatchNorm1d(3, momentum=momentum)
        with torch.no_grad():
            tm.weight.uniform_(0.5, 1.5)
            tm.bias.uniform_(-0.5, 0.5)
        return tm
    # two training steps (the buffers compared after each), then one in eval mode
    steps = [(rand(*shape, seed=step) * 3 + 1, step, True) for step in range(2)]
    m, tm = run_oracle(oracle, nn.BatchNorm1d(3, momentum=momentum), make, None,
                       steps=steps + [(rand(*shape, seed=5), 0, False)])
    assert repr(m) == tm["repr"]


def test_batchnorm2d_and_no_affine(oracle):
    run_oracle(oracle, nn.BatchNorm2d(3, affine=False, track_running_stats=False),
               lambda torch: torch.nn.BatchNorm2d(3, affine=False, track_running_stats=False),
               rand(4, 3, 2, 2))
    with pytest.raises(ValueError) as e:
        nn.BatchNorm1d(3)(mg.randn(1, 3))
    with pytest.raises(ValueError) as te:
        oracle(lambda torch: torch.nn.BatchNorm1d(3)(torch.zeros(1, 3)))
    assert str(e.value) == str(te.value)


@pytest.mark.parametrize("padding_idx", [None, 0, -1])
def test_embedding(oracle, padding_idx):
    idx = np.array([[0, 2, 5, 2], [1, 1, 3, 5]])
    m, tm = run_oracle(oracle, nn.Embedding(6, 3, padding_idx=padding_idx),
                       lambda torch: torch.nn.Embedding(6, 3, padding_idx=padding_idx), idx)
    assert repr(m) == tm["repr"]
    with pytest.raises(IndexError, match="index out of range in self"):
        m(mg.tensor([6]))


def test_embedding_padding_row_starts_at_zero():
    m = nn.Embedding(4, 2, padding_idx=1)
    assert (m.weight[1] == 0).all()


@pytest.mark.parametrize("make", [
    lambda nn: nn.ReLU(), lambda nn: nn.Tanh(), lambda nn: nn.Sigmoid(), lambda nn: nn.Softplus(),
    lambda nn: nn.Softplus(beta=2, threshold=0.5),
    lambda nn: nn.Softmax(dim=1), lambda nn: nn.LogSoftmax(dim=-1), lambda nn: nn.Flatten(),
    lambda nn: nn.Flatten(0, 1), lambda nn: nn.Identity(), lambda nn: nn.Dropout(0.3).eval(),
    lambda nn: nn.Sequential(nn.Linear(4, 4), nn.ReLU(), nn.Linear(4, 2))])
def test_simple_modules(oracle, make):
    m, tm = run_oracle(oracle, make(nn), lambda torch: make(torch.nn), rand(3, 2, 4))
    assert repr(m) == tm["repr"]


def test_dropout_training():
    mg.manual_seed(0)
    x = mg.ones(2000, requires_grad=True)
    y = F.dropout(x, 0.25)
    kept = y.detach().numpy() != 0
    assert abs(kept.mean() - 0.75) < 0.05
    np.testing.assert_allclose(y.detach().numpy()[kept], 1 / 0.75, rtol=1e-6)
    assert y.grad_fn.name() == "MulBackward0"
    y.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy() != 0, kept)  # the same mask in backward
    assert F.dropout(x, 0.5, training=False) is x and F.dropout(x, 0.0) is x
    assert (F.dropout(x, 1.0) == 0).all()
    with pytest.raises(ValueError, match="dropout probability has to be between 0 and 1"):
        nn.Dropout(1.5)


def test_softmax_without_dim_warns():
    with pytest.warns(UserWarning, match="Implicit dimension choice for softmax"):
        y = nn.Softmax()(mg.randn(2, 3))
    np.testing.assert_allclose(y.sum(1).numpy(), 1, rtol=1e-6)


def test_one_hot(oracle):
    t = np.array([[0, 2], [3, 1]])
    np.testing.assert_array_equal(F.one_hot(mg.tensor(t)).numpy(),
                                  oracle(lambda torch: torch.nn.functional.one_hot(
                                      torch.tensor(t))).numpy())
    assert F.one_hot(mg.tensor([1]), 4).shape == (1, 4)
    with pytest.raises(RuntimeError, match="Class values must be non-negative."):
        F.one_hot(mg.tensor([-1]))


# ------------------------------------------------------------------------------- gradcheck
def d(*shape, seed=0):
    return mg.tensor(np.random.default_rng(seed).standard_normal(shape), dtype=mg.float64,
                     requires_grad=True)


def test_gradcheck_linear():
    x, w, b = d(3, 4), d(2, 4, seed=1), d(2, seed=2)
    assert gradcheck(F.linear, (x, w, b))
    assert gradgradcheck(lambda x, w: F.linear(x, w, b) ** 2, (x, w))


@pytest.mark.parametrize("stride,padding,dilation", [(1, 0, 1), (2, 1, 1), (1, 1, 2)])
def test_gradcheck_conv2d(stride, padding, dilation):
    x, w, b = d(2, 2, 5, 5), d(3, 2, 3, 3, seed=1), d(3, seed=2)
    assert gradcheck(lambda x, w, b: F.conv2d(x, w, b, stride, padding, dilation), (x, w, b))


def test_gradgradcheck_conv2d():
    x, w = d(1, 2, 4, 4), d(2, 2, 2, 2, seed=1)
    assert gradgradcheck(lambda x, w: F.conv2d(x, w, padding=1), (x, w))


@pytest.mark.parametrize("kernel,stride,padding", [(2, 2, 0), (3, 1, 1)])
def test_gradcheck_max_pool2d(kernel, stride, padding):
    # distinct values: max is not differentiable at ties
    x = mg.tensor(np.random.default_rng(0).permutation(2 * 2 * 5 * 5).reshape(2, 2, 5, 5)
                  / 10.0, requires_grad=True)
    assert gradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding), (x,))
    assert gradgradcheck(lambda x: F.max_pool2d(x, kernel, stride, padding) ** 2, (x,))


@pytest.mark.parametrize("shape", [(5, 3), (4, 3, 2), (2, 3, 2, 2)])
@pytest.mark.parametrize("training", [True, False])
def test_gradcheck_batch_norm(shape, training):
    x, w, b = d(*shape), d(3, seed=1), d(3, seed=2)
    rm, rv = mg.zeros(3, dtype=mg.float64), mg.ones(3, dtype=mg.float64) * 2

    def fn(x, w, b):
        # running statistics are updated in place: give each call its own copies
        return F.batch_norm(x, rm.clone(), rv.clone(), w, b, training=training)
    assert gradcheck(fn, (x, w, b))
    assert gradgradcheck(fn, (x, w, b))


def test_gradcheck_embedding():
    w = d(5, 3)
    idx = mg.tensor([[0, 2, 2], [4, 1, 0]])
    assert gradcheck(lambda w: F.embedding(idx, w), (w,))
    # padding_idx: that row is used in forward but, by design, never gets a gradient
    F.embedding(idx, w, padding_idx=1).sum().backward()
    np.testing.assert_array_equal(w.grad.numpy()[:, 0], [2, 0, 2, 0, 1])
