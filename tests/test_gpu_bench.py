"""The GPU benchmark and the GPU machine's one command, checked on the CPU.

``benchmarks/gpu_mlp.py``'s hand-written step takes its array module as an argument: with NumPy
it must update the parameters exactly as minigrad does (so that on a GPU, with CuPy, it is the
same network's floor). ``python -m benchmarks gpu --dry-run`` runs the whole orchestration
without CuPy and reports the cuda phases as 'no GPU'. The pieces that matter most on the GPU
machine, where the command runs once: a phase past its budget is interrupted and pytest still
writes its JUnit report; a phase that fails or is interrupted still leaves its result.

(No test here has 'cuda' in its name: the GPU command selects the cuda tests with ``-k cuda``.)
"""
from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

import minigrad as mg
from benchmarks import gpu, gpu_mlp, timing

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize("sizes, n, steps", [
    ((784, 256, 256, 10), 64, 1),
    ((784, 256, 256, 10), 64, 3),
    ((12, 7, 9, 5, 3), 16, 2),   # four layers: the step is written for any depth
    ((6, 4), 8, 2),              # one layer, no ReLU
])
def test_handwritten_step_matches_minigrad(sizes, n, steps):
    x, y = gpu_mlp.batch(sizes, n)
    params = gpu_mlp.initial_weights(sizes)
    step, net = gpu_mlp.make_step(mg, sizes, x, y, "cpu")
    for _ in range(steps):
        loss_by_hand = gpu_mlp.handwritten_step(np, params, x, y)
        loss = step()
        np.testing.assert_allclose(loss_by_hand, loss.item(), rtol=1e-5)
    assert all(p.dtype == np.float32 for p in params)
    for p, q in zip(net.parameters(), params, strict=True):
        np.testing.assert_allclose(p.detach().numpy(), q, rtol=1e-4, atol=1e-6)


def test_handwritten_step_moves_downhill():
    sizes = (10, 8, 3)
    x, y = gpu_mlp.batch(sizes, 32)
    params = gpu_mlp.initial_weights(sizes)
    losses = [float(gpu_mlp.handwritten_step(np, params, x, y, lr=0.5)) for _ in range(20)]
    assert losses[-1] < losses[0]


def test_synced_ms_synchronizes_around_every_sample():
    calls = []
    steps = {"a": lambda: calls.append("a"), "b": lambda: calls.append("b")}
    ms = gpu_mlp.synced_ms(steps, lambda: calls.append("sync"), warmup=2, repeat=3, burst=2)
    assert set(ms) == {"a", "b"} and all(v >= 0 for v in ms.values())
    timed = calls[2 * 3:]  # after the warm-up: (a, b, sync) twice
    assert timed[:6] == ["sync", "a", "a", "sync", "sync", "b"]
    assert calls.count("a") == 2 + 3 * 2 and calls.count("sync") == 2 + 3 * 2 * 2


def test_check_same_update_on_the_cpu():
    assert gpu_mlp.check_same_update("cpu", (20, 16, 4), 32) < 1e-5


@pytest.mark.skipif(importlib.util.find_spec("torch") is None,
                    reason="times PyTorch itself (the benchmark's contender): PyTorch not "
                           "installed")
def test_pytorch_contender_in_its_own_process():
    cfgs = [[[8, 6, 3], 16]]
    ms = timing.isolated("gpu_mlp", "pytorch_all", "cpu", cfgs, 1, 2, 1, timeout=120)
    assert list(ms) == ["8-6-3 batch 16"] and ms["8-6-3 batch 16"] > 0


def test_read_junit(tmp_path):
    path = tmp_path / "r.xml"
    path.write_text(textwrap.dedent("""\
        <?xml version="1.0" encoding="utf-8"?>
        <testsuites><testsuite name="pytest" errors="1" failures="1" skipped="2" tests="6">
          <testcase classname="tests.test_ops" name="test_a[cuda]"/>
          <testcase classname="tests.test_ops" name="test_b[cuda]"><failure message="x"/></testcase>
          <testcase classname="tests.test_ops" name="test_c[cuda]"><error message="y"/></testcase>
        </testsuite></testsuites>"""))
    r = gpu.read_junit(path)
    assert (r["tests"], r["passed"], r["failures"], r["errors"], r["skipped"]) == (6, 2, 1, 1, 2)
    assert r["failed_tests"] == ["tests.test_ops::test_b[cuda]", "tests.test_ops::test_c[cuda]"]
    assert gpu.read_junit(tmp_path / "missing.xml") == {}


