"""``minigrad.utils.checkpoint``: the same gradients as a plain run (inputs, parameters used
inside, dropout with a seed), less memory held by the graph, PyTorch's warning."""
from __future__ import annotations

import warnings

import numpy as np
import pytest

import minigrad
from minigrad.autograd.graph import AccumulateGrad
from minigrad.utils.checkpoint import checkpoint


def _net(T, seed=0):
    T.manual_seed(seed)
    lin1, lin2 = T.nn.Linear(6, 32).double(), T.nn.Linear(32, 3).double()
    drop = T.nn.Dropout(0.5)

    def block(x):
        return lin2(drop(lin1(x).tanh()))
    return block, [lin1.weight, lin1.bias, lin2.weight, lin2.bias]


def _grads(T, use_checkpoint, seed=1, **kw):
    block, params = _net(T)
    x = T.tensor(np.random.default_rng(3).normal(size=(5, 6)), requires_grad=True)
    T.manual_seed(seed)
    y = checkpoint(block, x, use_reentrant=False, **kw) if use_checkpoint else block(x)
    loss = (y * y).sum()
    loss.backward()
    return float(loss.detach()), [t.grad.numpy().copy() for t in [x] + params]


def test_same_gradients_as_plain_run_with_dropout():
    loss0, g0 = _grads(minigrad, False)
    loss1, g1 = _grads(minigrad, True)
    assert loss0 == loss1
    for a, b in zip(g0, g1):
        np.testing.assert_array_equal(a, b)  # same mask (same random state), same numbers


def test_random_state_goes_on_as_without_checkpoint():
    block, _ = _net(minigrad)
    x = minigrad.randn(3, 6, dtype=minigrad.float64, requires_grad=True)
    minigrad.manual_seed(7)
    checkpoint(block, x, use_reentrant=False).sum().backward()
    after_ckpt = minigrad.rand(4).numpy()
    minigrad.manual_seed(7)
    block(x).sum().backward()
    np.testing.assert_array_equal(after_ckpt, minigrad.rand(4).numpy())


def test_without_preserved_rng_state_the_mask_is_redrawn():
    _, g0 = _grads(minigrad, False)
    _, g1 = _grads(minigrad, True, preserve_rng_state=False)
    assert not np.allclose(g0[1], g1[1])


def test_autograd_grad_reaches_parameters_when_input_needs_no_grad():
    block, params = _net(minigrad)
    x = minigrad.randn(4, 6, dtype=minigrad.float64)  # no requires_grad (non-reentrant)
    minigrad.manual_seed(2)
    g_ckpt = minigrad.autograd.grad(checkpoint(block, x, use_reentrant=True).sum(), params)
    minigrad.manual_seed(2)
    g_plain = minigrad.autograd.grad(block(x).sum(), params)
    for a, b in zip(g_plain, g_ckpt):
        np.testing.assert_allclose(a.numpy(), b.numpy(), rtol=0, atol=1e-12)
    assert all(p.grad is None for p in params)  # grad() touched no .grad


def test_tuple_outputs_and_kwargs_and_create_graph():
    x = minigrad.tensor([0.3, -1.2, 2.0], dtype=minigrad.float64, requires_grad=True)
    w = minigrad.tensor([1.5, 0.5, -2.0], dtype=minigrad.float64, requires_grad=True)

    def f(a, scale=1.0):
        return (a * w).sin() * scale, (a ** 3).sum()

    outs = checkpoint(f, x, use_reentrant=False, scale=2.0)
    plain = f(x, scale=2.0)
    for o, p in zip(outs, plain):
        np.testing.assert_allclose(o.detach().numpy(), p.detach().numpy())
    # second derivatives through the recomputation
    g, = minigrad.autograd.grad(outs[1] + outs[0].sum(), x, create_graph=True)
    gg, = minigrad.autograd.grad(g.sum(), x)
    g0, = minigrad.autograd.grad(plain[1] + plain[0].sum(), x, create_graph=True)
    gg0, = minigrad.autograd.grad(g0.sum(), x)
    np.testing.assert_allclose(g.detach().numpy(), g0.detach().numpy(), rtol=1e-12)
    np.testing.assert_allclose(gg.numpy(), gg0.numpy(), rtol=1e-12)


