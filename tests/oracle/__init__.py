"""PyTorch's results, live where PyTorch is installed and recorded where it is not.

A test asks the ``oracle`` fixture (tests/conftest.py) for what PyTorch gives:

    t_out = oracle(lambda torch: torch.tensor(data).exp())

``fn(torch)`` runs PyTorch and returns what the test compares: tensors, numbers, strings,
dtypes, tuples, lists, dicts of them; or it raises. ``repr=True`` keeps the tensors' reprs;
``values=False`` keeps only their shape, dtype and flags (random or uninitialised values). The oracle answers with a *snapshot*:
tensors become ``Recorded`` objects (values, dtype, shape, requires_grad, grad_fn's names), and
an error is raised again with PyTorch's type and message. The snapshot is the same object
whether it comes from a live PyTorch or from the recording, so a test has one code path.

- PyTorch installed: ``fn`` runs, and its snapshot must equal the recorded one (within float
  tolerance); a missing or different entry fails the test: the recording is stale.
- PyTorch not installed: the recorded snapshot is returned; ``fn`` is not run.
- ``MINIGRAD_ORACLE=record`` (set by ``python tests/oracle/record.py``): ``fn`` runs and its
  snapshot is kept; at the end of the session every snapshot is written to the recording.

Every entry has a key: the test's id (its ``device`` parameter left out: PyTorch runs on the
CPU) and the call's number within the test, or the key the test gives. Inputs must not depend
on unseeded randomness, so that the recorded answer is the answer for the same question.

The recording: ``torch-<version>.json`` (how it was made, and every entry's structure, kept
readable) and ``torch-<version>.npz`` (the tensors' values, compressed, at their dtype).
"""
from __future__ import annotations

import builtins
import datetime
import functools
import hashlib
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
RECORD_COMMAND = "python tests/oracle/record.py"
STALE = f"the PyTorch recording is stale: run `{RECORD_COMMAND}` where PyTorch is installed"


# ---------------------------------------------------------------------------------------------
# What a snapshot is made of
# ---------------------------------------------------------------------------------------------

class RecordedDtype:
    """A dtype of PyTorch's, by name: ``str()`` and ``repr()`` give ``torch.float32``."""

    def __init__(self, name: str):
        self.name = name

    @property
    def is_floating_point(self) -> bool:
        return self.name in ("torch.float16", "torch.bfloat16", "torch.float32",
                             "torch.float64")

    def __str__(self) -> str:
        return self.name

    __repr__ = __str__

    def __eq__(self, other) -> bool:
        return str(other) == self.name

    def __hash__(self) -> int:
        return hash(self.name)


class RecordedNode:
    """A ``grad_fn``: ``type(node).__name__`` and ``node.name()`` are PyTorch's."""
    _name = ""

    def name(self) -> str:
        return self._name

    def __repr__(self) -> str:
        return f"<{type(self).__name__}>"


@functools.cache
def _node_class(type_name: str) -> type:
    return type(type_name, (RecordedNode,), {})


def _node(type_name: str, name: str) -> RecordedNode:
    node = _node_class(type_name)()
    node._name = name
    return node


class Recorded:
    """A tensor PyTorch returned, as far as tests look at it."""

    def __init__(self, values: np.ndarray, dtype: str, requires_grad: bool = False,
                 grad_fn: "tuple[str, str] | None" = None, text: "str | None" = None):
        self.values = values
        self.text = text  # PyTorch's repr, where the test asked for it (oracle(fn, repr=True))
        self.dtype = RecordedDtype(dtype)
        self.shape = tuple(values.shape)
        self.requires_grad = requires_grad
        self.grad_fn = None if grad_fn is None else _node(*grad_fn)

    # the methods tests use to read a tensor
    def detach(self) -> "Recorded":
        return self

    def cpu(self) -> "Recorded":
        return self

    def resolve_conj(self) -> "Recorded":
        return self

    def numpy(self) -> np.ndarray:
        return self.values

    def tolist(self):
        return self.values.tolist()

    def item(self):
        return self.values.item()

    def size(self, dim=None):
        return self.shape if dim is None else self.shape[dim]

    def dim(self) -> int:
        return len(self.shape)

    ndim = property(dim)

    def numel(self) -> int:
        return int(self.values.size)

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    def __repr__(self) -> str:
        if self.text is not None:
            return self.text
        return (f"Recorded({self.values.tolist()!r}, dtype={self.dtype}, "
                f"requires_grad={self.requires_grad}, grad_fn={self.grad_fn!r})")


def _is_torch_tensor(v) -> bool:
    return type(v).__module__.startswith("torch") and hasattr(v, "grad_fn") and hasattr(
        v, "detach")


