"""The build edition (notebooks/edition.py) and its grading (notebooks/grade.py).

What CI proves here: the edition differs from the package only inside the marked regions
(putting the solutions back gives the package itself, so it can never drift); with the pieces
stubbed every build check fails and none passes; for every chapter N, the edition FROM=N
passes the checks of the chapters before N and fails N's; writing never destroys a learner's
changes; grading runs each chapter in its own process.
"""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        spec = importlib.util.spec_from_file_location(name, ROOT / "notebooks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "notebooks"))


edition = _load("edition")
grade = _load("grade")
PACKAGE = sorted((ROOT / "minigrad").rglob("*.py"))
CHAPTERS = edition.chapters()


def test_the_chapters_with_a_build_step_have_checks():
    assert CHAPTERS == list(range(2, CHAPTERS[-1] + 1)), f"a chapter without a build step: {CHAPTERS}"
    assert grade.chapters_of(ROOT / "tests" / "build") == CHAPTERS


def test_a_region_becomes_a_stub_with_the_chapter_and_the_marker_lines_stay():
    src = ("def f(x):\n"
           "    ### BEGIN SOLUTION chapter 4: the dependency count\n"
           "    y = x * 2\n"
           "    return y\n"
           "    ### END SOLUTION\n")
    out = edition.strip(src, 0)
    assert out == ("def f(x):\n"
                   "    ### BEGIN SOLUTION chapter 4: the dependency count\n"
                   '    raise NotImplementedError("chapter 4: implement the dependency count")\n'
                   "    ### END SOLUTION\n")
    assert edition.strip(src, 5) == src  # chapter 4 comes solved from chapter 5 on
    assert edition.restore(out, src) == src


def test_unbalanced_markers_are_an_error():
    with pytest.raises(ValueError, match="without END"):
        edition.regions("### BEGIN SOLUTION chapter 3: x\npass\n")
    with pytest.raises(ValueError, match="without BEGIN"):
        edition.regions("pass\n### END SOLUTION\n")


@pytest.mark.parametrize("path", PACKAGE, ids=[p.relative_to(ROOT).as_posix() for p in PACKAGE])
def test_putting_the_solutions_back_gives_the_package_itself(path):
    src = path.read_text()
    for n in [0, *CHAPTERS]:
        stubbed = edition.strip(src, n)
        assert edition.restore(stubbed, src) == src
        kept = [r for r in edition.regions(src) if r["chapter"] < n]
        assert all(src.splitlines()[r["start"]:r["end"] + 1] ==
                   stubbed.splitlines()[s["start"]:s["end"] + 1]
                   for r, s in zip(kept, [r for r in edition.regions(stubbed)
                                          if r["chapter"] < n]))


def test_the_edition_has_the_pieces_stubbed_and_the_fast_paths_off(tmp_path):
    out = tmp_path / "ed"
    files = edition.write(out, 0)
    assert "checks/conftest.py" in files and "README.md" in files
    assert not any(f.startswith("checks/wrong") for f in files)  # no near-solutions shipped
    stubs = [line.strip() for f in (out / "minigrad").rglob("*.py")
             for line in f.read_text().splitlines()
             if line.strip().startswith("raise NotImplementedError(\"chapter")]
    assert len(stubs) == sum(len(edition.regions(p.read_text())) for p in PACKAGE) >= 10
    fast = (out / "minigrad/autograd/fastpath.py").read_text()
    assert 'os.environ.get("MINIGRAD_FASTPATH", "0") != "0"' in fast
    solved = tmp_path / "solved"
    edition.write(solved, 99)
    for p in PACKAGE:
        rel = p.relative_to(ROOT)
        if rel.name != "fastpath.py":
            assert (solved / rel).read_text() == p.read_text(), rel


def test_writing_never_destroys_a_learners_changes(tmp_path):
    out = tmp_path / "ed"
    edition.write(out, 3)
    edition.write(out, 4)  # nothing changed: written again
    mine = out / "minigrad/autograd/engine.py"
    mine.write_text(mine.read_text() + "# my work\n")
    (out / "notes.txt").write_text("mine too")
    with pytest.raises(SystemExit, match=r"(?s)changes that writing would destroy.*"
                                         r"minigrad/autograd/engine.py.*notes.txt"):
        edition.write(out, 3)
    assert mine.read_text().endswith("# my work\n") and (out / "notes.txt").exists()
    other = tmp_path / "other"
    other.mkdir()
    (other / "thesis.tex").write_text("...")
    with pytest.raises(SystemExit, match="was not written by this command"):
        edition.write(other, 3)
    assert (other / "thesis.tex").read_text() == "..."


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    """grade() of the edition FROM=N for N = 0 and every chapter, and the solved one."""
    results = {}
    for n in [0, *CHAPTERS, 99]:
        out = tmp_path_factory.mktemp(f"from{n}") / "ed"
        edition.write(out, n)
        results[n] = grade.grade(out, timeout=120)
    return results


def test_with_every_piece_stubbed_no_check_passes(graded):
    rows = graded[0]
    assert {chapter for chapter, _, _ in rows} == set(CHAPTERS)
    assert rows and all(result != "pass" for _, _, result in rows), rows


@pytest.mark.parametrize("n", CHAPTERS)
def test_from_n_passes_the_chapters_before_and_fails_chapter_n(graded, n):
    for chapter, check, result in graded[n]:
        if chapter < n:
            assert result == "pass", (chapter, check, result)
        elif chapter == n:
            assert result == "not attempted", (chapter, check, result)


def test_the_solved_edition_passes_every_check(graded):
    rows = graded[99]
    assert len(rows) >= 3 * len(CHAPTERS)
    assert all(result == "pass" for _, _, result in rows), rows


def test_grading_survives_an_endless_loop_and_a_crash(tmp_path):
    out = tmp_path / "ed"
    edition.write(out, 99)
    engine = out / "minigrad/autograd/engine.py"
    text = engine.read_text()
    start = text.index("### BEGIN SOLUTION chapter 4: the dependency count")
    engine.write_text(text[:start] + "### BEGIN SOLUTION chapter 4: the dependency count\n"
                      "    while True:\n        pass\n    " + text[start:].split("\n", 1)[1])
    rows = grade.grade(out, timeout=15)
    by_chapter = {}
    for chapter, check, result in rows:
        by_chapter.setdefault(chapter, []).append(result)
    assert by_chapter[4] == ["timeout after 15 s"]
    assert all(r == "pass" for r in by_chapter[3])  # the other chapters are still graded
