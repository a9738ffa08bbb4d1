"""Optimizers against PyTorch, step for step from identical weights and identical gradients;
param groups, zero_grad, state_dict, closures; learning-rate schedulers."""
import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
import minigrad.optim as optim

SHAPES = [(3, 4), (4,), (2, 2)]


def grads_at(step):
    """The gradients fed at each step: the same in both libraries."""
    rng = np.random.default_rng(100 + step)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def start():
    rng = np.random.default_rng(0)
    return [rng.standard_normal(s).astype(np.float32) for s in SHAPES]


def run(lib, make_opt, steps=5, groups=None):
    params = [lib.nn.Parameter(lib.tensor(a)) for a in start()]
    if groups is None:
        opt = make_opt(lib, params)
    else:  # two groups: the first two parameters, then the rest, each with its own options
        opt = make_opt(lib, [dict(params=params[:2], **groups[0]),
                             dict(params=params[2:], **groups[1])])
    history = []
    for step in range(steps):
        opt.zero_grad()
        for p, g in zip(params, grads_at(step)):
            p.grad = lib.tensor(g)
        if step == 2:
            params[1].grad = None  # a parameter without a gradient is skipped
        opt.step()
        history.append([p.detach().numpy().copy() for p in params])
    return history, opt


CASES = {
    "sgd": lambda lib, p: lib.optim.SGD(p, lr=0.1),
    "sgd_momentum": lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.9),
    "sgd_dampening": lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.9, dampening=0.3),
    "sgd_nesterov_wd": lambda lib, p: lib.optim.SGD(p, lr=0.05, momentum=0.8, nesterov=True,
                                                    weight_decay=0.01),
    "sgd_maximize": lambda lib, p: lib.optim.SGD(p, lr=0.1, momentum=0.5, maximize=True),
    "adam": lambda lib, p: lib.optim.Adam(p, lr=0.01),
    "adam_wd_betas": lambda lib, p: lib.optim.Adam(p, lr=0.02, betas=(0.8, 0.99),
                                                   weight_decay=0.1, eps=1e-6),
    "adam_amsgrad": lambda lib, p: lib.optim.Adam(p, lr=0.01, amsgrad=True),
    "adamw": lambda lib, p: lib.optim.AdamW(p, lr=0.01),
    "adamw_amsgrad_max": lambda lib, p: lib.optim.AdamW(p, lr=0.01, weight_decay=0.1,
                                                        amsgrad=True, maximize=True),
    "rmsprop": lambda lib, p: lib.optim.RMSprop(p, lr=0.01),
    "rmsprop_centered_momentum": lambda lib, p: lib.optim.RMSprop(
        p, lr=0.01, alpha=0.9, momentum=0.5, centered=True, weight_decay=0.05),
}


@pytest.mark.parametrize("name", list(CASES))
def test_steps_match_pytorch(oracle, name):
    mine, _ = run(mg, CASES[name])
    theirs = oracle(lambda torch: run(torch, CASES[name])[0])
    for step, (a, b) in enumerate(zip(mine, theirs)):
        for pa, pb in zip(a, b):
            np.testing.assert_allclose(pa, pb, rtol=1e-5, atol=1e-6, err_msg=f"step {step}")


@pytest.mark.parametrize("name,groups", [
    ("sgd_momentum", [dict(lr=0.5), dict(momentum=0.0)]),
    ("adam", [dict(lr=0.1, betas=(0.5, 0.9)), dict(weight_decay=0.2)]),
    ("rmsprop", [dict(centered=True), dict(lr=0.001)])])
def test_param_groups_match_pytorch(oracle, name, groups):
    mine, opt = run(mg, CASES[name], groups=groups)
    theirs, topt_repr = oracle(lambda torch: (lambda h, o: (h, repr(o)))(
        *run(torch, CASES[name], groups=groups)))
    for a, b in zip(mine, theirs):
        for pa, pb in zip(a, b):
            np.testing.assert_allclose(pa, pb, rtol=1e-5, atol=1e-6)
    assert repr(opt) == topt_repr


