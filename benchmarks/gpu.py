"""``python -m benchmarks gpu``: the one command for a GPU machine (issue 16). In under six
minutes it prints the environment, trains a small MLP on cpu and on cuda from the same start and
compares them, times ``gpu_mlp`` (minigrad against hand-written CuPy and PyTorch), and runs the
cuda tests with a JUnit report; then a summary table.

    python -m benchmarks gpu              # on the GPU machine, from the repository root
    python -m benchmarks gpu --dry-run    # anywhere: the same orchestration in seconds, on the
                                          # CPU, the cuda phases reported as 'no GPU'

Every phase runs in a process of its own under its own time budget (a phase past its budget is
interrupted, then killed: what it had measured is kept), and a failure is reported and the next
phase run: the command never stops at the first failure. Files, under ``$OUT`` when it is set,
else under benchmarks/results/gpu/:

    gpu-report.txt    everything printed
    gpu-results.json  every phase: status, seconds, numbers
    junit-cuda.xml    the cuda tests' JUnit report

The repository need not be installed: every process imports minigrad from the repository root.
Needs only what the GPU machine has (NumPy, CuPy, pytest; PyTorch optional); no Graphviz, no
Jupyter: the tests that need them are left out.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import signal
import subprocess
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Callable

from . import gpu_mlp, timing

ROOT = timing.ROOT
# Seconds per phase; the tests also get whatever the phases before them left unused. The
# command as a whole stops by DEADLINE (each phase's budget is cut to fit it), then prints the
# summary: 5 min 45 s in the worst case, well under the 6 minutes allowed.
BUDGETS = {"environment": 40, "smoke": 60, "benchmark": 110, "tests": 130}
DEADLINE = 335
GRACE = 10  # after an interrupt, seconds for a phase to write what it has before it is killed
# Left out of the cuda tests: notebooks (Jupyter, nbval), Graphviz drawings, the build
# edition's checks, and this command's own tests.
NOT_CUDA_TESTS = ("test_course.py", "test_build_checks.py", "test_edition.py",
                  "test_student.py", "test_viz.py", "test_gpu_bench.py", "build")
SMOKE_SIZES = (20, 64, 64, 5)
SMOKE_STEPS = 20
LOSS_RTOL = 1e-4
PARAM_TOL = dict(rtol=1e-4, atol=1e-4)


# ============================================================ the phases (each in a child)
def environment(dry_run: bool, save: Callable[[dict], None]) -> dict:
    """GPU, driver, CUDA, CuPy, PyTorch and the Python packages, printed and returned."""
    import numpy as np

    import minigrad
    info: dict = {"python": sys.version.split()[0], "platform": platform.platform(),
                  "numpy": np.__version__, "minigrad_file": minigrad.__file__,
                  "minigrad_from_repo": Path(minigrad.__file__).resolve().is_relative_to(ROOT)}
    for name in ("pytest", "hypothesis", "matplotlib", "graphviz", "nbval"):
        mod = timing.optional(name)
        info[name] = getattr(mod, "__version__", "installed") if mod else None
    info["dot (Graphviz)"] = shutil.which("dot")
    smi = shutil.which("nvidia-smi")
    if smi:
        try:
            out = subprocess.run([smi, "--query-gpu=name,driver_version,memory.total,"
                                  "compute_cap,clocks.max.sm,power.limit",
                                  "--format=csv,noheader"], capture_output=True, text=True,
                                 timeout=15)
            info["nvidia-smi"] = out.stdout.strip() or out.stderr.strip()
        except Exception as e:  # hung driver, or an old nvidia-smi without some field
            info["nvidia-smi"] = f"failed: {type(e).__name__}: {e}"
    else:
        info["nvidia-smi"] = None
    save(info)
    info.update(_cupy_info())
    info["minigrad.cuda.is_available()"] = minigrad.cuda.is_available()
    save(info)
    info.update(_torch_info())
    for k, v in info.items():
        if k != "cupy_config":
            print(f"  {k:<30} {v}")
    if info.get("cupy_config"):
        print("\ncupy.show_config():\n" + info["cupy_config"])
    problems = []
    if not info["minigrad_from_repo"]:
        problems.append(f"minigrad imported from {minigrad.__file__}, not from {ROOT}")
    gpu = info["minigrad.cuda.is_available()"]
    info["gpu_available"] = gpu
    info["summary"] = (f"{info.get('gpu_name', 'no GPU')}; CUDA runtime "
                       f"{info.get('cuda_runtime', '-')}, driver {info.get('cuda_driver', '-')}; "
                       f"CuPy {info.get('cupy', '-')}; torch {info.get('torch', '-')}")
    info["status"] = "failed" if problems else "ok"
    if problems:
        info["error"] = "; ".join(problems)
    return info


def _version(v: int) -> str:
    """CUDA's integer version (13020) as text (13.2)."""
    return f"{v // 1000}.{v % 1000 // 10}"


