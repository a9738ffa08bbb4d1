"""Chapter 14 (gradcheck): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_JAC = "the Jacobian from one backward per output element"
_CMP = "the comparison of the two Jacobians"

WRONG = [
    # ------------------------------------------------- analytical_jacobian: one VJP per element
    Version("one backward for all output elements (ones: the sum)", 14, "sum over the outputs",
            _JAC, """\
g = np.ones(o._data.size, dtype=o._data.dtype)
g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
grads = grad(o, diff, g_t, retain_graph=True, allow_unused=True)
it = iter(grads)
for i, x in enumerate(inputs):
    if result[i] is None:
        continue
    gi = next(it)
    if gi is not None:
        result[i][k][:, r] = gi.numpy(force=True).reshape(-1)
"""),
    Version("rows and columns swapped", 14, "column", _JAC, """\
g = np.zeros(o._data.size, dtype=o._data.dtype)
g[r] = 1
g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
grads = grad(o, diff, g_t, retain_graph=True, allow_unused=True)
it = iter(grads)
for i, x in enumerate(inputs):
    if result[i] is None:
        continue
    gi = next(it)
    if gi is not None:
        result[i][k][r, :] = gi.numpy(force=True).reshape(-1)
"""),
    Version("every input gets the first input's gradient", 14, "its own", _JAC, """\
g = np.zeros(o._data.size, dtype=o._data.dtype)
g[r] = 1
g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
grads = grad(o, diff, g_t, retain_graph=True, allow_unused=True)
for i, x in enumerate(inputs):
    if result[i] is None or grads[0] is None:
        continue
    result[i][k][:, r] = grads[0].numpy(force=True).reshape(-1)
"""),
    Version("no retain_graph: the graph is freed after the first element", 14, "retain_graph",
            _JAC, """\
g = np.zeros(o._data.size, dtype=o._data.dtype)
g[r] = 1
g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
grads = grad(o, diff, g_t, allow_unused=True)
it = iter(grads)
for i, x in enumerate(inputs):
    if result[i] is None:
        continue
    gi = next(it)
    if gi is not None:
        result[i][k][:, r] = gi.numpy(force=True).reshape(-1)
"""),
    Version("backward() into .grad, never cleared between elements", 14, "accumulated", _JAC,
            """\
g = np.zeros(o._data.size, dtype=o._data.dtype)
g[r] = 1
g_t = Tensor._make(o.xp.asarray(g.reshape(o._data.shape)), o.device)
o.backward(g_t, retain_graph=True)
for i, x in enumerate(inputs):
    if result[i] is not None and x.grad is not None:
        result[i][k][:, r] = x.grad.numpy(force=True).reshape(-1)
"""),
    # ------------------------------------------------------------- gradcheck's comparison
    Version("the comparison without rtol", 14, "rtol missing", _CMP, """\
ok = bool(np.all(np.abs(a - n) <= atol))
"""),
    Version("the comparison without atol", 14, "atol missing", _CMP, """\
ok = bool(np.all(np.abs(a - n) <= rtol * np.abs(n)))
"""),
    Version("the comparison without abs", 14, "absolute value of the difference", _CMP, """\
ok = bool(np.all(a - n <= atol + rtol * np.abs(n)))
"""),
    Version("the comparison with any instead of all", 14, "all, not any", _CMP, """\
ok = bool(np.any(np.abs(a - n) <= atol + rtol * np.abs(n)))
"""),
    Version("the comparison of the averages", 14, "not an average", _CMP, """\
ok = bool(np.mean(np.abs(a - n)) <= atol + rtol * np.mean(np.abs(n)))
"""),
    Version("the default tolerances, not the ones passed in", 14, "passed in", _CMP,
            """\
ok = bool(np.allclose(a, n))
"""),
]

RIGHT = [
    Version("one grad call per input, and zeros_like", 14, "", _JAC, """\
e = np.zeros(o._data.shape, dtype=o._data.dtype)
e.reshape(-1)[r] = 1
e_t = Tensor._make(o.xp.asarray(e), o.device)
for i, x in enumerate(inputs):
    if result[i] is None:
        continue
    gi, = grad(o, x, e_t, retain_graph=True, allow_unused=True)
    if gi is not None:
        result[i][k][:, r] = np.asarray(gi.numpy(force=True)).ravel()
"""),
    Version("the comparison as the largest excess over rtol |n|", 14, "", _CMP, """\
ok = float(np.max(np.abs(a - n) - rtol * np.abs(n), initial=-np.inf)) <= atol
"""),
]
