"""PyTorch's call forms: every public function and Tensor method of minigrad's that PyTorch has
too takes PyTorch's parameter names, in PyTorch's order, and ``out=`` where PyTorch has it.

PyTorch's signatures come from tests/oracle/signatures-torch-<version>.json (written by
``python tests/oracle/signatures.py``), so this runs without PyTorch; where PyTorch is
installed the recording must equal what it gives now. minigrad may leave a parameter of
PyTorch's out (it doesn't support it), but a parameter it has must be PyTorch's and sit where
PyTorch has it. The exceptions are listed below, each with its reason.
"""
from __future__ import annotations

import inspect
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent / "oracle"))
import signatures  # noqa: E402  (tests/oracle/signatures.py)

RERECORD = f"the recording of PyTorch's signatures is stale: run `{signatures.COMMAND}`"

# (name, parameter): why minigrad differs from PyTorch there. Keep it short.
_CREATION = "out= of the creation functions is not implemented (its dtype would be out's)"
ALLOWED = {
    **{(f"torch.{name}", "out"): _CREATION for name in (
        "arange", "empty", "eye", "full", "linspace", "ones", "rand", "randint", "randn",
        "randperm", "zeros")},
    ("torch.norm", "out"): "PyTorch also takes out (and dtype) by position after keepdim; "
                           "minigrad's out= is keyword-only, as in every other function",
    ("torch.subtract", "alpha"): "PyTorch takes alpha by position only in subtract(tensor, "
                                 "number, alpha); minigrad's subtract is sub (keyword alpha)",
    ("torch.Tensor.subtract", "alpha"): "as torch.subtract",
    **{(f"torch.{where}{name}", "other"): "PyTorch's overloads put `other` and `dim` both in "
       "the second place; one def can't, so minigrad's second parameter is `dim` (a tensor there "
       "means `other`, as in PyTorch) and `other=` is keyword-only"
       for where in ("", "Tensor.") for name in ("max", "min")},
    ("torch.Tensor.uniform_", "from_"): "PyTorch's name is `from`, a Python keyword, which a "
                                        "def can't have",
}


def _parse(line: str) -> list[tuple]:
    """An overload line -> [(name, kind, has_default)], kind 'pos', 'kw', 'var' or 'varkw'."""
    params, kind = [], "pos"
    for item in filter(None, (s.strip() for s in line.split(","))):
        if item == "*":
            kind = "kw"
        elif item.startswith("**"):
            params.append((item[2:], "varkw", True))
        elif item.startswith("*"):
            params.append((item[1:], "var", True))
            kind = "kw"
        else:
            name, _, default = item.partition("=")
            params.append((name, kind, bool(default)))
    return params


def _positions(params: list) -> dict:
    """name -> index among the positional parameters (None for keyword-only)."""
    positional = [p for p in params if p[1] in ("pos", "var")]
    return {p[0]: (positional.index(p) if p[1] == "pos" else None)
            for p in params if p[1] in ("pos", "kw")}


def _minigrad_params(fn, is_method: bool) -> list[tuple]:
    kinds = {inspect.Parameter.POSITIONAL_ONLY: "pos",
             inspect.Parameter.POSITIONAL_OR_KEYWORD: "pos",
             inspect.Parameter.KEYWORD_ONLY: "kw", inspect.Parameter.VAR_POSITIONAL: "var",
             inspect.Parameter.VAR_KEYWORD: "varkw"}
    params = list(inspect.signature(fn).parameters.values())[1 if is_method else 0:]
    return [(p.name, kinds[p.kind], p.default is not p.empty) for p in params]


