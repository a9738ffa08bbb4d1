"""Chapter 13 (forward mode): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_HOOK = "the forward-mode hook (apply)"
_MUL = "the forward rule of mul"
_EXP = "the forward rule of exp"
_SIN = "the forward rule of sin"

_TAIL = """\
out_tangents = rule(_Forward(op, args, kwargs, result), *tangents)
outs = result if isinstance(result, tuple) else (result,)
if not isinstance(out_tangents, tuple):
    out_tangents = (out_tangents,)
for o, t in zip(outs, out_tangents):
    if t is not None and _floating(o):
        _set_tangent(o, _fit(t, o))
return result
"""

WRONG = [
    # ------------------------------------------------------------- chapter 13: the hook
    Version("forward hook: only the tangents that are there reach the rule", 13,
            "don't drop the Nones", _HOOK, """\
tangents = [tangent_of(a) for a in args
            if isinstance(a, Tensor) and tangent_of(a) is not None]
result = op.apply(*args, **kwargs)
if not tangents or not _floating(result):
    return result
rule = getattr(op, "jvp", None)
if rule is None:
    raise _no_rule(op)
result = _own(result, args)
""" + _TAIL),
    Version("forward hook: the rule gets the arguments' values", 13,
            "pass the rule the tangents", _HOOK, """\
tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
result = op.apply(*args, **kwargs)
if all(t is None for t in tangents) or not _floating(result):
    return result
rule = getattr(op, "jvp", None)
if rule is None:
    raise _no_rule(op)
result = _own(result, args)
tangents = list(args)
""" + _TAIL),
    Version("forward hook: the rule's tangent attached as it comes (no _fit)", 13, "_fit",
            _HOOK, """\
tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
result = op.apply(*args, **kwargs)
if all(t is None for t in tangents) or not _floating(result):
    return result
rule = getattr(op, "jvp", None)
if rule is None:
    raise _no_rule(op)
result = _own(result, args)
out_tangents = rule(_Forward(op, args, kwargs, result), *tangents)
outs = result if isinstance(result, tuple) else (result,)
if not isinstance(out_tangents, tuple):
    out_tangents = (out_tangents,)
for o, t in zip(outs, out_tangents):
    if t is not None and _floating(o):
        _set_tangent(o, t)
return result
"""),
    Version("forward hook: the rule runs, its tangent is never attached", 13,
            "came out without a tangent", _HOOK, """\
tangents = [tangent_of(a) if isinstance(a, Tensor) else None for a in args]
result = op.apply(*args, **kwargs)
if all(t is None for t in tangents) or not _floating(result):
    return result
rule = getattr(op, "jvp", None)
if rule is None:
    raise _no_rule(op)
result = _own(result, args)
rule(_Forward(op, args, kwargs, result), *tangents)
return result
"""),
    # ------------------------------------------------------------- chapter 13: the rules
    Version("mul's rule: da * db", 13, "OTHER factor", _MUL, """\
return ta * tb
"""),
    Version("mul's rule: each tangent times its own factor", 13, "OTHER factor", _MUL, """\
return plus(None if ta is None else ta * fw.a, None if tb is None else fw.b * tb)
"""),
    Version("mul's rule: both terms even when a tangent is None", 13, "leave that term out",
            _MUL, """\
return ta * fw.b + fw.a * tb
"""),
    Version("exp's rule: the output without the tangent", 13, "multiply the incoming tangent",
            _EXP, """\
return fw.output
"""),
    Version("sin's rule: minus cos", 13, "with a plus sign", _SIN, """\
return -ta * fw.a.cos()
"""),
    Version("sin's rule: sin's derivative of the tangent", 13, "cos of the input", _SIN, """\
return ta.cos()
"""),
]

RIGHT = [
    Version("forward hook with a loop, and the outputs one by one", 13, "", _HOOK, """\
tangents = []
for a in args:
    tangents.append(tangent_of(a) if isinstance(a, Tensor) else None)
result = op.apply(*args, **kwargs)
if not any(t is not None for t in tangents):
    return result
if not _floating(result):
    return result
if not hasattr(op, "jvp"):
    raise _no_rule(op)
result = _own(result, args)
new = op.jvp(_Forward(op, args, kwargs, result), *tangents)
if isinstance(result, tuple):
    for o, t in zip(result, new if isinstance(new, tuple) else (new,)):
        if t is not None and _floating(o):
            _set_tangent(o, _fit(t, o))
elif new is not None:
    _set_tangent(result, _fit(new, result))
return result
"""),
    Version("mul's rule case by case", 13, "", _MUL, """\
if ta is None:
    return fw.a * tb
if tb is None:
    return ta * fw.b
return ta * fw.b + fw.a * tb
"""),
    Version("sin's rule with the factors swapped", 13, "", _SIN, """\
return fw.a.cos() * ta
"""),
]
