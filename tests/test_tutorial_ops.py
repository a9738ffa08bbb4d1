"""What PyTorch's tutorial "Fusing Convolution and Batch Norm using Custom Function" needs
beyond the rest of minigrad: ``optim.Adadelta``, ``F.conv_transpose2d``/``nn.ConvTranspose2d``,
and the call forms ``torch.matmul(input=a, other=b)``, ``torch.add(a, b, out=o)``. Each is
checked against PyTorch through the oracle (live, or recorded in tests/oracle/)."""
import warnings

import numpy as np
import pytest

import minigrad as mg
import minigrad.nn.functional as F
from minigrad.autograd import gradcheck, gradgradcheck

SHAPES = [(3, 4), (4,), (2, 2)]


def rand(*shape, seed=0, dtype=np.float32):
    return np.random.default_rng(seed).standard_normal(shape).astype(dtype)


# ------------------------------------------------------------------------------- Adadelta
def adadelta_run(lib, steps=5, groups=False, **kwargs):
    """Adadelta from the same weights with the same gradients: each step's weights, then the
    state_dict."""
    params = [lib.nn.Parameter(lib.tensor(rand(*s, seed=i))) for i, s in enumerate(SHAPES)]
    if groups:
        opt = lib.optim.Adadelta([dict(params=params[:2]),
                                  dict(params=params[2:], lr=0.5, rho=0.5)], **kwargs)
    else:
        opt = lib.optim.Adadelta(params, **kwargs)
    history = []
    for step in range(steps):
        opt.zero_grad()
        for i, p in enumerate(params):
            p.grad = lib.tensor(rand(*p.shape, seed=100 + 10 * step + i))
        if step == 2:
            params[1].grad = None  # a parameter without a gradient is skipped
        opt.step()
        history.append([p.detach().clone() for p in params])
    return history, opt.state_dict()


@pytest.mark.parametrize("kwargs", [dict(), dict(lr=0.5, rho=0.8, eps=1e-4),
                                    dict(weight_decay=0.1), dict(maximize=True, weight_decay=0.05),
                                    dict(groups=True)], ids=["default", "lr_rho_eps", "wd",
                                                             "maximize_wd", "groups"])
def test_adadelta_steps_match_pytorch(oracle, kwargs):
    mine, sd = adadelta_run(mg, **kwargs)
    theirs, tsd = oracle(lambda torch: adadelta_run(torch, **kwargs))
    for step, (a, b) in enumerate(zip(mine, theirs)):
        for pa, pb in zip(a, b):
            np.testing.assert_allclose(pa.numpy(), pb.numpy(), rtol=1e-5, atol=1e-6,
                                       err_msg=f"step {step}")
    assert sd["param_groups"] == tsd["param_groups"]
    assert list(sd["state"]) == list(tsd["state"])
    for i, state in sd["state"].items():
        assert list(state) == list(tsd["state"][i]) == ["step", "square_avg", "acc_delta"]
        for k, v in state.items():
            np.testing.assert_allclose(v.numpy(), tsd["state"][i][k].numpy(), rtol=1e-5,
                                       atol=1e-7, err_msg=k)


def test_adadelta_load_state_dict_continues():
    history, sd = adadelta_run(mg, steps=3, weight_decay=0.1)
    params = [mg.nn.Parameter(p.clone()) for p in history[-1]]
    opt = mg.optim.Adadelta(params, weight_decay=0.1)
    opt.load_state_dict(sd)
    assert opt.state[params[0]]["acc_delta"] is not sd["state"][0]["acc_delta"]  # a copy
    assert opt.state_dict()["param_groups"] == sd["param_groups"]


def test_adadelta_errors_and_repr(oracle):
    def errors(lib):
        x = lib.nn.Parameter(lib.ones(1))
        out = []
        for kwargs in (dict(lr=-1), dict(rho=1.5), dict(eps=-1), dict(weight_decay=-1)):
            try:
                lib.optim.Adadelta([x], **kwargs)
            except ValueError as e:
                out.append(str(e))
        return out, repr(lib.optim.Adadelta([x], lr=0.1))
    assert errors(mg) == oracle(lambda torch: errors(torch))


# ----------------------------------------------------------------------- conv_transpose2d
CONV_T = {
    "plain": ((2, 3, 4, 4), (3, 5, 3, 3), dict()),
    "stride2_pad1_outpad1": ((2, 3, 4, 5), (3, 2, 3, 3), dict(stride=2, padding=1,
                                                               output_padding=1)),
    "dilation2": ((1, 2, 4, 4), (2, 3, 2, 3), dict(dilation=2, padding=1)),
    "outpad_below_dilation": ((1, 2, 3, 4), (2, 2, 2, 2), dict(dilation=2, output_padding=1)),
    "unbatched_rect": ((3, 4, 4), (3, 2, 3, 2), dict(stride=(2, 3), padding=(1, 0),
                                                      output_padding=(1, 2))),
    "no_bias": ((2, 3, 3, 3), (3, 4, 2, 2), dict(stride=2, bias=False)),
}


