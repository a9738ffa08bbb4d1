"""Tests for minigrad/tensor/printing.py: repr strings must equal PyTorch's exactly.

The module is loaded from its file path so these tests do not depend on the rest of
the package.  Cases compared against real torch are skipped when torch is missing;
the literal cases at the top always run.
"""

from __future__ import annotations

import functools
import importlib.util
import math
import sys
from pathlib import Path

import numpy as np
import pytest

_PATH = Path(__file__).resolve().parents[1] / "minigrad" / "tensor" / "printing.py"
_spec = importlib.util.spec_from_file_location("minigrad_tensor_printing_under_test", _PATH)
printing = importlib.util.module_from_spec(_spec)
sys.modules[_spec.name] = printing  # dataclasses look the module up while executing it
_spec.loader.exec_module(printing)
format_tensor = printing.format_tensor


@pytest.fixture(autouse=True)
def _default_printoptions():
    """Every test starts and ends with the default options."""
    printing.set_printoptions(profile="default")
    yield
    printing.set_printoptions(profile="default")


# --------------------------------------------------------------- literal expectations

LITERALS = [
    (dict(data=np.full((2, 2), 3.0, np.float32), dtype="float32", grad_fn="AddBackward0"),
     "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)"),
    (dict(data=np.full((2, 2), 4.5, np.float32), dtype="float32"),
     "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])"),
    (dict(data=np.ones((2, 2), np.float32), dtype="float32", requires_grad=True),
     "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)"),
    (dict(data=np.array(27.0, np.float32), dtype="float32", grad_fn="MeanBackward0"),
     "tensor(27., grad_fn=<MeanBackward0>)"),
    (dict(data=np.array([4.5, 4.5], np.float32), dtype="float32"), "tensor([4.5000, 4.5000])"),
    (dict(data=np.array([51.2, 512.0, 0.0512], np.float32), dtype="float32"),
     "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])"),
    (dict(data=np.array([1, 2, 3]), dtype="int64"), "tensor([1, 2, 3])"),
    (dict(data=np.array([True, False]), dtype="bool"), "tensor([ True, False])"),
    (dict(data=np.zeros((0, 3), np.float32), dtype="float32"), "tensor([], size=(0, 3))"),
    (dict(data=np.zeros((0,), np.int64), dtype="int64"), "tensor([], dtype=torch.int64)"),
    (dict(data=np.array(1.5), dtype="float64"), "tensor(1.5000, dtype=torch.float64)"),
    (dict(data=np.array([1.0, 2.0], np.float32), dtype="float32", device="cuda:0"),
     "tensor([1., 2.], device='cuda:0')"),
    (dict(data=np.array([1.0, 2.0]), dtype="float64", device="cuda:0", requires_grad=True),
     "tensor([1., 2.], device='cuda:0', dtype=torch.float64, requires_grad=True)"),
    (dict(data=np.array([1.0, 2.0], np.float32), dtype="float32", device="cuda:0",
          requires_grad=True, grad_fn="MulBackward0"),
     "tensor([1., 2.], device='cuda:0', grad_fn=<MulBackward0>)"),
    (dict(data=np.array([float("nan"), float("inf"), -1.0], np.float32), dtype="float32"),
     "tensor([nan, inf, -1.])"),
    (dict(data=np.array([-0.0, 1.0], np.float32), dtype="float32"), "tensor([-0., 1.])"),
    (dict(data=np.arange(3, dtype=np.int32), dtype="int32"),
     "tensor([0, 1, 2], dtype=torch.int32)"),
    (dict(data=np.ones((1, 1), np.float32), dtype="float32", requires_grad=True,
          prefix="Parameter containing:\ntensor"),
     "Parameter containing:\ntensor([[1.]], requires_grad=True)"),
    (dict(data=np.arange(2000, dtype=np.int64), dtype="int64"),
     "tensor([   0,    1,    2,  ..., 1997, 1998, 1999])"),
]


@pytest.mark.parametrize("kwargs, expected", LITERALS, ids=[e for _, e in LITERALS])
def test_literal(kwargs, expected):
    assert format_tensor(**kwargs) == expected


