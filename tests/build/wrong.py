"""Plausible wrong versions of what the learner writes in chapters 2-5, each with the words
that the failing build check's message must contain.

``tests/test_build_checks.py`` writes a solved build edition (``notebooks/edition.py``), puts
one wrong version in place of the solution in its marked region (``region``: the ``what`` of
``### BEGIN SOLUTION chapter K: what``), runs chapter K's checks there, and asserts that one of
them fails with ``expect`` in its message. A version that changes code outside the regions (the
learner can't write it, but the check guards it all the same) gives ``replace`` instead:
(file, old text, new text).

``RIGHT`` holds other correct ways to write the same pieces, all put into one edition, where
every check must pass: the checks test what the pieces do, not how they are written.

Not copied into editions (``edition.py`` copies only ``test_ch*.py`` and ``conftest.py``): it
holds near-solutions.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Version:
    name: str
    chapter: int
    expect: str                      # words the message of a failing check must contain
                                     # ("" for a right version: every check passes)
    region: str | None = None        # the region's "what"
    code: str = ""                   # the region's wrong body (indented as at top level)
    replace: tuple | None = None     # (file, old, new): a change outside the regions


_CENTRAL = "central differences, one input element at a time"
_RECORD = "one edge per input in _record"
_EDGE = "gradient_edge"
_MUL = "the backward of mul"
_POW = "the backward of pow"
_SUM_TO = "sum_to"
_COUNT = "the dependency count (with targets, also each node's parents)"
_HAND = "the hand-over of each gradient to its node"
_BUFFER = "the sum of the gradients that arrive"
_ACC = "accumulation into .grad"
_RELEASE = "freeing the saved tensors"

_COUNT_HEAD = """\
deps = dict.fromkeys(roots, 0)
parents = {} if targets else None
stack = list(deps)
"""

WRONG = [
    # ------------------------------------------------------------ chapter 2: numerical derivative
    Version("forward differences", 2, "central difference", _CENTRAL, """\
orig = flat[j].item()
base = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
        for o in _outputs(fn, inputs)]
flat[j] = orig + eps
plus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
        for o in _outputs(fn, inputs)]
flat[j] = orig
for k in range(len(outs)):
    cols[k][j] = (plus[k] - base[k]) / eps
"""),
    Version("divided by eps instead of 2 eps", 2, "divided by eps instead of 2 eps", _CENTRAL,
          """\
orig = flat[j].item()
flat[j] = orig + eps
plus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
        for o in _outputs(fn, inputs)]
flat[j] = orig - eps
minus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
         for o in _outputs(fn, inputs)]
flat[j] = orig
for k in range(len(outs)):
    cols[k][j] = (plus[k] - minus[k]) / eps
"""),
    Version("element never put back", 2, "put each element back", _CENTRAL, """\
orig = flat[j].item()
flat[j] = orig + eps
plus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
        for o in _outputs(fn, inputs)]
flat[j] = orig - eps
minus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
         for o in _outputs(fn, inputs)]
for k in range(len(outs)):
    cols[k][j] = (plus[k] - minus[k]) / (2 * eps)
"""),
    Version("every element nudged at once", 2, "one element at a time", _CENTRAL, """\
orig = flat.copy()
flat += eps
plus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
        for o in _outputs(fn, inputs)]
flat[:] = orig - eps
minus = [np.array(o.numpy(force=True), dtype=np.float64).reshape(-1)
         for o in _outputs(fn, inputs)]
flat[:] = orig
for k in range(len(outs)):
    cols[k][j] = (plus[k] - minus[k]) / (2 * eps)
"""),
    # ------------------------------------------------------------------ chapter 3: recording
    Version("edges only for inputs that require grad", 3, "(None, 0) when it needs no gradient",
          _RECORD, """\
edges, edge_args, meta = [], [], []
for i, a in enumerate(args):
    if isinstance(a, Tensor) and a.requires_grad:
        edges.append(gradient_edge(a))
        meta.append((a._data.shape, a._data.dtype))
        edge_args.append(i)
ctx.next_functions, ctx._edge_args, ctx._input_meta = (
    tuple(edges), tuple(edge_args), tuple(meta))
"""),
    Version("a (None, 0) edge for every Python number", 3, "the exponent", _RECORD, """\
