"""Chapter 3 (recording): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_RECORD = "one edge per input in _record"
_EDGE = "gradient_edge"
_MUL = "the backward of mul"
_POW = "the backward of pow"
_SUM_TO = "sum_to"

WRONG = [
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
]

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
]
