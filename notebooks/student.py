"""Write the student versions of the course notebooks: solutions out, checks kept.

    python notebooks/student.py [OUT_DIR]        (or: make student; default OUT_DIR: student/)

In a course notebook each exercise is a code cell tagged ``solution`` followed by a cell tagged
``check``. The solution's body sits between the lines ``### BEGIN SOLUTION`` and
``### END SOLUTION``; the student version replaces that region with
``raise NotImplementedError(...)`` at the same indentation, so a ``def f(x):`` line above the
markers stays. A ``solution`` cell without markers is replaced whole. A check cell run before
its exercise says "Do exercise 5.1 first" instead of a bare NameError. Outputs of solution and
check cells are cleared; both are tagged ``raises-exception`` so that the rest of the notebook
still runs top to bottom (and nbval/nbclient don't stop) before the student fills them in.
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

import nbformat

BEGIN, END = "### BEGIN SOLUTION", "### END SOLUTION"
HERE = Path(__file__).resolve().parent


def strip_solution(source: str, label: str) -> str:
    """The solution cell's source with every marked region replaced by a stub."""
    stub = f'raise NotImplementedError("{label}: your code here")'
    if BEGIN not in source:
        return f"# {label}: write your solution here\n{stub}\n"
    out, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
            indent = line[: len(line) - len(line.lstrip())]
            out.append(f"{indent}{stub}")
        elif line.strip() == END:
            inside = False
        elif not inside:
            out.append(line)
    return "\n".join(out) + ("\n" if source.endswith("\n") else "")


def guard_check(source: str, exercise: str) -> str:
    """A check cell that, run before its exercise, says so instead of a bare NameError."""
    body = "".join("    " + line if line.strip() else line
                   for line in source.splitlines(keepends=True))
    return (f"try:\n{body.rstrip()}\n"
            "except NameError as error:  # the exercise above defines what this check reads\n"
            f'    raise NameError(f"{{error}}. Do exercise {exercise} first (run its cell), "\n'
            '                    "then this check.") from None\n')


def student_version(nb: nbformat.NotebookNode, name: str) -> nbformat.NotebookNode:
    nb = nbformat.from_dict(nb)  # a copy
    n = 0
    chapter = int(name[:2]) if name[:2].isdigit() else name.split("_")[0]  # 5, A7, P1
    for cell in nb.cells:
        tags = cell.metadata.get("tags", [])
        if cell.cell_type != "code" or not ({"solution", "check"} & set(tags)):
            continue
        if "solution" in tags:
            n += 1
            cell.source = strip_solution(cell.source, f"{name}, exercise {n}")
        else:
            cell.source = guard_check(cell.source, f"{chapter}.{n}")
        cell.outputs, cell.execution_count = [], None
        if "raises-exception" not in tags:
            cell.metadata["tags"] = tags + ["raises-exception"]
    return nb


def solution_lines(nb: nbformat.NotebookNode) -> list[str]:
    """The lines of solution code a student version must not contain (for the leak test)."""
    lines = []
    for cell in nb.cells:
        if cell.cell_type == "code" and "solution" in cell.metadata.get("tags", []):
            src = cell.source
            regions = re.findall(re.escape(BEGIN) + r"\n(.*?)" + re.escape(END), src, re.S) \
                if BEGIN in src else [src]
            for region in regions:
                lines += [ln.strip() for ln in region.splitlines()
                          if ln.strip() and not ln.strip().startswith("#")]
    return lines


def main(out_dir: str = "student") -> None:
    """Write the student notebooks to ``out_dir``; never over a student's changes (the same
    manifest of hashes as the build edition: see edition.py)."""
    import edition  # (this folder)
    out = Path(out_dir)
    files = {}
    for path in sorted(HERE.glob("[0-9A-Z][0-9]_*.ipynb")):  # chapters and appendices (A7_...)
        nb = nbformat.read(path, as_version=4)
        files[path.name] = nbformat.writes(student_version(nb, path.stem)) + "\n"
    edition.write_files(out, files)
    for name in files:
        print(f"{out / name}")


if __name__ == "__main__":
    sys.path.insert(0, str(HERE))
    main(*sys.argv[1:2])