def test_state_dict_round_trip(oracle):
    _, opt = run(mg, CASES["adam_amsgrad"], steps=3)
    sd = opt.state_dict()
    tsd = oracle(lambda torch: run(torch, CASES["adam_amsgrad"], steps=3)[1].state_dict(),
                 repr=True)
    assert sd["param_groups"] == tsd["param_groups"]
    assert sorted(sd["state"]) == sorted(tsd["state"]) == [0, 1, 2]
    for i in sd["state"]:
        assert list(sd["state"][i]) == list(tsd["state"][i])
        for k, v in sd["state"][i].items():
            assert repr(v) == repr(tsd["state"][i][k])
    # continue training in a fresh optimizer from the saved state: same as not stopping
    params = [nn.Parameter(mg.tensor(a)) for a in start()]
    fresh = optim.Adam(params, lr=0.01, amsgrad=True)
    fresh.load_state_dict(sd)
    assert fresh.state[params[0]]["exp_avg"] is not sd["state"][0]["exp_avg"]  # a copy
    assert fresh.state_dict()["param_groups"] == sd["param_groups"]


def test_zero_grad_and_version_counter():
    p = nn.Parameter(mg.ones(2))
    opt = optim.SGD([p], lr=0.1)
    p.grad = mg.ones(2)
    v = p._version
    opt.step()
    assert p._version > v and p.is_leaf and p.requires_grad  # in place, not recorded
    opt.zero_grad(set_to_none=False)
    assert (p.grad == 0).all()
    opt.zero_grad()
    assert p.grad is None


def test_step_with_closure():
    p = nn.Parameter(mg.tensor([2.0]))
    opt = optim.SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss
    with mg.no_grad():  # the closure still records: step() turns grad mode on for it
        loss = opt.step(closure)
    assert loss.item() == 4.0 and p.item() == 1.0


def test_add_param_group_and_errors(oracle):
    a, b = nn.Parameter(mg.ones(1)), nn.Parameter(mg.ones(1))
    opt = optim.SGD([a], lr=0.1)
    opt.add_param_group({"params": b, "lr": 0.5})
    assert [g["lr"] for g in opt.param_groups] == [0.1, 0.5]
    assert opt.param_groups[1]["momentum"] == 0

    def errors(lib):
        x = lib.nn.Parameter(lib.ones(1))
        cases = [lambda: lib.optim.SGD([], lr=0.1),
                 lambda: lib.optim.SGD(x, lr=0.1),
                 lambda: lib.optim.SGD([x], lr=-1),
                 lambda: lib.optim.SGD([x], lr=0.1, nesterov=True),
                 lambda: lib.optim.Adam([x], betas=(1.0, 0.9)),
                 lambda: lib.optim.SGD([x * 2], lr=0.1),
                 lambda: lib.optim.SGD([{"params": [x]}, {"params": [x]}], lr=0.1)]
        out = []
        for case in cases:
            with pytest.raises((TypeError, ValueError)) as e:
                case()
            out.append((type(e.value).__name__, str(e.value)))
        return out
    assert errors(mg) == oracle(errors)


def scheduler_lrs(lib, make, epochs=12):
    p = lib.nn.Parameter(lib.ones(1))
    opt = lib.optim.SGD([{"params": [p]}, {"params": [], "lr": 0.5}], lr=0.1)
    sched = make(lib, opt)
    lrs = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        lrs.append(sched.get_last_lr())
    return lrs


@pytest.mark.parametrize("make", [
    lambda lib, o: lib.optim.lr_scheduler.StepLR(o, step_size=3, gamma=0.5),
    lambda lib, o: lib.optim.lr_scheduler.MultiStepLR(o, milestones=[2, 5, 5], gamma=0.1),
    lambda lib, o: lib.optim.lr_scheduler.ExponentialLR(o, gamma=0.9),
    lambda lib, o: lib.optim.lr_scheduler.CosineAnnealingLR(o, T_max=5, eta_min=0.01),
    lambda lib, o: lib.optim.lr_scheduler.LambdaLR(o, lambda e: 1 / (e + 1))])
def test_lr_schedulers_match_pytorch(oracle, make):
    mine, theirs = scheduler_lrs(mg, make), oracle(lambda torch: scheduler_lrs(torch, make))
    np.testing.assert_allclose(mine, theirs, rtol=1e-12)
