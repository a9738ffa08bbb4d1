"""Deep graphs: 10,000 and 100,000 ops chained, forward + backward; time and memory.

``y = y * 1.0001`` and ``y = y + 0.0001`` alternately on a 16-element float32 tensor that
requires grad, then ``y.sum().backward()``. An engine must walk a graph 100,000 nodes deep
without recursion, and free it: saved tensors as backward runs, the nodes once the last tensor
goes. The NumPy reference keeps its intermediates in a list (what a graph holds) and runs the
backward loop by hand, popping them as it goes.

Time: median forward + backward, contenders in turns, in this process.
Memory: each contender and size in a fresh process (a process's RSS history would spoil the
next reading), measured twice there, after a small warm-up run:
- heap (tracemalloc): every Python object and NumPy buffer, exactly; not PyTorch's tensors,
  which its C++ allocator makes out of tracemalloc's sight. Peak during forward + backward,
  what is left after backward (the result still holds its graph's nodes, as in PyTorch), and
  what is left after ``del`` of every tensor, which must be the baseline again (within
  64 KiB, with no object left for the garbage collector: freed by reference counting).
- RSS (/proc/self): the kernel's peak-RSS counter reset before the run (VmHWM via
  /proc/self/clear_refs), and RSS after ``del`` and glibc's ``malloc_trim(0)`` (so it shows
  memory still in use, not what malloc keeps cached). Comparable across all contenders.
Also shows micrograd's recursive topological sort failing on such graphs.

    python -m benchmarks deep [--quick] [--json PATH]
"""
from __future__ import annotations

import gc
import sys
import tracemalloc

import numpy as np

from . import timing

SIZES = (10_000, 100_000)
SIZE = 16
MUL, ADD = 1.0001, 0.0001
MiB = 2 ** 20


# ------------------------------------------------------------------------------ contenders
# Each contender is (forward(n) -> state, backward(state)); ``del state`` frees everything.
def numpy_forward(n: int) -> list:
    x = np.ones(SIZE, np.float32)
    saved, y = [], x
    for i in range(n):
        saved.append(y)  # what the graph would hold
        y = y * np.float32(MUL) if i % 2 == 0 else y + np.float32(ADD)
    y.sum()
    return [n, saved]


def numpy_backward(state: list) -> None:
    n, saved = state
    g = np.ones(SIZE, np.float32)
    for i in reversed(range(n)):
        saved.pop()  # freed as backward passes it, as an engine frees saved tensors
        if i % 2 == 0:
            g = g * np.float32(MUL)  # d(y*c)/dy = c;  d(y+c)/dy = 1
    state.append(g)  # x.grad


def engine(make_leaf, sum_, mul=MUL, add=ADD):
    def forward(n: int) -> list:
        x = make_leaf()
        y = x
        for i in range(n):
            y = y * mul if i % 2 == 0 else y + add
        return [x, sum_(y)]

    def backward(state: list) -> None:
        state[1].backward()
    return forward, backward


def contenders() -> dict:
    import minigrad as mg
    out = {"numpy (by hand)": (numpy_forward, numpy_backward),
           "minigrad": engine(lambda: mg.ones(SIZE, requires_grad=True), lambda y: y.sum())}
    torch = timing.optional("torch")
    if torch:
        out["pytorch"] = engine(lambda: torch.ones(SIZE, requires_grad=True), lambda y: y.sum())
    dz = timing.optional("dezero")
    if dz:
        out["dezero"] = engine(lambda: dz.Variable(np.ones(SIZE, np.float32)), dz.functions.sum,
                               np.float32(MUL), np.float32(ADD))
    return out


def trial(forward, backward, n: int):
    def run() -> None:
        state = forward(n)
        backward(state)
        del state
    return run


# ------------------------------------------------------------------------ memory, isolated
def probe(name: str, n: int) -> dict:
    """Run in a fresh process: memory of one forward + backward of ``name`` at depth n.

    The collector is off throughout, so that what ``del`` frees is what reference counting
    frees; afterwards ``gc.collect()`` counts the objects that only the collector could free
    (reference cycles: 0 expected) and empties the interpreter's free lists (of tuples, floats),
    which would otherwise keep a few hundred KiB of the run's small objects.
    """
    forward, backward = contenders()[name]
    backward(forward(100))  # warm-up: lazy imports and caches are not the graph's
    gc.collect()
    gc.disable()
    timing.trim_heap()
    out = {}
    # RSS
    rss0 = timing.rss_bytes()
    timing.reset_peak_rss()
    state = forward(n)
    backward(state)
    out["rss_peak"] = timing.peak_rss_bytes() - rss0
    del state
    out["cyclic_objects"] = gc.collect()
    timing.trim_heap()
    out["rss_after_del"] = timing.rss_bytes() - rss0
    # heap (tracemalloc), a second run; PyTorch's tensors are invisible to it
    if name != "pytorch":
        tracemalloc.start()
        base = tracemalloc.get_traced_memory()[0]
        state = forward(n)
        backward(state)
        cur, peak = tracemalloc.get_traced_memory()
        del state
        gc.collect()
        out.update(heap_peak=peak - base, heap_after_backward=cur - base,
                   heap_after_del=tracemalloc.get_traced_memory()[0] - base)
        tracemalloc.stop()
    gc.enable()
    return out


