"""``python -m benchmarks mlp [options]``: run one benchmark by name."""
import sys

from . import mlp_step

BENCHMARKS = {"mlp": mlp_step.main}


def main(argv: list[str]) -> int:
    if not argv or argv[0] not in BENCHMARKS:
        print("usage: python -m benchmarks {" + ",".join(BENCHMARKS) + "} [options]")
        print("  mlp   one SGD step of a 784-256-256-10 ReLU MLP (minigrad vs NumPy vs PyTorch)")
        return 0 if not argv else 2
    return BENCHMARKS[argv[0]](argv[1:]) or 0


sys.exit(main(sys.argv[1:]))
