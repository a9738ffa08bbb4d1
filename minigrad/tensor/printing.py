"""Tensor ``repr`` formatting: a NumPy port of PyTorch's ``torch/_tensor_str.py``.

:func:`format_tensor` returns exactly the string ``repr(t)`` of a strided PyTorch 2.x
tensor with the same values and dtype (dense layouts only: no sparse, quantized, nested
or meta tensors).  Quirks of the original are kept on purpose, because matching
PyTorch character for character is the goal; they are marked "(torch quirk)".
"""

from __future__ import annotations

import contextlib
import dataclasses
import math
from typing import Any, Iterator

import numpy as np

__all__ = ["format_tensor", "set_printoptions", "get_printoptions", "printoptions", "PRINT_OPTS"]


@dataclasses.dataclass
class _PrinterOptions:
    precision: int = 4
    threshold: float = 1000
    edgeitems: int = 3
    linewidth: int = 80
    sci_mode: bool | None = None


PRINT_OPTS = _PrinterOptions()

_PROFILES = {
    "default": dict(precision=4, threshold=1000, edgeitems=3, linewidth=80),
    "short": dict(precision=2, threshold=1000, edgeitems=2, linewidth=80),
    "full": dict(precision=4, threshold=math.inf, edgeitems=3, linewidth=80),
}


def set_printoptions(
    precision: int | None = None,
    threshold: float | None = None,
    edgeitems: int | None = None,
    linewidth: int | None = None,
    profile: str | None = None,
    sci_mode: bool | None = None,
) -> None:
    """Set print options, like ``torch.set_printoptions`` (same argument order).

    As in torch, ``sci_mode`` is always assigned, so omitting it resets it to automatic.
    """
    if profile is not None:
        for key, value in _PROFILES[profile].items():
            setattr(PRINT_OPTS, key, value)
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


def get_printoptions() -> dict[str, Any]:
    """Current print options, as kwargs accepted by :func:`set_printoptions`."""
    return dataclasses.asdict(PRINT_OPTS)


@contextlib.contextmanager
def printoptions(**kwargs: Any) -> Iterator[None]:
    """Context manager that temporarily changes the print options."""
    old = get_printoptions()
    set_printoptions(**kwargs)
    try:
        yield
    finally:
        set_printoptions(**old)


# ----------------------------------------------------------------------------- dtypes

_DTYPE_ALIASES = {
    "float": "float32", "double": "float64", "half": "float16", "long": "int64",
    "int": "int32", "short": "int16", "cfloat": "complex64", "cdouble": "complex128",
    "chalf": "complex32",
}
# dtypes torch never names in the repr (torch.get_default_dtype() is float32 here).
_DEFAULT_DTYPES = {"float32", "complex64", "int64", "bool"}
# Dtypes with no NumPy counterpart are formatted from whatever float data is given.
_NUMPY_DTYPES = {
    name: np.dtype(name)
    for name in ("float16", "float32", "float64", "complex64", "complex128", "bool",
                 "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64")
}


def _canonical_dtype(dtype: Any) -> str:
    """"torch.double" / "double" -> "float64": the name torch prints after "torch."."""
    name = str(dtype).removeprefix("torch.")
    return _DTYPE_ALIASES.get(name, name)


def _as_array(data: Any, dtype: str) -> np.ndarray:
    """``data`` as an array of the NumPy dtype matching ``dtype`` (the caller's intent)."""
    arr = np.asarray(data)
    target = _NUMPY_DTYPES.get(dtype)
    if target is not None and arr.dtype != target:
        arr = arr.astype(target)
    elif target is None and dtype.startswith("complex"):
        arr = arr.astype(np.complex64)
    elif target is None and not np.issubdtype(arr.dtype, np.floating):
        arr = arr.astype(np.float32)  # bfloat16, float8_*: values are floats
    return arr


# -------------------------------------------------------------------------- formatter


