"""Chapter 7 (hooks): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_HANDLE = "the handle (the hook kept under an id of its own)"
_REMOVE = "handle.remove()"
_REGISTER = "register_hook (a leaf keeps its hooks, a node its outputs')"
_RETAIN = "retain_grad"
_NODE = "the hooks of a node's outputs, then retain_grad's .grad"
_LEAF = "a leaf's hooks (before its .grad)"

_NO_GRAD = """\
if not self._requires_grad:
    raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
"""

_RETAINED = """\
for nr, ref in (self._retained or {}).items():
    t = ref()
    if t is not None and grads[nr] is not None:
        _accumulate_into(t, grads[nr])
"""

_HOOKS = """\
for nr, hooks in (self._tensor_hooks or {}).items():
    for hook in list(hooks.values()):
        if grads[nr] is not None:
            new = hook(grads[nr])
            if new is not None:
                grads[nr] = new
"""

WRONG = [
    # ------------------------------------------------------------- chapter 7: the handle
    Version("ids from len(hooks): a new hook overwrites one", 7, "lost or overwritten", _HANDLE,
            """\
self.id = len(hooks)
self._hooks = hooks
hooks[self.id] = hook
"""),
    Version("hooks keyed by id(hook): the same function twice is one hook", 7, "such keys collide",
            _HANDLE, """\
self.id = id(hook)
self._hooks = hooks
hooks[self.id] = hook
"""),
    Version("ids from id(handle): a dropped handle's id is reused", 7, "such keys collide",
            _HANDLE, """\
self.id = id(self)
self._hooks = hooks
hooks[self.id] = hook
"""),
    Version("the hook kept under another key than handle.id", 7, "under handle.id", replace=[
        ("minigrad/autograd/hooks.py", "        hooks[self.id] = hook\n",
         "        self.key = (\"hook\", self.id)\n        hooks[self.key] = hook\n"),
        ("minigrad/autograd/hooks.py", "self._hooks.pop(self.id, None)",
         "self._hooks.pop(self.key, None)")]),
    Version("remove() clears every hook", 7, "its own hook only", _REMOVE, """\
self._hooks.clear()
"""),
    Version("remove() takes out the last hook registered", 7, "its own hook only", _REMOVE, """\
if self._hooks:
    self._hooks.popitem()
"""),
    Version("remove() raises the second time", 7, "it does nothing", _REMOVE, """\
del self._hooks[self.id]
"""),
    # ------------------------------------------------------- chapter 7: register_hook
    Version("register_hook without the requires_grad check", 7, "doesn't require grad worked",
            _REGISTER, """\
if self.grad_fn is None:
    if self._hooks is None:
        self._hooks = {}
    return self._RemovableHandle(self._hooks, hook)
return self.grad_fn._register_tensor_hook(self._output_nr, hook)
"""),
    Version("register_hook's error in other words", 7, "not PyTorch's", _REGISTER, """\
if not self._requires_grad:
    raise RuntimeError("tensor does not require grad: no hook can be registered")
if self.grad_fn is None:
    if self._hooks is None:
        self._hooks = {}
    return self._RemovableHandle(self._hooks, hook)
return self.grad_fn._register_tensor_hook(self._output_nr, hook)
"""),
    Version("a non-leaf's hook always on output 0", 7, "(register_hook: the tensor's _output_nr)",
            _REGISTER,
            _NO_GRAD + """\
if self.grad_fn is None:
    if self._hooks is None:
        self._hooks = {}
    return self._RemovableHandle(self._hooks, hook)
return self.grad_fn._register_tensor_hook(0, hook)
"""),
    Version("a leaf's hooks on its AccumulateGrad node", 7, "kept on the leaf, v._hooks",
            _REGISTER, _NO_GRAD + """\
if self.grad_fn is None:
    return self._grad_accumulator()._register_tensor_hook(0, hook)
return self.grad_fn._register_tensor_hook(self._output_nr, hook)
"""),
    # --------------------------------------------------------- chapter 7: running the hooks
    Version("a hook's result ignored", 7, "write it back into grads[nr]", _NODE, """\
for nr, hooks in (self._tensor_hooks or {}).items():
    for hook in list(hooks.values()):
        if grads[nr] is not None:
            hook(grads[nr])
""" + _RETAINED),
    Version("None returned by a hook replaces the gradient", 7, "Only a returned tensor", _NODE,
            """\
for nr, hooks in (self._tensor_hooks or {}).items():
    for hook in list(hooks.values()):
        if grads[nr] is not None:
            grads[nr] = hook(grads[nr])
""" + _RETAINED),
    Version("hooks not chained: each gets the gradient that arrived", 7,
            "what the previous one returned", _NODE, """\
for nr, hooks in (self._tensor_hooks or {}).items():
    arrived = grads[nr]
    for hook in list(hooks.values()):
        if arrived is not None:
            new = hook(arrived)
            if new is not None:
                grads[nr] = new
""" + _RETAINED),
    Version("every output's hooks run on output 0", 7, "on that output's gradient, grads[nr]",
            _NODE,
            """\
