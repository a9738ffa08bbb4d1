"""Chapter 8 (autograd.grad): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_GRAD = "autograd.grad, the gradients of outputs with respect to inputs"
_CAPTURE = "capturing the gradient that reaches each input"

# The solution's body of grad(), in parts: each wrong version changes one of them.
_ARGS = """\
outputs = _as_tuple(outputs)
inputs = _as_tuple(inputs)
if not inputs:
    raise RuntimeError("`inputs` argument to `grad()` cannot be empty.")
if grad_outputs is None:
    grad_outputs = (None,) * len(outputs)
else:
    grad_outputs = _as_tuple(grad_outputs)
"""
_RETAIN = """\
if retain_graph is None:
    retain_graph = create_graph
"""
_RUN = """\
result = run_backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs,
                      accumulate=False)
"""
_UNUSED = """\
for i, g in enumerate(result):
    if g is None and not allow_unused:
        raise RuntimeError(
            f"The differentiated Tensor at index {i} appears to not have been used in "
            "the graph. Set allow_unused=True if this is the desired behavior.")
"""

WRONG = [
    # ---------------------------------------------------------- chapter 8: autograd.grad
    Version("grad() runs backward(inputs=...) and reads .grad back", 8, "touches no .grad",
            _GRAD, _ARGS + _RETAIN + """\
backward(outputs, grad_outputs, retain_graph, create_graph, inputs=inputs)
result = tuple(t.grad for t in inputs)
for t in inputs:
    t.grad = None
""" + _UNUSED),
    Version("the gradients in the order the engine reached the inputs", 8, "inputs' order",
            _CAPTURE, """\
for nr, i in targets[node]:
    arrived = sum(g is not None for g in captured)
    captured[arrived] = node_grads[nr]
"""),
    Version("one tensor as inputs iterated over (its elements)", 8, "one input", _GRAD,
            _ARGS.replace("inputs = _as_tuple(inputs)", "inputs = tuple(inputs)")
            + _RETAIN + _RUN + _UNUSED),
    Version("an unused input silently gets zeros", 8, "not return zeros", _GRAD,
            _ARGS + _RETAIN + _RUN + """\
result = tuple(g if g is not None else Tensor._make(t.xp.zeros_like(t._data), t._device)
               for g, t in zip(result, inputs))
"""),
    Version("an unused input silently gets None (no error)", 8, "must raise", _GRAD,
            _ARGS + _RETAIN + _RUN),
    Version("allow_unused ignored: an unused input is always an error", 8,
            "allow_unused=True an unused input is not an error", _GRAD, _ARGS + _RETAIN + _RUN + _UNUSED.replace(
                " and not allow_unused", "")),
    Version("retain_graph defaults to False", 8, "retain_graph defaults to create_graph", _GRAD,
            _ARGS + """\
if retain_graph is None:
    retain_graph = False
""" + _RUN + _UNUSED),
    Version("create_graph not passed on", 8, "without grad_fn", _GRAD, _ARGS + _RETAIN + """\
result = run_backward(outputs, grad_outputs, retain_graph, False, inputs=inputs,
                      accumulate=False)
""" + _UNUSED),
    Version("grad_outputs ignored (ones used)", 8, "weighted by its own grad_outputs", _GRAD,
            _ARGS + _RETAIN + """\
grad_outputs = tuple(Tensor._make(o.xp.ones_like(o._data), o._device) for o in outputs)
""" + _RUN + _UNUSED),
    Version("a single grad_outputs tensor iterated over", 8, "grad_outputs", _GRAD,
            _ARGS.replace("grad_outputs = _as_tuple(grad_outputs)",
                          "grad_outputs = tuple(grad_outputs)") + _RETAIN + _RUN + _UNUSED),
    Version("capture keeps the last gradient to arrive, not the buffer's sum (engine, in the "
            "hand-over)", 8, "not only the last one to arrive", replace=[
                ("minigrad/autograd/engine.py",
                 "                for nr, i in targets[node]:\n"
                 "                    captured[i] = node_grads[nr]\n",
                 "                pass\n"),
                ("minigrad/autograd/engine.py",
                 "                    _add_to_buffer(buffers, child, nr, g)\n",
                 "                    _add_to_buffer(buffers, child, nr, g)\n"
                 "                    if not accumulate and child in targets and g is not None:\n"
                 "                        for tnr, i in targets[child]:\n"
                 "                            if tnr == nr:\n"
                 "                                captured[i] = g\n"),
            ]),
]

RIGHT = [
    Version("grad() written with isinstance and comprehensions", 8, "", _GRAD, """\
outs = (outputs,) if isinstance(outputs, Tensor) else tuple(outputs)
ins = [inputs] if isinstance(inputs, Tensor) else list(inputs)
if len(ins) == 0:
    raise RuntimeError("grad requires non-empty inputs")
if isinstance(grad_outputs, Tensor):
    gos = [grad_outputs]
else:
    gos = [None] * len(outs) if grad_outputs is None else list(grad_outputs)
keep = create_graph if retain_graph is None else retain_graph
result = run_backward(outs, gos, keep, create_graph, tuple(ins), accumulate=False)
missing = [i for i, g in enumerate(result) if g is None]
if missing and not allow_unused:
    raise RuntimeError("One of the differentiated Tensors appears to not have been used in "
                       "the graph. Set allow_unused=True if this is the desired behavior.")
"""),
    Version("capture with get and a guard", 8, "", _CAPTURE, """\
for output_nr, index in targets.get(node, ()):
    if node_grads[output_nr] is not None:
        captured[index] = node_grads[output_nr]
"""),
]
