"""One SGD training step of a 784-256-256-10 ReLU MLP (float32): forward, cross-entropy,
backward, update. minigrad against the same step written by hand in NumPy (the floor: the same
matrix products on the same BLAS, no autograd), and PyTorch when it is installed.

    python -m benchmarks mlp                  # batch 128 and 1024, medians after warm-up
    python -m benchmarks mlp --quick --json out.json
    python -m benchmarks mlp --profile 128    # where minigrad's time goes (cProfile)
    OPENBLAS_NUM_THREADS=1 python -m benchmarks mlp     # one BLAS thread (steadier on a busy box)

The ratio column is time / NumPy's time: 1.00 means no overhead at all.

How it runs: NumPy and minigrad in this process, one step of each in turn; PyTorch in a process
of its own (its OpenMP threads would spin against NumPy's BLAS threads). On some processors this
machine sets OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE (for old OpenBLAS builds), which slow a
current NumPy's matrix products; when either is set, this benchmark alone re-runs in a fresh
process without both (nothing else is changed), and the BLAS line printed says which kernel then
ran (threadpoolctl, when installed) and whether the variables were set.
"""
from __future__ import annotations

import argparse
import cProfile
import importlib.util
import os
import pstats
import statistics
import time

import numpy as np

from . import timing

SIZES = (784, 256, 256, 10)
LR = 0.01
# Contenders take turns of BURST steps each, the median over all steps. With turns of one step,
# each step would run on a heap the other contender just rearranged: glibc hands the freed
# megabytes back to the OS between the two and every step faults its memory in again (about
# 1,200 page faults per pair of steps here, against none for either one running alone). That
# slows both, and the one with more allocations more; it is an artefact of alternating.
BURST = 5


def initial_weights(seed: int = 0) -> list[np.ndarray]:
    """[W1, b1, W2, b2, W3, b3], PyTorch's layout (out, in), its default init's range."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(SIZES[:-1], SIZES[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return params


def batch(n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, SIZES[0]), dtype=np.float32), rng.integers(0, SIZES[-1], n)


# ------------------------------------------------------------------------------ contenders
def numpy_step(params: list[np.ndarray], x: np.ndarray, y: np.ndarray) -> float:
    """The step by hand: what an autograd engine computes, with nothing else around it."""
    W1, b1, W2, b2, W3, b3 = params
    n = len(x)
    h1 = x @ W1.T
    h1 += b1  # in place, as minigrad's addmm does: a fair floor
    a1 = np.maximum(h1, 0)
    h2 = a1 @ W2.T
    h2 += b2
    a2 = np.maximum(h2, 0)
    logits = a2 @ W3.T
    logits += b3
    shifted = logits - logits.max(axis=1, keepdims=True)
    e = np.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    loss = float((np.log(s)[:, 0] - shifted[np.arange(n), y]).mean())
    # backward: d loss / d logits = (softmax - onehot) / n
    g = e / s
    g[np.arange(n), y] -= 1
    g /= n
    gW3, gb3 = g.T @ a2, g.sum(0)
    g = (g @ W3) * (h2 > 0)
    gW2, gb2 = g.T @ a1, g.sum(0)
    g = (g @ W2) * (h1 > 0)
    gW1, gb1 = g.T @ x, g.sum(0)
    for p, gp in zip(params, (gW1, gb1, gW2, gb2, gW3, gb3)):
        p -= LR * gp
    return loss


def make_step(lib, x_np: np.ndarray, y_np: np.ndarray):
    """One SGD step of the model, the same code for minigrad and PyTorch (``lib``)."""
    model = _model(lib)
    opt = lib.optim.SGD(model.parameters(), lr=LR)
    x, y = lib.from_numpy(x_np), lib.from_numpy(y_np)

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
    return step


def _model(lib):
    nn = lib.nn
    model = nn.Sequential(nn.Linear(784, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(),
                          nn.Linear(256, 10))
    with lib.no_grad():
        for p, w in zip(model.parameters(), initial_weights()):
            p.copy_(lib.from_numpy(w))
    return model


# ---------------------------------------------------------------------------------- timing
def interleaved_ms(steps: dict, warmup: int, repeat: int) -> dict:
    """Median ms per step of each contender, timed in turns of BURST steps
    (timing.interleaved): ``repeat`` steps of each in all."""
    res = timing.interleaved({name: timing.stopwatch(step) for name, step in steps.items()},
                             warmup, max(1, repeat // BURST), BURST)
    return {name: r["total"] * 1e3 for name, r in res.items()}


def torch_ms(n: int, warmup: int, repeat: int) -> float | None:
    """PyTorch's step, timed in a process of its own: its OpenMP threads spin after each op
    and would steal the cores from NumPy's BLAS threads in a shared process."""
    if importlib.util.find_spec("torch") is None:
        return None
    return timing.isolated("mlp_step", "pytorch_ms", n, warmup, repeat)


def pytorch_ms(n: int, warmup: int, repeat: int) -> float:
    import torch
    x, y = batch(n)
    return interleaved_ms({"pytorch": make_step(torch, x, y)}, warmup, repeat)["pytorch"]


