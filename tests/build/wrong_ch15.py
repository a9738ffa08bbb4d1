"""Chapter 15 (on the GPU): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_COPY = "copying an array between the host and a GPU"
_BACK = "the backward of to (the gradient back where the input was)"

WRONG = [
    # ------------------------------------------------------------------- to_device's copy
    Version("GPU to host with np.asarray (CuPy refuses it)", 15, ".get()", _COPY, """\
if dev.type == "cpu":
    return np.asarray(a)
cp = _cuda.require()
with cp.cuda.Device(dev.index):
    return cp.asarray(a)
"""),
    Version("host to GPU: the NumPy array returned as it is", 15, "not a GPU array", _COPY, """\
if dev.type == "cpu":
    return a.get()
return a
"""),
    Version("every copy goes onto the GPU, even to the cpu", 15, "still on the GPU", _COPY, """\
cp = _cuda.require()
with cp.cuda.Device(dev.index or 0):
    return cp.asarray(a)
"""),
    # ------------------------------------------------------------------ ToCopy.backward
    Version("the gradient left where it arrived", 15, "move the gradient back", _BACK, """\
return g, None, None
"""),
    Version("the gradient always sent to the cpu", 15, "not always the cpu", _BACK, """\
return g.to(device="cpu", dtype=dtype), None, None
"""),
    Version("the device moved back, the dtype forgotten", 15, "move the dtype back", _BACK, """\
return g.to(device=dev), None, None
"""),
    Version("the gradient's array copied by hand (cuts the graph)", 15, "cuts the graph", _BACK,
            """\
arr = backend.to_device(g._data, dev).astype(dtype.np)
return Tensor._make(arr, dev), None, None
"""),
    Version("only the gradient, not one per argument of forward", 15, "one gradient per argument",
            _BACK, """\
return (g.to(device=dev, dtype=dtype),)
"""),
]

RIGHT = [
    Version("cupy.asnumpy, and a copy made on the device", 15, "", _COPY, """\
cp = _cuda.require()
if dev.type == "cpu":
    return cp.asnumpy(a)
with cp.cuda.Device(dev.index):
    return cp.asarray(a)
"""),
    Version("the device first, then the dtype", 15, "", _BACK, """\
return g.to(dev).to(dtype), None, None
"""),
]
