"""What every benchmark shares: timing in turns with medians, optional contenders (PyTorch,
DeZero), memory readings, running a function in a clean process, tables, and the command line.

Timing rules used throughout: ``time.perf_counter``, warm-up rounds first, then the MEDIAN of
the repeats (robust to the other work on a shared machine), and contenders timed in turns (one
trial of each per round), so that a burst of load slows them all alike and the ratios printed
beside the times stay meaningful. The garbage collector stays on, as in real use.
"""
from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Callable

ROOT = Path(__file__).resolve().parents[1]
# Set on some processors for old OpenBLAS builds; they slow a current NumPy (see mlp_step.py).
BLAS_VARS = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")

Trial = Callable[[], dict]  # one run of a contender -> {phase: seconds}


# ---------------------------------------------------------------------------------- timing
def stopwatch(fn: Callable[[], object]) -> Trial:
    """A trial that times ``fn()`` as a whole: {"total": seconds}."""
    def trial() -> dict:
        t = time.perf_counter()
        fn()
        return {"total": time.perf_counter() - t}
    return trial


def interleaved(trials: dict[str, Trial], warmup: int, repeat: int,
                burst: int = 1) -> dict[str, dict]:
    """Median seconds of every phase of every contender, timed in turns after ``warmup``
    untimed rounds: {"minigrad": {"forward": 1.2e-3, "backward": ...}, ...}.

    Each turn runs a contender ``burst`` times in a row (all timed): with burst > 1 the median
    is of runs with warm caches, which matters when one contender's arrays would evict the
    next one's (megabyte-sized matrices); with 1, turns are as fine-grained as can be.
    """
    return medians(timed_runs(trials, warmup, repeat, burst))


def timed_runs(trials: dict[str, Trial], warmup: int, repeat: int,
               burst: int = 1) -> dict[str, list[dict]]:
    """Every timed run of every contender, in turns as ``interleaved`` describes."""
    for _ in range(warmup):
        for trial in trials.values():
            trial()
    times: dict[str, list[dict]] = {name: [] for name in trials}
    for _ in range(repeat):
        for name, trial in trials.items():
            times[name] += [trial() for _ in range(burst)]
    return times


def medians(times: dict[str, list[dict]]) -> dict[str, dict]:
    return {name: {phase: statistics.median(r[phase] for r in runs) for phase in runs[0]}
            for name, runs in times.items()}


# ------------------------------------------------------------------------------ contenders
def optional(name: str):
    """The module if it imports, else None: PyTorch and DeZero are never requirements."""
    try:
        if name == "dezero":
            return _import_dezero()
        return importlib.import_module(name)
    except Exception:  # ImportError, or a package that is installed but broken
        return None


def _import_dezero():
    # DeZero 0.0.13 (its last release) names np.int, which NumPy 1.24 removed, in a default
    # argument evaluated at import (dezero/transforms.py). Define it for the import only.
    import numpy as np
    added = not hasattr(np, "int")
    if added:
        np.int = int
    try:
        import dezero
        import dezero.functions  # noqa: F401
        return dezero
    finally:
        if added:
            del np.int


def versions() -> dict:
    import numpy as np
    out = {"python": sys.version.split()[0], "numpy": np.__version__}
    for name in ("minigrad", "torch", "dezero"):
        mod = optional(name)
        out[name] = getattr(mod, "__version__", "installed") if mod else None
    return out


def blas_line() -> str:
    """Which BLAS NumPy runs, and which kernel it chose (threadpoolctl, when installed)."""
    set_vars = [f"{v}={os.environ[v]}" for v in BLAS_VARS if v in os.environ]
    env = ("; set: " + ", ".join(set_vars)) if set_vars else f"; {' and '.join(BLAS_VARS)} not set"
    try:
        import numpy  # noqa: F401  (load the BLAS before asking)
        from threadpoolctl import threadpool_info
    except ImportError:
        return "BLAS: unknown (pip install threadpoolctl to see the kernel)" + env
    for lib in threadpool_info():
        if lib.get("user_api") == "blas":
            return (f"BLAS: {lib['internal_api']} {lib.get('version')}, kernel "
                    f"{lib.get('architecture', '?')}, {lib['num_threads']} threads" + env)
    return "BLAS: none found" + env


def environment() -> dict:
    return {"cpus": os.cpu_count(), "load_average": round(os.getloadavg()[0], 2),
            "blas": blas_line(), "command": " ".join([Path(sys.executable).name, "-m",
                                                      "benchmarks", *sys.argv[1:]]),
            **versions()}


