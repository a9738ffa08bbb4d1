"""PyTorch's call forms (parameter names, order, defaults), recorded for tests/test_signatures.py.

    python tests/oracle/signatures.py      (where PyTorch is installed; the CI's version)

writes tests/oracle/signatures-torch-<version>.json: for every public function and Tensor method
that minigrad has and PyTorch has too, PyTorch's overloads, each one line such as
``"input, dim, keepdim=False, *, dtype=None, out=None"`` (no types). Where PyTorch is written in
Python, ``inspect.signature`` gives them; its builtins (C++) have none, so they are read from
the type stubs PyTorch ships (``torch/_C/_VariableFunctions.pyi`` for ``torch.*``,
``torch/_C/__init__.pyi`` class ``TensorBase`` for Tensor methods, ``torch/nn/functional.pyi``),
which PyTorch's code generator writes from the same table as its argument parser.
The recording also lists minigrad's public names that PyTorch lacks, so that a new name is
noticed without PyTorch too. Commit the file.
"""
from __future__ import annotations

import ast
import datetime
import functools
import inspect
import json
import re
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
COMMAND = "python tests/oracle/signatures.py"

# PyTorch's namespace -> minigrad's, by attribute path from the package
NAMESPACES = {
    "torch": "",
    "torch.Tensor": "Tensor",
    "torch.nn.functional": "nn.functional",
    "torch.nn.init": "nn.init",
    "torch.nn.utils": "nn.utils",
    "torch.autograd": "autograd",
    "torch.autograd.functional": "autograd.functional",
    "torch.autograd.forward_ad": "autograd.forward_ad",
}


def _resolve(root, path: str):
    for part in filter(None, path.split(".")):
        root = getattr(root, part)
    return root


def _public_callables(ns, own_module: "str | None") -> dict:
    """name -> function for the public functions of a module (defined in ``own_module``'s
    package, not imported helpers like ``np``) or the public methods of a class."""
    found = {}
    for name in dir(ns):
        if name.startswith("_"):
            continue
        value = inspect.getattr_static(ns, name) if isinstance(ns, type) else getattr(ns, name)
        if isinstance(value, (staticmethod, classmethod)):
            value = value.__func__
        if isinstance(value, type) or not callable(value):
            continue  # classes (no_grad, Tensor, ...) and properties aren't call forms
        module = getattr(value, "__module__", None) or ""
        if own_module and not module.startswith(own_module):
            continue
        found[name] = value
    return found


def minigrad_names() -> dict:
    """PyTorch's namespace -> {name: minigrad's function} for minigrad's public call forms."""
    import minigrad
    return {ns: _public_callables(_resolve(minigrad, path), "minigrad")
            for ns, path in NAMESPACES.items()}


# ---------------------------------------------------------------------------------------------
# PyTorch's signatures
# ---------------------------------------------------------------------------------------------

def _line(params: list) -> str:
    """One overload as text: ``name``, ``name=default``, ``*name``, ``*``, ``**name``."""
    return ", ".join(params)


def _from_inspect(sig: inspect.Signature, drop_self: bool) -> str:
    params, star = [], False
    for i, p in enumerate(sig.parameters.values()):
        if drop_self and i == 0:
            continue
        if p.kind is p.VAR_POSITIONAL:
            params.append(f"*{p.name}")
            star = True
        elif p.kind is p.VAR_KEYWORD:
            params.append(f"**{p.name}")
        else:
            if p.kind is p.KEYWORD_ONLY and not star:
                params.append("*")
                star = True
            default = "" if p.default is p.empty else f"={_default_text(p.default)}"
            params.append(p.name + default)
    return _line(params)


def _default_text(value) -> str:
    text = repr(value)
    return text if len(text) <= 20 and " at 0x" not in text else "..."


def _from_ast(args: ast.arguments, drop_self: bool) -> str:
    positional = args.posonlyargs + args.args
    defaults = [None] * (len(positional) - len(args.defaults)) + list(args.defaults)
    params = []
    for i, (a, d) in enumerate(zip(positional, defaults)):
        if drop_self and i == 0:
            continue
        params.append(a.arg if d is None else f"{a.arg}={ast.unparse(d)}")
    if args.vararg:
        params.append(f"*{args.vararg.arg}")
    elif args.kwonlyargs:
        params.append("*")
    for a, d in zip(args.kwonlyargs, args.kw_defaults):
        params.append(a.arg if d is None else f"{a.arg}={ast.unparse(d)}")
    if args.kwarg:
        params.append(f"**{args.kwarg.arg}")
    return _line(params)