def _cupy_info() -> dict:
    try:
        import cupy
    except Exception as e:
        return {"cupy": None, "cupy_error": f"{type(e).__name__}: {e}"}
    info: dict = {"cupy": cupy.__version__}
    try:
        rt = cupy.cuda.runtime
        info["cuda_runtime"] = _version(rt.runtimeGetVersion())
        info["cuda_driver"] = _version(rt.driverGetVersion())
        info["gpu_count"] = rt.getDeviceCount()
        props = rt.getDeviceProperties(0)
        name = props["name"]
        info["gpu_name"] = name.decode() if isinstance(name, bytes) else str(name)
        info["gpu_memory_gib"] = round(props["totalGlobalMem"] / 2**30, 1)
        info["compute_capability"] = cupy.cuda.Device(0).compute_capability
        info["CUPY_TF32"] = os.environ.get("CUPY_TF32", "unset (off)")
    except Exception as e:
        info["cupy_error"] = f"{type(e).__name__}: {e}"
    try:
        import contextlib
        import io
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf):
            cupy.show_config()
        info["cupy_config"] = buf.getvalue().strip()
    except Exception as e:
        info["cupy_config"] = f"cupy.show_config() failed: {type(e).__name__}: {e}"
    return info


def _torch_info() -> dict:
    torch = timing.optional("torch")
    if torch is None:
        return {"torch": None}
    info: dict = {"torch": torch.__version__, "torch.version.cuda": torch.version.cuda}
    try:
        info["torch.cuda.is_available()"] = torch.cuda.is_available()
        if torch.cuda.is_available():
            info["torch_gpu"] = torch.cuda.get_device_name(0)
        matmul = torch.backends.cuda.matmul  # TF32 for float32 products? (off by default)
        info["torch matmul fp32_precision"] = getattr(matmul, "fp32_precision", None)
        info["torch matmul allow_tf32"] = matmul.allow_tf32
    except Exception as e:
        info["torch_error"] = f"{type(e).__name__}: {e}"
    return info


