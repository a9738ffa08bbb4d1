"""minigrad.course: the build edition seen from a notebook (pieces, check(), the words a cell
prints when it needs a piece not written yet, and the edition's notebooks importing the
learner's package)."""
from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import nbformat
import pytest

import minigrad
from minigrad import course

ROOT = Path(__file__).resolve().parents[1]


def _load(name: str):
    sys.path.insert(0, str(ROOT / "notebooks"))
    try:
        spec = importlib.util.spec_from_file_location(f"_{name}_for_course",
                                                      ROOT / "notebooks" / f"{name}.py")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(ROOT / "notebooks"))


edition = _load("edition")


def test_the_package_has_every_piece_written():
    found = course.pieces()
    assert sorted({p.chapter for p in found}) == edition.chapters()
    assert all(p.written for p in found)
    for p in found:
        line = (ROOT / p.file).read_text().splitlines()[p.line - 1]
        assert f"### BEGIN SOLUTION chapter {p.chapter}: {p.what}" in line


def test_pieces_of_an_edition_are_not_written_from_its_chapter_on(tmp_path):
    edition.write(tmp_path, 4)
    found = course.pieces(tmp_path / "minigrad")
    assert {p.chapter for p in found if not p.written} == {c for c in edition.chapters()
                                                          if c >= 4}
    assert all(p.written for p in found if p.chapter < 4)


def test_check_prints_each_check_and_passes_on_the_package(capsys):
    course.check(2)
    out = capsys.readouterr().out
    assert out.startswith("chapter 2: ") and out.rstrip().endswith("pass")
    assert "  pass  " in out and "FAIL" not in out


def test_a_failing_check_is_printed_in_words_and_raises(tmp_path):
    edition.write(tmp_path, 5)                    # chapter 4 solved; then a wrong hand-over
    engine = tmp_path / "minigrad" / "autograd" / "engine.py"
    lines = engine.read_text().splitlines(keepends=True)
    r, = [r for r in course.regions("".join(lines)) if r["what"].startswith("the hand-over")]
    lines[r["start"] + 1:r["end"]] = [r["indent"] + "pass  # a first try: hands nothing over\n"]
    engine.write_text("".join(lines))
    rows = course.run_checks(4, tmp_path)
    assert "fail" in {result for _, result, _ in rows}
    assert all(message and not message.startswith("AssertionError")
               for _, result, message in rows if result == "fail")
    assert {result for _, result, _ in course.run_checks(5, tmp_path)} == {"not attempted"}


def test_explain_names_the_piece_and_its_chapter():
    words = course.explain(NotImplementedError("chapter 4: implement the dependency count "
                                               "(with targets, also each node's parents)"))
    assert "chapter 4's" in words and "minigrad/autograd/engine.py" in words
    assert "course.check(4)" in words
    assert "a cell above did not run" in course.explain(NameError("name 'loss' is not defined"))
    assert course.explain(NotImplementedError("something else")) is None
    assert course.explain(ValueError("chapter 4: implement x")) is None


def test_an_edition_notebook_imports_the_learners_package_and_explains_a_missing_piece(tmp_path):
    nbclient = pytest.importorskip("nbclient")
    edition.write(tmp_path, 3)
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_code_cell("%xmode Minimal\n" + edition.EDITION_LINES
                                          + "import minigrad\nprint(minigrad.__file__)"),
                nbformat.v4.new_code_cell("y = minigrad.ones(2, requires_grad=True) * 2"),
                nbformat.v4.new_code_cell("y")]
    nbclient.NotebookClient(nb, timeout=120, kernel_name="python3", allow_errors=True,
                            resources={"metadata": {"path": str(tmp_path / "notebooks")}}
                            ).execute()
    # one text per cell: the kernel may send %xmode's line and the print as one output or two
    text = [" ".join("".join(o.get("text", "")) + o.get("evalue", "") for o in c.outputs)
            for c in nb.cells]
    assert str(tmp_path / "minigrad" / "__init__.py") in text[0]
    assert "chapter 3's \"one edge per input in _record\"" in " ".join(text[1].split())
    assert "a cell above did not run" in " ".join(text[2].split())


def test_the_edition_holds_the_student_notebooks_with_the_edition_lines(tmp_path):
    edition.write(tmp_path, 0)
    names = sorted(p.name for p in (tmp_path / "notebooks").glob("*.ipynb"))
    assert names == sorted(p.name for p in (ROOT / "notebooks").glob("[0-9A-Z][0-9]_*.ipynb"))
    nb = nbformat.read(tmp_path / "notebooks" / "04_backprop.ipynb", as_version=4)
    first = next(c for c in nb.cells if c.cell_type == "code")
    assert first.source.startswith("%xmode Minimal\n" + edition.EDITION_LINES)
    solutions = [c for c in nb.cells if "solution" in c.metadata.get("tags", [])]
    assert solutions and all("NotImplementedError" in c.source for c in solutions)