@functools.cache
def _stub_overloads(stub: str, cls: "str | None") -> dict:
    """name -> overload lines of the functions in one of PyTorch's .pyi stubs (or of one class
    in it)."""
    import torch
    tree = ast.parse((Path(torch.__file__).parent / stub).read_text())
    body = tree.body
    if cls is not None:
        body = next(n for n in body if isinstance(n, ast.ClassDef) and n.name == cls).body
    found: dict = {}
    for node in body:
        if isinstance(node, ast.FunctionDef):
            line = _from_ast(node.args, drop_self=cls is not None)
            if line not in found.setdefault(node.name, []):
                found[node.name].append(line)
    return found


# where the builtins of each namespace are declared
_STUBS = {
    "torch": ("_C/_VariableFunctions.pyi", None),
    "torch.Tensor": ("_C/__init__.pyi", "TensorBase"),
    "torch.nn.functional": ("nn/functional.pyi", None),
}
_BUILTIN_STUBS = (("_C/_VariableFunctions.pyi", None), ("_C/_nn.pyi", None))


def torch_overloads(ns: str, name: str) -> "list[str] | None":
    """PyTorch's overloads of ``ns.name`` as lines, or None where PyTorch has no such
    function (or it is a class, or a property)."""
    import torch
    owner = _resolve(torch, ns[len("torch"):])
    if not hasattr(owner, name):
        return None
    value = inspect.getattr_static(owner, name) if isinstance(owner, type) else getattr(owner,
                                                                                      name)
    if isinstance(value, (staticmethod, classmethod)):
        value = value.__func__
    if isinstance(value, type) or not callable(value):
        return None
    drop_self = isinstance(owner, type)
    try:
        sig = inspect.signature(value)
    except (ValueError, TypeError):
        sig = None
    if f"{ns}.{name}" in CORRECTIONS:
        return CORRECTIONS[f"{ns}.{name}"]
    if sig is not None and not _only_varargs(sig):
        return [_from_inspect(sig, drop_self)]
    for stub in (_STUBS.get(ns), *_BUILTIN_STUBS):  # (F.conv2d is torch.conv2d, ...)
        if stub is not None and name in _stub_overloads(*stub):
            return _stub_overloads(*stub)[name]
    return None if sig is None else [_from_inspect(sig, drop_self)]


# Where PyTorch's stubs name a parameter otherwise than its argument parser does (found by
# calling with the stub's names: the parser answers "unexpected keyword argument"; see probe()).
CORRECTIONS = {
    "torch.numel": ["input"],  # stub: numel(self)
    "torch.Tensor.requires_grad_": ["requires_grad=True"],  # stub: requires_grad_(mode=True)
    "torch.Tensor.uniform_": ["from=0, to=1, *, generator=None"],  # stub: from_ (`from` is
    # a Python keyword: only the C++ parser can take it)
    # stubs with out=, which methods don't take:
    "torch.Tensor.add": ["other, *, alpha=1"],
    "torch.Tensor.sub": ["other, *, alpha=1"],
    "torch.Tensor.mul": ["other"],
    "torch.Tensor.true_divide": ["other"],
    "torch.Tensor.floor_divide": ["other"],
}


def _probe_values() -> dict:
    """Well-typed values for the required parameters, so that the parser gets to the name probed
    (it checks the arguments' types before it looks for unexpected names)."""
    import torch
    m = torch.ones(2, 2)
    values = {n: m for n in ("input", "other", "tensor", "mat2", "vec", "self")}
    values.update(dim=0, dim0=0, dim1=1, size=(2, 2), dims=(0, 1), shape=(4,), chunks=1,
                  split_size_or_sections=1, tensors=[m], mask=m > 0, condition=m > 0,
                  value=0.0, exponent=2.0, end=3, n=2, fill_value=1.0, high=3, data=[1.0],
                  ndarray=__import__("numpy").ones(2))
    return values