@pytest.mark.parametrize("name", list(CONV_T))
def test_conv_transpose2d_matches_pytorch(oracle, name):
    xs, ws, kwargs = CONV_T[name]
    kwargs = dict(kwargs)
    use_bias = kwargs.pop("bias", True)
    x, w, b, = rand(*xs), rand(*ws, seed=1), rand(ws[1], seed=2)

    def run(lib, functional):
        tx, tw, tb = (lib.tensor(a, requires_grad=True) for a in (x, w, b))
        y = functional.conv_transpose2d(tx, tw, tb if use_bias else None, **kwargs)
        (y * lib.tensor(rand(*y.shape, seed=3))).sum().backward()
        return y, tx.grad, tw.grad, tb.grad if use_bias else None
    mine = run(mg, F)
    theirs = oracle(lambda torch: run(torch, torch.nn.functional))
    assert mine[0].grad_fn.name() == theirs[0].grad_fn.name()
    assert tuple(mine[0].shape) == theirs[0].shape
    for a, t, what in zip(mine, theirs, ("y", "dx", "dw", "db")):
        if t is not None:
            np.testing.assert_allclose(a.detach().numpy(), t.numpy(), rtol=1e-4, atol=1e-5,
                                       err_msg=what)


@pytest.mark.parametrize("name", list(CONV_T))
def test_gradcheck_conv_transpose2d(name):
    xs, ws, kwargs = CONV_T[name]
    kwargs = {k: v for k, v in kwargs.items() if k != "bias"}
    x, w, b = (mg.tensor(rand(*s, seed=i, dtype=np.float64), requires_grad=True)
               for i, s in enumerate((xs, ws, (ws[1],))))
    assert gradcheck(lambda x, w, b: F.conv_transpose2d(x, w, b, **kwargs), (x, w, b))


def test_gradgradcheck_conv_transpose2d():
    x = mg.tensor(rand(1, 2, 3, 3, dtype=np.float64), requires_grad=True)
    w = mg.tensor(rand(2, 2, 2, 2, seed=1, dtype=np.float64), requires_grad=True)
    assert gradgradcheck(lambda x, w: F.conv_transpose2d(x, w, stride=2, padding=1,
                                                         output_padding=1), (x, w))


@pytest.mark.parametrize("case", ["channels", "bias", "output_padding", "rank"])
def test_conv_transpose2d_errors_match_pytorch(oracle, case):
    x, w = rand(2, 3, 4, 4), rand(3, 5, 3, 2)
    args = {"channels": (x, rand(4, 5, 3, 3), {}), "bias": (x, w, dict(bias=rand(4))),
            "output_padding": (x, w, dict(output_padding=1)), "rank": (rand(3, 4), w, {})}[case]

    def call(lib, functional):
        x, w, kwargs = args
        kwargs = {k: lib.tensor(v) for k, v in kwargs.items() if k == "bias"} | {
            k: v for k, v in kwargs.items() if k != "bias"}
        return functional.conv_transpose2d(lib.tensor(x), lib.tensor(w), **kwargs)
    with pytest.raises(RuntimeError) as te:
        oracle(lambda torch: call(torch, torch.nn.functional))
    with pytest.raises(RuntimeError) as e:
        call(mg, F)
    assert str(e.value) == str(te.value)


def test_conv_transpose2d_other_errors():
    x, w = mg.tensor(rand(2, 3, 4, 4)), mg.tensor(rand(3, 5, 3, 2))
    with pytest.raises(NotImplementedError, match="groups=1"):
        F.conv_transpose2d(x, w, groups=3)
    # (PyTorch's CPU kernel fails here with a oneDNN message; minigrad says what is wrong)
    with pytest.raises(RuntimeError, match=r"\(0 x -1\). Output size is too small"):
        F.conv_transpose2d(x, w, padding=3)


