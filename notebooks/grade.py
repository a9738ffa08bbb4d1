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
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path


def chapters_of(checks: Path) -> list[int]:
    """The chapters that have checks (``test_chKK_*.py``)."""
    found = {int(m[1]) for p in checks.glob("test_ch*.py")
             if (m := re.match(r"test_ch(\d+)_", p.name))}
    return sorted(found)


def run_chapter(submission: Path, chapter: int, timeout: float) -> list[tuple[str, str]]:
    """[(check, result)] for one chapter, from its own pytest process."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        env = dict(os.environ, PYTHONPATH=str(submission), PYTHONDONTWRITEBYTECODE="1")
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-m", f"chapter{chapter}", f"--junitxml={report}", "checks"]
        try:
            subprocess.run(cmd, cwd=submission, env=env, capture_output=True, text=True,
                           timeout=timeout)
        except subprocess.TimeoutExpired:
            return [("(all checks)", f"timeout after {timeout:g} s")]
        if not report.exists():
            return [("(all checks)", "crash: no report")]
        return [(name, result) for name, result in _results(report, chapter)]


def _results(report: Path, chapter: int):
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name")
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            yield name, "skipped"
        elif problem is None:
            yield name, "pass"
        else:
            text = (problem.get("message") or "") + (problem.text or "")
            if f"chapter {chapter}: implement" in text:
                yield name, "not attempted"
            else:
                first = (problem.get("message") or "failed").splitlines()[0]
                yield name, "fail: " + first[:90]


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
