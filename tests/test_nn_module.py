"""The Module API: registration, traversal, state_dict, modes, devices and dtypes, repr, hooks;
Parameter; nn.init; nn.utils. Compared with PyTorch where PyTorch is installed."""
import copy
import pickle
from collections import OrderedDict

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn as nn
from minigrad.nn import init


def make_net(lib):
    """A module written the way a PyTorch user writes one, for either library."""
    class Net(lib.nn.Module):
        def __init__(self):
            super().__init__()
            self.features = lib.nn.Sequential(lib.nn.Linear(4, 8), lib.nn.ReLU())
            self.heads = lib.nn.ModuleList([lib.nn.Linear(8, 2), lib.nn.Linear(8, 2)])
            self.bn = lib.nn.BatchNorm1d(8)
            self.scale = lib.nn.Parameter(lib.ones(1))
            self.register_buffer("steps", lib.zeros(1))
            self.register_buffer("scratch", lib.zeros(2), persistent=False)
            self.not_a_param = lib.ones(3)  # a plain tensor attribute: not registered

        def forward(self, x):
            h = self.bn(self.features(x))
            return self.heads[0](h) * self.scale + self.heads[1](h)
    return Net()


def names(m):
    """A module's names, as each traversal gives them."""
    return {what: [n for n, _ in getattr(m, f"named_{what}")()]
            for what in ("parameters", "buffers", "children", "modules")}


def test_registration_and_traversal(oracle):
    m = make_net(mg)
    tm = oracle(lambda torch: (lambda tm: (names(tm), list(tm.state_dict())))(make_net(torch)))
    for what, theirs in tm[0].items():
        assert [n for n, _ in getattr(m, f"named_{what}")()] == theirs, what
    assert list(m.state_dict()) == tm[1]
    assert len(list(m.parameters())) == 9 and len(list(m.modules())) == 8
    assert all(isinstance(p, nn.Parameter) for p in m.parameters())
    assert "not_a_param" not in dict(m.named_parameters())
    assert [n for n, _ in m.named_parameters(recurse=False)] == ["scale"]
    assert m.get_submodule("heads.1") is m.heads[1]
    assert m.get_parameter("features.0.bias") is m.features[0].bias


def test_repr_matches_pytorch(oracle):
    assert repr(make_net(mg)) == oracle(lambda torch: repr(make_net(torch)))
    seq = [lambda l: l.nn.Sequential(l.nn.Conv2d(1, 8, 3, padding=1), l.nn.ReLU(),
                                     l.nn.MaxPool2d(2), l.nn.Flatten(), l.nn.Dropout(0.2),
                                     l.nn.Linear(128, 10), l.nn.LogSoftmax(dim=1)),
           lambda l: l.nn.ModuleList([l.nn.Linear(2, 2) for _ in range(3)] + [l.nn.Tanh()]),
           lambda l: l.nn.Sequential(OrderedDict(fc=l.nn.Linear(2, 3), act=l.nn.Sigmoid())),
           lambda l: l.nn.ModuleDict({"a": l.nn.Identity(), "b": l.nn.Embedding(3, 2)}),
           lambda l: l.nn.Sequential(),
           lambda l: l.nn.ModuleList()]
    for make in seq:
        assert repr(make(mg)) == oracle(lambda torch: repr(make(torch)))


def test_parameter(oracle):
    p = nn.Parameter(mg.tensor([[1.0, 2.0], [3.0, 4.5]]))
    assert repr(p) == oracle(lambda torch: repr(torch.nn.Parameter(
        torch.tensor([[1.0, 2.0], [3.0, 4.5]]))))
    assert p.requires_grad and p.is_leaf
    assert repr(nn.Parameter(mg.ones(2), requires_grad=False)) == \
        oracle(lambda torch: repr(torch.nn.Parameter(torch.ones(2), requires_grad=False)))
    assert type(p * 2) is mg.Tensor  # ops on a parameter give plain tensors, as in PyTorch
    q = copy.deepcopy(p)
    assert isinstance(q, nn.Parameter) and q.requires_grad and not np.shares_memory(
        q.numpy(force=True), p.numpy(force=True))
    r = pickle.loads(pickle.dumps(p))
    assert isinstance(r, nn.Parameter) and (r == p).all()
    with pytest.raises(RuntimeError, match="floating point"):
        nn.Parameter(mg.tensor([1, 2]))


