"""``python -m benchmarks NAME [--quick] [--json PATH]``: run one benchmark, or ``all`` of them
in sequence followed by a summary of issue 7's targets."""
import argparse
import os
import sys
import time

from . import deep_graph, gpu, gpu_mlp, hvp, memory, mlp_step, overhead, timing

BENCHMARKS = {
    "overhead": (overhead, "per-op overhead: 1,000 elementwise ops on 16 numbers, then backward"),
    "mlp": (mlp_step, "one SGD step of a 784-256-256-10 MLP at batch 128 and 1024"),
    "deep": (deep_graph, "10,000 and 100,000 ops chained: time, peak memory, memory returned"),
    "memory": (memory, "RSS after 100 and after 2,000 training steps of a small MLP"),
    "hvp": (hvp, "Hessian-vector product of sum(tanh(W x)) via create_graph=True"),
}
# On a GPU machine only; not part of `all`.
GPU_BENCHMARKS = {
    "gpu_mlp": (gpu_mlp, "one SGD step of 784-4096-4096-10 and 784-256-256-10 MLPs on cuda: "
                         "minigrad, CuPy by hand, PyTorch"),
    "gpu": (gpu, "the GPU machine's one command: environment, cpu/cuda smoke training, "
                 "gpu_mlp, the cuda tests (JUnit); --dry-run without a GPU"),
}


def run_all(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(prog="python -m benchmarks all",
                                 description="every benchmark, then the summary of targets")
    ap.add_argument("--quick", action="store_true", help="fewer repeats (noisier)")
    ap.add_argument("--json", metavar="PATH", help="also write every result to PATH")
    args = ap.parse_args(argv)
    env = timing.environment()
    print("minigrad benchmarks: " + ", ".join(f"{k} {v}" for k, v in env.items()
                                              if k in ("python", "numpy", "minigrad", "torch",
                                                       "dezero")))
    print(env["blas"] + "\n")
    results, start = {"environment": env}, time.perf_counter()
    for name, (module, _) in BENCHMARKS.items():
        results[name] = module.run(args.quick)
    targets = [t for name in BENCHMARKS for t in results[name]["targets"]]
    print("== summary: issue 7's targets (ratios measured in this run) ==")
    timing.table(["target", "measured", "status"],
                 [[t["target"], t["measured"], t["status"]] for t in targets], left=3)
    print(f"({time.perf_counter() - start:.0f} s in all; load average now "
          f"{os.getloadavg()[0]:.2f})")
    results["targets"] = targets
    if args.json:
        timing.write_json(args.json, results)
    return 0


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in (*BENCHMARKS, "all", *GPU_BENCHMARKS):
        print("usage: python -m benchmarks {" + ",".join([*BENCHMARKS, "all"])
              + "} [--quick] [--json PATH]")
        for name, (_, what) in BENCHMARKS.items():
            print(f"  {name:<9} {what}")
        print(f"  {'all':<9} all of them, then a summary of issue 7's targets (make bench)")
        print("on a GPU machine: python -m benchmarks {gpu_mlp,gpu} [--help]")
        for name, (_, what) in GPU_BENCHMARKS.items():
            print(f"  {name:<9} {what}")
        return 0 if not argv else 2
    if argv[0] == "all":
        return run_all(argv[1:])
    module = (BENCHMARKS | GPU_BENCHMARKS)[argv[0]][0]
    return module.main(argv[1:]) or 0


sys.exit(main(sys.argv[1:]))