def check_same_update() -> float:
    """Sanity: after 3 steps, minigrad's weights equal the NumPy version's."""
    import minigrad as mg
    x, y = batch(64)
    params = initial_weights()
    model = _model(mg)
    opt = mg.optim.SGD(model.parameters(), lr=LR)
    for _ in range(3):
        numpy_step(params, x, y)
        opt.zero_grad()
        mg.nn.functional.cross_entropy(model(mg.from_numpy(x)), mg.from_numpy(y)).backward()
        opt.step()
    return max(float(np.abs(p.detach().numpy() - q).max())
               for p, q in zip(model.parameters(), params))


def run(quick: bool = False, batches: list[int] = (128, 1024), warmup: int | None = None,
        repeat: int | None = None) -> dict:
    """Print the table; return the medians and the issue's target (minigrad <= 1.15x NumPy)."""
    warmup = warmup or (3 if quick else 10)
    repeat = repeat or (20 if quick else 100)
    unset = [v for v in timing.BLAS_VARS if v in os.environ]
    if unset:  # read by OpenBLAS when it loads: only a fresh process can run without them
        print(f"(running this benchmark in a fresh process without {' and '.join(unset)})")
        env = {k: v for k, v in os.environ.items() if k not in timing.BLAS_VARS}
        return timing.isolated("mlp_step", "run", quick, list(batches), warmup, repeat,
                               env=env, echo=True)
    import minigrad as mg
    timing.header("mlp: one SGD step, 784-256-256-10 ReLU MLP, float32",
                  f"ms per step; median of {repeat} after {warmup} warm-up steps; minigrad and "
                  f"NumPy in turns of {BURST} steps, PyTorch in its own process")
    print(timing.blas_line())
    print(f"max |minigrad - numpy| after 3 steps: {check_same_update():.2e}")
    rows, results, targets = [], {}, []
    for n in batches:
        x, y = batch(n)
        params = initial_weights()
        ms = interleaved_ms({"numpy (by hand)": lambda: numpy_step(params, x, y),
                             "minigrad": make_step(mg, x, y)}, warmup, repeat)
        t = torch_ms(n, warmup, repeat)
        if t is not None:
            ms["pytorch"] = t
        base = ms["numpy (by hand)"]
        rows += [[name, n, v, v / base, timing.ratio(v, ms.get("pytorch"))]
                 for name, v in ms.items()]
        results[str(n)] = ms
        r = ms["minigrad"] / base
        targets.append(timing.target(f"MLP step (batch {n}) <= 1.15x NumPy",
                                     f"{ms['minigrad']:.2f} vs {base:.2f} ms = {r:.2f}x",
                                     r <= 1.15))
    timing.table(["contender", "batch", "ms/step", "x numpy", "x pytorch"], rows)
    return {"ms": results, "blas": timing.blas_line(), "targets": targets}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks mlp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, nargs="+", default=[128, 1024])
    ap.add_argument("--warmup", type=int)
    ap.add_argument("--repeat", type=int)
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--json", metavar="PATH", help="also write the results to PATH")
    ap.add_argument("--profile", type=int, metavar="BATCH",
                    help="profile minigrad's step at this batch size instead")
    args = ap.parse_args(argv)
    if args.profile:
        return profile(args.profile, args.repeat or 50)
    result = run(args.quick, args.batch, args.warmup, args.repeat)
    if args.json:
        timing.write_json(args.json, {"environment": timing.environment(), "mlp": result})
    return 0


def phases_us(n: int, repeat: int) -> dict:
    """Median microseconds of each part of minigrad's step."""
    import minigrad as mg
    x_np, y_np = batch(n)
    model = _model(mg)
    opt = mg.optim.SGD(model.parameters(), lr=LR)
    x, y = mg.from_numpy(x_np), mg.from_numpy(y_np)
    parts = {"zero_grad": [], "forward + loss": [], "backward": [], "optimizer step": []}
    for i in range(repeat + 10):
        t0 = time.perf_counter()
        opt.zero_grad()
        t1 = time.perf_counter()
        loss = mg.nn.functional.cross_entropy(model(x), y)
        t2 = time.perf_counter()
        loss.backward()
        t3 = time.perf_counter()
        opt.step()
        t4 = time.perf_counter()
        if i >= 10:
            for part, a, b in zip(parts, (t0, t1, t2, t3), (t1, t2, t3, t4)):
                parts[part].append((b - a) * 1e6)
    return {part: statistics.median(ts) for part, ts in parts.items()}


def profile(n: int, repeat: int) -> int:
    print(f"minigrad, batch {n}: median microseconds per part of the step")
    for part, us in phases_us(n, repeat).items():
        print(f"  {part:<16} {us:8.1f}")
    x, y = batch(n)
    import minigrad as mg
    step = make_step(mg, x, y)
    for _ in range(5):
        step()
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(repeat):
        step()
    prof.disable()
    stats = pstats.Stats(prof).strip_dirs().sort_stats("tottime")
    print(f"\ncProfile, {repeat} steps; functions by own time:")
    stats.print_stats(25)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