def test_a_phase_past_its_budget_is_interrupted_then_killed(capsys, monkeypatch):
    monkeypatch.setattr(gpu, "GRACE", 3)
    child = ("import signal, time\n"
             "signal.signal(signal.SIGINT, lambda *a: print('interrupted', flush=True))\n"
             "print('started', flush=True)\n"
             "for _ in range(600): time.sleep(0.1)\n")  # ignores the interrupt: must be killed
    start = time.perf_counter()
    rc, seconds = gpu.run_process([sys.executable, "-c", child], timeout=5)
    assert rc is None and time.perf_counter() - start < 5 + 3 + 5
    out = capsys.readouterr().out
    assert "past its budget of 5 s: interrupted" in out and "killed" in out
    assert out.index("started") < out.index("interrupted")  # the child's output came through


def test_interrupted_pytest_still_writes_its_junit_report(tmp_path):
    """What the cuda tests' phase relies on when it runs past its budget (SIGINT)."""
    (tmp_path / "test_slow.py").write_text(textwrap.dedent("""\
        import os, signal, time
        def test_quick():
            pass
        def test_slow():
            os.kill(os.getpid(), signal.SIGINT)  # as the GPU command does at the budget
            time.sleep(60)
        def test_never_reached():
            pass
        """))
    junit = tmp_path / "junit.xml"
    rc, _ = gpu.run_process([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                             str(tmp_path / "test_slow.py"), f"--junitxml={junit}"], timeout=120)
    assert rc == 2  # pytest's exit code when interrupted
    r = gpu.read_junit(junit)
    assert r["passed"] == 1 and r["tests"] <= 2


@pytest.mark.parametrize("error, status", [(KeyboardInterrupt, "timeout"),
                                           (ValueError, "failed")])
def test_a_phase_that_stops_keeps_what_it_saved(tmp_path, monkeypatch, error, status):
    def phase(dry_run, save):
        save({"measured": 1.5})
        raise error("stopped")
    monkeypatch.setitem(gpu.PHASES, "smoke", phase)
    path = tmp_path / "phase.json"
    assert gpu.child("smoke", str(path), dry_run=True) == 1
    result = json.loads(path.read_text())
    assert result["status"] == status and result["measured"] == 1.5
    assert "stopped" in result["error"]


