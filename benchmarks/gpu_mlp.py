"""One SGD step of a ReLU MLP on the GPU (float32): minigrad on ``cuda`` against the same step
written by hand in CuPy (the floor: the same cuBLAS products and elementwise kernels, no
autograd), and PyTorch CUDA when it is installed.

    python -m benchmarks gpu_mlp                    # 784-4096-4096-10 and 784-256-256-10,
                                                    # batch 1024 and 8192
    python -m benchmarks gpu_mlp --device cpu --quick     # the same code on NumPy (no GPU)

Timing is synchronized: the GPU runs asynchronously, so the clock is read only after
``cupy.cuda.Device().synchronize()`` (``torch.cuda.synchronize()`` for PyTorch). Each sample
is ``BURST`` steps between two synchronizations, divided by BURST; the figure is the median of
the samples after warm-up steps (the first steps compile CuPy's kernels). minigrad and the
hand-written step take turns in one process; PyTorch runs in a process of its own, so that two
CUDA libraries never share one (nor one's failure the other's numbers).

Target (issue 16): minigrad within 1.1x of hand-written CuPy on the large network. Measured on
an H100 when the issue was written: PyTorch 19.7 ms, hand-written CuPy 20.9 ms per step at
784-4096-4096-10, batch 8192.
"""
from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
import traceback
from typing import Callable

import numpy as np

from . import timing

LARGE = (784, 4096, 4096, 10)
SMALL = (784, 256, 256, 10)
BATCHES = (1024, 8192)
LR = 0.01
BURST = 3
TARGET = 1.1  # minigrad / hand-written CuPy, large network
SAME_UPDATE_ATOL = 1e-4  # float32: the two differ by about 1e-8 on the CPU


# ------------------------------------------------------------------------------- the data
def initial_weights(sizes, seed: int = 0) -> list[np.ndarray]:
    """[W1, b1, W2, b2, ...] as float32 NumPy arrays, PyTorch's layout (out, in) and its
    default init's range."""
    rng = np.random.default_rng(seed)
    params = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        bound = 1 / np.sqrt(fan_in)
        params.append(rng.uniform(-bound, bound, (fan_out, fan_in)).astype(np.float32))
        params.append(rng.uniform(-bound, bound, fan_out).astype(np.float32))
    return params