def smoke(dry_run: bool, save: Callable[[dict], None]) -> dict:
    """A small MLP trained SMOKE_STEPS steps with SGD (momentum) and with Adam, on cpu and on
    cuda, from the same weights and data: the losses of every step and the final parameters
    must agree to float32 precision."""
    import numpy as np

    import minigrad as mg
    gpu = mg.cuda.is_available()
    devices = ["cpu", "cuda"] if gpu else ["cpu"]
    x_np, y_np = gpu_mlp.batch(SMOKE_SIZES, 128, seed=2)
    weights = gpu_mlp.initial_weights(SMOKE_SIZES, seed=3)
    result: dict = {"status": "ok", "sizes": list(SMOKE_SIZES), "steps": SMOKE_STEPS}
    problems = []
    for opt_name in ("SGD", "Adam"):
        runs = {}
        for dev in devices:
            try:
                runs[dev] = _train(mg, opt_name, dev, x_np, y_np, weights)
            except Exception as e:
                traceback.print_exc()
                problems.append(f"{opt_name} on {dev}: {type(e).__name__}: {e}")
        if "cpu" in runs and "cuda" in runs:
            (l_cpu, p_cpu), (l_gpu, p_gpu) = runs["cpu"], runs["cuda"]
            loss_rel = float(np.max(np.abs(l_gpu - l_cpu) / np.abs(l_cpu)))
            param_abs = max(float(np.max(np.abs(a - b))) for a, b in zip(p_cpu, p_gpu))
            close = all(np.allclose(b, a, **PARAM_TOL) for a, b in zip(p_cpu, p_gpu))
            result[opt_name] = {"loss_first": float(l_cpu[0]), "loss_last": float(l_cpu[-1]),
                                "loss_max_rel_diff": loss_rel, "param_max_abs_diff": param_abs,
                                "params_close": close}
            print(f"  {opt_name:<5} loss {l_cpu[0]:.4f} -> {l_cpu[-1]:.4f}; cuda vs cpu: "
                  f"losses max rel diff {loss_rel:.1e} (<= {LOSS_RTOL:g}), parameters max abs "
                  f"diff {param_abs:.1e} (allclose {PARAM_TOL}: {close})")
            if loss_rel > LOSS_RTOL:
                problems.append(f"{opt_name}: losses differ by {loss_rel:.1e} (rel)")
            if not close:
                problems.append(f"{opt_name}: parameters differ by up to {param_abs:.1e}")
        elif "cpu" in runs:
            l_cpu = runs["cpu"][0]
            result[opt_name] = {"loss_first": float(l_cpu[0]), "loss_last": float(l_cpu[-1])}
            print(f"  {opt_name:<5} loss on cpu {l_cpu[0]:.4f} -> {l_cpu[-1]:.4f}"
                  + ("" if gpu else "; no GPU: nothing to compare it with"))
        if "cpu" in runs and not runs["cpu"][0][-1] < runs["cpu"][0][0]:
            problems.append(f"{opt_name}: the loss did not go down on cpu")
        save(result)
    if problems:
        result.update(status="failed", error="; ".join(problems))
    elif not gpu:
        result["status"] = "no GPU"
    return result


def _train(mg, opt_name: str, device: str, x_np, y_np, weights):
    """(losses of every step, final parameters as NumPy arrays); checks that everything the
    step made lives on ``device``."""
    import numpy as np
    net = gpu_mlp.model(mg, SMOKE_SIZES, weights, device)
    opt = (mg.optim.SGD(net.parameters(), lr=0.1, momentum=0.9) if opt_name == "SGD"
           else mg.optim.Adam(net.parameters(), lr=1e-2))
    x, y = mg.from_numpy(x_np).to(device), mg.from_numpy(y_np).to(device)
    losses = []
    for _ in range(SMOKE_STEPS):
        opt.zero_grad()
        loss = mg.nn.functional.cross_entropy(net(x), y)
        loss.backward()
        opt.step()
        losses.append(loss.item())
    for p in net.parameters():
        where = {p.device.type, p.grad.device.type, loss.device.type}
        if where != {device.split(":")[0]}:
            raise AssertionError(f"training on {device} left tensors on {where}")
    return np.array(losses), [p.detach().cpu().numpy() for p in net.parameters()]


def benchmark(dry_run: bool, save: Callable[[dict], None]) -> dict:
    """benchmarks/gpu_mlp.py on cuda; with --dry-run, its NumPy stand-in on small networks."""
    import minigrad as mg
    if not mg.cuda.is_available() and not dry_run:
        return {"status": "no GPU"}
    device = "cuda" if mg.cuda.is_available() else "cpu"
    res = gpu_mlp.run(quick=dry_run, device=device, torch=not dry_run,
                      save=lambda r: save({"gpu_mlp": r}), torch_timeout=60)
    met = [t["status"] for t in res["targets"]]
    result = {"status": "ok" if device == "cuda" else "no GPU", "gpu_mlp": res,
              "target_met": bool(met) and all(s == "MET" for s in met)}
    if res.get("errors"):
        result.update(status="failed", error="; ".join(res["errors"]))
    return result


PHASES = {"environment": environment, "smoke": smoke, "benchmark": benchmark}


