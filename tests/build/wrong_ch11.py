"""Chapter 11 (the mean squared error, SGD's momentum): wrong versions its checks reject,
right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_FWD = "the mean squared error's forward (squared differences, reduced)"
_BWD = "the mean squared error's backward"
_MOM = "the momentum buffer (and Nesterov's look-ahead)"

WRONG = [
    # ------------------------------------------------------------------ the forward
    Version("mean: the sum (no division)", 11, "that is the sum", _FWD, """\
d = x._data - target._data
ctx.n = d.size
loss = d * d if reduction == "none" else (d * d).sum()
"""),
    Version("mean: divided by the batch size", 11, "divided by the batch size", _FWD, """\
d = x._data - target._data
ctx.n = d.size
squared = d * d
loss = squared if reduction == "none" else squared.sum() if reduction == "sum" else \\
    squared.sum() / d.shape[0]
"""),
    Version("absolute differences, not squared", 11, "are the differences squared", _FWD, """\
d = x._data - target._data
ctx.n = d.size
e = abs(d)
loss = e if reduction == "none" else e.sum() if reduction == "sum" else e.mean()
"""),
    Version("reduction 'none' gives the mean", 11, "each squared difference", _FWD, """\
d = x._data - target._data
ctx.n = d.size
loss = (d * d).sum() if reduction == "sum" else (d * d).mean()
"""),
    Version("n counts the input's elements, not the broadcast ones", 11,
            "not the number of the input's elements", _FWD, """\
d = x._data - target._data
ctx.n = x._data.size
squared = d * d
loss = squared if reduction == "none" else squared.sum() if reduction == "sum" else \\
    squared.mean()
"""),
    # ----------------------------------------------------------------- the backward
    Version("backward: the factor 2 forgotten", 11, "factor 2", _BWD, """\
gd = (x - t) * _per_element(g, ctx.reduction, ctx.n)
return sum_to(gd, x._data.shape) if nx else None, sum_to(-gd, t._data.shape) if nt else None
"""),
    Version("backward: a mean's gradient not divided by n", 11, "divided by the number", _BWD,
            """\
gd = 2 * (x - t) * g
return sum_to(gd, x._data.shape) if nx else None, sum_to(-gd, t._data.shape) if nt else None
"""),
    Version("backward: the target gets the same gradient as the input", 11,
            "opposite of the input's", _BWD, """\
gd = 2 * (x - t) * _per_element(g, ctx.reduction, ctx.n)
return sum_to(gd, x._data.shape) if nx else None, sum_to(gd, t._data.shape) if nt else None
"""),
    Version("backward: the incoming gradient ignored", 11, "g * 2 (x - t)", _BWD, """\
gd = 2 * (x - t) / (ctx.n if ctx.reduction == "mean" else 1)
return sum_to(gd, x._data.shape) if nx else None, sum_to(-gd, t._data.shape) if nt else None
"""),
    # ------------------------------------------------------------------- momentum
    Version("first step dampened", 11, "only from the second step on", _MOM, """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = g.detach().clone() * (1 - group["dampening"])
else:
    buf.mul_(momentum).add_(g, alpha=1 - group["dampening"])
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("the buffer is never kept", 11, "that is plain SGD", _MOM, """\
buf = g.detach().clone()
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("dampening ignored", 11, "(1 - dampening) * g", _MOM, """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = g.detach().clone()
else:
    buf.mul_(momentum).add_(g)
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("an average: (1 - momentum) * g", 11, "b = momentum * b + (1 - dampening)", _MOM,
            """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = g.detach().clone()
else:
    buf.mul_(momentum).add_(g, alpha=1 - momentum)
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("nesterov ignored", 11, "nesterov=True was ignored", _MOM, """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = g.detach().clone()
else:
    buf.mul_(momentum).add_(g, alpha=1 - group["dampening"])
g = buf
"""),
    Version("the buffer is the gradient tensor itself", 11, "changed a.grad", _MOM, """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = g
else:
    buf.mul_(momentum).add_(g, alpha=1 - group["dampening"])
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("the buffer starts from p.grad (weight decay left out)", 11,
            "weight decay already added", _MOM, """\
buf = self.state[p].get("momentum_buffer")
if buf is None:
    buf = self.state[p]["momentum_buffer"] = p.grad.detach().clone()
else:
    buf.mul_(momentum).add_(p.grad, alpha=1 - group["dampening"])
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
    Version("the buffer under another name", 11, "momentum_buffer", _MOM, """\
buf = self.state[p].get("buf")
if buf is None:
    buf = self.state[p]["buf"] = g.detach().clone()
else:
    buf.mul_(momentum).add_(g, alpha=1 - group["dampening"])
g = g.add(buf, alpha=momentum) if group["nesterov"] else buf
"""),
]

RIGHT = [
    Version("forward with the reduce helper", 11, "", _FWD, """\
d = x._data - target._data
ctx.n = d.size
loss = reduce(d ** 2, reduction)
"""),
    Version("backward written out per reduction", 11, "", _BWD, """\
scale = g / ctx.n if ctx.reduction == "mean" else g
diff = (x - t) * 2 * scale
gx = sum_to(diff, x._data.shape) if nx else None
gt = sum_to(diff.neg(), t._data.shape) if nt else None
return gx, gt
"""),
    Version("momentum out of place, state set each step", 11, "", _MOM, """\
state = self.state[p]
if "momentum_buffer" not in state:
    state["momentum_buffer"] = g.clone().detach()
else:
    state["momentum_buffer"] = momentum * state["momentum_buffer"] + \\
        (1 - group["dampening"]) * g
buf = state["momentum_buffer"]
if group["nesterov"]:
    g = g + momentum * buf
else:
    g = buf
"""),
]
