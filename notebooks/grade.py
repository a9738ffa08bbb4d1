"""Grade a learner's build edition: every chapter's checks, each chapter in its own process.

    python notebooks/grade.py SUBMISSION [--timeout SECONDS]    (or: make grade SUBMISSION=DIR)

SUBMISSION is an edition written by ``edition.py`` (its ``minigrad/`` and ``checks/``), as the
learner hands it in. Each chapter's checks run in a separate ``python -m pytest`` with a time
limit, so an endless loop or a crash in one chapter costs that chapter, not the run. Prints a
table, chapter x check: ``pass``, ``fail`` (with the check's first words), ``not attempted``
(the piece still raises its NotImplementedError), or the chapter's ``timeout`` / ``crash``.
Reads the submission; writes nothing in it.
"""
from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

from minigrad.course import run_checks  # runs one chapter's checks on any edition


def chapters_of(checks: Path) -> list[int]:
    """The chapters that have checks (``test_chKK_*.py``)."""
    found = {int(m[1]) for p in checks.glob("test_ch*.py")
             if (m := re.match(r"test_ch(\d+)_", p.name))}
    return sorted(found)


def run_chapter(submission: Path, chapter: int, timeout: float) -> list[tuple[str, str]]:
    """[(check, result)] for one chapter, from its own pytest process (minigrad/course.py)."""
    rows = []
    for name, result, message in run_checks(chapter, submission, timeout):
        if result == "fail":
            result = "fail: " + message.splitlines()[0][:90]
        elif result == "timeout":
            result = f"timeout after {timeout:g} s"
        elif result == "crash":
            result = "crash: no report"
        rows.append((name, result))
    return rows


def grade(submission: Path, timeout: float = 60.0) -> list[tuple[int, str, str]]:
    rows = []
    for chapter in chapters_of(submission / "checks"):
        for check, result in run_chapter(submission, chapter, timeout):
            rows.append((chapter, check, result))
    return rows


def main(argv: list[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("submission", type=Path)
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per chapter")
    args = ap.parse_args(argv)
    if not (args.submission / "checks").is_dir() or not (args.submission / "minigrad").is_dir():
        print(f"{args.submission}: not a build edition (needs minigrad/ and checks/)")
        return 2
    rows = grade(args.submission.resolve(), args.timeout)
    width = max([len(check) for _, check, _ in rows] + [5])
    print(f"{'chapter':<8} {'check':<{width}}  result")
    for chapter, check, result in rows:
        print(f"{chapter:<8} {check:<{width}}  {result}")
    passed = sum(result == "pass" for _, _, result in rows)
    print(f"\n{passed} of {len(rows)} checks pass")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