def child(phase: str, result_path: str, dry_run: bool) -> int:
    """Run one phase in this process; its result goes to ``result_path`` as JSON, rewritten
    whenever the phase saves (an interrupted phase keeps what it had)."""
    result: dict = {"status": "failed"}

    def save(partial: dict) -> None:
        result.update(partial)
        Path(result_path).write_text(json.dumps(result, indent=2, default=str))
    try:
        save(PHASES[phase](dry_run, save))
    except BaseException as e:  # KeyboardInterrupt too: the parent's signal at the budget
        traceback.print_exc()
        result["status"] = "timeout" if isinstance(e, KeyboardInterrupt) else "failed"
        save({"error": f"{type(e).__name__}: {e}"})
    return 0 if result["status"] in ("ok", "no GPU") else 1


# ===================================================================== the parent process
class Tee:
    """Everything printed goes to the terminal and to the report file."""

    def __init__(self, stream, path: Path):
        self.stream, self.file = stream, open(path, "w")

    def write(self, s: str) -> int:
        self.stream.write(s)
        self.file.write(s)
        return len(s)

    def flush(self) -> None:
        self.stream.flush()
        self.file.flush()


def run_process(cmd: list[str], timeout: float) -> tuple[int | None, float]:
    """Run ``cmd`` from the repository root with minigrad importable from there, passing its
    output on as it comes; past ``timeout`` seconds interrupt it (SIGINT: pytest still writes
    its report), and kill it GRACE seconds later. (returncode or None if stopped, seconds)."""
    env = dict(os.environ, PYTHONUNBUFFERED="1",
               PYTHONPATH=os.pathsep.join([str(ROOT), *filter(None, [os.environ.get(
                   "PYTHONPATH")])]))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True, errors="replace",
                            start_new_session=True)

    def pump():
        for line in proc.stdout:
            sys.stdout.write(line)
            sys.stdout.flush()
    reader = threading.Thread(target=pump, daemon=True)
    reader.start()
    try:
        rc = proc.wait(timeout=max(timeout, 1))
    except subprocess.TimeoutExpired:
        print(f"\n!! past its budget of {timeout:.0f} s: interrupted")
        _signal(proc, signal.SIGINT)
        try:
            proc.wait(timeout=GRACE)
        except subprocess.TimeoutExpired:
            print(f"!! still running {GRACE} s later: killed")
            _signal(proc, signal.SIGKILL)
            proc.wait()
        rc = None
    reader.join(timeout=5)
    return rc, time.perf_counter() - start


def _signal(proc: subprocess.Popen, sig: int) -> None:
    try:
        os.killpg(proc.pid, sig)  # its own session: the phase and any process it started
    except ProcessLookupError:
        pass


def run_phase(name: str, budget: float, out: Path, dry_run: bool) -> dict:
    path = out / f".phase-{name}.json"
    path.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "benchmarks", "gpu", "--phase", name, "--result", str(path)]
    rc, seconds = run_process(cmd + (["--dry-run"] if dry_run else []), budget)
    try:
        result = json.loads(path.read_text())
        path.unlink()
    except (OSError, ValueError):
        result = {"status": "failed", "error": f"the phase wrote no result (exit code {rc})"}
    if rc is None:
        result["status"] = "timeout"
    elif rc != 0 and result.get("status") in ("ok", "no GPU"):
        result.update(status="failed", error=f"exit code {rc}")
    return result | {"seconds": round(seconds, 1), "budget_s": round(budget)}


def run_tests(budget: float, out: Path, gpu: bool | None, dry_run: bool) -> dict:
    """The cuda tests (``-k cuda``: every device-parametrized test's cuda case, and the tests
    about cuda) with a JUnit report. With --dry-run and no GPU, one small file's, to check the
    report is written and read."""
    junit = out / "junit-cuda.xml"
    junit.unlink(missing_ok=True)
    if not gpu and not dry_run:
        return {"status": "no GPU", "seconds": 0, "budget_s": round(budget)}
    where = ["tests/test_nn_module.py"] if (dry_run and not gpu) else ["tests"]
    cmd = [sys.executable, "-m", "pytest", *where, "-k", "cuda", "-q", "-rfE",
           "-p", "no:cacheprovider", "--continue-on-collection-errors", "--durations=10",
           f"--junitxml={junit}", *(f"--ignore=tests/{f}" for f in NOT_CUDA_TESTS)]
    print("$ " + " ".join(["python", *cmd[1:]]))
    rc, seconds = run_process(cmd, budget)
    result = {"seconds": round(seconds, 1), "budget_s": round(budget), "exit_code": rc,
              "junit": str(junit)} | read_junit(junit)
    if rc is None:
        result["status"] = "timeout"
        result["error"] = (f"stopped at {budget:.0f} s after {result.get('tests', 0)} tests "
                           "(the JUnit report holds those)")
    elif "tests" not in result:
        result.update(status="failed", error=f"no JUnit report (pytest exit code {rc})")
    elif rc not in (0, 5) or result["failures"] or result["errors"]:  # 5: nothing collected
        result.update(status="failed", error=f"pytest exit code {rc}")
    else:
        result["status"] = "ok" if gpu else "no GPU"
    return result