# ------------------------------------------------------------------- micrograd's recursion
def micrograd_topo(root) -> list:
    """micrograd's ``build_topo`` (micrograd/engine.py, Value.backward), on minigrad's nodes."""
    topo, visited = [], set()

    def build_topo(v):
        if v not in visited:
            visited.add(v)
            for child, _ in v.next_functions:
                if child is not None:
                    build_topo(child)
            topo.append(v)
    build_topo(root)
    return topo


def recursion_demo() -> dict:
    import minigrad as mg
    forward, _ = engine(lambda: mg.ones(SIZE, requires_grad=True), lambda y: y.sum())
    out = {}
    for n in (500, 1_000, 10_000):
        x, loss = forward(n)
        try:
            micrograd_topo(loss.grad_fn)
            out[n] = "ok"
        except RecursionError:
            out[n] = "RecursionError"
    return out


# ------------------------------------------------------------------------------------ run
def run(quick: bool = False) -> dict:
    # (warm-up, turns, runs per turn), after a first, checked run of each contender. Turns of
    # several runs at 10,000: right after another engine's garbage (DeZero's above all) a
    # run is slower, and the median should not depend on who ran before.
    reps = ({10_000: (1, 2, 2), 100_000: (0, 2, 1)} if quick else
            {10_000: (2, 5, 3), 100_000: (0, 5, 1)})
    timing.header("deep: n ops chained (* 1.0001, + 0.0001 alternately) on 16 float32 "
                  "numbers, then sum().backward()",
                  "forward+backward seconds, median after warm-up, contenders in turns; "
                  "memory in a fresh process per contender and n")
    cont = contenders()
    times, memory, failed = {}, {}, {}
    for n in SIZES:
        trials = {}
        for name, (fwd, bwd) in cont.items():
            try:  # a first, checked run: an engine that fails is reported, not timed
                trial(fwd, bwd, n)()
                trials[name] = timing.stopwatch(trial(fwd, bwd, n))
            except Exception as e:  # RecursionError, above all
                failed[(name, n)] = type(e).__name__
        times[n] = {name: r["total"] for name, r in
                    timing.interleaved(trials, *reps[n]).items()}
        memory[n] = {name: timing.isolated("deep_graph", "probe", name, n) for name in trials}

    print("time: median of " + ", ".join(f"{t * b} runs ({t} turns of {b}) at {n:,}"
                                         for n, (_, t, b) in reps.items()))
    rows = []
    for n in SIZES:
        base, tt = times[n]["numpy (by hand)"], times[n].get("pytorch")
        for name in cont:
            s = times[n].get(name)
            rows.append([name, f"{n:,}", failed.get((name, n)) or s, timing.ratio(s, base),
                         timing.ratio(s, tt), None if s is None else s / n * 1e6])
    timing.table(["contender", "ops", "fwd+bwd s", "x numpy", "x pytorch", "µs/op"], rows)

    print("memory: heap = tracemalloc (MiB; not PyTorch's tensors); RSS = resident set size "
          "(MiB), both relative to before the run")
    rows = []
    for n in SIZES:
        for name, m in memory[n].items():
            if m is None:
                rows.append([name, f"{n:,}", "probe failed"] + [None] * 6)
                continue
            peak = m.get("heap_peak")
            rows.append([name, f"{n:,}", _mib(peak), None if peak is None else round(peak / n),
                         _mib(m.get("heap_after_backward")), _kib(m.get("heap_after_del")),
                         _mib(m["rss_peak"]), _mib(m["rss_after_del"]), m["cyclic_objects"]])
    timing.table(["contender", "ops", "heap peak", "B/op", "heap after bwd",
                  "heap after del (KiB)", "RSS peak", "RSS after del", "left to gc"], rows)

    demo = recursion_demo()
    print("micrograd's recursive topological sort on the same graphs "
          f"(recursion limit {sys.getrecursionlimit()}): "
          + ", ".join(f"{n:,} ops: {r}" for n, r in demo.items()) + "\n")

    n = SIZES[-1]
    s, tt = times[n].get("minigrad"), times[n].get("pytorch")
    m = memory[n].get("minigrad") or {}
    returned = (m.get("heap_after_del") is not None and m["heap_after_del"] <= 64 * 1024
                and m["cyclic_objects"] == 0)  # freed at del, by reference counting
    r = timing.ratio(s, tt)
    return {"seconds": {str(k): v for k, v in times.items()},
            "memory_bytes": {str(k): v for k, v in memory.items()},
            "failed": {f"{k[0]} {k[1]}": v for k, v in failed.items()},
            "micrograd_recursion": {str(k): v for k, v in demo.items()},
            "targets": [
                timing.target("100k-op graph: completes, faster than PyTorch",
                              failed.get(("minigrad", n), "failed") if s is None else
                              f"{s:.2f} vs {tt:.2f} s = {r:.2f}x" if r else f"{s:.2f} s",
                              False if s is None else None if r is None else r < 1),
                timing.target("100k-op graph: memory returned at del",
                              f"heap {_kib(m.get('heap_after_del'))} KiB above baseline, "
                              f"{m.get('cyclic_objects')} objects left to gc", returned)]}


def _mib(b):
    return None if b is None else b / MiB


def _kib(b):
    return None if b is None else round(b / 1024, 1)


def main(argv: list[str] | None = None) -> int:
    return timing.cli(run, "deep", __doc__, argv)


if __name__ == "__main__":
    raise SystemExit(main())