edges, edge_args, meta = [], [], []
for i, a in enumerate(args):
    if isinstance(a, Tensor) and a.requires_grad:
        edges.append(gradient_edge(a))
        meta.append((a._data.shape, a._data.dtype))
    elif isinstance(a, (Tensor, int, float)):
        edges.append((None, 0))
        meta.append(None)
    else:
        continue
    edge_args.append(i)
ctx.next_functions, ctx._edge_args, ctx._input_meta = (
    tuple(edges), tuple(edge_args), tuple(meta))
"""),
    Version("the leaf itself instead of its AccumulateGrad", 3, "leaf tensor itself", _EDGE, """\
if t.grad_fn is None:
    return t, 0
return t.grad_fn, t._output_nr
"""),
    Version("a new AccumulateGrad for every use of a leaf", 3, "its own AccumulateGrad", _EDGE,
          """\
if t.grad_fn is None:
    return AccumulateGrad(t), 0
return t.grad_fn, t._output_nr
"""),
    Version("output number always 0", 3, "which of its outputs", _EDGE, """\
if t.grad_fn is None:
    return t._grad_accumulator(), 0
return t.grad_fn, 0
"""),
    Version("mul's backward passes g to both inputs", 3, "OTHER factor", _MUL, """\
if ctx.number is not None:
    return sum_to(g, ctx.shapes[0]), None
na, nb = ctx.needs_input_grad
return (sum_to(g, ctx.shapes[0]) if na else None,
        sum_to(g, ctx.shapes[1]) if nb else None)
"""),
    Version("mul's backward gives each input its own factor", 3, "OTHER factor", _MUL, """\
if ctx.number is not None:
    return sum_to(g * ctx.number, ctx.shapes[0]), None
a, b = ctx.saved_tensors
na, nb = ctx.needs_input_grad
return (sum_to(g * a, ctx.shapes[0]) if na else None,
        sum_to(g * b, ctx.shapes[1]) if nb else None)
"""),
    Version("mul's backward ignores needs_input_grad", 3, "needs_input_grad", _MUL, """\
if ctx.number is not None:
    return sum_to(g * ctx.number, ctx.shapes[0]), None
a, b = ctx.saved_tensors
return sum_to(g * b, ctx.shapes[0]), sum_to(g * a, ctx.shapes[1])
"""),
    Version("pow's backward forgets the factor e", 3, "forget the factor e", _POW, """\
a, = ctx.saved_tensors
e = ctx.exponent
return g * a ** (e - 1), None
"""),
    Version("pow's backward takes a**e", 3, "a^e instead of a^(e-1)", _POW, """\
a, = ctx.saved_tensors
e = ctx.exponent
return g * e * a ** e, None
"""),
    Version("sum_to sums only the leading dimensions", 3, "which was 1", _SUM_TO, """\
lead = g.dim() - len(shape)
if lead > 0:
    g = g.sum(dim=tuple(range(lead)))
return g
"""),
    Version("sum_to sums only the dimensions of size 1", 3, "which broadcasting added", _SUM_TO,
          """\
axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
if axes:
    g = g.sum(dim=axes, keepdim=True)
return g
"""),
    Version("sum_to does nothing", 3, "which broadcasting added", _SUM_TO, """\
return g
"""),
    Version("add's backward without sum_to", 3, "sum_to", "the backward of add", """\
na, nb = ctx.needs_input_grad
return (g if na else None, g if nb else None)
"""),
    # ------------------------------------------------------------------- chapter 4: the engine
    Version("a recursive walk", 4, "recursion limit", _COUNT, """\
deps = dict.fromkeys(roots, 0)
parents = {} if targets else None

def visit(node):
    for child, _ in node.next_functions:
        if child is not None:
            if parents is not None:
                parents.setdefault(child, []).append(node)
            if child in deps:
                deps[child] += 1
            else:
                deps[child] = 1
                visit(child)

for root in list(deps):
    visit(root)
"""),
    Version("no visited set: a node walked once per path", 4, "walked more than once", _COUNT,
          _COUNT_HEAD + """\
while stack:
    node = stack.pop()
    for child, _ in node.next_functions:
        if child is not None:
            deps[child] = deps.get(child, 0) + 1
            stack.append(child)
            if parents is not None:
                parents.setdefault(child, []).append(node)
"""),
    Version("counting parent nodes instead of edges", 4, "not every distinct parent node", _COUNT,
          _COUNT_HEAD + """\
