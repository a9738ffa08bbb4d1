"""The build edition, seen from a notebook: the pieces of the engine the course has the learner
write, their checks, and what a cell says when it needs a piece not written yet.

    from minigrad import course
    course.check(4)              # run chapter 4's build checks; each failure says what is wrong
    course.show(4)               # the pieces chapter 4 has you write, and which are written
    course.pieces()              # every piece: chapter, what, file, written or not
    %load_ext minigrad.course    # (first cell of the build edition's notebooks) a cell that
                                 # needs a piece not written yet says which, in words

In the package's source each piece sits between ``### BEGIN SOLUTION chapter K: what`` and
``### END SOLUTION``; the build edition (``notebooks/edition.py``) replaces the lines between
with ``raise NotImplementedError("chapter K: implement what")``. Not part of PyTorch's API.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import textwrap
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent
BEGIN = re.compile(r"^(?P<indent>\s*)### BEGIN SOLUTION chapter (?P<chapter>\d+): (?P<what>.+?)\s*$")
END = "### END SOLUTION"
STUB = re.compile(r"chapter (?P<chapter>\d+): implement (?P<what>.+)")


def regions(source: str) -> list[dict]:
    """The marked regions of a source file: chapter, what, indent, and the first and last line
    (0-based, the marker lines included)."""
    found, current = [], None
    for i, line in enumerate(source.splitlines()):
        m = BEGIN.match(line)
        if m:
            if current is not None:
                raise ValueError(f"line {i + 1}: BEGIN SOLUTION inside another region")
            current = dict(chapter=int(m["chapter"]), what=m["what"], indent=m["indent"],
                           start=i)
        elif line.strip() == END:
            if current is None:
                raise ValueError(f"line {i + 1}: END SOLUTION without BEGIN")
            current["end"] = i
            found.append(current)
            current = None
    if current is not None:
        raise ValueError(f"line {current['start'] + 1}: BEGIN SOLUTION without END")
    return found


@dataclass(frozen=True)
class Piece:
    chapter: int
    what: str
    file: str           # relative to the folder that holds minigrad/
    line: int           # of the BEGIN marker, 1-based
    written: bool       # False while the region still raises its NotImplementedError


def pieces(package: Path = PACKAGE) -> list[Piece]:
    """Every marked piece of the package, by chapter then file."""
    found = []
    for path in sorted(package.rglob("*.py")):
        lines = path.read_text().splitlines()
        for r in regions("\n".join(lines)):
            body = "\n".join(lines[r["start"] + 1:r["end"]])
            stub = f'NotImplementedError("chapter {r["chapter"]}: implement {r["what"]}")'
            found.append(Piece(r["chapter"], r["what"],
                               path.relative_to(package.parent).as_posix(), r["start"] + 1,
                               stub not in body))
    return sorted(found, key=lambda p: (p.chapter, p.file, p.line))


def show(chapter: int | None = None) -> None:
    """Print the pieces chapter ``chapter`` (or every chapter) has you write, by file, each
    marked written or to do."""
    chosen = [p for p in pieces() if chapter is None or p.chapter == chapter]
    if not chosen:
        print(f"chapter {chapter} has no build step")
        return
    for k in sorted({p.chapter for p in chosen}):
        mine = [p for p in chosen if p.chapter == k]
        done = sum(p.written for p in mine)
        print(f"chapter {k}: {done} of {len(mine)} pieces written")
        for file in dict.fromkeys(p.file for p in mine):
            print(f"  {file}")
            for p in mine:
                if p.file == file:
                    print(f"    [{'written' if p.written else 'to do'}]  {p.what}")


def checks_folder(root: Path = PACKAGE.parent) -> Path:
    """Where the build checks are: ``checks/`` in a build edition, ``tests/build/`` in the
    course's repository."""
    for folder in (root / "checks", root / "tests" / "build"):
        if any(folder.glob("test_ch*.py")):
            return folder
    raise FileNotFoundError(f"no build checks (test_ch*.py) in {root / 'checks'} or "
                            f"{root / 'tests' / 'build'}")