def snapshot(v, reprs: bool = False, values: bool = True):
    """What PyTorch returned, as plain values and ``Recorded`` tensors (with their repr; with
    zeros for values where they are random or uninitialised: ``values=False``)."""
    if isinstance(v, (Recorded, RecordedDtype, RecordedNode)):
        return v
    if _is_torch_tensor(v):
        t = v.detach().cpu()
        if str(t.dtype) == "torch.bfloat16":
            t = t.float()
        g = v.grad_fn
        return Recorded(np.array(t.numpy()) if values else np.zeros(t.shape, t.numpy().dtype),
                        str(v.dtype), bool(v.requires_grad),
                        None if g is None else (type(g).__name__, g.name()),
                        repr(v) if reprs else None)
    if type(v).__name__ == "dtype" and type(v).__module__ == "torch":
        return RecordedDtype(str(v))
    if type(v).__name__ == "Size" and isinstance(v, tuple):
        return tuple(int(x) for x in v)
    if isinstance(v, (np.generic,)):
        return v.item()
    if isinstance(v, np.ndarray):
        return np.array(v)
    if isinstance(v, dict):
        return {k: snapshot(x, reprs, values) for k, x in v.items()}
    if isinstance(v, tuple):  # named tuples and torch.return_types too
        return tuple(snapshot(x, reprs, values) for x in v)
    if isinstance(v, list):
        return [snapshot(x, reprs, values) for x in v]
    if v is None or isinstance(v, (bool, int, float, str)):
        return v
    if isinstance(v, type):
        return {"__class__": v.__name__}
    raise TypeError(f"the oracle can't record a {type(v).__module__}.{type(v).__name__}: "
                    "return tensors, numbers, strings, dtypes or containers of them")


class RecordedError:
    """An exception PyTorch raised: its class's name, the nearest built-in class, its message."""

    def __init__(self, type_name: str, base: str, message: str):
        self.type_name, self.base, self.message = type_name, base, message

    @classmethod
    def of(cls, exc: BaseException) -> "RecordedError":
        base = next(k.__name__ for k in type(exc).__mro__ if getattr(builtins, k.__name__, None)
                    is k)
        return cls(type(exc).__name__, base, str(exc))

    def exception(self) -> BaseException:
        kind = getattr(builtins, self.type_name, None)
        if not (isinstance(kind, type) and issubclass(kind, BaseException)):
            kind = _error_class(self.type_name, self.base)
        return kind(self.message)

    def as_tuple(self) -> tuple:
        return (self.type_name, self.base, self.message)


@functools.cache
def _error_class(name: str, base: str) -> type:
    return type(name, (getattr(builtins, base),), {})


# ---------------------------------------------------------------------------------------------
# Comparing two snapshots
# ---------------------------------------------------------------------------------------------

def _tolerance(dtype: np.dtype) -> dict:
    if dtype == np.float64:
        return dict(rtol=1e-10, atol=1e-12)
    return dict(rtol=1e-5, atol=1e-6)


def differences(a, b, where: str = "result") -> list[str]:
    """How two snapshots differ (floats within a tolerance that covers other CPUs)."""
    if type(a) is not type(b):
        return [f"{where}: {type(a).__name__} vs {type(b).__name__}"]
    if isinstance(a, RecordedError):
        return [] if a.as_tuple() == b.as_tuple() else [f"{where}: {a.as_tuple()} vs "
                                                        f"{b.as_tuple()}"]
    if isinstance(a, Recorded):
        mine = (str(a.dtype), a.shape, a.requires_grad, a.text,
                None if a.grad_fn is None else (type(a.grad_fn).__name__, a.grad_fn.name()))
        theirs = (str(b.dtype), b.shape, b.requires_grad, b.text,
                  None if b.grad_fn is None else (type(b.grad_fn).__name__, b.grad_fn.name()))
        if mine != theirs:
            return [f"{where}: {mine} vs {theirs}"]
        return differences(a.values, b.values, where + " values")
    if isinstance(a, np.ndarray):
        if a.dtype != b.dtype or a.shape != b.shape:
            return [f"{where}: {a.dtype}{a.shape} vs {b.dtype}{b.shape}"]
        if a.dtype.kind in "fc":
            same = np.allclose(a, b, equal_nan=True, **_tolerance(a.dtype))
        else:
            same = np.array_equal(a, b)
        return [] if same else [f"{where}: {a.tolist()} vs {b.tolist()}"]
    if isinstance(a, (list, tuple)):
        if len(a) != len(b):
            return [f"{where}: {len(a)} items vs {len(b)}"]
        return [d for i, (x, y) in enumerate(zip(a, b)) for d in differences(x, y,
                                                                             f"{where}[{i}]")]
    if isinstance(a, dict):
        if list(a) != list(b):
            return [f"{where}: keys {list(a)} vs {list(b)}"]
        return [d for k in a for d in differences(a[k], b[k], f"{where}[{k!r}]")]
    if isinstance(a, float):
        if (np.isnan(a) and np.isnan(b)) or np.isclose(a, b, rtol=1e-6, atol=1e-9):
            return []
        return [f"{where}: {a!r} vs {b!r}"]
    if isinstance(a, (RecordedDtype, RecordedNode)):
        a, b = repr(a), repr(b)
    return [] if a == b else [f"{where}: {a!r} vs {b!r}"]