def batch(sizes, n: int, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    return rng.random((n, sizes[0]), dtype=np.float32), rng.integers(0, sizes[-1], n)


# ------------------------------------------------------------------------- the floor, by hand
def handwritten_step(xp, params: list, x, y, lr: float = LR):
    """One SGD step of the MLP by hand, in place on ``params``; ``xp`` is CuPy or NumPy.
    Returns the loss (before the update) as a 0-d array: no copy to the host, no sync."""
    layers = len(params) // 2
    n = x.shape[0]
    inputs, pre = [x], []  # each layer's input; each hidden layer's pre-activation
    h = x
    for i in range(layers):
        z = h @ params[2 * i].T
        z += params[2 * i + 1]  # in place, as minigrad's addmm does: a fair floor
        if i < layers - 1:
            pre.append(z)
            h = xp.maximum(z, 0)
            inputs.append(h)
    rows = xp.arange(n)
    shifted = z - z.max(axis=1, keepdims=True)
    e = xp.exp(shifted)
    s = e.sum(axis=1, keepdims=True)
    loss = (xp.log(s)[:, 0] - shifted[rows, y]).mean()
    # d loss / d logits = (softmax - onehot) / n
    g = e / s
    g[rows, y] -= 1
    g /= n
    grads = [None] * len(params)
    for i in reversed(range(layers)):
        grads[2 * i] = g.T @ inputs[i]   # d z / d W = input
        grads[2 * i + 1] = g.sum(axis=0)
        if i > 0:
            g = (g @ params[2 * i]) * (pre[i - 1] > 0)  # through W, then through relu
    for p, gp in zip(params, grads):
        p -= lr * gp
    return loss


# ---------------------------------------------------------- minigrad and PyTorch, one code
def model(lib, sizes, weights: list[np.ndarray], device: str):
    """nn.Sequential of Linear/ReLU with the given weights, on ``device``; ``lib`` is minigrad
    or torch."""
    nn = lib.nn
    layers = []
    for fan_in, fan_out in zip(sizes[:-1], sizes[1:]):
        layers += [nn.Linear(fan_in, fan_out), nn.ReLU()]
    net = nn.Sequential(*layers[:-1])
    with lib.no_grad():
        for p, w in zip(net.parameters(), weights):
            p.copy_(lib.from_numpy(w))
    return net.to(device)


def make_step(lib, sizes, x_np, y_np, device: str, weights=None):
    """(step, model): one SGD step of the MLP in ``lib`` (minigrad or torch) on ``device``."""
    net = model(lib, sizes, weights if weights is not None else initial_weights(sizes), device)
    opt = lib.optim.SGD(net.parameters(), lr=LR)
    x, y = lib.from_numpy(x_np).to(device), lib.from_numpy(y_np).to(device)

    def step():
        opt.zero_grad()
        loss = lib.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        return loss
    return step, net


def array_module(device: str):
    """(xp, synchronize) for a device: CuPy and its device sync, or NumPy and nothing."""
    if device == "cpu":
        return np, lambda: None
    import cupy
    return cupy, lambda: cupy.cuda.Device().synchronize()


# ---------------------------------------------------------------------------------- timing
def synced_ms(steps: dict[str, Callable], sync: Callable[[], None], warmup: int,
              repeat: int, burst: int = BURST) -> dict[str, float]:
    """Median ms per step of each contender: ``repeat`` samples of ``burst`` steps, each
    sample between two ``sync()`` calls, contenders in turns, after ``warmup`` steps each."""
    for _ in range(warmup):
        for step in steps.values():
            step()
        sync()
    samples: dict[str, list[float]] = {name: [] for name in steps}
    for _ in range(repeat):
        for name, step in steps.items():
            sync()
            t = time.perf_counter()
            for _ in range(burst):
                step()
            sync()
            samples[name].append((time.perf_counter() - t) / burst * 1e3)
    return {name: statistics.median(s) for name, s in samples.items()}


def key(sizes, n: int) -> str:
    return f"{'-'.join(map(str, sizes))} batch {n}"


def configs(quick: bool, device: str) -> list[tuple[tuple, int]]:
    """(sizes, batch) pairs: the issue's four on a GPU; small stand-ins on the CPU."""
    if device == "cpu":
        return [((64, 32, 32, 10), 64), ((32, 16, 16, 10), 32)]
    # the measurement (large network, batch 8192) first: a run cut short still has it
    return [(sizes, n) for sizes in (LARGE, SMALL) for n in sorted(BATCHES, reverse=True)]


def pytorch_all(device: str, cfgs: list, warmup: int, repeat: int,
                burst: int = BURST) -> dict[str, float]:
    """PyTorch's ms per step for every (sizes, batch); run in a process of its own."""
    import torch
    # (TF32 stays at PyTorch's default, off for float32 products, as in CuPy: not set here,
    # since PyTorch 2.9 refuses a mix of its old and new switches)
    sync = (lambda: torch.cuda.synchronize()) if device != "cpu" else (lambda: None)
    out = {}
    for sizes, n in cfgs:
        sizes = tuple(sizes)
        step, _ = make_step(torch, sizes, *batch(sizes, n), device)
        out[key(sizes, n)] = synced_ms({"pytorch": step}, sync, warmup, repeat, burst)["pytorch"]
        del step
        if device != "cpu":
            torch.cuda.empty_cache()
    return out


def check_same_update(device: str, sizes=SMALL, n: int = 256, steps: int = 3) -> float:
    """Sanity: max |minigrad - by hand| over the parameters after ``steps`` steps."""
    import minigrad as mg
    xp, sync = array_module(device)
    x_np, y_np = batch(sizes, n)
    params = [xp.asarray(w) for w in initial_weights(sizes)]
    x, y = xp.asarray(x_np), xp.asarray(y_np)
    step, net = make_step(mg, sizes, x_np, y_np, device)
    for _ in range(steps):
        handwritten_step(xp, params, x, y)
        step()
    sync()
    return max(float(np.abs(p.detach().cpu().numpy() - _host(q)).max())
               for p, q in zip(net.parameters(), params))


def _host(a) -> np.ndarray:
    return a if isinstance(a, np.ndarray) else a.get()


def run(quick: bool = False, device: str = "cuda", torch: bool = True,
        save: Callable[[dict], None] | None = None, torch_timeout: float = 120) -> dict:
    """Print the table; return the medians, the minigrad/CuPy ratios and the target. ``save``
    is called with the results so far after every measurement (a later crash keeps them)."""
    import minigrad as mg
    xp, sync = array_module(device)
    warmup, repeat = (3, 5) if quick else (5, 15)
    floor = "cupy (by hand)" if device != "cpu" else "numpy (by hand)"
    timing.header(f"gpu_mlp: one SGD step of a ReLU MLP on {device}, float32",
                  f"ms per step; median of {repeat} samples of {BURST} synchronized steps "
                  f"after {warmup} warm-up steps; minigrad and {floor} in turns, PyTorch in its "
                  "own process")
    results: dict = {"device": device, "floor": floor, "ms": {}, "targets": []}
    save = save or (lambda r: None)
    cfgs = configs(quick, device)
    sizes, n = (SMALL, 256) if device != "cpu" else cfgs[-1]
    try:
        diff = check_same_update(device, sizes, n)
        results["max_abs_param_diff_after_3_steps"] = diff
        print(f"max |minigrad - {floor}| over the parameters after 3 steps ({key(sizes, n)}): "
              f"{diff:.2e}\n")
        if not diff <= SAME_UPDATE_ATOL:
            results["errors"] = [f"minigrad's parameters differ from the step by hand's by "
                                 f"{diff:.1e} after 3 steps (more than {SAME_UPDATE_ATOL:g})"]
    except Exception as e:  # minigrad broken on this device: still time the floor below
        traceback.print_exc()
        results["errors"] = [f"check_same_update: {type(e).__name__}: {e}"]
    save(results)
    for sizes, n in cfgs:
        x_np, y_np = batch(sizes, n)
        params = [xp.asarray(w) for w in initial_weights(sizes)]
        x, y = xp.asarray(x_np), xp.asarray(y_np)
        steps = {floor: lambda: handwritten_step(xp, params, x, y)}
        try:
            steps["minigrad"], _ = make_step(mg, sizes, x_np, y_np, device)
            ms = synced_ms(steps, sync, warmup, repeat)
        except Exception as e:  # report it, and time the floor alone
            traceback.print_exc()
            results.setdefault("errors", []).append(f"minigrad, {key(sizes, n)}: "
                                                    f"{type(e).__name__}: {e}")
            steps.pop("minigrad", None)
            ms = synced_ms(steps, sync, warmup, repeat)
        results["ms"][key(sizes, n)] = ms
        print(f"  {key(sizes, n)}: " + ", ".join(f"{k} {v:.3f} ms" for k, v in ms.items()),
              flush=True)
        del steps, params, x, y
        if device != "cpu":
            xp.get_default_memory_pool().free_all_blocks()
        save(results)
    if torch and importlib.util.find_spec("torch") is not None:
        t = timing.isolated("gpu_mlp", "pytorch_all", device, [[list(s), n] for s, n in cfgs],
                            warmup, repeat, timeout=torch_timeout)
        if t is None:
            print("(PyTorch's run failed or timed out: no PyTorch column)")
            results["pytorch_error"] = "failed or timed out"
        for k, v in (t or {}).items():
            results["ms"][k]["pytorch"] = v
    rows = []
    for sizes, n in cfgs:
        ms = results["ms"][key(sizes, n)]
        base = ms[floor]
        rows += [[name, "-".join(map(str, sizes)), n, v, v / base,
                  timing.ratio(v, ms.get("pytorch"))] for name, v in ms.items()]
        if "minigrad" not in ms:
            continue
        r = ms["minigrad"] / base
        ms["minigrad/floor"] = r
        if sizes == LARGE:
            results["targets"].append(timing.target(
                f"{key(sizes, n)}: minigrad <= {TARGET}x {floor}",
                f"{ms['minigrad']:.2f} vs {base:.2f} ms = {r:.2f}x", r <= TARGET))
    print()
    timing.table(["contender", "network", "batch", "ms/step", "x by hand", "x pytorch"], rows)
    save(results)
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks gpu_mlp", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--device", default="cuda", help="cuda (default) or cpu (NumPy stand-in)")
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--no-torch", action="store_true", help="leave PyTorch out")
    ap.add_argument("--json", metavar="PATH", help="also write the results to PATH")
    args = ap.parse_args(argv)
    if args.device != "cpu":
        import minigrad as mg
        try:
            mg.cuda.require()
        except RuntimeError as e:
            print(f"no GPU: {e}\n(python -m benchmarks gpu_mlp --device cpu runs the same code "
                  "on NumPy)")
            return 1
    result = run(args.quick, args.device, not args.no_torch)
    if args.json:
        timing.write_json(args.json, {"environment": timing.environment(), "gpu_mlp": result})
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