def run_checks(chapter: int, root: Path = PACKAGE.parent,
               timeout: float = 60.0) -> list[tuple[str, str, str]]:
    """Chapter ``chapter``'s checks, run on the minigrad in ``root`` in a fresh process (so it
    sees the package as it is on disk now, and an endless loop costs only ``timeout``).

    Returns [(check, result, message)], result one of "pass", "fail", "not attempted" (the
    piece still raises its stub's NotImplementedError), "skipped", "timeout", "crash"."""
    root = Path(root).resolve()
    folder = checks_folder(root)
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.xml"
        env = {k: v for k, v in os.environ.items() if not k.startswith("PYTEST")}
        env.update(PYTHONPATH=str(root), PYTHONDONTWRITEBYTECODE="1",
                   PYTEST_DISABLE_PLUGIN_AUTOLOAD="1")
        cmd = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
               "-m", f"chapter{chapter}", f"--junitxml={report}", str(folder)]
        try:
            proc = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True,
                                  timeout=timeout)
        except subprocess.TimeoutExpired:
            return [("(all checks)", "timeout", f"still running after {timeout:g} s: an "
                     "endless loop?")]
        if not report.exists():
            return [("(all checks)", "crash", (proc.stderr or proc.stdout)[-2000:])]
        return list(_results(report, chapter))


def _results(report: Path, chapter: int):
    for case in ET.parse(report).getroot().iter("testcase"):
        name = case.get("name")
        problem = case.find("failure")
        if problem is None:
            problem = case.find("error")
        if case.find("skipped") is not None:
            yield name, "skipped", ""
        elif problem is None:
            yield name, "pass", ""
        else:
            text = (problem.get("message") or "") + "\n" + (problem.text or "")
            if f"chapter {chapter}: implement" in text:
                yield name, "not attempted", ""
            else:
                yield name, "fail", _message(problem.get("message") or "failed")


def _message(raw: str) -> str:
    """The check's own words: without pytest's "AssertionError: " and its "assert ..." lines."""
    for prefix in ("AssertionError: ", "Failed: "):
        if raw.startswith(prefix):
            raw = raw[len(prefix):]
    return raw.split("\nassert ")[0].strip()


class ChecksFailed(AssertionError):
    """Raised by check() when a check of the chapter does not pass."""


def check(chapter: int, timeout: float = 60.0) -> None:
    """Run chapter ``chapter``'s build checks on the minigrad this notebook imports, print one
    line per check (what failed, in words), and raise ChecksFailed unless all pass."""
    rows = run_checks(chapter, timeout=timeout)
    width = 72
    print(f"chapter {chapter}: {len(rows)} checks")
    bad = 0
    for name, result, message in rows:
        label = name.removeprefix("test_").replace("_", " ")
        if result == "pass":
            print(f"  pass  {label}")
            continue
        bad += result != "skipped"
        print(f"  {dict(fail='FAIL', **{'not attempted': 'to do'}).get(result, result)}  {label}")
        if message:
            print(textwrap.indent(textwrap.fill(message, width), "        "))
    if bad:
        raise ChecksFailed(f"chapter {chapter}: {bad} of {len(rows)} checks do not pass "
                           "(see above)")
    print(f"all {len(rows)} pass")


# --- notebooks: a cell that needs a piece not written yet ---------------------------------

_missing: dict[int, str] = {}   # chapter -> a piece a cell needed, this session


def explain(error: BaseException) -> str | None:
    """The words for ``error`` if it comes from a piece not written yet (or from a name that a
    cell needing one would have defined); None otherwise."""
    if isinstance(error, NotImplementedError) and (m := STUB.fullmatch(str(error))):
        chapter, what = int(m["chapter"]), m["what"]
        _missing[chapter] = what
        where = next((f" ({p.file}, line {p.line})" for p in pieces()
                      if p.chapter == chapter and p.what == what), "")
        return (f"This cell needs a piece of the engine you have not written yet: chapter "
                f"{chapter}'s \"{what}\"{where}. You write it in chapter {chapter}'s build "
                f"step; until then, read on. Come back and run this cell once "
                f"course.check({chapter}) passes.")
    if isinstance(error, NameError) and _missing:
        chapters = ", ".join(str(k) for k in sorted(_missing))
        return (f"{error}: a cell above did not run, because it needs a piece of chapter "
                f"{chapters} that you have not written yet. This cell depends on it.")
    return None


def _handler(shell, etype, value, tb, tb_offset=None):
    words = explain(value)
    if words is None:
        return shell.showtraceback((etype, value, tb), tb_offset=tb_offset)
    print(f"{etype.__name__}: {value}\n\n" + textwrap.fill(words, 88), file=sys.stderr)
    return None


def load_ipython_extension(shell) -> None:
    """``%load_ext minigrad.course``: the words of explain() instead of a traceback."""
    shell.set_custom_exc((NotImplementedError, NameError), _handler)
