"""Second order: a Hessian-vector product through ``create_graph=True``.

``f(x) = sum(tanh(W x))`` with W of n x n (n = 256 and 1024), x and v of n, float32:

    g,  = autograd.grad(f, x, create_graph=True)   # the gradient, with a graph of its own
    hv, = autograd.grad(dot(g, v), x)              # H v, by differentiating g . v

This runs the backward formulas themselves under recording, so it measures the double-backward
path (Tensor-code backward formulas building a second graph) that first-order benchmarks never
touch. Contenders: minigrad; PyTorch (in a process of its own, as in mlp_step.py: its threads
would spin against NumPy's BLAS threads in a shared one); DeZero when installed (its own
``backward(create_graph=True)``; it has no ``requires_grad`` and so also differentiates with
respect to W, in float64 where NumPy 2 promotes its constants, which is why it is so slow at
1024); and the product written by hand in NumPy, the floor:
``t = tanh(W x)``, ``g = Wᵀ(1 - t²)``, ``H v = Wᵀ(-2 t (1 - t²) ⊙ W v)``.

    python -m benchmarks hvp [--quick] [--json PATH]
"""
from __future__ import annotations

import numpy as np

from . import timing

SIZES = (256, 1024)
# Contenders take turns of BURST runs each, the median over all runs: at 1024 x 1024 one
# contender's arrays (DeZero's float64 gradient of W above all) evict the next one's W from
# the cache, and turns of one run would time them all with a cold cache.
BURST = 5
ROUNDS = 4  # turns of this process and PyTorch's (see run)


def inputs(n: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(n)
    W = (rng.standard_normal((n, n)) / np.sqrt(n)).astype(np.float32)
    return W, rng.standard_normal(n).astype(np.float32), rng.standard_normal(n).astype(np.float32)


# ------------------------------------------------------------------------------ contenders
def numpy_hvp(W, x, v) -> np.ndarray:
    t = np.tanh(W @ x)
    s = 1 - t * t                 # tanh' = 1 - tanh^2
    t.sum(), W.T @ s              # f and its gradient, which the engines compute too
    return W.T @ (-2 * t * s * (W @ v))  # tanh'' = -2 tanh (1 - tanh^2)


def engine_hvp(lib, W, x, v):
    """minigrad or PyTorch: the same code."""
    W, v = lib.from_numpy(W), lib.from_numpy(v)

    def hvp():
        xt = lib.tensor(x, requires_grad=True)
        f = lib.tanh(W @ xt).sum()
        g, = lib.autograd.grad(f, xt, create_graph=True)
        hv, = lib.autograd.grad(lib.dot(g, v), xt)
        return hv.detach().numpy()
    return hvp


def dezero_hvp(dz, W, x, v):
    F, Wv, vc = dz.functions, dz.Variable(W), v[:, None]

    def hvp():
        # DeZero differentiates w.r.t. every Variable, W included (it has no requires_grad);
        # W.grad, with create_graph, would chain each call's graph to the last: clear it.
        Wv.cleargrad()
        xv = dz.Variable(x[:, None])  # DeZero's matmul wants 2-d
        f = F.sum(F.tanh(F.matmul(Wv, xv)))
        f.backward(create_graph=True)
        g = xv.grad
        xv.cleargrad()
        F.sum(g * vc).backward()
        return xv.grad.data[:, 0]
    return hvp


def contenders(n: int) -> dict:
    """The ones timed in this process (all but PyTorch)."""
    import minigrad as mg
    W, x, v = inputs(n)
    out = {"numpy (by hand)": lambda: numpy_hvp(W, x, v), "minigrad": engine_hvp(mg, W, x, v)}
    dz = timing.optional("dezero")
    if dz:
        out["dezero"] = dezero_hvp(dz, W, x, v)
    return out


def pytorch_runs(n: int, warmup: int, repeat: int) -> list[dict]:
    """Run in a process of its own: PyTorch's timed runs."""
    trial = timing.stopwatch(engine_hvp(timing.optional("torch"), *inputs(n)))
    return timing.timed_runs({"pytorch": trial}, warmup, repeat, BURST)["pytorch"]


def run(quick: bool = False) -> dict:
    warmup, repeat = (4, 8) if quick else (20, 60)  # repeat x BURST runs each
    timing.header("hvp: Hessian-vector product of sum(tanh(W x)) via create_graph=True",
                  f"µs per product; median of {repeat * BURST} ({repeat} turns of {BURST}) "
                  f"after {warmup} warm-up runs; PyTorch in its own process, "
                  f"in {ROUNDS} turns with this one")
    has_torch = timing.optional("torch") is not None
    rows, results, targets = [], {}, []
    for n in SIZES:
        cont = contenders(n)
        hv = {name: fn() for name, fn in cont.items()}
        ref = hv["numpy (by hand)"]
        err = {name: float(np.abs(h - ref).max() / np.abs(ref).max()) for name, h in hv.items()}
        # PyTorch runs in a process of its own: to keep the machine's drift (clock speed,
        # other load) out of the ratio, the processes take turns with this one, ROUNDS times.
        trials = {name: timing.stopwatch(fn) for name, fn in cont.items()}
        runs: dict[str, list] = {name: [] for name in [*cont, "pytorch"]}
        for _ in range(ROUNDS):
            for name, r in timing.timed_runs(trials, warmup, repeat // ROUNDS, BURST).items():
                runs[name] += r
            if has_torch:
                runs["pytorch"] += timing.isolated("hvp", "pytorch_runs", n, warmup,
                                                   repeat // ROUNDS) or []
        us = {name: r["total"] * 1e6 if r else None
              for name, r in timing.medians({k: v for k, v in runs.items() if v}).items()}
        if has_torch:
            us.setdefault("pytorch", None)
        base, tt = us["numpy (by hand)"], us.get("pytorch")
        for name, u in us.items():
            rows.append([name, f"{n}x{n}", u, timing.ratio(u, base), timing.ratio(u, tt),
                         f"{err[name]:.0e}" if name in err else "-"])
        results[n] = {"us": us, "relative_error": err}
        r = timing.ratio(us["minigrad"], tt)
        targets.append(timing.target(
            f"HVP (W {n}x{n}) <= 1.5x PyTorch",
            f"{us['minigrad']:.0f} vs {tt:.0f} µs = {r:.2f}x" if r else
            f"{us['minigrad']:.0f} µs", None if r is None else r <= 1.5))
    timing.table(["contender", "W", "µs", "x numpy", "x pytorch", "rel. error"], rows)
    return {"results": {str(k): v for k, v in results.items()}, "targets": targets}


def main(argv: list[str] | None = None) -> int:
    return timing.cli(run, "hvp", __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