def test_deepcopy_and_pickle_a_model():
    m = nn.Sequential(nn.Linear(4, 8), nn.BatchNorm1d(8), nn.ReLU(), nn.Linear(8, 2))
    m(mg.randn(5, 4))  # some running statistics
    for other in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert all(isinstance(p, nn.Parameter) for p in other.parameters())
        assert all(a is not b and (a == b).all()
                   for a, b in zip(m.parameters(), other.parameters()))
        x = mg.randn(5, 4)
        np.testing.assert_array_equal(m(x).detach().numpy(), other(x).detach().numpy())


def test_setattr_rules(oracle):
    def messages(lib):
        m = lib.nn.Linear(2, 2)
        with pytest.raises(TypeError) as e:
            m.weight = lib.ones(2, 2)
        msgs = [str(e.value)]
        m.weight = None  # None is allowed: the parameter slot stays, empty
        assert m.weight is None and "weight" not in dict(m.named_parameters())
        with pytest.raises(AttributeError) as e:
            m.nonexistent
        msgs.append(str(e.value))
        with pytest.raises(KeyError) as e:
            m.register_buffer("a.b", lib.ones(1))
        msgs.append(str(e.value))
        return msgs
    assert messages(mg) == oracle(messages)


def test_module_without_init_errors():
    class Bad(nn.Module):
        def __init__(self):
            self.w = nn.Parameter(mg.ones(1))
    with pytest.raises(AttributeError, match=r"cannot assign parameters before "
                                             r"Module.__init__\(\) call"):
        Bad()
    with pytest.raises(NotImplementedError, match='missing the required "forward"'):
        nn.Module()(1)


def torch_net_state_and_output(torch, x):
    """A seeded PyTorch ``make_net``: its state dict, then its output for ``x``."""
    torch.manual_seed(0)
    tm = make_net(torch)
    sd = {k: v.clone() for k, v in tm.state_dict().items()}
    return sd, tm(torch.tensor(x)).detach()


def test_state_dict_round_trip(oracle):
    m = make_net(mg)
    x = np.random.default_rng(0).standard_normal((5, 4)).astype(np.float32)
    tsd, ty = oracle(lambda torch: torch_net_state_and_output(torch, x))
    sd = m.state_dict()
    assert "scratch" not in sd and "not_a_param" not in sd
    assert all(not v.requires_grad for v in sd.values())
    assert np.shares_memory(sd["features.0.weight"].numpy(), m.features[0].weight.numpy(
        force=True))
    # load torch's weights into minigrad and compare the outputs
    result = m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in tsd.items()})
    assert repr(result) == "<All keys matched successfully>"
    np.testing.assert_allclose(m(mg.tensor(x)).detach().numpy(),
                               ty.numpy(), rtol=1e-5, atol=1e-6)
    # and a fresh minigrad model from minigrad's state dict
    m2 = make_net(mg)
    m2.load_state_dict(m.state_dict())
    m.eval(), m2.eval()
    np.testing.assert_array_equal(m(mg.tensor(x)).detach().numpy(),
                                  m2(mg.tensor(x)).detach().numpy())


def test_load_state_dict_errors_match_pytorch(oracle):
    def attempt(lib, edit, strict=True):
        m = lib.nn.Sequential(lib.nn.Linear(2, 3), lib.nn.Linear(3, 1))
        sd = dict(m.state_dict())
        edit(lib, sd)
        try:
            return repr(m.load_state_dict(sd, strict=strict))
        except RuntimeError as e:
            return str(e)

    edits = [lambda lib, sd: sd.pop("1.bias"),
             lambda lib, sd: sd.update({"2.weight": lib.ones(1), "extra": lib.ones(1)}),
             lambda lib, sd: (sd.pop("0.weight"), sd.update({"0.weights": lib.ones(1)})),
             lambda lib, sd: sd.update({"0.bias": lib.ones(4)})]
    for edit in edits:
        for strict in (True, False):
            assert attempt(mg, edit, strict) == oracle(lambda torch: attempt(torch, edit,
                                                                               strict))