# ---------------------------------------------------------------------------------------------
# The recording on disk: JSON for the structure, NPZ for the values
# ---------------------------------------------------------------------------------------------

def _encode(v, arrays: dict, prefix: str = ""):
    """JSON for a snapshot; tensors' values go to ``arrays`` under a name made of their
    content (dtype, shape, bytes): the same values, asked for by several tests, are stored
    once, and re-recording changes only the names of values that changed."""
    def name(values):
        values = np.asarray(values, order="C")  # (ascontiguousarray makes 0-d 1-d)
        digest = hashlib.sha1(f"{values.dtype.str}{values.shape}".encode() + values.tobytes())
        key = f"{prefix}{digest.hexdigest()[:16]}"
        arrays[key] = values
        return key
    if isinstance(v, Recorded):
        out = {"tensor": name(v.values), "dtype": str(v.dtype), "shape": list(v.shape)}
        if v.requires_grad:
            out["requires_grad"] = True
        if v.grad_fn is not None:
            out["grad_fn"] = [type(v.grad_fn).__name__, v.grad_fn.name()]
        if v.text is not None:
            out["repr"] = v.text
        return out
    if isinstance(v, RecordedError):
        return {"error": v.type_name, "base": v.base, "message": v.message}
    if isinstance(v, RecordedDtype):
        return {"dtype": v.name}
    if isinstance(v, np.ndarray):
        return {"ndarray": name(v)}
    if isinstance(v, tuple):
        return {"tuple": [_encode(x, arrays, prefix) for x in v]}
    if isinstance(v, list):
        return [_encode(x, arrays, prefix) for x in v]
    if isinstance(v, dict):
        if "__class__" in v and len(v) == 1:
            return v
        return {"dict": [[_encode(k, arrays, prefix), _encode(x, arrays, prefix)]
                         for k, x in v.items()]}
    if isinstance(v, float) and not np.isfinite(v):
        return {"float": repr(v)}
    return v


def _decode(v, arrays):
    if isinstance(v, list):
        return [_decode(x, arrays) for x in v]
    if not isinstance(v, dict):
        return v
    if "tensor" in v:
        values = arrays[v["tensor"]]
        return Recorded(values, v["dtype"], v.get("requires_grad", False),
                        tuple(v["grad_fn"]) if "grad_fn" in v else None, v.get("repr"))
    if "error" in v:
        return RecordedError(v["error"], v["base"], v["message"])
    if "dtype" in v:
        return RecordedDtype(v["dtype"])
    if "ndarray" in v:
        return arrays[v["ndarray"]]
    if "tuple" in v:
        return tuple(_decode(x, arrays) for x in v["tuple"])
    if "dict" in v:
        return {_decode(k, arrays): _decode(x, arrays) for k, x in v["dict"]}
    if "float" in v:
        return float(v["float"])
    return v


def recording_path() -> "Path | None":
    found = sorted(HERE.glob("torch-*.json"))
    return found[-1] if found else None


@functools.cache
def load() -> tuple[dict, dict]:
    """(header, entries) of the recording; empty if there is none."""
    path = recording_path()
    if path is None:
        return {}, {}
    doc = json.loads(path.read_text())
    with np.load(path.with_suffix(".npz"), allow_pickle=False) as npz:
        arrays = {k: npz[k] for k in npz.files}
    return doc["header"], {k: _decode(e, arrays) for k, e in doc["entries"].items()}


def save(entries: dict, command: str) -> Path:
    import torch
    arrays: dict = {}
    encoded = {}
    for k in sorted(entries):
        encoded[k] = _encode(entries[k], arrays)
    header = {
        "what": "PyTorch's results for the tests that compare with PyTorch (tests/oracle)",
        "made_by": command,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}",
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
        "entries": len(encoded),
        "keys_sha256": hashlib.sha256("\n".join(encoded).encode()).hexdigest(),
        "values": "a tensor's values are in the .npz of the same name, under its 'tensor' name",
    }
    for old in HERE.glob("torch-*.*"):
        old.unlink()
    path = HERE / f"torch-{torch.__version__.split('+')[0]}.json"
    lines = ["{", f'"header": {json.dumps(header, indent=1)},', '"entries": {']
    items = list(encoded.items())
    for i, (k, e) in enumerate(items):  # one entry a line: a re-recording diffs line by line
        lines.append(f"{json.dumps(k)}: {json.dumps(e)}" + ("," if i < len(items) - 1 else ""))
    lines += ["}", "}", ""]
    path.write_text("\n".join(lines))
    np.savez_compressed(path.with_suffix(".npz"), **arrays)
    return path