def problems(overloads: list[str], mine: list[tuple]) -> list[tuple[str, str]]:
    """How minigrad's parameters ``mine`` differ from PyTorch's ``overloads``:
    [(parameter, what is wrong)]."""
    theirs = [_parse(line) for line in overloads]
    # forms whose first parameter is named `self` are PyTorch's deprecated ones
    # (add(input, alpha, other)) and Number-first ones (pow(2, t)): not held against minigrad
    theirs = [o for o in theirs if not o or o[0][0] != "self"] or theirs
    where = [_positions(o) for o in theirs]
    my_positions = _positions(mine)
    has_var = any(p[1] == "var" for p in mine)
    # zeros(*size, size=None): sizes unpacked or as a tuple by position, or size= by keyword
    var_at = next((i for i, p in enumerate(p for p in mine if p[1] in ("pos", "var"))
                   if p[1] == "var"), None)
    has_varkw = any(p[1] == "varkw" for p in mine)
    found = []
    for name, index in my_positions.items():
        if name.startswith("_"):
            continue
        places = {w[name] for w in where if name in w}
        if not places:
            names = sorted({n for w in where for n in w})
            found.append((name, f"`{name}` is not PyTorch's name for it (PyTorch: "
                                f"{', '.join(names) or 'no parameters'})"))
        elif index is not None and index not in places:
            found.append((name, f"`{name}` is positional parameter {index}; PyTorch's is "
                                + " or ".join("keyword-only" if i is None else str(i)
                                              for i in sorted(places, key=str))))
        elif index is None and places != {None} and not (
                var_at is not None and all(i is None or i >= var_at for i in places)):
            found.append((name, f"`{name}` is keyword-only; PyTorch also takes it by position"))

    def accepted(overload: list) -> bool:
        positions = _positions(overload)
        for name, kind, has_default in overload:
            if has_default or kind in ("var", "varkw"):
                continue
            if kind == "pos" and my_positions.get(name, -1) != positions[name] and not has_var:
                return False
            if kind == "kw" and name not in my_positions and not has_varkw:
                return False
        return True
    if not any(accepted(o) for o in theirs):
        found.append(("*", "none of PyTorch's call forms is accepted: ("
                           + "), (".join(overloads) + ")"))
    if any(p[0] == "out" for o in theirs for p in o) and "out" not in my_positions:
        found.append(("out", "no `out=`"))
    return found


def _cases() -> list:
    recorded = signatures.load().get("signatures", {})
    return [pytest.param(name, id=name) for name in recorded]


def _minigrad_function(qualified: str):
    ns, _, name = qualified.rpartition(".")
    fn = signatures.minigrad_names()[ns].get(name)
    if fn is None:
        pytest.fail(f"minigrad has no {qualified} any more: {RERECORD}")
    return fn, ns == "torch.Tensor"


@pytest.mark.parametrize("qualified", _cases())
def test_takes_pytorchs_call_forms(qualified):
    fn, is_method = _minigrad_function(qualified)
    overloads = signatures.load()["signatures"][qualified]
    found = [(param, text) for param, text in problems(overloads, _minigrad_params(fn, is_method))
             if (qualified, param) not in ALLOWED]
    assert not found, f"{qualified}: " + "; ".join(text for _, text in found)


def test_allow_list_is_needed():
    """Every exception in ALLOWED still excuses a difference (none is left over)."""
    recorded = signatures.load()["signatures"]
    unused = []
    for (qualified, param) in ALLOWED:
        fn, is_method = _minigrad_function(qualified)
        if param not in {p for p, _ in problems(recorded[qualified],
                                                _minigrad_params(fn, is_method))}:
            unused.append((qualified, param))
    assert not unused, f"these exceptions excuse nothing now: remove them: {unused}"


def test_recording_is_current():
    """The recording covers minigrad's public names as they are, and (where PyTorch is
    installed) says what that PyTorch says."""
    recorded = signatures.load()
    assert recorded, f"no recording: {RERECORD}"
    names = {f"{ns}.{n}" for ns, fns in signatures.minigrad_names().items() for n in fns}
    had = set(recorded["signatures"]) | {f"{ns}.{n}" for ns, ns_names in
                                         recorded["minigrad_only"].items() for n in ns_names}
    assert names == had, (f"new: {sorted(names - had)}, gone: {sorted(had - names)}: "
                          f"{RERECORD}")
    try:
        import torch
    except ModuleNotFoundError:
        return
    assert recorded["header"]["torch"] == torch.__version__, RERECORD
    now = signatures.live()
    stale = sorted(k for k in set(now["signatures"]) | set(recorded["signatures"])
                   if now["signatures"].get(k) != recorded["signatures"].get(k))
    assert not stale and now["minigrad_only"] == recorded["minigrad_only"], (
        f"differ: {stale[:10]}: {RERECORD}")