def _saved_bytes(root) -> tuple:
    """(how many arrays, how many bytes) the graph behind ``root`` holds as saved tensors."""
    seen, stack, arrays = set(), [root.grad_fn], {}
    while stack:
        node = stack.pop()
        if node is None or node in seen or type(node) is AccumulateGrad:
            continue
        seen.add(node)
        for s in getattr(node, "_saved", ()):
            if s is not None:
                a = s.tensor._data if s.tensor is not None else s.data
                arrays[id(a)] = a.nbytes
        stack.extend(child for child, _ in node.next_functions)
    return len(arrays), sum(arrays.values())


def test_checkpoint_holds_fewer_saved_arrays():
    lins = [minigrad.nn.Linear(64, 64).double() for _ in range(4)]

    def block(x):
        for lin in lins:
            x = lin(x).tanh()
        return x
    x = minigrad.randn(128, 64, dtype=minigrad.float64, requires_grad=True)
    n_plain, bytes_plain = _saved_bytes(block(x).sum())
    y = checkpoint(block, x, use_reentrant=False)
    n_ckpt, bytes_ckpt = _saved_bytes(y.sum())
    assert n_plain >= 8  # each layer: its input and its tanh output (at least)
    assert n_ckpt == 1 and bytes_ckpt == x.numel() * 8  # only the block's input
    assert bytes_ckpt * 4 < bytes_plain
    y.sum().backward()  # and it still gives gradients
    assert lins[0].weight.grad is not None and x.grad is not None


def test_inplace_change_of_input_before_backward_is_caught():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    h = x * 1
    y = checkpoint(lambda a: a.exp(), h, use_reentrant=False)
    with minigrad.no_grad():
        h.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        y.sum().backward()


def test_second_backward_raises_pytorchs_error():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = checkpoint(lambda a: a.exp(), x, use_reentrant=False).sum()
    y.backward()
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        y.backward()


def test_under_no_grad_it_just_runs():
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    with minigrad.no_grad():
        y = checkpoint(lambda a: a * 2, x, use_reentrant=False)
    assert y.grad_fn is None and not y.requires_grad


def _warning(T):
    from importlib import import_module
    ck = import_module(f"{T.__name__}.utils.checkpoint").checkpoint
    x = T.ones(2, requires_grad=True)
    with warnings.catch_warnings(record=True) as w:
        warnings.simplefilter("always")
        ck(lambda a: a.sin(), x)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        ck(lambda a: a.sin(), x, use_reentrant=False)  # no warning when passed
    return [(str(m.message), m.category) for m in w]


def test_warns_when_use_reentrant_is_omitted():
    ours = _warning(minigrad)
    assert len(ours) == 1 and "use_reentrant parameter should be passed explicitly" in ours[0][0]


def test_matches_pytorch(oracle):
    def by_name(warned):  # the category by its name: what a recording keeps
        return [(message, category.__name__) for message, category in warned]
    assert by_name(_warning(minigrad)) == oracle(lambda torch: by_name(_warning(torch)))
    # gradients without dropout (the random streams differ), against PyTorch's
    def run(T):
        w = T.tensor([[0.5, -1.0], [2.0, 0.25]], dtype=T.float64, requires_grad=True)
        x = T.tensor([[1.0, 2.0], [-3.0, 0.5]], dtype=T.float64, requires_grad=True)
        ck = __import__(f"{T.__name__}.utils.checkpoint", fromlist=["x"]).checkpoint
        y = ck(lambda a: (a @ w).tanh().exp(), x, use_reentrant=False)
        y.sum().backward()
        return x.grad.numpy(), w.grad.numpy()
    for a, b in zip(run(minigrad), oracle(run)):
        np.testing.assert_allclose(a, b, rtol=1e-12)
