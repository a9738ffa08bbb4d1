"""``out=``: the functions that take it write their result into ``out`` and return it, as
PyTorch's do (resized with PyTorch's warning, cast to out's dtype, refused while recording when
an argument requires grad). Checked against PyTorch through the oracle (live or recorded).
(add, sub, mul, div and matmul: tests/test_tutorial_ops.py.)"""
import warnings

import numpy as np
import pytest

import minigrad as mg


def rand(*shape, seed=0):
    return np.random.default_rng(seed).standard_normal(shape).astype(np.float32)


def positive(*shape, seed=0):
    return np.abs(rand(*shape, seed=seed)) + 0.5


# name: (function, arguments (arrays become tensors), keyword arguments, out's shape, dtype)
CASES = {
    "exp": ("exp", [rand(2, 3)], {}, (2, 3), "float32"),
    "log": ("log", [positive(2, 3)], {}, (2, 3), "float32"),
    "log1p": ("log1p", [positive(4)], {}, (4,), "float32"),
    "sqrt": ("sqrt", [positive(4)], {}, (4,), "float64"),
    "rsqrt": ("rsqrt", [positive(4)], {}, (4,), "float32"),
    "square": ("square", [rand(4)], {}, (4,), "float32"),
    "abs": ("abs", [rand(4)], {}, (4,), "float32"),
    "sin": ("sin", [rand(4)], {}, (4,), "float32"),
    "cos": ("cos", [rand(4)], {}, (4,), "float32"),
    "tanh": ("tanh", [rand(4)], {}, (4,), "float32"),
    "sigmoid": ("sigmoid", [rand(4)], {}, (4,), "float32"),
    "sign": ("sign", [rand(4)], {}, (4,), "float32"),
    "neg": ("neg", [rand(4)], {}, (4,), "float32"),
    "negative": ("negative", [rand(4)], {}, (4,), "float32"),
    "reciprocal": ("reciprocal", [positive(4)], {}, (4,), "float32"),
    "pow": ("pow", [positive(4), 2.5], {}, (4,), "float32"),
    "clamp": ("clamp", [rand(2, 3)], dict(min=-0.5, max=0.5), (2, 3), "float32"),
    "clip": ("clip", [rand(2, 3), -0.5], {}, (2, 3), "float32"),
    "floor_divide": ("floor_divide", [rand(4), 0.5], {}, (4,), "float32"),
    "maximum": ("maximum", [rand(4), rand(4, seed=1)], {}, (4,), "float32"),
    "minimum": ("minimum", [rand(4), rand(4, seed=1)], {}, (4,), "float32"),
    "eq_into_bool": ("eq", [rand(4), rand(4)], {}, (4,), "bool"),
    "lt_into_float": ("lt", [rand(4), rand(4, seed=1)], {}, (4,), "float32"),
    "logical_and": ("logical_and", [rand(4), rand(4, seed=1) > 0], {}, (4,), "bool"),
    "where": ("where", [rand(4) > 0, rand(4), rand(4, seed=1)], {}, (4,), "float32"),
    "sum_dim": ("sum", [rand(2, 3), 1], {}, (2,), "float32"),
    "sum_keepdim": ("sum", [rand(2, 3)], dict(dim=0, keepdim=True), (1, 3), "float64"),
    "mean_dim": ("mean", [rand(2, 3), 0], {}, (3,), "float32"),
    "prod_dim": ("prod", [rand(2, 3), 1], {}, (2,), "float32"),
    "var": ("var", [rand(2, 3), 1], {}, (2,), "float32"),
    "std": ("std", [rand(2, 3)], dict(dim=0, correction=0), (3,), "float32"),
    "amax": ("amax", [rand(2, 3), 1], {}, (2,), "float32"),
    "argmax": ("argmax", [rand(2, 3), 1], {}, (2,), "int64"),
    "argmax_into_float": ("argmax", [rand(2, 3), 1], {}, (2,), "float32"),
    "logsumexp": ("logsumexp", [rand(2, 3), 1], {}, (2,), "float32"),
    "norm": ("norm", [rand(2, 3)], {}, (), "float32"),
    "max_all": ("max", [rand(2, 3)], {}, (), "float32"),
    "mm": ("mm", [rand(2, 3), rand(3, 2, seed=1)], {}, (2, 2), "float32"),
    "mv": ("mv", [rand(2, 3), rand(3, seed=1)], {}, (2,), "float32"),
    "dot": ("dot", [rand(3), rand(3, seed=1)], {}, (), "float32"),
    "cat": ("cat", [[rand(2, 3), rand(1, 3, seed=1)]], {}, (3, 3), "float32"),
    "stack": ("stack", [[rand(3), rand(3, seed=1)]], dict(dim=1), (3, 2), "float32"),
    "softmax": ("softmax", [rand(2, 3), 1], {}, (2, 3), "float32"),
    "log_softmax": ("log_softmax", [rand(2, 3), 0], {}, (2, 3), "float32"),
    "exp_resize_empty": ("exp", [rand(2, 3)], {}, (0,), "float32"),
    "exp_resize_warns": ("exp", [rand(2, 3)], {}, (5,), "float32"),
    "sum_resize_warns": ("sum", [rand(2, 3), 1], {}, (2, 2), "float32"),
    "exp_into_long": ("exp", [rand(2, 3)], {}, (2, 3), "int64"),
    "mm_into_double": ("mm", [rand(2, 3), rand(3, 2, seed=1)], {}, (2, 2), "float64"),
}