def test_dtype_aliases_and_cast():
    assert format_tensor([1, 2], dtype="torch.double") == "tensor([1., 2.], dtype=torch.float64)"
    # Data are cast to the named dtype.
    assert format_tensor(np.array([1.0, 0.0]), dtype="bool") == "tensor([ True, False])"


def test_set_printoptions_literal():
    printing.set_printoptions(precision=2)
    assert format_tensor(np.array([1.12345], np.float32), dtype="float32") == "tensor([1.12])"
    printing.set_printoptions(threshold=5)  # precision stays 2, as in torch
    assert format_tensor(np.arange(10), dtype="int64") == "tensor([0, 1, 2,  ..., 7, 8, 9])"
    printing.set_printoptions(profile="default")
    assert format_tensor(np.array([1.12345], np.float32), dtype="float32") == "tensor([1.1235])"
    with printing.printoptions(sci_mode=True):
        assert format_tensor(np.array([1.5], np.float32), dtype="float32") == "tensor([1.5000e+00])"
    assert printing.get_printoptions()["sci_mode"] is None


# -------------------------------------------------------------- comparison with torch


def _cases(torch):
    """(id, tensor or (tensor, repr-callable)) pairs covering the formatter's branches."""
    g = torch.Generator().manual_seed(0)

    def randn(*shape, dtype=torch.float32):
        return torch.randn(*shape, generator=g, dtype=torch.float64).to(dtype)

    def leaf(t):
        return t.clone().requires_grad_(True)

    nan, inf = math.nan, math.inf
    return {
        # 0-d
        "0d_float": torch.tensor(3.25),
        "0d_int_valued_float": torch.tensor(27.0),
        "0d_int": torch.tensor(-7),
        "0d_bool": torch.tensor(True),
        "0d_float64": torch.tensor(1.5, dtype=torch.float64),
        "0d_nan": torch.tensor(nan),
        "0d_neg_inf": torch.tensor(-inf),
        "0d_small_sci": torch.tensor(1e-7),
        "0d_mean_grad_fn": (leaf(torch.full((3, 3), 27.0)) * 1).mean(),
        "0d_sum_grad_fn": leaf(torch.ones(2, 2)).sum(),
        # 1-d
        "1d_fixed": torch.tensor([4.5, -1.25, 0.0]),
        "1d_ints_as_floats": torch.tensor([1.0, -2.0, 300.0]),
        "1d_sci_ratio": torch.tensor([51.2, 512.0, 0.0512]),
        "1d_sci_big": torch.tensor([1e9, 2.0]),
        "1d_sci_big_int_valued": torch.tensor([1e9, 1e10]),
        "1d_sci_tiny": torch.tensor([1e-5, 3e-5]),
        "1d_nan_inf_mixed": torch.tensor([nan, inf, -inf, 1.5, -0.0]),
        "1d_nan_inf_only": torch.tensor([nan, inf, -inf]),
        "1d_zeros": torch.zeros(4),
        "1d_neg_zero": torch.tensor([-0.0, 0.0, 2.0]),
        "1d_sci_nan": torch.tensor([1e-8, nan, -inf, 5.0]),
        "1d_rounding_widens": torch.tensor([9.99999, 0.5]),
        "1d_int64_neg": torch.tensor([-100, 5, 0, 12345]),
        "1d_int32": torch.tensor([1, 2, 3], dtype=torch.int32),
        "1d_uint8": torch.tensor([0, 255, 7], dtype=torch.uint8),
        "1d_int8": torch.tensor([-128, 127], dtype=torch.int8),
        "1d_int16": torch.tensor([-1, 300], dtype=torch.int16),
        "1d_bool": torch.tensor([True, False, True]),
        "1d_bool_all_true": torch.tensor([True, True]),
        "1d_float16": torch.tensor([0.1, 2.5, -3.0], dtype=torch.float16),
        "1d_float16_int_valued": torch.tensor([1.0, 2048.0], dtype=torch.float16),
        "1d_float16_sci": torch.tensor([1e-3, 60000.0], dtype=torch.float16),
        "1d_float64_precision": torch.tensor([1 / 3, 2 / 3], dtype=torch.float64),
        "1d_randn": randn(7),
        "1d_long_wrap": randn(40),
        "1d_long_wrap_int": torch.arange(100) * 37,
        "1d_long_wrap_sci": randn(30) * 1e5,
        "1d_long_wrap_grad": leaf(randn(23)) * 2,
        "1d_long_wrap_float64_grad": leaf(randn(21, dtype=torch.float64)),
        "1d_summarized": torch.arange(2000.0),
        "1d_summarized_randn": randn(1001),
        "1d_summarized_bool": torch.arange(1500) % 3 == 0,
        "1d_exactly_threshold": torch.arange(1000),
        # 2-d
        "2d_ones_requires_grad": leaf(torch.ones(2, 2)),
        "2d_add_grad_fn": leaf(torch.ones(2, 2)) + 2,
        "2d_mixed_widths": torch.tensor([[1.5, -200.25], [3.0, 4.0]]),
        "2d_int": torch.tensor([[1, -20], [300, 4]]),
        "2d_bool": torch.tensor([[True, False], [False, False]]),
        "2d_randn": randn(4, 5),
        "2d_wide_wrap": randn(3, 15),
        "2d_40x40_summarized": randn(40, 40),
        "2d_tall_summarized": torch.arange(3000).reshape(1000, 3),
        "2d_wide_summarized": torch.arange(3000.0).reshape(3, 1000) / 7,
        "2d_float64_sci": torch.tensor([[1e-10, 1.0], [2.0, 3.0]], dtype=torch.float64),
        "2d_transpose_grad_fn": leaf(randn(2, 3)).t(),
        # 3-d / 4-d
        "3d_small": torch.arange(24.0).reshape(2, 3, 4),
        "3d_randn_int32": (randn(2, 2, 3) * 100).to(torch.int32),
        "3d_summarized": randn(12, 12, 12),
        "3d_summarized_inner": randn(2, 30, 30),
        "4d_small": torch.arange(16).reshape(2, 2, 2, 2),
        "4d_randn": randn(2, 2, 2, 3, dtype=torch.float64),
        "4d_summarized": randn(7, 7, 7, 7),
        "5d_ones": torch.ones(1, 2, 1, 2, 1),
        # empty
        "empty_1d_float": torch.tensor([]),
        "empty_1d_int": torch.tensor([], dtype=torch.int64),
        "empty_1d_bool": torch.zeros(0, dtype=torch.bool),
        "empty_1d_float64": torch.zeros(0, dtype=torch.float64),
        "empty_2d": torch.zeros(0, 3),
        "empty_2d_inner": torch.zeros(3, 0, dtype=torch.int32),
        "empty_3d_requires_grad": leaf(torch.zeros(2, 0, 1)),
        # complex
        "complex64": torch.tensor([1 + 2j, -0.5j, 3.25]),
        "complex128_0d": torch.tensor(1.5 - 2j, dtype=torch.complex128),
        # suffix wrapping: last line too long for ", dtype=..." / ", requires_grad=True"
        "suffix_wrap_dtype": torch.arange(16, dtype=torch.float64) * 1.5,
        "suffix_wrap_grad": leaf(torch.arange(8.0) * 1.123456),
        "suffix_wrap_both": leaf(torch.arange(7, dtype=torch.float64) * 1.5 - 3),
    }


