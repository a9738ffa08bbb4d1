"""Chapter 6 (controlling the graph): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_ENTER = "entering a grad mode (save the mode in force, switch)"
_EXIT = "leaving a grad mode (restore the saved mode)"
_CALL = "a grad mode as a decorator (switched around each call)"
_DETACH = "detach (the same memory and version counter, no history)"

_MODE = "minigrad/autograd/grad_mode.py"
# The solutions of __enter__ and __exit__, as the solved edition has them (for versions that
# change both: ``replace``).
_ENTER_BODY = """\
        self._prev.append(state.enabled)
        state.enabled = self._enter_value
"""
_EXIT_BODY = """\
        state.enabled = self._prev.pop()
"""
_CALL_BODY = """\
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self:
                return fn(*args, **kwargs)
        return wrapper
"""

WRONG = [
    # ------------------------------------------------------- chapter 6: entering and leaving
    Version("leaving turns recording on (not the saved mode)", 6, "not True", _EXIT, """\
self._prev.pop()
state.enabled = True
"""),
    Version("leaving sets the opposite of the switch's mode", 6, "restore the mode saved on entry",
          _EXIT, """\
self._prev.pop()
state.enabled = not self._enter_value
"""),
    Version("entering always switches off", 6, "not always to False", _ENTER, """\
self._prev.append(state.enabled)
state.enabled = False
"""),
    Version("entering flips the mode in force", 6, "doesn't flip the mode", _ENTER, """\
self._prev.append(state.enabled)
state.enabled = not state.enabled
"""),
    Version("the mode chosen by the kind of switch: set_grad_enabled(False) ignored", 6,
          "inside `with set_grad_enabled(False):` recording is on", _ENTER, """\
self._prev.append(state.enabled)
state.enabled = not isinstance(self, no_grad)
"""),
    Version("one saved mode for every switch (a class attribute)", 6, "keep it per switch",
          replace=[(_MODE, _ENTER_BODY, """\
        _Mode._saved = state.enabled
        state.enabled = self._enter_value
"""), (_MODE, _EXIT_BODY, """\
        state.enabled = _Mode._saved
""")]),
    Version("one saved mode per switch object, and the decorator enters the object itself", 6,
          "Keep them on a stack", replace=[(_MODE, _ENTER_BODY, """\
        self.prev = state.enabled
        state.enabled = self._enter_value
"""), (_MODE, _EXIT_BODY, """\
        state.enabled = self.prev
""")]),
    Version("leaving restores only when the block succeeded", 6, "must restore the mode then too",
          _EXIT, """\
if exc[0] is None:
    state.enabled = self._prev.pop()
"""),
    Version("leaving swallows the exception (returns True)", 6, "swallows the exception", _EXIT,
          """\
state.enabled = self._prev.pop()
return True
"""),
    Version("set_grad_enabled(False) as a plain call changes nothing (it waits for `with`)", 6,
          "called as a plain statement, left recording on", replace=(_MODE, """\
        self._before_call = state.enabled  # the plain call switches at once, as in PyTorch
        state.enabled = self._enter_value
""", """\
        self._before_call = state.enabled
""")),
    # ------------------------------------------------------------- chapter 6: the decorator
    Version("decorator: not restored when the function raises", 6,
          "even when the function raises", _CALL, """\
@functools.wraps(fn)
def wrapper(*args, **kwargs):
    self.__enter__()
    result = fn(*args, **kwargs)
    self.__exit__(None, None, None)
    return result
return wrapper
"""),
    Version("decorator: switched once, when decorating", 6, "each time the function is called",
          _CALL, """\
self.__enter__()
@functools.wraps(fn)
def wrapper(*args, **kwargs):
    return fn(*args, **kwargs)
return wrapper
"""),
    Version("decorator: the return value lost", 6, "must return what the function returns",
          _CALL, """\
@functools.wraps(fn)
def wrapper(*args, **kwargs):
    with self:
        fn(*args, **kwargs)
return wrapper
"""),
    Version("decorator: keyword arguments not passed on", 6, "*args and **kwargs", _CALL, """\
@functools.wraps(fn)
def wrapper(*args):
    with self:
        return fn(*args)
return wrapper
"""),
    Version("decorator: the function's name lost (no functools.wraps)", 6, "functools.wraps",
          _CALL, """\
def wrapper(*args, **kwargs):
    with self:
        return fn(*args, **kwargs)
return wrapper
"""),
    # ----------------------------------------------------------------- chapter 6: detach
    Version("detach copies the data", 6, "detach() copied the data", _DETACH, """\
t = Tensor._make(self._data.copy(), self._device)
t._vc = self._counter()
return t
"""),
    Version("detach rebuilds the tensor from its values (float32)", 6, "without converting it",
          _DETACH, """\
t = Tensor(self._data)
t._vc = self._counter()
return t
"""),
    Version("detach keeps requires_grad", 6, "the new tensor is a constant", _DETACH, """\
t = Tensor._make(self._data, self._device, self._requires_grad)
t._vc = self._counter()
return t
"""),
    Version("detach keeps the grad_fn", 6, "has a grad_fn", _DETACH, """\
t = Tensor._make(self._data, self._device, self._requires_grad)
t.grad_fn, t._output_nr = self.grad_fn, self._output_nr
t._vc = self._counter()
return t
"""),
    Version("detach cuts the tensor itself (that is detach_)", 6, "must return a new tensor",
          _DETACH, """\
self.grad_fn = None
self._requires_grad = False
return self
"""),
    Version("detach with a counter of its own (as .data)", 6, "share the version counter",
          _DETACH, """\
return Tensor._make(self._data, self._device)
"""),
    Version("detach shares _vc, which may not be made yet", 6, "t._counter()", _DETACH, """\
t = Tensor._make(self._data, self._device)
t._vc = self._vc
return t
"""),
    Version("detach copies the version's value", 6, "share the version counter", _DETACH, """\
t = Tensor._make(self._data, self._device)
t._vc = Version()
t._vc.value = self._version
return t
"""),
]

RIGHT = [
    Version("PyTorch's way: one saved mode per object, a fresh copy for each call", 6, "",
          replace=[(_MODE, _ENTER_BODY, """\
        self.prev = state.enabled
        state.enabled = self._enter_value
"""), (_MODE, _EXIT_BODY, """\
        state.enabled = self.prev
        return False
"""), (_MODE, _CALL_BODY, """\
        import copy

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            mode = copy.copy(self)
            mode.__enter__()
            try:
                return fn(*args, **kwargs)
            finally:
                mode.__exit__(None, None, None)
        return wrapper
""")]),
    Version("detach from .data, with the counter shared (not marked a view)", 6, "", _DETACH, """\
t = self.data
t._vc = self._counter()
return t
"""),
]
