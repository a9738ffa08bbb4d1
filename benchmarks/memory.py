"""Memory over time: does training leak?

A 64-128-10 ReLU MLP trained with SGD (lr 0.1) on the digits that ship with minigrad
(``minigrad.data.load_digits``), batches of 64 taken in turn. The process's resident set size
(RSS, /proc/self/statm) is read after step 100 (everything is allocated and warm by then) and
after step 2,000; it must stay flat (< 2% growth). Anything kept alive per step — a graph held
by a hook or a cached tensor, reference cycles waiting for the collector, a growing list —
shows up as growth. The collector stays on, as in real training.

Each contender runs in a fresh process of its own, so the readings are of that loop alone:
minigrad, and PyTorch when installed (for comparison; its process is larger, so the same
leak would show as a smaller percentage there).

    python -m benchmarks memory [--json PATH]      (--quick changes nothing: it is cheap)
"""
from __future__ import annotations

from . import timing

CHECKPOINTS = (100, 500, 1000, 2000)
BATCH = 64
MiB = 2 ** 20


def probe(lib_name: str) -> dict:
    """In a fresh process: train, and read RSS at each checkpoint."""
    import minigrad
    lib = minigrad if lib_name == "minigrad" else timing.optional(lib_name)
    (X, y), _ = minigrad.data.load_digits()
    X, y = lib.from_numpy(X.numpy()), lib.from_numpy(y.numpy())
    lib.manual_seed(0)
    nn = lib.nn
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = lib.optim.SGD(model.parameters(), lr=0.1)
    rss, n = {}, len(X) // BATCH * BATCH
    for step in range(1, CHECKPOINTS[-1] + 1):
        i = (step * BATCH) % n
        opt.zero_grad()
        loss = nn.functional.cross_entropy(model(X[i:i + BATCH]), y[i:i + BATCH])
        loss.backward()
        opt.step()
        if step in CHECKPOINTS:
            rss[step] = timing.rss_bytes()
    return {"rss": rss, "final_loss": float(loss.item())}


def run(quick: bool = False) -> dict:
    timing.header(f"memory: RSS while training a 64-128-10 MLP (SGD, batch {BATCH}, digits)",
                  "each contender in a fresh process; growth = RSS after step 2,000 vs after "
                  "step 100")
    names = ["minigrad"] + (["pytorch"] if timing.optional("torch") else [])
    res = {name: timing.isolated("memory", "probe", "torch" if name == "pytorch" else name)
           for name in names}
    first, last = CHECKPOINTS[0], CHECKPOINTS[-1]
    rows, growth = [], {}
    for name, r in res.items():
        if r is None:
            rows.append([name, "failed"] + [None] * (len(CHECKPOINTS) + 2))
            continue
        rss = {int(k): v for k, v in r["rss"].items()}
        growth[name] = (rss[last] - rss[first]) / rss[first] * 100
        rows.append([name, *(rss[c] / MiB for c in CHECKPOINTS), growth[name],
                     (rss[last] - rss[first]) / (last - first), r["final_loss"]])
    timing.table(["contender", *(f"RSS@{c} MiB" for c in CHECKPOINTS), "growth %",
                  "B/step", "loss"], rows)
    g = growth.get("minigrad")
    return {"results": res, "growth_percent": growth, "targets": [timing.target(
        f"memory growth < 2% from step {first} to {last:,}",
        "failed" if g is None else f"{g:+.2f}%", g is not None and g < 2.0)]}


def main(argv: list[str] | None = None) -> int:
    return timing.cli(run, "memory", __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