def read_junit(path: Path) -> dict:
    """Counts and the failing tests' names from a JUnit XML report ({} if there is none)."""
    try:
        root = ET.parse(path).getroot()
    except (OSError, ET.ParseError):
        return {}
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    counts = {k: sum(int(s.get(k, 0)) for s in suites)
              for k in ("tests", "failures", "errors", "skipped")}
    counts["passed"] = counts["tests"] - counts["failures"] - counts["errors"] - counts["skipped"]
    failed = [f"{c.get('classname')}::{c.get('name')}" for c in root.iter("testcase")
              if c.find("failure") is not None or c.find("error") is not None]
    return counts | {"failed_tests": failed}


def out_dir() -> Path:
    out = (Path(os.environ["OUT"]).resolve() if os.environ.get("OUT")
           else ROOT / "benchmarks/results/gpu")
    out.mkdir(parents=True, exist_ok=True)
    return out


def key_numbers(name: str, r: dict) -> str:
    """The one-line summary of a phase's result."""
    if r.get("status") == "no GPU" and name != "environment" and not r.get("gpu_mlp") \
            and "tests" not in r and "SGD" not in r:
        return "-"
    if name == "environment":
        return r.get("summary", "")
    if name == "smoke":
        return "; ".join(
            (f"{o}: cuda vs cpu, loss rel diff {r[o]['loss_max_rel_diff']:.1e}, param abs "
             f"diff {r[o]['param_max_abs_diff']:.1e}" if "loss_max_rel_diff" in r[o] else
             f"{o}: loss {r[o]['loss_first']:.3f}->{r[o]['loss_last']:.3f} (cpu only)")
            for o in ("SGD", "Adam") if o in r)
    if name == "benchmark":
        res = r.get("gpu_mlp", {})
        large = f"{'-'.join(map(str, gpu_mlp.LARGE))} "
        return "; ".join(f"{k}: {_bench_line(ms, res['floor'])}"
                         for k, ms in res.get("ms", {}).items()
                         if k.startswith(large) or res.get("device") == "cpu")
    if name == "tests" and "tests" in r:
        return (f"{r['tests']} tests: {r['passed']} passed, {r['failures']} failed, "
                f"{r['errors']} errors, {r['skipped']} skipped")
    return ""


def _bench_line(ms: dict, floor: str) -> str:
    """'minigrad 22.00 ms / cupy 20.90 ms = 1.05x, torch 19.70 ms' (what there is of it)."""
    by_hand = f"{floor.split()[0]} {ms[floor]:.2f} ms"
    line = (f"minigrad {ms['minigrad']:.2f} ms / {by_hand} = {ms['minigrad'] / ms[floor]:.2f}x"
            if "minigrad" in ms else f"minigrad failed; {by_hand}")
    return line + (f", torch {ms['pytorch']:.2f} ms" if "pytorch" in ms else "")