def test_train_eval_requires_grad_zero_grad():
    m = make_net(mg)
    assert m.training and m.bn.training
    m.eval()
    assert not m.training and not m.bn.training and not m.heads[1].training
    m.train()
    assert m.features[1].training
    m(mg.randn(5, 4)).sum().backward()
    assert all(p.grad is not None for p in m.parameters())
    m.zero_grad(set_to_none=False)
    assert all((p.grad == 0).all() for p in m.parameters())
    m.zero_grad()
    assert all(p.grad is None for p in m.parameters())
    m.requires_grad_(False)
    assert not any(p.requires_grad for p in m.parameters())


def test_to_dtype_keeps_parameter_identity():
    m = make_net(mg)
    params = list(m.parameters())
    m(mg.randn(5, 4)).sum().backward()
    assert m.double() is m
    assert all(a is b for a, b in zip(params, m.parameters()))  # optimizers still hold them
    assert all(p.dtype == mg.float64 and p.grad.dtype == mg.float64 for p in m.parameters())
    assert m.bn.running_mean.dtype == mg.float64
    assert m.bn.num_batches_tracked.dtype == mg.int64  # only floating point ones change
    m.to(mg.float32).cpu()
    assert m(mg.randn(5, 4)).dtype == mg.float32
    with pytest.raises(TypeError, match="floating point"):
        m.to(mg.int64)


@pytest.mark.skipif(not mg.cuda.is_available(), reason="no CUDA device visible to CuPy")
def test_to_cuda_and_back():
    m = make_net(mg)
    p = m.features[0].weight
    m.cuda()
    assert m.features[0].weight is p and p.device.type == "cuda"
    y = m(mg.randn(5, 4, device="cuda"))
    y.sum().backward()
    assert p.grad.device.type == "cuda"
    m.cpu()
    assert p.device.type == "cpu"


def test_apply_and_init():
    m = nn.Sequential(nn.Linear(3, 4), nn.Tanh(), nn.Linear(4, 2))
    seen = []

    def fn(mod):
        seen.append(type(mod).__name__)
        if isinstance(mod, nn.Linear):
            init.zeros_(mod.bias)
            init.constant_(mod.weight, 0.5)
    assert m.apply(fn) is m
    assert seen == ["Linear", "Tanh", "Linear", "Sequential"]  # children first
    assert (m[2].weight == 0.5).all() and (m[0].bias == 0).all()


def test_init_distributions(oracle):
    mg.manual_seed(0)
    w = mg.empty(400, 300)
    fan_in, fan_out = 300, 400
    checks = [(lambda: init.uniform_(w, -2, 3), (-2, 3)),
              (lambda: init.xavier_uniform_(w), np.sqrt(6 / (fan_in + fan_out))),
              (lambda: init.kaiming_uniform_(w, nonlinearity="relu"), np.sqrt(6 / fan_in)),
              (lambda: init.kaiming_uniform_(w, a=np.sqrt(5)), 1 / np.sqrt(fan_in))]
    for fill, bound in checks:
        assert fill() is w
        lo, hi = bound if isinstance(bound, tuple) else (-bound, bound)
        a = w.numpy()
        assert lo <= a.min() < lo + 0.01 * (hi - lo) and hi - 0.01 * (hi - lo) < a.max() <= hi
    for fill, std in [(lambda: init.normal_(w, 1.0, 0.5), 0.5),
                      (lambda: init.xavier_normal_(w, gain=2.0), 2 * np.sqrt(2 / 700)),
                      (lambda: init.kaiming_normal_(w, mode="fan_out"), np.sqrt(2 / 400))]:
        fill()
        assert abs(w.numpy().std() / std - 1) < 0.02
    for name, arg in [("tanh", None), ("relu", None), ("leaky_relu", 0.2), ("selu", None)]:
        assert init.calculate_gain(name, arg) == oracle(
            lambda torch: torch.nn.init.calculate_gain(name, arg))
    p = nn.Parameter(mg.ones(3, 3))
    init.ones_(p)  # on a parameter that requires grad: runs under no_grad
    assert p.is_leaf and p.requires_grad
    with pytest.raises(ValueError, match="Fan in and fan out can not be computed"):
        init.xavier_uniform_(mg.ones(3))