@functools.cache
def _torch_cases(torch):
    """The cases, made once per session where PyTorch is installed (inside oracle calls)."""
    return _cases(torch)


def _case_ids():
    """Case ids without importing torch at collection time (parsed from the source)."""
    import ast
    import inspect

    tree = ast.parse(inspect.getsource(_cases))
    ret = next(n for n in ast.walk(tree) if isinstance(n, ast.Return))
    return [k.value for k in ret.value.keys]


_CASE_IDS = _case_ids()


def _ours(torch, t, **kwargs):
    """format_tensor called the way the minigrad Tensor would call it."""
    data = t.detach().resolve_conj().numpy()
    grad_fn = type(t.grad_fn).__name__ if t.grad_fn is not None else None
    return format_tensor(data, dtype=str(t.dtype).removeprefix("torch."),
                         requires_grad=t.requires_grad, grad_fn=grad_fn, **kwargs)


def test_case_table_is_big_enough():
    assert len(_CASE_IDS) >= 40


@pytest.mark.parametrize("case", _CASE_IDS)
def test_matches_torch(oracle, case):
    t, text = oracle(lambda torch: (_torch_cases(torch)[case], str(_torch_cases(torch)[case])),
                     repr=True)
    assert _ours(None, t) == repr(t) == text


def _parameters(torch):
    g = torch.Generator().manual_seed(0)
    return [torch.nn.Parameter(t) for t in (torch.ones(2, 2), torch.randn(3, 40, generator=g),
                                            torch.randn(30, dtype=torch.float64, generator=g))]