# ---------------------------------------------------------------------------------- memory
def rss_bytes() -> int:
    """Resident set size now (Linux: /proc/self/statm; elsewhere the peak, from resource)."""
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    except OSError:
        import resource
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


def reset_peak_rss() -> bool:
    """Restart the kernel's peak-RSS counter (VmHWM) from the current RSS; False if we can't."""
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def trim_heap() -> None:
    """Hand the C heap's free memory back to the OS (glibc's malloc_trim), so that RSS shows
    what is still in use rather than what malloc keeps cached for later. No-op elsewhere."""
    global _libc
    if _libc is None:  # loaded once: loading makes reference cycles, which would be counted
        try:
            import ctypes
            _libc = ctypes.CDLL("libc.so.6")
        except OSError:
            _libc = False
    if _libc and hasattr(_libc, "malloc_trim"):
        _libc.malloc_trim(0)


_libc = None


def peak_rss_bytes() -> int:
    """Peak RSS since the last ``reset_peak_rss()`` (VmHWM), or since the process started."""
    try:
        with open("/proc/self/status") as f:
            return int(re.search(r"VmHWM:\s+(\d+) kB", f.read()).group(1)) * 1024
    except (OSError, AttributeError):
        import resource
        scale = 1 if sys.platform == "darwin" else 1024
        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * scale


# ------------------------------------------------------------------------- a clean process
def isolated(module: str, function: str, *args, env: dict | None = None,
             echo: bool = False, timeout: float | None = None) -> object:
    """``benchmarks.<module>.<function>(*args)`` in a fresh Python process; its JSON result.

    For what a shared process would spoil: PyTorch's OpenMP threads spin after each op and take
    the cores from NumPy's BLAS threads; RSS never shrinks back once a process has used memory.
    With ``echo`` what the child prints is passed on. None if the child failed or ran past
    ``timeout`` seconds.
    """
    code = (f"import json, sys; sys.path.insert(0, {str(ROOT)!r}); "
            f"from benchmarks import {module} as m; "
            f"print('\\n' + json.dumps(m.{function}(*json.loads(sys.argv[1]))))")
    try:
        res = subprocess.run([sys.executable, "-c", code, json.dumps(args)], capture_output=True,
                             text=True, env=env, timeout=timeout)
    except subprocess.TimeoutExpired:
        sys.stderr.write(f"benchmarks.{module}.{function} ran past {timeout} s: stopped\n")
        return None
    if res.returncode != 0:
        sys.stderr.write(res.stderr[-2000:])
        return None
    *printed, last = res.stdout.rstrip("\n").split("\n")
    if echo and any(printed):
        print("\n".join(printed).strip("\n"))
    return json.loads(last)


# ---------------------------------------------------------------------------------- output
def table(headers: list[str], rows: list[list], left: int = 1) -> None:
    """Print rows under headers; the first ``left`` columns left-aligned, the rest right."""
    cells = [[_fmt(c) for c in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) if cells else len(h)
              for i, h in enumerate(headers)]
    line = lambda r: "  ".join(c.ljust(w) if i < left else c.rjust(w)  # noqa: E731
                               for i, (c, w) in enumerate(zip(r, widths)))
    print(line(headers))
    print("  ".join("-" * w for w in widths))
    for r in cells:
        print(line(r))
    print()


def _fmt(x) -> str:
    if x is None:
        return "-"
    if isinstance(x, float):
        return f"{x:#.3g}" if abs(x) < 100 else f"{x:,.0f}"
    return str(x)


def ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or b is None else a / b


def target(name: str, measured: str, met: bool | None) -> dict:
    """One line of the summary: met is None when it can't be judged (PyTorch missing)."""
    return {"target": name, "measured": measured,
            "status": "n/a" if met is None else "MET" if met else "NOT MET"}


def header(title: str, what: str) -> None:
    print(f"== {title} ==")
    print(what)
    print(f"(load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs)\n")


def cli(run: Callable[[bool], dict], prog: str, doc: str | None,
        argv: list[str] | None) -> int:
    """The command line every benchmark shares: ``[--quick] [--json PATH]``."""
    ap = argparse.ArgumentParser(prog=f"python -m benchmarks {prog}", description=doc,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--json", metavar="PATH", help="also write the results to PATH")
    args = ap.parse_args(argv)
    result = run(args.quick)
    if args.json:
        write_json(args.json, {"environment": environment(), prog: result})
    return 0


def write_json(path: str, data: dict) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(json.dumps(data, indent=2) + "\n")
    print(f"results written to {path}")
