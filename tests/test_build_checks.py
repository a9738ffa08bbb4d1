"""The build checks themselves, checked (tests/build/: what the learner's edition runs).

- Other correct ways to write the pieces (``RIGHT`` in wrong.py) pass every check.
- Each wrong implementation of ``tests/build/wrong.py``, put into a solved edition, makes one of
  its chapter's checks fail, with a message that names the mistake.
- Chapter independence: in the edition written ``--from N`` (chapters >= N stubbed), the checks
  of every chapter before N pass and every check of chapter N fails with a message.
- The order the chapter-4 check expects is PyTorch's (with PyTorch as the oracle).

Every run is a fresh ``python -m pytest -m chapterK checks`` in an edition, as the learner
runs it; they run in parallel, once per session (about 40 runs of a second each).
"""
from __future__ import annotations

import concurrent.futures
import importlib.util
import os
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str, path: Path):
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault(name, module)
    spec.loader.exec_module(module)
    return module


edition = _load("_edition_for_checks", ROOT / "notebooks" / "edition.py")
_versions = _load("_wrong_for_checks", ROOT / "tests" / "build" / "wrong.py")
WRONG, RIGHT = _versions.WRONG, _versions.RIGHT
CHAPTERS = tuple(edition.chapters())
FROM = tuple(range(CHAPTERS[0], CHAPTERS[-1] + 2))


def install(out: Path, wrong) -> None:
    """Put a version (``wrong.py``) into the edition at ``out`` in place of the solution."""
    if wrong.replace is not None:
        changes = wrong.replace if isinstance(wrong.replace, list) else [wrong.replace]
        for rel, old, new in changes:
            path = out / rel
            text = path.read_text()
            assert text.count(old) == 1, f"{wrong.name}: {old!r} is not once in {rel}"
            path.write_text(text.replace(old, new))
        return
    for path in sorted((out / "minigrad").rglob("*.py")):
        text = path.read_text()
        found = [r for r in edition.regions(text) if r["what"] == wrong.region]
        if not found:
            continue
        r, = found
        assert r["chapter"] == wrong.chapter, f"{wrong.name}: region of chapter {r['chapter']}"
        lines = text.splitlines(keepends=True)
        body = textwrap.indent(textwrap.dedent(wrong.code), r["indent"])
        lines[r["start"] + 1:r["end"]] = [body]
        path.write_text("".join(lines))
        return
    raise AssertionError(f"{wrong.name}: no region {wrong.region!r} in the package")


def _run(out: Path, chapters) -> dict:
    """Run the checks of ``chapters`` in the edition at ``out``:
    {test name: (chapter, outcome, the failure's message)}."""
    report = out / "report.xml"
    marks = " or ".join(f"chapter{k}" for k in chapters)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "PYTHONPATH"))}
    env["PYTEST_DISABLE_PLUGIN_AUTOLOAD"] = "1"  # (faster: the checks need no plugin)
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-m", marks,
         "checks", f"--junitxml={report}"],
        cwd=out, env=env, capture_output=True, text=True, timeout=120)
    if not report.exists():
        raise AssertionError(f"pytest wrote no report in {out}:\n{proc.stdout}\n{proc.stderr}")
    results = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        chapter = next(k for k in CHAPTERS if f"test_ch{k:02d}_" in case.get("classname"))
        bad = case.find("failure")
        if bad is None:
            bad = case.find("error")
        outcome = "passed" if bad is None else "failed"
        if case.find("skipped") is not None:
            outcome = "skipped"
        # the exception's message only: the traceback would quote the checks' source
        message = "" if bad is None else bad.get("message", "")
        results[f"{case.get('name')}"] = (chapter, outcome, message)
    assert results, f"no checks ran in {out}:\n{proc.stdout}\n{proc.stderr}"
    return results