def _call(lib, name):
    op, args, kwargs, oshape, odtype = CASES[name]

    def as_arg(a):
        if isinstance(a, list):
            return [lib.tensor(x) for x in a]
        return lib.tensor(a) if isinstance(a, np.ndarray) else a
    out = lib.zeros(oshape, dtype=getattr(lib, odtype)) if oshape else lib.tensor(
        0, dtype=getattr(lib, odtype))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        r = getattr(lib, op)(*[as_arg(a) for a in args], out=out, **kwargs)
    said = [str(w.message).split(" (Triggered internally")[0] for w in caught]
    return r, r is out, said


@pytest.mark.parametrize("name", list(CASES))
def test_out_matches_pytorch(oracle, name):
    try:
        mine = _call(mg, name)
    except RuntimeError as e:
        with pytest.raises(RuntimeError) as te:
            oracle(lambda torch: _call(torch, name))
        assert str(e) == str(te.value)
        return
    theirs = oracle(lambda torch: _call(torch, name))
    assert mine[1:] == theirs[1:]
    assert mine[0].dtype == theirs[0].dtype and tuple(mine[0].shape) == theirs[0].shape
    np.testing.assert_allclose(mine[0].numpy(), theirs[0].numpy(), rtol=1e-5, atol=1e-6)


def test_out_pair_matches_pytorch(oracle):
    """max(x, dim) and sort write (values, indices) into a pair of tensors."""
    def call(lib):
        x = lib.tensor(rand(3, 4))
        pairs = [(lib.empty(0), lib.empty(0, dtype=lib.long)) for _ in range(2)]
        m = lib.max(x, 1, out=pairs[0])
        s = lib.sort(x, 0, descending=True, out=pairs[1])
        return (type(m).__name__, m.values is pairs[0][0], m.indices is pairs[0][1], *m,
                type(s).__name__, s.values is pairs[1][0], *s)
    mine, theirs = call(mg), oracle(call)
    assert [m if isinstance(m, (str, bool)) else m.tolist() for m in mine] == [
        t if isinstance(t, (str, bool)) else t.tolist() for t in theirs]


REFUSES = {  # name: (function, arguments); the first argument requires grad
    "exp": ("exp", [rand(4)]),
    "log1p": ("log1p", [positive(4)]),
    "square": ("square", [rand(4)]),
    "clip": ("clip", [rand(4), 0.0]),
    "negative": ("negative", [rand(4)]),
    "sum": ("sum", [rand(2, 3), 1]),
    "norm": ("norm", [rand(2, 3)]),
    "max": ("max", [rand(4)]),
    "concat": ("concat", [[rand(4)]]),
    "maximum": ("maximum", [rand(4), rand(4, seed=1)]),
    "eq": ("eq", [rand(4), rand(4, seed=1)]),  # no gradient: allowed
    "softmax": ("softmax", [rand(4), 0]),  # PyTorch allows it
}


@pytest.mark.parametrize("who", ["input", "out"])
@pytest.mark.parametrize("name", list(REFUSES))
def test_out_refuses_autograd_like_pytorch(oracle, name, who):
    op, args = REFUSES[name]

    def outcome(lib):
        def arg(a, i):
            if isinstance(a, list):
                return [lib.tensor(x, requires_grad=who == "input") for x in a]
            if isinstance(a, np.ndarray):
                return lib.tensor(a, requires_grad=who == "input" and i == 0)
            return a
        out = lib.zeros(0, requires_grad=who == "out")
        try:
            getattr(lib, op)(*[arg(a, i) for i, a in enumerate(args)], out=out)
        except RuntimeError as e:
            return str(e)
        return None
    assert outcome(mg) == oracle(outcome)
