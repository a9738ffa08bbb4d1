"""Record PyTorch's results for the tests, so that they run where PyTorch is not installed.

    python tests/oracle/record.py          (where PyTorch is installed; the CI's version)

Runs every test file that uses the ``oracle`` fixture with ``MINIGRAD_ORACLE=record``: each
oracle call runs PyTorch and keeps what it returned; at the end the whole recording is written
anew to tests/oracle/torch-<version>.json (readable) and .npz (the values). Tests that fail
are reported as usual (a recording says what PyTorch does, whatever minigrad does); extra
arguments go to pytest: test files or ``-k`` record only those tests (the others' entries are
kept). Commit both files.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def oracle_test_files() -> list[str]:
    """The test files with a test that takes the ``oracle`` fixture."""
    uses = re.compile(r"^def test_\w+\([^)]*\boracle\b", re.MULTILINE)
    return sorted(str(p.relative_to(ROOT)) for p in (ROOT / "tests").glob("test_*.py")
                  if uses.search(p.read_text(encoding="utf-8")))


def main(argv: list[str]) -> int:
    try:
        import torch
    except ModuleNotFoundError:
        sys.exit("recording needs PyTorch: pip install torch (the version CI pins)")
    files = [a for a in argv if a.startswith("tests/")] or oracle_test_files()
    argv = [a for a in argv if not a.startswith("tests/")]
    print(f"recording PyTorch {torch.__version__} for {len(files)} files: {' '.join(files)}")
    env = {**os.environ, "MINIGRAD_ORACLE": "record",
           "MINIGRAD_ORACLE_COMMAND": "python tests/oracle/record.py"}
    cmd = [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", "-q", *argv, *files]
    return subprocess.call(cmd, cwd=ROOT, env=env)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