def test_conv_transpose2d_module_matches_pytorch(oracle):
    def run(lib):
        lib.manual_seed(0)
        m = lib.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)
        x = lib.tensor(rand(2, 3, 4, 4))
        return (repr(m), {k: v.detach().clone() for k, v in m.state_dict().items()},
                tuple(m(x, output_size=[7, 7]).shape))
    theirs = oracle(lambda torch: run(torch))
    m = mg.nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1)
    assert repr(m) == theirs[0]
    m.load_state_dict({k: mg.tensor(v.numpy()) for k, v in theirs[1].items()})
    y = m(mg.tensor(rand(2, 3, 4, 4)))
    ty = oracle(lambda torch: torch.nn.functional.conv_transpose2d(
        torch.tensor(rand(2, 3, 4, 4)), torch.tensor(theirs[1]["weight"].numpy()),
        torch.tensor(theirs[1]["bias"].numpy()), 2, 1, 1))
    np.testing.assert_allclose(y.detach().numpy(), ty.numpy(), rtol=1e-5, atol=1e-6)
    assert tuple(m(mg.tensor(rand(2, 3, 4, 4)), output_size=[7, 7]).shape) == theirs[2]
    assert repr(mg.nn.ConvTranspose2d(3, 5, (2, 3), dilation=2, bias=False)) == oracle(
        lambda torch: repr(torch.nn.ConvTranspose2d(3, 5, (2, 3), dilation=2, bias=False)))


# ---------------------------------------------------------------- keyword names and out=
def test_keyword_names_match_pytorch(oracle):
    a, b = rand(2, 3), rand(3, 2, seed=1)

    def calls(lib):
        ta, tb = lib.tensor(a), lib.tensor(b)
        return [lib.matmul(input=ta, other=tb), lib.add(input=ta, other=ta, alpha=2),
                lib.sub(input=ta, other=1.5, alpha=2), lib.mul(input=ta, other=3),
                lib.div(input=ta, other=tb.t(), rounding_mode="floor"),
                lib.add(ta, other=tb.t())]
    for mine, theirs in zip(calls(mg), oracle(lambda torch: calls(torch))):
        np.testing.assert_allclose(mine.numpy(), theirs.numpy(), rtol=1e-6)


OUT_CASES = {  # (op, input shapes, out's shape and dtype, kwargs)
    "add": ("add", [(2, 3), (2, 3)], ((2, 3), "float32"), dict(alpha=2)),
    "sub_scalar": ("sub", [(2, 3), None], ((2, 3), "float32"), {}),
    "mul_into_float64": ("mul", [(2, 3), (3,)], ((2, 3), "float64"), {}),
    "div_floor": ("div", [(2, 3), (2, 3)], ((2, 3), "float32"), dict(rounding_mode="floor")),
    "matmul": ("matmul", [(2, 3), (3, 4)], ((2, 4), "float32"), {}),
    "matmul_batched": ("matmul", [(2, 2, 3), (3,)], ((2, 2), "float32"), {}),
    "add_resize_empty": ("add", [(2, 3), (2, 3)], ((0,), "float32"), {}),
    "add_resize_warns": ("add", [(2, 3), (2, 3)], ((5,), "float32"), {}),
    "matmul_resize_warns": ("matmul", [(2, 3), (3, 4)], ((3,), "float32"), {}),
    "add_float_into_long": ("add", [(2, 3), (2, 3)], ((2, 3), "int64"), {}),
    "matmul_into_double": ("matmul", [(2, 3), (3, 4)], ((2, 4), "float64"), {}),
}


@pytest.mark.parametrize("name", list(OUT_CASES))
def test_out_matches_pytorch(oracle, name):
    op, shapes, (oshape, odtype), kwargs = OUT_CASES[name]

    def call(lib):
        args = [lib.tensor(rand(*s, seed=i)) if s is not None else 1.5
                for i, s in enumerate(shapes)]
        out = lib.full(oshape, 7.0, dtype=getattr(lib, odtype))
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            r = getattr(lib, op)(*args, out=out, **kwargs)
        said = [str(w.message).split(" (Triggered internally")[0] for w in caught]
        return r, r is out, out._version, said
    try:
        mine = call(mg)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as te:
            oracle(lambda torch: call(torch))
        assert str(e) == str(te.value)
        return
    theirs = oracle(lambda torch: call(torch))
    assert mine[1:] == theirs[1:]
    assert mine[0].dtype == theirs[0].dtype and tuple(mine[0].shape) == theirs[0].shape
    np.testing.assert_allclose(mine[0].numpy(), theirs[0].numpy(), rtol=1e-6)


@pytest.mark.parametrize("op", ["add", "sub", "mul", "div", "matmul"])
@pytest.mark.parametrize("who", ["input", "out"])
def test_out_refuses_autograd_like_pytorch(oracle, op, who):
    def call(lib):
        x = lib.ones(2, 2, requires_grad=who == "input")
        out = lib.zeros(2, 2, requires_grad=who == "out")
        getattr(lib, op)(x, x, out=out)
    with pytest.raises(RuntimeError) as te:
        oracle(lambda torch: call(torch))
    with pytest.raises(RuntimeError) as e:
        call(mg)
    assert str(e.value) == str(te.value)
    with mg.no_grad():  # nothing is recorded: allowed, as in PyTorch
        x, out = mg.ones(2, 2, requires_grad=True), mg.zeros(2, 2)
        assert getattr(mg, op)(x, x, out=out) is out and not out.requires_grad