# ---------------------------------------------------------------------------------------------
# The fixture's object
# ---------------------------------------------------------------------------------------------

RECORDING = os.environ.get("MINIGRAD_ORACLE") == "record"
_recorded_now: dict = {}  # record mode: key -> snapshot
_asked: set = set()  # every key asked for in this session


@functools.cache
def live_torch():
    """PyTorch when importable, else None."""
    try:
        import torch
    except ModuleNotFoundError:
        return None
    return torch


def test_key(node) -> str:
    """The test's id without its file's folder and without its ``device`` parameter."""
    name = f"{Path(str(node.path)).stem}::{node.originalname}"
    spec = getattr(node, "callspec", None)
    if spec is None:
        return name
    parts = spec.id.split("-")
    device = spec.params.get("device")
    if device is not None and device in parts:
        del parts[len(parts) - 1 - parts[::-1].index(device)]
    return f"{name}[{'-'.join(parts)}]"


class Oracle:
    """``oracle(fn, key=None)``: PyTorch's answer to ``fn(torch)`` (see the module's doc)."""

    def __init__(self, node):
        self._base = test_key(node)
        self._calls = 0

    @property
    def live(self) -> bool:
        """True where PyTorch runs here (tests may check more with it, e.g. warnings)."""
        return live_torch() is not None

    @property
    def torch(self):
        """PyTorch itself, or None where it isn't installed."""
        return live_torch()

    def key(self, key: "str | None" = None) -> str:
        if key is None:
            key = f"#{self._calls}"
            self._calls += 1
        return f"{self._base} {key}"

    def __call__(self, fn, key: "str | None" = None, repr: bool = False, values: bool = True):
        import pytest
        key = self.key(key)
        _asked.add(key)
        torch = live_torch()
        if torch is None:
            if RECORDING:
                pytest.fail("MINIGRAD_ORACLE=record needs PyTorch")
            _, entries = load()
            if key not in entries:
                pytest.fail(f"no recorded PyTorch result for {key!r}: {STALE}", pytrace=False)
            got = entries[key]
        else:
            try:
                got = snapshot(fn(torch), repr, values)
            except Exception as exc:  # noqa: BLE001 - PyTorch's error is the answer
                got = RecordedError.of(exc)
            if RECORDING:
                if key in _recorded_now and differences(got, _recorded_now[key]):
                    pytest.fail(f"{key!r} asked twice with different answers: give it a key")
                _recorded_now[key] = got
            else:
                header, entries = load()
                if key not in entries:
                    pytest.fail(f"no recorded PyTorch result for {key!r}: {STALE}",
                                pytrace=False)
                diff = differences(got, entries[key], "live vs recorded")
                if diff:
                    versions = (f" (recorded with torch {header.get('torch')}, this is "
                                f"{torch.__version__})")
                    pytest.fail(f"PyTorch's result for {key!r} differs from the recording"
                                f"{versions}: {STALE}\n" + "\n".join(diff[:5]), pytrace=False)
        if isinstance(got, RecordedError):
            raise got.exception()
        return got


def unused_entries(session) -> list[str]:
    """Recorded entries of tests that ran and passed (the session passed) but didn't ask for
    them: left over from a test that changed. Tests that didn't run aren't judged."""
    if RECORDING or not _asked or session.testsfailed:
        return []
    ran = {test_key(item) for item in session.items}
    _, entries = load()
    return sorted(k for k in entries if k.rsplit(" ", 1)[0] in ran and k not in _asked)


def session_finish(session) -> None:
    """Record mode: write the recording (called from tests/conftest.py). The entries of the
    tests that ran are replaced; those of tests that didn't run (other files, ``-k``) kept.
    Otherwise: warn about recorded entries the tests that ran didn't ask for."""
    unused = unused_entries(session)
    if unused:
        sys.stderr.write(f"\noracle: {len(unused)} recorded entries were not asked for by the "
                         f"tests that ran (e.g. {unused[0]!r}): {STALE}\n")
    if not RECORDING or not _recorded_now:
        return
    ran = {test_key(item) for item in session.items}
    _, old = load()
    entries = {k: v for k, v in old.items() if k.rsplit(" ", 1)[0] not in ran}
    entries.update(_recorded_now)
    path = save(entries, os.environ.get("MINIGRAD_ORACLE_COMMAND", RECORD_COMMAND))
    size = sum(p.stat().st_size for p in (path, path.with_suffix(".npz")))
    sys.stderr.write(f"\noracle: {len(_recorded_now)} entries recorded, {len(entries)} in all, "
                     f"written to {path} and its .npz ({size / 1e6:.2f} MB)\n")
