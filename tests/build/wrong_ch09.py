"""Chapter 9 (custom Functions, in-place operations): wrong versions its checks reject, right
ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_CHECK = "the version check of a saved tensor"
_FORWARD = "softplus's forward, saving what backward needs"
_BACKWARD = "softplus's backward, from what forward saved"

_FORWARD_HEAD = """\
ctx.beta, ctx.threshold = beta, threshold
xp, x = a.xp, a._data
bx = x * beta
"""
_FORWARD_TAIL = """\
soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
return out(xp.where(bx > threshold, x, soft), a._device, x.dtype)
"""

WRONG = [
    # ------------------------------------------------------------- chapter 9: the version check
    Version("the version now compared with itself (never fires)", 9, "saved input", _CHECK, """\
t = self.tensor
now = t._version if t is not None else self.counter.value
saved = t._version if t is not None else self.counter.value
if now != saved:
    raise self._modified_error(node, now)
"""),
    Version("only inputs checked, never a saved output", 9, "a saved output is kept as its array",
            _CHECK, """\
t = self.tensor
if t is not None and t._version != self.version:
    raise self._modified_error(node, t._version)
"""),
    Version("only outputs checked: an input is the saved tensor itself, assumed unchanged", 9,
            "a saved input is kept as the tensor itself", _CHECK, """\
if self.tensor is None and self.counter.value != self.version:
    raise self._modified_error(node, self.counter.value)
"""),
    Version("the error given the saved version as the version now", 9,
            "the version the tensor has now", _CHECK, """\
t = self.tensor
now = t._version if t is not None else self.counter.value
if now != self.version:
    raise self._modified_error(node, self.version)
"""),
    Version("compared with version 0 instead of the version when saved", 9,
            "differs from self.version", _CHECK, """\
t = self.tensor
now = t._version if t is not None else self.counter.value
if now != 0:
    raise self._modified_error(node, now)
"""),
    # ------------------------------------------ chapter 9: around the check (outside the region)
    Version("save_for_backward saves copies (they never change: the check never fires)", 9,
            "yet backward ran without an error", replace=(
                "minigrad/autograd/function.py",
                "SavedTensor(t) for t in tensors",
                "SavedTensor(t.clone()) for t in tensors")),
    Version("the versions recorded at save_for_backward, not when forward returns", 9,
            "when forward returns", replace=(
                "minigrad/autograd/function.py",
                "        s.version = s.tensor._version\n",
                "")),
    Version("saved_tensors hands back without the check (only saved arrays are checked)", 9,
            "yet backward ran without an error", replace=(
                "minigrad/autograd/graph.py",
                "hands it to backward: checked first.\"\"\"\n        self._checked(node)\n",
                "hands it to backward.\"\"\"\n")),
    Version("a wrong number of gradients from backward cut to size, not an error", 9,
            "incorrect number of gradients", replace=(
                "minigrad/autograd/function.py",
                "        raise RuntimeError(f\"function {self.name()} returned an incorrect "
                "number of \"\n",
                "        return result[:n]\n        raise RuntimeError(f\"function {self.name()} "
                "returned an incorrect number of \"\n")),
    # --------------------------------------------------------------- chapter 9: softplus
    Version("naive softplus without the linear tail: log(1 + exp(x)) overflows", 9,
            "overflows", _FORWARD, "ctx.save_for_backward(a)\n" + _FORWARD_HEAD + """\
with np.errstate(over="ignore"):
    return out(xp.log(1 + xp.exp(bx)) / beta, a._device, x.dtype)
"""),
    Version("softplus without beta", 9, "beta=2", _FORWARD,
            "ctx.save_for_backward(a)\n" + _FORWARD_HEAD + """\
soft = xp.maximum(x, 0) + xp.log1p(xp.exp(-xp.abs(x)))
return out(xp.where(bx > threshold, x, soft), a._device, x.dtype)
"""),
    Version("softplus without its linear tail (threshold ignored)", 9, "threshold=0.8",
            _FORWARD, "ctx.save_for_backward(a)\n" + _FORWARD_HEAD + """\
soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
return out(soft, a._device, x.dtype)
"""),
    Version("softplus saves a copy of its input", 9, "not a copy", _FORWARD,
            "ctx.save_for_backward(a.clone())\n" + _FORWARD_HEAD + _FORWARD_TAIL),
    Version("softplus saves its output (as exp does)", 9, "softplus saved its output",
            _FORWARD, _FORWARD_HEAD + """\
soft = (xp.maximum(bx, 0) + xp.log1p(xp.exp(-xp.abs(bx)))) / beta
y = out(xp.where(bx > threshold, x, soft), a._device, x.dtype)
ctx.save_for_backward(y)
return y
"""),
    Version("backward ignores the gradient arriving from above", 9, "arriving from above",
            _BACKWARD, """\
a, = ctx.saved_tensors
ba = a * ctx.beta
return ba.sigmoid().where(ba <= ctx.threshold, 1.0)
"""),
    Version("backward: sigmoid(x) instead of sigmoid(beta x)", 9, "gradcheck", _BACKWARD, """\
a, = ctx.saved_tensors
ba = a * ctx.beta
return (g * a.sigmoid()).where(ba <= ctx.threshold, g)
"""),
    Version("backward without the linear tail", 9, "linear tail", _BACKWARD, """\
a, = ctx.saved_tensors
return g * (a * ctx.beta).sigmoid()
"""),
]

RIGHT = [
    Version("the check with the counter object, and >", 9, "", _CHECK, """\
counter = self.counter if self.tensor is None else self.tensor._vc
now = 0 if counter is None else counter.value
if now > self.version:             # versions only grow
    raise self._modified_error(node, now)
"""),
    Version("the check with current_version", 9, "", _CHECK, """\
if self.current_version != self.version:
    raise self._modified_error(node, self.current_version)
"""),
    Version("softplus's forward with tensor operations, as the notebook", 9, "", _FORWARD, """\
ctx.save_for_backward(a)
ctx.beta, ctx.threshold = beta, threshold
ba = a * beta
soft = (ba.clamp(min=0) + (1 + (-ba.abs()).exp()).log()) / beta
return soft.where(ba <= threshold, a)
"""),
    Version("softplus's backward with a mask", 9, "", _BACKWARD, """\
x, = ctx.saved_tensors
bx = x * ctx.beta
tail = bx > ctx.threshold
return g * (bx.sigmoid() * ~tail + tail)
"""),
]