def test_parameter_prefix(oracle):
    for p in oracle(_parameters, repr=True):
        assert _ours(None, p, prefix="Parameter containing:\ntensor") == repr(p)


PRINT_OPTIONS = [
    dict(precision=2),
    dict(precision=8),
    dict(precision=0),
    dict(threshold=5),
    dict(threshold=5, edgeitems=1),
    dict(threshold=5, edgeitems=0),
    dict(edgeitems=0),
    dict(linewidth=40),
    dict(linewidth=200),
    dict(linewidth=10),
    dict(sci_mode=True),
    dict(sci_mode=False),
    dict(profile="short"),
    dict(profile="full"),
    dict(profile="short", sci_mode=True, linewidth=50),
]


def _reprs_with(torch, opts):
    """{case: (tensor, its repr with these print options)}"""
    with torch._tensor_str.printoptions(**opts):
        return {name: (t, repr(t)) for name, t in _torch_cases(torch).items()}


@pytest.mark.parametrize("opts", PRINT_OPTIONS, ids=[str(o) for o in PRINT_OPTIONS])
def test_printoptions_match_torch(oracle, opts):
    with printing.printoptions(**opts):
        for name, (t, text) in oracle(lambda torch: _reprs_with(torch, opts)).items():
            assert _ours(None, t) == text, name


def _random_cases(torch):
    """Seeded fuzz over shapes, dtypes, magnitudes and special values: [(tensor, what)]."""
    cases = []
    rng = np.random.default_rng(1234)
    dtypes = [torch.float32, torch.float64, torch.float16, torch.int64, torch.int32,
              torch.uint8, torch.bool]
    for _ in range(300):
        ndim = int(rng.integers(0, 5))
        shape = tuple(int(s) for s in rng.integers(0 if rng.random() < 0.05 else 1,
                                                   [60, 25, 9, 5][max(ndim - 1, 0)] + 1,
                                                   size=ndim))
        dtype = dtypes[int(rng.integers(len(dtypes)))]
        scale = 10.0 ** rng.integers(-9, 10)
        vals = np.asarray(rng.standard_normal(shape) * scale)
        if rng.random() < 0.3:
            vals = np.asarray(np.round(vals))
        if rng.random() < 0.2 and vals.size:
            flat = vals.reshape(-1)
            flat[rng.integers(0, vals.size, size=3)] = rng.choice([np.nan, np.inf, -np.inf, -0.0])
        if dtype.is_floating_point:
            with np.errstate(over="ignore"):
                t = torch.from_numpy(np.asarray(vals, dtype=np.float64)).to(dtype)
        elif dtype == torch.bool:
            t = torch.from_numpy(np.asarray(vals > 0))
        else:
            info = torch.iinfo(dtype)
            clean = np.nan_to_num(vals, nan=0.0, posinf=0.0, neginf=0.0)
            t = torch.from_numpy(np.asarray(np.clip(np.round(clean), info.min, info.max))).to(dtype)
        if dtype.is_floating_point and rng.random() < 0.3:
            t = t.clone().requires_grad_(True)
            if rng.random() < 0.5:
                t = t * 1
        cases.append((t, (shape, str(dtype))))
    return cases


def test_random_against_torch(oracle):
    """Seeded fuzz over shapes, dtypes, magnitudes and special values."""
    for t, what in oracle(_random_cases, repr=True):
        assert _ours(None, t) == repr(t), what