@pytest.fixture(scope="module")
def runs(tmp_path_factory) -> dict:
    """Every run, in parallel: ("from", N), ("right",) and ("wrong", name) -> results."""
    base = tmp_path_factory.mktemp("editions")
    jobs = {}
    for n in FROM:
        out = base / f"from{n}"
        edition.write(out, n)
        jobs[("from", n)] = (out, CHAPTERS)
    out = base / "right"
    edition.write(out, max(CHAPTERS) + 1)
    for right in RIGHT:
        install(out, right)
    jobs[("right",)] = (out, CHAPTERS)
    for i, wrong in enumerate(WRONG):
        out = base / f"wrong{i}"
        edition.write(out, max(CHAPTERS) + 1)
        install(out, wrong)
        jobs[("wrong", wrong.name)] = (out, (wrong.chapter,))
    workers = max(2, os.cpu_count() or 1)
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        futures = {key: pool.submit(_run, *job) for key, job in jobs.items()}
        return {key: f.result() for key, f in futures.items()}


def _summary(results: dict) -> str:
    return "\n".join(f"  {outcome:7} ch{ch} {name}: {(message.splitlines() or [''])[0][:150]}"
                     for name, (ch, outcome, message) in sorted(results.items()))


def test_every_chapter_has_a_handful_of_checks(runs):
    results = runs[("from", max(FROM))]
    for k in CHAPTERS:
        names = {name.split("[")[0] for name, (ch, _, _) in results.items() if ch == k}
        assert 4 <= len(names) <= 8, f"chapter {k} has {len(names)} checks: {sorted(names)}"


@pytest.mark.parametrize("n", FROM)
def test_chapters_before_the_stubbed_ones_pass_and_the_first_stubbed_fails(runs, n):
    results = runs[("from", n)]
    for name, (ch, outcome, message) in results.items():
        if ch < n:
            assert outcome == "passed", (
                f"--from {n}: chapter {ch}'s check {name} must pass with chapters >= {n} "
                f"stubbed, but {outcome}:\n{message[:2000]}")
        elif ch == n:
            assert outcome == "failed" and message.strip(), (
                f"--from {n}: chapter {n}'s check {name} must fail (its pieces are stubs), "
                f"with a message, but {outcome}")
    assert any(ch == n for ch, _, _ in results.values()) or n > max(CHAPTERS)


def test_other_right_implementations_pass_every_check(runs):
    results = runs[("right",)]
    failed = {name: message for name, (_, outcome, message) in results.items()
              if outcome != "passed"}
    assert not failed, ("with the versions of RIGHT (wrong.py), which are correct, checks "
                        "failed:\n" + _summary(results))
    assert {ch for ch, _, _ in results.values()} == set(CHAPTERS)


@pytest.mark.parametrize("wrong", WRONG, ids=[w.name for w in WRONG])
def test_a_check_rejects_the_wrong_implementation(runs, wrong):
    results = runs[("wrong", wrong.name)]
    failed = {name: message for name, (ch, outcome, message) in results.items()
              if outcome == "failed"}
    assert failed, (f"with {wrong.name!r}, every check of chapter {wrong.chapter} passed:\n"
                    + _summary(results))
    assert any(wrong.expect in message for message in failed.values()), (
        f"with {wrong.name!r}, no failing check of chapter {wrong.chapter} says "
        f"{wrong.expect!r}:\n" + _summary(results))


def test_the_newest_first_order_is_pytorchs(torch):
    """The order test_ch04_engine.py::test_ready_nodes_run_newest_first expects, in PyTorch."""
    x1, x2, x3 = (torch.tensor([1.0, 2.0], requires_grad=True) for _ in range(3))
    a, b, c = x1 * 2, x2 * 3, x3 * 4
    s = a + c
    z = (s + b).sum()
    order = []
    for label, t in (("a", a), ("b", b), ("c", c), ("s", s)):
        t.register_hook(lambda g, label=label: order.append(label))
    z.backward()
    assert order == ["s", "c", "b", "a"]
    text = (ROOT / "tests" / "build" / "test_ch04_engine.py").read_text()
    assert 'order == ["s", "c", "b", "a"]' in text
