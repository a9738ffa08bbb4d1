"""Per-op overhead: what an engine costs per operation when the arithmetic is nearly free.

A chain of 1,000 elementwise ops on a 16-element float32 tensor that requires grad, cycling
``y * 1.5``, ``y + 0.1``, ``tanh(y)``, then ``y.sum().backward()``. With 16 numbers the array
work is nothing, so the time is the engine's own: creating tensors and graph nodes, dispatch,
version counters, the backward loop. That is what decides whether a course's loops over small
tensors run in seconds. Reported in µs per op (time / 1,000) for the forward pass (the chain
and the sum), the backward pass, and both, for minigrad, PyTorch and DeZero when installed, and
the same chain in plain NumPy with its backward written by hand (the floor: no engine at all).

    python -m benchmarks overhead [--quick] [--json PATH]
"""
from __future__ import annotations

import time

import numpy as np

from . import timing

N_OPS = 1000
SIZE = 16
MUL, ADD = 1.5, 0.1


def _x0() -> np.ndarray:
    return np.random.default_rng(0).standard_normal(SIZE).astype(np.float32)


def chain(y, tanh, mul=MUL, add=ADD):
    """The chain itself, the same code for every engine."""
    for i in range(N_OPS):
        k = i % 3
        y = y * mul if k == 0 else y + add if k == 1 else tanh(y)
    return y


# ------------------------------------------------------------------------------ contenders
def numpy_trial() -> dict:
    """The floor: the chain in NumPy, keeping what the backward needs (tanh's outputs), and
    the backward loop by hand."""
    x = _x0()
    t0 = time.perf_counter()
    saved, y = [], x
    for i in range(N_OPS):
        k = i % 3
        if k == 0:
            y = y * np.float32(MUL)
        elif k == 1:
            y = y + np.float32(ADD)
        else:
            y = np.tanh(y)
        saved.append(y)
    y.sum()
    t1 = time.perf_counter()
    g = np.ones_like(x)  # d sum / dy
    for i in reversed(range(N_OPS)):
        k = i % 3
        if k == 0:
            g = g * np.float32(MUL)       # d(y*c)/dy = c
        elif k == 2:
            t = saved[i]
            g = g * (1 - t * t)           # d tanh(y)/dy = 1 - tanh(y)^2
        # d(y+c)/dy = 1: nothing to do
    t2 = time.perf_counter()
    numpy_trial.grad = g
    return {"forward": t1 - t0, "backward": t2 - t1, "total": t2 - t0}


def engine_trial(make_leaf, tanh, sum_, mul=MUL, add=ADD):
    """A trial for an engine with PyTorch's interface: leaf, chain, sum, backward."""
    def trial() -> dict:
        x = make_leaf()
        t0 = time.perf_counter()
        loss = sum_(chain(x, tanh, mul, add))
        t1 = time.perf_counter()
        loss.backward()
        t2 = time.perf_counter()
        trial.grad = x.grad
        return {"forward": t1 - t0, "backward": t2 - t1, "total": t2 - t0}
    return trial


def contenders() -> dict:
    import minigrad as mg
    trials = {"numpy (by hand)": numpy_trial,
              "minigrad": engine_trial(lambda: mg.tensor(_x0(), requires_grad=True),
                                       mg.tanh, lambda y: y.sum())}
    torch = timing.optional("torch")
    if torch:
        trials["pytorch"] = engine_trial(lambda: torch.tensor(_x0(), requires_grad=True),
                                         torch.tanh, lambda y: y.sum())
    dz = timing.optional("dezero")
    if dz:
        # NumPy scalars keep DeZero's forward in float32 (a Python float would not).
        trials["dezero"] = engine_trial(lambda: dz.Variable(_x0()), dz.functions.tanh,
                                        dz.functions.sum, np.float32(MUL), np.float32(ADD))
    return trials


def run(quick: bool = False) -> dict:
    warmup, repeat = (2, 10) if quick else (5, 40)
    timing.header("overhead: 1,000 elementwise ops (*, +, tanh) on 16 float32 numbers, "
                  "then sum().backward()",
                  f"µs per op; median of {repeat} after {warmup} warm-up runs, contenders in "
                  "turns")
    trials = contenders()
    res = timing.interleaved(trials, warmup, repeat)
    us = {name: {p: s / N_OPS * 1e6 for p, s in r.items()} for name, r in res.items()}
    err = float(np.abs(np.asarray(trials["minigrad"].grad.numpy()) - numpy_trial.grad).max())
    print(f"max |minigrad x.grad - numpy's| = {err:.1e}")
    base, torch_us = us["numpy (by hand)"]["total"], us.get("pytorch", {}).get("total")
    timing.table(["contender", "fwd µs/op", "bwd µs/op", "fwd+bwd µs/op", "x numpy",
                  "x pytorch"],
                 [[name, u["forward"], u["backward"], u["total"], u["total"] / base,
                   timing.ratio(u["total"], torch_us)] for name, u in us.items()])
    mine = us["minigrad"]["total"]
    r = timing.ratio(mine, torch_us)
    return {"us_per_op": us, "max_grad_error": err, "targets": [timing.target(
        "per-op overhead (fwd+bwd) <= PyTorch's",
        f"{mine:.1f} vs {torch_us:.1f} µs/op = {r:.2f}x" if r else f"{mine:.1f} µs/op",
        None if r is None else r <= 1.0)]}


def main(argv: list[str] | None = None) -> int:
    return timing.cli(run, "overhead", __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