class _Formatter:
    """Chooses one width/notation for all elements, like ``torch._tensor_str._Formatter``.

    ``values`` is the (summarized) real-valued data whose elements will be printed.
    """

    def __init__(self, values: np.ndarray) -> None:
        self.floating_dtype = np.issubdtype(values.dtype, np.floating)
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        flat = values.reshape(-1)
        # Widths depend only on the set of values, so unique() saves Python-level work.
        if not self.floating_dtype:
            for value in np.unique(flat).tolist():
                self.max_width = max(self.max_width, len(f"{value}"))
            return

        # Only nonzero finite values decide the mode and the width (nan/inf/0 do not).
        vals = flat[np.isfinite(flat) & (flat != 0)]
        if vals.size == 0:
            return
        # Ratios in float64: float16 would overflow on 1e8.
        abs_vals = np.abs(vals).astype(np.float64)
        vmin, vmax = float(abs_vals.min()), float(abs_vals.max())
        self.int_mode = bool(np.all(vals == np.ceil(vals)))
        if PRINT_OPTS.sci_mode is None:
            self.sci_mode = vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4
        else:
            self.sci_mode = PRINT_OPTS.sci_mode

        p = PRINT_OPTS.precision
        for value in np.unique(vals).tolist():
            if self.sci_mode:
                width = len(f"{value:.{p}e}")
            elif self.int_mode:
                width = len(f"{value:.0f}") + 1  # +1 for the trailing "." of floats
            else:
                width = len(f"{value:.{p}f}")
            self.max_width = max(self.max_width, width)

    def width(self) -> int:
        return self.max_width

    def format(self, value: Any) -> str:
        p = PRINT_OPTS.precision
        if self.floating_dtype:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."  # "1." marks an integral value of a float tensor
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return ret.rjust(self.max_width)


def _format_value(value: Any, fmt1: _Formatter, fmt2: _Formatter | None) -> str:
    """One element; ``fmt2`` (imaginary part) is only given for complex tensors."""
    if fmt2 is None:
        return fmt1.format(value)
    real_str = fmt1.format(value.real)
    imag_str = (fmt2.format(value.imag) + "j").lstrip()
    # A sign already present (incl. -0.) separates the parts; otherwise add "+".
    if imag_str[0] in "+-":
        return real_str + imag_str
    return real_str + "+" + imag_str


# ------------------------------------------------------------------------- layout


