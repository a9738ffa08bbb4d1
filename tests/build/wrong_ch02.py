"""Chapter 2 (the numerical derivative): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_CENTRAL = "central differences, one input element at a time"

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
]

RIGHT = [
]