def print_summary(results: dict, total: float) -> None:
    phases = results["phases"]
    print("\n== summary: python -m benchmarks gpu" + (" --dry-run" if results["dry_run"] else "")
          + " ==")
    timing.table(["phase", "status", "s / budget", "key numbers"],
                 [[name, r.get("status"), f"{r.get('seconds', 0):.0f} / {r.get('budget_s')}",
                   key_numbers(name, r)] for name, r in phases.items()], left=4)
    bench = phases.get("benchmark", {}).get("gpu_mlp")
    if bench and bench.get("ms"):
        floor = bench["floor"]
        print(f"gpu_mlp on {bench['device']}, ms per step (max |minigrad - by hand| after 3 "
              f"steps: {bench.get('max_abs_param_diff_after_3_steps', float('nan')):.1e}):")
        timing.table(["network, batch", "minigrad", floor, "pytorch", "minigrad / by hand"],
                     [[k, ms.get("minigrad"), ms.get(floor), ms.get("pytorch"),
                       ms["minigrad"] / ms[floor] if "minigrad" in ms else None]
                      for k, ms in bench["ms"].items()])
        for t in bench.get("targets", []):
            print(f"  target {t['target']}: {t['measured']}: {t['status']}")
    for name, r in phases.items():
        if r.get("error"):
            print(f"  {name}: {r['error']}")
        for test in r.get("failed_tests", [])[:25]:
            print(f"    failed: {test}")
        if len(r.get("failed_tests", [])) > 25:
            print(f"    ... and {len(r['failed_tests']) - 25} more (see the JUnit report)")
    print(f"\n{total:.0f} s in all; files in {results['out']}: gpu-report.txt, "
          "gpu-results.json" + (", junit-cuda.xml" if "tests" in phases.get("tests", {})
                                else ""))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks gpu", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dry-run", action="store_true",
                    help="no GPU needed: the orchestration in seconds on the CPU")
    ap.add_argument("--phase", choices=PHASES, help=argparse.SUPPRESS)  # (run in a child)
    ap.add_argument("--result", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    if args.phase:
        return child(args.phase, args.result, args.dry_run)

    start = time.perf_counter()
    out = out_dir()
    stdout = sys.stdout
    sys.stdout = Tee(stdout, out / "gpu-report.txt")
    results: dict = {"command": "python -m benchmarks gpu" + (" --dry-run" * args.dry_run),
                     "dry_run": args.dry_run, "out": str(out),
                     "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "phases": {}}
    phases = results["phases"]

    def budget(name: str) -> float:
        left = DEADLINE - (time.perf_counter() - start) - GRACE
        if name == "tests":  # the last phase: what the others left over is its too
            return max(1.0, left)
        return max(1.0, min(BUDGETS[name], left))

    def record(name: str, r: dict) -> None:
        phases[name] = r
        (out / "gpu-results.json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        print(f"-- {name}: {r.get('status')} in {r.get('seconds', 0):.0f} s"
              + (f" ({r['error']})" if r.get("error") else ""))

    try:
        print(f"== python -m benchmarks gpu{' --dry-run' * args.dry_run}: {results['started']}, "
              f"repository {ROOT}, output {out} ==")
        print("budgets (s): " + ", ".join(f"{k} {v}" for k, v in BUDGETS.items())
              + f" (+ what is left); all done by {DEADLINE + GRACE} s\n")
        for name in ("environment", "smoke", "benchmark", "tests"):
            seconds = budget(name)
            print(f"\n== {name}{': the cuda tests, JUnit report' * (name == 'tests')} "
                  f"(budget {seconds:.0f} s) ==")
            try:
                if name == "tests":
                    gpu = phases["environment"].get("gpu_available")  # None: unknown
                    record(name, run_tests(seconds, out, True if gpu is None else gpu,
                                           args.dry_run))
                else:
                    record(name, run_phase(name, seconds, out, args.dry_run))
            except Exception as e:  # in this process: report it and go on
                traceback.print_exc()
                record(name, {"status": "failed", "error": f"{type(e).__name__}: {e}"})
        results["total_s"] = round(time.perf_counter() - start, 1)
        ok = ("ok", "no GPU") if args.dry_run else ("ok",)
        results["all_ok"] = all(r.get("status") in ok for r in phases.values())
        record_path = out / "gpu-results.json"
        record_path.write_text(json.dumps(results, indent=2, default=str) + "\n")
        print_summary(results, time.perf_counter() - start)
        return 0 if results["all_ok"] else 1
    finally:
        sys.stdout.flush()
        sys.stdout.file.close()
        sys.stdout = stdout


if __name__ == "__main__":
    raise SystemExit(main())