while stack:
    node = stack.pop()
    children = []
    for child, _ in node.next_functions:
        if child is not None and child not in children:
            children.append(child)
    for child in children:
        if parents is not None:
            parents.setdefault(child, []).append(node)
        if child in deps:
            deps[child] += 1
        else:
            deps[child] = 1
            stack.append(child)
"""),
    Version("no parents with targets", 4, "`parents`", _COUNT, """\
deps = dict.fromkeys(roots, 0)
parents = None
stack = list(deps)
while stack:
    node = stack.pop()
    for child, _ in node.next_functions:
        if child is not None:
            n = deps.get(child)
            if n is None:
                deps[child] = 1
                stack.append(child)
            else:
                deps[child] = n + 1
"""),
    Version("ready nodes run oldest first (creation order)", 4, "most recently created runs first",
          _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        if waiting == 1:
            heappush(heap, (child._seq, child))
"""),
    Version("a node pushed on the heap at every arrival, before it is ready", 4,
          "only when its count reaches 0", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        heappush(heap, (-child._seq, child))
"""),
    Version("ready one arrival too early (count reaching 1)", 4, "received 0 gradients", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, nr, g)
        deps[child] = waiting - 1
        if deps[child] == 1:
            heappush(heap, (-child._seq, child))
"""),
    Version("the edge's output number ignored", 4, "the output its edge names", _HAND, """\
for (child, nr), g in zip(node.next_functions, out_grads):
    waiting = deps.get(child)
    if waiting is not None:
        _add_to_buffer(buffers, child, 0, g)
        deps[child] = waiting - 1
        if waiting == 1:
            heappush(heap, (-child._seq, child))
"""),
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


# Correct, but written differently from the package's solutions: every check must accept them.
RIGHT = [
    Version("_record building the edges with a helper", 3, "", _RECORD, """\
def edge(a):
    if isinstance(a, Tensor):
        if a.requires_grad:
            return gradient_edge(a), (a._data.shape, a._data.dtype)
        return (None, 0), None
    if ctx._forward_cls._scalar_edges and isinstance(a, (int, float)):
        return (None, 0), None
    return None

found = [(i, e) for i, e in ((i, edge(a)) for i, a in enumerate(args)) if e is not None]
ctx.next_functions = tuple(e[0] for _, e in found)
ctx._input_meta = tuple(e[1] for _, e in found)
ctx._edge_args = tuple(i for i, _ in found)
"""),
    Version("gradient_edge through is_leaf", 3, "", _EDGE, """\
node = t._grad_accumulator() if t.is_leaf else t.grad_fn
return (node, 0 if t.is_leaf else t._output_nr)
"""),
    Version("sum_to one dimension at a time", 3, "", _SUM_TO, """\
while g.dim() > len(shape):
    g = g.sum(dim=0)
for i, size in enumerate(shape):
    if size == 1 and g.shape[i] != 1:
        g = g.sum(dim=i, keepdim=True)
return g
"""),
    Version("mul's backward with explicit branches", 3, "", _MUL, """\
if ctx.number is not None:
    return sum_to(ctx.number * g, ctx.shapes[0]), None
a, b = ctx.saved_tensors
ga = gb = None
if ctx.needs_input_grad[0]:
    ga = sum_to(b * g, ctx.shapes[0])
if ctx.needs_input_grad[1]:
    gb = sum_to(a * g, ctx.shapes[1])
return ga, gb
"""),
    Version("pow's backward without the case e == 0", 3, "", _POW, """\
a, = ctx.saved_tensors
return ctx.exponent * a ** (ctx.exponent - 1) * g, None
"""),
    Version("counting in two passes, breadth first", 4, "", _COUNT, """\
from collections import deque
seen = set(roots)
queue = deque(seen)
order = []
while queue:
    node = queue.popleft()
    order.append(node)
    for child, _ in node.next_functions:
        if child is not None and child not in seen:
            seen.add(child)
            queue.append(child)
deps = {node: 0 for node in order}
parents = {node: [] for node in order}
for node in order:
    for child, _ in node.next_functions:
        if child is not None:
            deps[child] += 1
            parents[child].append(node)
"""),
    Version("the hand-over with continue", 4, "", _HAND, """\
for i, (child, nr) in enumerate(node.next_functions):
    if child is None or child not in deps:
        continue
    _add_to_buffer(buffers, child, nr, out_grads[i])
    deps[child] -= 1
    if deps[child] == 0:
        heappush(heap, (-child._seq, child))
"""),
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