def probe(qualified: str, overloads: list[str]) -> list[str]:
    """The keyword names of ``overloads`` that PyTorch's builtin rejects as unexpected: each
    is passed (as a bad value) along with the overload's required parameters."""
    import torch
    ns, _, name = qualified.rpartition(".")
    fn = getattr(torch.ones(2, 2) if ns == "torch.Tensor" else _resolve(torch, ns[5:]), name)
    values = _probe_values()
    rejected = []
    for line in overloads:
        params = [p for p in line.split(", ") if p and not p.startswith("*")]
        required = {p: values.get(p) for p in params if "=" not in p}
        if any(v is None for v in required.values()):
            continue  # no value at hand for one of them: not probed
        for n in (p.partition("=")[0] for p in params if "=" in p):
            try:
                fn(**required, **{n: object()})
            except TypeError as exc:
                text = str(exc)
                _, _, expected = text.partition("but expected")  # the parser's own call forms
                if n not in rejected and (f"unexpected keyword argument '{n}'" in text or (
                        expected and not re.search(rf"\b{n}\b", expected))):
                    rejected.append(n)
            except Exception:  # noqa: BLE001 - any other complaint means the name was taken
                pass
    return rejected


def _only_varargs(sig: inspect.Signature) -> bool:
    """``(*args, **kwargs)``: a wrapper that hides the real call form."""
    kinds = {p.kind for p in sig.parameters.values()}
    return kinds <= {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD}


def _is_python(ns: str, name: str) -> bool:
    import torch
    try:
        inspect.signature(getattr(_resolve(torch, ns[5:]), name))
    except (ValueError, TypeError):
        return False
    return True


def live() -> dict:
    """The recording's content, from the PyTorch installed here."""
    signatures, minigrad_only = {}, {}
    for ns, names in minigrad_names().items():
        for name in sorted(names):
            overloads = torch_overloads(ns, name)
            if overloads is None:
                minigrad_only.setdefault(ns, []).append(name)
            else:
                signatures[f"{ns}.{name}"] = overloads
                if f"{ns}.{name}" not in CORRECTIONS and not _is_python(ns, name):
                    rejected = probe(f"{ns}.{name}", overloads)
                    if rejected:
                        raise SystemExit(f"{ns}.{name}: PyTorch's stub names {rejected}, which "
                                         "its parser rejects: add a CORRECTIONS entry")
    return {"signatures": signatures, "minigrad_only": minigrad_only}


# ---------------------------------------------------------------------------------------------
# The recording on disk
# ---------------------------------------------------------------------------------------------

def recording_path() -> "Path | None":
    found = sorted(HERE.glob("signatures-torch-*.json"))
    return found[-1] if found else None


def load() -> dict:
    path = recording_path()
    return {} if path is None else json.loads(path.read_text())


def save() -> Path:
    import numpy as np
    import torch
    content = live()
    header = {
        "what": "PyTorch's call forms for the public functions and Tensor methods minigrad "
                "has too (tests/test_signatures.py); one overload a line, types left out",
        "how": __doc__.split("\n\n")[2].replace("\n", " ").strip(),
        "made_by": COMMAND,
        "torch": torch.__version__,
        "numpy": np.__version__,
        "date": datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
    }
    for old in HERE.glob("signatures-torch-*.json"):
        old.unlink()
    path = HERE / f"signatures-torch-{torch.__version__.split('+')[0]}.json"
    lines = ["{", f'"header": {json.dumps(header, indent=1)},', '"signatures": {']
    items = list(content["signatures"].items())
    for i, (k, v) in enumerate(items):  # one name a line: a re-recording diffs line by line
        lines.append(f"{json.dumps(k)}: {json.dumps(v)}" + ("," if i < len(items) - 1 else ""))
    lines += ["},", f'"minigrad_only": {json.dumps(content["minigrad_only"], indent=1)}', "}", ""]
    path.write_text("\n".join(lines))
    return path


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))  # this checkout's minigrad
    try:
        import torch  # noqa: F401
    except ModuleNotFoundError:
        sys.exit("recording needs PyTorch: pip install torch (the version CI pins)")
    print(f"written to {save()}")
