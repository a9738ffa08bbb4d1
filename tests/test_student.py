"""Student versions of the notebooks: no solution leaks into them, and everything outside the
exercises still runs (the stubs raise NotImplementedError only inside exercise cells)."""
from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

nbformat = pytest.importorskip("nbformat")

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted((ROOT / "notebooks").glob("[0-9A-Z][0-9]_*.ipynb"))  # chapters, appendices
spec = importlib.util.spec_from_file_location("student", ROOT / "notebooks" / "student.py")
student = importlib.util.module_from_spec(spec)
spec.loader.exec_module(student)


def test_marked_region_becomes_a_stub_and_the_rest_stays():
    src = "def f(x):\n    ### BEGIN SOLUTION\n    return x * 2\n    ### END SOLUTION\n"
    out = student.strip_solution(src, "ch, exercise 1")
    assert out == 'def f(x):\n    raise NotImplementedError("ch, exercise 1: your code here")\n'
    assert "return x * 2" not in out


def test_unmarked_solution_cell_is_replaced_whole():
    out = student.strip_solution("y = 42\n", "ch, exercise 2")
    assert "42" not in out and "NotImplementedError" in out


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_no_solution_leaks(path):
    nb = nbformat.read(path, as_version=4)
    # lines of solution code that the rest of the notebook doesn't also show
    public = "\n".join(c.source for c in nb.cells
                       if "solution" not in c.metadata.get("tags", []))
    secret = [ln for ln in student.solution_lines(nb) if ln not in public]
    st = student.student_version(nb, path.stem)
    text = "\n".join(c.source + "".join(str(o) for o in c.get("outputs", [])) for c in st.cells)
    leaked = [ln for ln in secret if ln in text]
    assert not leaked, f"solution lines left in the student version: {leaked}"
    kinds = [c.metadata.get("tags", []) for c in st.cells]
    assert sum("solution" in t for t in kinds) == sum(
        "solution" in c.metadata.get("tags", []) for c in nb.cells)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_student_version_runs_outside_the_exercises(path, tmp_path):
    nbclient = pytest.importorskip("nbclient")
    st = student.student_version(nbformat.read(path, as_version=4), path.stem)
    client = nbclient.NotebookClient(st, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(path.parent)}})
    client.execute()  # a cell without raises-exception that fails stops here with its error
    for cell in st.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or "raises-exception" in tags:
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"cell failed in the student version: {cell.source[:80]!r}"


def test_a_check_run_before_its_exercise_says_which_exercise_to_do():
    src = "assert predicted == 3, 'predicted is wrong'\nprint('ok')\n"
    guarded = student.guard_check(src, "5.1")
    scope: dict = {}
    with pytest.raises(NameError, match=r"name 'predicted' is not defined\. Do exercise 5\.1 "
                                        r"first \(run its cell\), then this check\."):
        exec(guarded, scope)
    scope["predicted"] = 3
    exec(guarded, scope)  # after the exercise, the check runs as written
    scope["predicted"] = 4
    with pytest.raises(AssertionError, match="predicted is wrong"):
        exec(guarded, scope)


def test_exercises_outside_the_numbered_chapters_are_named_by_their_prefix():
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell("### BEGIN SOLUTION\nx = 1\n### END SOLUTION\n",
                                  metadata={"tags": ["solution"]}),
        nbformat.v4.new_code_cell("assert x == 1\n", metadata={"tags": ["check"]})])
    st = student.student_version(nb, "P1_digits_project")
    assert 'NotImplementedError("P1_digits_project, exercise 1: your code here")' \
        in st.cells[0].source
    assert "Do exercise P1.1 first" in st.cells[1].source