# ---------------------------------------------------------------------------------- hooks
def test_forward_hooks():
    m = nn.Linear(2, 2)
    calls = []
    h1 = m.register_forward_pre_hook(lambda mod, args: (args[0] * 0,))
    h2 = m.register_forward_hook(lambda mod, args, out: calls.append(out) or out + 1)
    y = m(mg.ones(1, 2))
    np.testing.assert_allclose(y.detach().numpy(), m.bias.detach().numpy()[None] + 1,
                               rtol=1e-6)
    assert len(calls) == 1
    h1.remove(), h2.remove()
    m(mg.ones(1, 2))
    assert len(calls) == 1
    order = []
    m.register_forward_hook(lambda *a: order.append("a"))
    m.register_forward_hook(lambda *a: order.append("b"), prepend=True)
    m(mg.ones(1, 2))
    assert order == ["b", "a"]


def test_full_backward_hook_matches_pytorch(oracle):
    def record(lib):
        mod = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.Tanh())
        with (lib.no_grad()):
            mod[0].weight.copy_(lib.tensor(np.arange(12.0).reshape(4, 3) / 10 - 0.5))
            mod[0].bias.fill_(0.1)
        got = {}

        def hook(m, grad_input, grad_output):
            got["in"] = [g.numpy().copy() for g in grad_input]
            got["out"] = [g.numpy().copy() for g in grad_output]
            return (grad_input[0] * 2,)
        pre = mod.register_full_backward_pre_hook(lambda m, go: (go[0] * 3,))
        handle = mod.register_full_backward_hook(hook)
        x = lib.tensor(np.linspace(-1, 1, 6).reshape(2, 3).astype(np.float32),
                       requires_grad=True)
        y = mod(x)
        got["name"] = y.grad_fn.name()
        y.sum().backward()
        got["x.grad"] = x.grad.numpy()
        handle.remove(), pre.remove()
        return got
    mine, theirs = record(mg), oracle(record)
    assert mine["name"] == theirs["name"] == "BackwardHookFunctionBackward"
    for key in ("in", "out"):
        for a, b in zip(mine[key], theirs[key]):
            np.testing.assert_allclose(a, b, rtol=1e-5)
    np.testing.assert_allclose(mine["x.grad"], theirs["x.grad"], rtol=1e-5)


def test_full_backward_hook_input_without_grad():
    m = nn.Linear(2, 1)
    got = []
    m.register_full_backward_hook(lambda mod, gi, go: got.append((gi, go)))
    with pytest.warns(UserWarning, match="no inputs require gradients"):
        m(mg.ones(3, 2)).sum().backward()
    assert got[0][0] == (None,) and got[0][1][0].shape == (3, 1)


# ---------------------------------------------------------------------------------- utils
@pytest.mark.parametrize("norm_type", [2.0, 1, float("inf")])
@pytest.mark.parametrize("max_norm", [0.5, 100.0])
def test_clip_grad_norm(oracle, norm_type, max_norm):
    grads = [np.random.default_rng(i).standard_normal(s).astype(np.float32)
             for i, s in enumerate([(3, 4), (4,), (2, 2)])]

    def clip(lib):
        ps = [lib.nn.Parameter(lib.zeros(*g.shape)) for g in grads]
        for p, g in zip(ps, grads):
            p.grad = lib.tensor(g)
        total = lib.nn.utils.clip_grad_norm_(ps, max_norm, norm_type)
        return repr(total), [p.grad for p in ps]
    (total, grads_after), (ttotal, tgrads) = clip(mg), oracle(clip)
    assert total == ttotal
    for g, tg in zip(grads_after, tgrads):
        np.testing.assert_allclose(g.numpy(), tg.numpy(), rtol=1e-6)


def test_clip_grad_value_and_vectors(oracle):
    p = nn.Parameter(mg.ones(2, 2))
    p.grad = mg.tensor([[-3.0, 0.5], [2.0, -0.1]])
    nn.utils.clip_grad_value_(p, 1.0)
    np.testing.assert_allclose(p.grad.numpy(), [[-1, 0.5], [1, -0.1]], rtol=1e-6)
    m = nn.Linear(3, 2)
    v = nn.utils.parameters_to_vector(m.parameters())
    assert v.shape == (8,) and v.grad_fn.name() == "CatBackward0"
    nn.utils.vector_to_parameters(mg.arange(8.0), m.parameters())
    np.testing.assert_array_equal(m.bias.detach().numpy(), [6, 7])
    assert isinstance(m.weight, nn.Parameter) and m.weight.requires_grad
    assert repr(nn.utils.clip_grad_norm_([], 1.0)) == oracle(
        lambda torch: repr(torch.nn.utils.clip_grad_norm_([], 1.0)))
