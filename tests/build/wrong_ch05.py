"""Chapter 5 (accumulation): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_BUFFER = "the sum of the gradients that arrive"
_ACC = "accumulation into .grad"
_RELEASE = "freeing the saved tensors"

WRONG = [
    # ------------------------------------------------------------- chapter 5: accumulation
    Version("fan-out: the last gradient wins", 5, "added up in its buffer", _BUFFER, """\
buf = buffers.get(node)
if buf is None:
    meta = node._output_meta
    buf = buffers[node] = [None] * (1 if meta is None else len(meta))
if g is not None:
    buf[nr] = g
"""),
    Version("the buffer adds in place into the first gradient", 5, "not an addition in place",
          _BUFFER, """\
buf = buffers.get(node)
if buf is None:
    meta = node._output_meta
    buf = buffers[node] = [None] * (1 if meta is None else len(meta))
if g is not None:
    if buf[nr] is None:
        buf[nr] = g
    else:
        buf[nr].add_(g)
"""),
    Version("no buffer for a None gradient", 5, "still counts as delivered", _BUFFER, """\
if g is None:
    return
buf = buffers.get(node)
if buf is None:
    meta = node._output_meta
    buf = buffers[node] = [None] * (1 if meta is None else len(meta))
buf[nr] = g if buf[nr] is None else buf[nr] + g
"""),
    Version("a buffer only as long as the outputs that arrived", 5,
          "a slot in its buffer for each output", _BUFFER, """\
buf = buffers.setdefault(node, [])
while len(buf) <= nr:
    buf.append(None)
if g is not None:
    buf[nr] = g if buf[nr] is None else buf[nr] + g
"""),
    Version(".grad is the incoming gradient itself (no copy)", 5, "copy of the first gradient",
          _ACC, """\
if t._grad is None:
    t._grad = g
elif grad_mode.state.enabled and (g.requires_grad or t._grad.requires_grad):
    t._grad = t._grad + g
else:
    t._grad._data += g._data
    t._grad._counter().value += 1
"""),
    Version("accumulation replaces .grad", 5, "not put in its place", _ACC, """\
if g.grad_fn is not None:
    t._grad = g
else:
    t._grad = Tensor._make(g._data.copy(), g._device)
"""),
    Version("accumulation out of place (a new .grad each time)", 5, "in place (the same tensor",
          _ACC, """\
if t._grad is None:
    if g.grad_fn is not None:
        t._grad = g
    else:
        t._grad = Tensor._make(g._data.copy(), g._device)
else:
    t._grad = t._grad + g
"""),
    Version("in place without bumping the version", 5, "version", _ACC, """\
if t._grad is None:
    if g.grad_fn is not None:
        t._grad = g
    else:
        t._grad = Tensor._make(g._data.copy(), g._device)
elif grad_mode.state.enabled and (g.requires_grad or t._grad.requires_grad):
    t._grad = t._grad + g
else:
    t._grad._data += g._data
"""),
    Version("create_graph's gradient copied (its graph lost)", 5, "no grad_fn", _ACC, """\
if t._grad is None:
    t._grad = Tensor._make(g._data.copy(), g._device)
else:
    t._grad._data += g._data
    t._grad._counter().value += 1
"""),
    Version("create_graph: later gradients added in place (the sum has no graph)", 5,
          "added out of place", _ACC, """\
if t._grad is None:
    if g.grad_fn is not None:
        t._grad = g
    else:
        t._grad = Tensor._make(g._data.copy(), g._device)
else:
    t._grad._data += g._data
    t._grad._counter().value += 1
"""),
    Version("saved tensors never freed", 5, "second backward through the same graph worked",
          _RELEASE, """\
pass
"""),
    Version("marked freed, saved tensors kept", 5, "still alive", _RELEASE, """\
self._freed = True
"""),
    Version("saved tensors dropped, node not marked freed", 5, "not PyTorch's", _RELEASE, """\
self._saved = ()
"""),
    Version("freed even with retain_graph (engine, outside the regions)", 5,
          "retain_graph=True the first backward keeps", replace=(
              "minigrad/autograd/engine.py", "if not retain_graph and node._saved:",
              "if node._saved:")),
]

RIGHT = [
    Version("a buffer made with setdefault", 5, "", _BUFFER, """\
outputs = 1 if node._output_meta is None else len(node._output_meta)
buf = buffers.setdefault(node, [None] * outputs)
if g is not None:
    buf[nr] = g if buf[nr] is None else buf[nr] + g
"""),
    Version("accumulation with clone and add_", 5, "", _ACC, """\
if t._grad is None:
    t._grad = g if g.requires_grad else g.detach().clone()
elif g.requires_grad or t._grad.requires_grad:
    t._grad = t._grad + g
else:
    t._grad.add_(g)
"""),
    Version("release setting None", 5, "", _RELEASE, """\
self._saved = None
self._freed = True
"""),
]