for nr, hooks in (self._tensor_hooks or {}).items():
    for hook in list(hooks.values()):
        if grads[0] is not None:
            new = hook(grads[0])
            if new is not None:
                grads[0] = new
""" + _RETAINED),
    Version("the hooks looped over while a hook removes itself", 7, "loop over a copy", _NODE,
            """\
for nr, hooks in (self._tensor_hooks or {}).items():
    for hook in hooks.values():
        if grads[nr] is not None:
            new = hook(grads[nr])
            if new is not None:
                grads[nr] = new
""" + _RETAINED),
    Version("retain_grad's .grad stored before the hooks ran", 7, "runs last, after every hook",
            _NODE, _RETAINED + _HOOKS),
    Version("retain_grad's .grad replaced at each backward", 7, "accumulates over backward",
            _NODE, _HOOKS + """\
for nr, ref in (self._retained or {}).items():
    t = ref()
    if t is not None and grads[nr] is not None:
        t._grad = grads[nr]
"""),
    Version("retain_grad's .grad is the gradient itself, added into in place", 7,
            "must be a copy of the first gradient", _NODE, _HOOKS + """\
for nr, ref in (self._retained or {}).items():
    t = ref()
    if t is not None and grads[nr] is not None:
        if t._grad is None:
            t._grad = grads[nr]
        else:
            t._grad._data += grads[nr]._data
"""),
    Version("a leaf's hook result ignored", 7, "AccumulateGrad adds what the hooks returned",
            _LEAF, """\
for hook in list(hooks.values()):
    if grads[0] is not None:
        hook(grads[0])
"""),
    Version("a leaf's hooks run after accumulation (from apply, outside the regions)", 7,
            "before the gradient is added into .grad", replace=[
                ("minigrad/autograd/graph.py",
                 "            _accumulate_into(self.variable, g)\n"
                 "        return ()\n",
                 "            _accumulate_into(self.variable, g)\n"
                 "            self._leaf_hooks([g])  # .grad first, hooks after\n"
                 "        return ()\n"),
                ("minigrad/autograd/graph.py",
                 "    def _run_tensor_hooks(self, grads: list) -> None:\n"
                 "        \"\"\"The leaf's hooks",
                 "    def _run_tensor_hooks(self, grads: list) -> None:\n"
                 "        pass  # the engine's call, before apply: nothing\n\n"
                 "    def _leaf_hooks(self, grads: list) -> None:\n"
                 "        \"\"\"The leaf's hooks"),
            ]),
    # ------------------------------------------------------------ chapter 7: retain_grad
    Version("retain_grad as a hook registered when called", 7, "runs last, after every hook",
            _RETAIN, """\
if not self._requires_grad:
    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
if self.grad_fn is None:
    return
self._retains_grad = True
ref = weakref.ref(self)

def keep(g):
    from minigrad.autograd.graph import _accumulate_into
    t = ref()
    if t is not None:
        _accumulate_into(t, g)

self.register_hook(keep)
"""),
    Version("retain_grad on a leaf reaches for its grad_fn", 7,
            "retain_grad on a leaf does nothing", _RETAIN, """\
if not self._requires_grad:
    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
self._retains_grad = True
self.grad_fn._retain_grad(self._output_nr, weakref.ref(self))
"""),
    Version("retain_grad on a leaf sets retains_grad", 7, "PyTorch says False", _RETAIN, """\
if not self._requires_grad:
    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
if self._retains_grad:
    return
self._retains_grad = True
if self.grad_fn is not None:
    self.grad_fn._retain_grad(self._output_nr, weakref.ref(self))
"""),
    Version("retain_grad silent on a tensor that doesn't require grad", 7,
            "doesn't require grad worked", _RETAIN, """\
if self.grad_fn is None or self._retains_grad:
    return
self._retains_grad = True
self.grad_fn._retain_grad(self._output_nr, weakref.ref(self))
"""),
    Version("the node holds the retained tensor itself (a cycle)", 7, "weak reference", _RETAIN,
            """\
if not self._requires_grad:
    raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
if self.grad_fn is None or self._retains_grad:
    return
self._retains_grad = True
self.grad_fn._retain_grad(self._output_nr, lambda: self)
"""),
]

RIGHT = [
    Version("a fresh object as the handle's key", 7, "", _HANDLE, """\
self.id = object()          # unique for as long as the hook is kept under it
self._hooks = hooks
hooks[self.id] = hook
"""),
    Version("the hooks chained with a local, retained .grad out of place (PyTorch's way)", 7, "",
            _NODE, """\
by_output = self._tensor_hooks or {}
for nr in list(by_output):
    for hook in tuple(by_output[nr].values()):
        g = grads[nr]
        if g is None:
            break
        result = hook(g)
        if result is not None:
            grads[nr] = result
for nr, ref in list((self._retained or {}).items()):
    t, g = ref(), grads[nr]
    if t is None or g is None:
        continue
    t._grad = g.clone() if t._grad is None else t._grad + g
"""),
    Version("a leaf's hooks chained with a local", 7, "", _LEAF, """\
g = grads[0]
for hook in [*hooks.values()]:
    if g is None:
        break
    out = hook(g)
    g = g if out is None else out
grads[0] = g
"""),
]