def test_dry_run_reports_no_gpu_and_writes_its_files(tmp_path):
    """The whole command on the CPU: every phase runs, nothing crashes for want of CuPy."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"} | {"OUT": str(tmp_path)}
    res = subprocess.run([sys.executable, "-m", "benchmarks", "gpu", "--dry-run"], cwd=ROOT,
                         env=env, capture_output=True, text=True, timeout=240)
    assert res.returncode == 0, res.stdout[-3000:] + res.stderr[-3000:]
    results = json.loads((tmp_path / "gpu-results.json").read_text())
    status = {name: r["status"] for name, r in results["phases"].items()}
    gpu_there = mg.cuda.is_available()
    assert status["environment"] == "ok"
    assert results["phases"]["environment"]["minigrad_from_repo"]
    if not gpu_there:
        assert status == {"environment": "ok", "smoke": "no GPU", "benchmark": "no GPU",
                          "tests": "no GPU"}
    bench = results["phases"]["benchmark"]["gpu_mlp"]
    assert bench["max_abs_param_diff_after_3_steps"] < 1e-5
    assert all(ms["minigrad"] > 0 for ms in bench["ms"].values())
    assert results["phases"]["tests"]["tests"] >= 1  # the JUnit report was written and read
    assert (tmp_path / "junit-cuda.xml").exists()
    report = (tmp_path / "gpu-report.txt").read_text()
    assert "== summary: python -m benchmarks gpu --dry-run ==" in report
    assert res.stdout.endswith(report[-200:])  # the report is what was printed
    assert not list(tmp_path.glob(".phase-*"))


def test_environment_reads_what_cupy_reports(monkeypatch):
    """The calls made to CuPy on the GPU machine, against a stand-in that answers like it."""
    from types import SimpleNamespace as NS
    synced = []
    device = NS(compute_capability="90", synchronize=lambda: synced.append(True))
    runtime = NS(runtimeGetVersion=lambda: 13020, driverGetVersion=lambda: 13010,
                 getDeviceCount=lambda: 1,
                 getDeviceProperties=lambda i: {"name": b"NVIDIA H100 80GB HBM3",
                                                "totalGlobalMem": 85 * 2**30})
    fake = NS(__version__="14.2.0", cuda=NS(runtime=runtime, Device=lambda i=None: device),
              show_config=lambda: print("CuPy Version          : 14.2.0"))
    monkeypatch.setitem(sys.modules, "cupy", fake)
    monkeypatch.delenv("CUPY_TF32", raising=False)
    info = gpu._cupy_info()
    assert info == {"cupy": "14.2.0", "cuda_runtime": "13.2", "cuda_driver": "13.1",
                    "gpu_count": 1, "gpu_name": "NVIDIA H100 80GB HBM3", "gpu_memory_gib": 85.0,
                    "compute_capability": "90", "CUPY_TF32": "unset (off)",
                    "cupy_config": "CuPy Version          : 14.2.0"}
    xp, sync = gpu_mlp.array_module("cuda")
    sync()
    assert xp is fake and synced == [True]


def test_summary_of_a_gpu_run(capsys, tmp_path):
    """The summary table from the results a GPU run would produce (made up numbers)."""
    ms = {"784-4096-4096-10 batch 8192": {"cupy (by hand)": 20.9, "minigrad": 22.0,
                                          "pytorch": 19.7},
          "784-256-256-10 batch 1024": {"cupy (by hand)": 0.3, "minigrad": 0.9}}
    results = {"dry_run": False, "out": str(tmp_path), "phases": {
        "environment": {"status": "ok", "seconds": 9, "budget_s": 40,
                        "summary": "NVIDIA H100; CUDA runtime 13.2"},
        "smoke": {"status": "ok", "seconds": 5, "budget_s": 60,
                  "SGD": {"loss_first": 1.6, "loss_last": 1.2, "loss_max_rel_diff": 2e-7,
                          "param_max_abs_diff": 3e-8, "params_close": True},
                  "Adam": {"loss_first": 1.6, "loss_last": 1.0, "loss_max_rel_diff": 4e-7,
                           "param_max_abs_diff": 1e-7, "params_close": True}},
        "benchmark": {"status": "ok", "seconds": 50, "budget_s": 110, "gpu_mlp": {
            "device": "cuda", "floor": "cupy (by hand)", "ms": ms,
            "max_abs_param_diff_after_3_steps": 1e-8,
            "targets": [timing.target("784-4096-4096-10 batch 8192: minigrad <= 1.1x cupy",
                                      "22.00 vs 20.90 ms = 1.05x", True)]}},
        "tests": {"status": "failed", "seconds": 120, "budget_s": 250, "tests": 2446,
                  "passed": 2400, "failures": 1, "errors": 0, "skipped": 45,
                  "failed_tests": ["tests.test_ops::test_x[cuda]"], "error": "pytest exit 1"}}}
    gpu.print_summary(results, 190)
    out = capsys.readouterr().out
    assert "784-4096-4096-10 batch 8192: minigrad 22.00 ms / cupy 20.90 ms = 1.05x, torch 19.70" \
        in out
    assert "2446 tests: 2400 passed, 1 failed" in out and "failed: tests.test_ops::test_x[cuda]" \
        in out
    assert "SGD: cuda vs cpu, loss rel diff 2.0e-07, param abs diff 3.0e-08" in out
    assert "MET" in out and "junit-cuda.xml" in out


def test_benchmark_still_times_the_floor_when_minigrad_fails(monkeypatch, capsys):
    def broken(*args, **kwargs):
        raise RuntimeError("no kernel for this")
    monkeypatch.setattr(gpu_mlp, "make_step", broken)
    monkeypatch.setattr(gpu_mlp, "check_same_update", broken)
    saved = []
    res = gpu_mlp.run(quick=True, device="cpu", torch=False, save=saved.append)
    assert all(list(ms) == ["numpy (by hand)"] for ms in res["ms"].values())
    assert len(res["errors"]) == 1 + len(res["ms"]) and saved
    line = gpu._bench_line(next(iter(res["ms"].values())), res["floor"])
    assert line.startswith("minigrad failed; numpy ")