def _vector_str(a: np.ndarray, indent: int, summarize: bool,
                fmt1: _Formatter, fmt2: _Formatter | None) -> str:
    # element_length counts the ", " separator; complex adds the imag part and "j".
    element_length = fmt1.width() + 2
    if fmt2 is not None:
        element_length += fmt2.width() + 1
    elements_per_line = max(1, math.floor((PRINT_OPTS.linewidth - indent) / element_length))

    def fmt(values: np.ndarray) -> list[str]:
        return [_format_value(v, fmt1, fmt2) for v in values.tolist()]

    edge = PRINT_OPTS.edgeitems
    if summarize and not edge:
        data = ["..."]
    elif summarize and a.shape[0] > 2 * edge:
        data = fmt(a[:edge]) + [" ..."] + fmt(a[-edge:])
    else:
        data = fmt(a)

    lines = [", ".join(data[i:i + elements_per_line])
             for i in range(0, len(data), elements_per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _tensor_str_with_formatter(a: np.ndarray, indent: int, summarize: bool,
                               fmt1: _Formatter, fmt2: _Formatter | None) -> str:
    if a.ndim == 0:
        return _format_value(a.item(), fmt1, fmt2)
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt1, fmt2)

    edge = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * edge:
        rows = list(range(edge)) + [None] + list(range(len(a) - edge, len(a)))
    else:
        rows = list(range(a.shape[0]))
    slices = ["..." if i is None else
              _tensor_str_with_formatter(a[i], indent + 1, summarize, fmt1, fmt2)
              for i in rows]
    # dim-1 newlines: a blank line between 3-d slices, two between 4-d blocks, ...
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _summarized_data(a: np.ndarray) -> np.ndarray:
    """The elements that will actually be printed (the formatter sees only those)."""
    edge = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        # With edgeitems == 0, a[-0:] is the whole vector (torch quirk, kept).
        return np.concatenate((a[:edge], a[-edge:])) if a.shape[0] > 2 * edge else a
    if not edge:
        return np.empty([0] * a.ndim, dtype=a.dtype)
    if a.shape[0] > 2 * edge:
        rows = list(range(edge)) + list(range(len(a) - edge, len(a)))
    else:
        rows = list(range(a.shape[0]))
    return np.stack([_summarized_data(a[i]) for i in rows])


def _tensor_str(a: np.ndarray, indent: int) -> str:
    if a.size == 0:
        return "[]"
    summarize = a.size > PRINT_OPTS.threshold
    shown = _summarized_data(a) if summarize else a
    if np.iscomplexobj(a):
        return _tensor_str_with_formatter(a, indent, summarize,
                                          _Formatter(shown.real), _Formatter(shown.imag))
    return _tensor_str_with_formatter(a, indent, summarize, _Formatter(shown), None)


def _add_suffixes(tensor_str: str, suffixes: list[str], indent: int) -> str:
    """Append ", key=value" suffixes, wrapping onto a new line past ``linewidth``."""
    # (torch quirk) this is the length of the last line + 2.
    last_line_len = len(tensor_str) - tensor_str.rfind("\n") + 1
    parts = [tensor_str]
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            parts.append(",\n" + " " * indent + suffix)
            last_line_len = indent + len(suffix)
        else:
            parts.append(", " + suffix)
            last_line_len += len(suffix) + 2
    parts.append(")")
    return "".join(parts)


def format_tensor(data: np.ndarray, *, dtype: str, device: str = "cpu",
                  requires_grad: bool = False, grad_fn: str | None = None,
                  prefix: str = "tensor") -> str:
    """Return exactly what PyTorch's ``repr(tensor)`` gives for these values.

    Args:
        data: the values (anything ``np.asarray`` accepts; cast to ``dtype`` if needed).
        dtype: dtype name such as ``"float32"``, ``"int64"``, ``"bool"`` (``"torch."``
            prefix and aliases like ``"double"`` are accepted).
        device: shown as ``device='...'`` unless it is ``"cpu"``.
        requires_grad: shown as ``requires_grad=True`` when there is no ``grad_fn``.
        grad_fn: backward node name, e.g. ``"AddBackward0"`` -> ``grad_fn=<AddBackward0>``.
        prefix: text before ``"("``; it may span lines (``"Parameter containing:\\ntensor"``)
            and only its last line sets the indentation of continuation lines.
    """
    name = _canonical_dtype(dtype)
    a = _as_array(data, name)
    # Only the last line of the prefix takes part in indentation and suffix wrapping.
    cut = prefix.rfind("\n") + 1
    lead, head = prefix[:cut], prefix[cut:] + "("
    indent = len(head)

    # Order as in torch: device, size, dtype, then grad_fn / requires_grad.
    suffixes = []
    if str(device) != "cpu":
        suffixes.append(f"device='{device}'")
    if a.size == 0:
        # Shape is shown unless it is (0,); dtype unless float32, since "[]" says nothing.
        if a.ndim != 1:
            suffixes.append(f"size={tuple(a.shape)}")
        if name != "float32":
            suffixes.append(f"dtype=torch.{name}")
        body = "[]"
    else:
        if not PRINT_OPTS.edgeitems:
            suffixes.append(f"size={tuple(a.shape)}")
        if name not in _DEFAULT_DTYPES:
            suffixes.append(f"dtype=torch.{name}")
        body = _tensor_str(a, indent)
    if grad_fn is not None:
        suffixes.append(f"grad_fn=<{grad_fn}>")
    elif requires_grad:
        suffixes.append("requires_grad=True")

    return lead + _add_suffixes(head + body, suffixes, indent)
