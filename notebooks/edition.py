"""The build edition: minigrad with the core that the course teaches left for the learner to write.

    python notebooks/edition.py OUT [--from N]       (or: make edition [OUT=edition] [FROM=N])

In the package's source, each piece a chapter has the learner build sits between the lines
``### BEGIN SOLUTION chapter K: what`` and ``### END SOLUTION``. The edition written to OUT has

- ``minigrad/``: a copy of the package in which every such region of a chapter K >= N is
  replaced by ``raise NotImplementedError("chapter K: implement what")`` at the same
  indentation (chapters before N come solved), and the declared fast paths switched off, so
  that what the learner writes is what runs;
- ``checks/``: each chapter's build checks (``tests/build/``), which say in words what is wrong:
  ``course.check(K)`` in a notebook, or ``python -m pytest -m chapterK checks`` in OUT; and
  ``checks/fakecupy``, the CuPy stand-in on which chapter 15's checks run without a GPU;
- ``notebooks/``: the course as in the student edition (exercises stubbed), each importing the
  minigrad of OUT; a cell that needs a piece not written yet says which, and in which chapter
  it is built (``minigrad/course.py``);
- ``README.md``: how to work in it.

Writing never destroys a learner's work: OUT/.edition.json records a hash of every file
written; writing again over an edition whose files changed (or that has files of its own)
refuses and lists them. ``grade.py`` runs the checks of a submitted edition.
"""
from __future__ import annotations

import argparse
import functools
import hashlib
import importlib.util
import json
import shutil
import sys
from pathlib import Path

import nbformat

from minigrad.course import regions  # the markers' one definition

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "notebooks"
MANIFEST = ".edition.json"
FAST_DEFAULT = 'os.environ.get("MINIGRAD_FASTPATH", "1") != "0"'


def stub(chapter: int, what: str) -> str:
    return f'raise NotImplementedError("chapter {chapter}: implement {what}")'


def strip(source: str, from_chapter: int) -> str:
    """The source with the regions of chapters >= from_chapter replaced by stubs. The marker
    lines stay, so the learner sees where to write (and the solution can be put back)."""
    lines = source.splitlines(keepends=True)
    for r in reversed(regions(source)):
        if r["chapter"] >= from_chapter:
            body = f"{r['indent']}{stub(r['chapter'], r['what'])}\n"
            lines[r["start"] + 1:r["end"]] = [body]
    return "".join(lines)


def restore(stubbed: str, original: str) -> str:
    """Put the original's solutions back into a stubbed source (the proof, in the tests, that
    an edition differs from the package only inside the marked regions)."""
    out, orig = stubbed.splitlines(keepends=True), original.splitlines(keepends=True)
    for s, o in zip(reversed(regions(stubbed)), reversed(regions(original))):
        out[s["start"] + 1:s["end"]] = orig[o["start"] + 1:o["end"]]
    return "".join(out)


def chapters() -> list[int]:
    """The chapters that have a build step in the package, in order."""
    found = set()
    for path in (ROOT / "minigrad").rglob("*.py"):
        found.update(r["chapter"] for r in regions(path.read_text()))
    return sorted(found)


def _files(from_chapter: int) -> dict[str, str]:
    """Every file of the edition: relative path -> text."""
    files = {}
    for path in sorted((ROOT / "minigrad").rglob("*")):
        if path.is_dir() or "__pycache__" in path.parts:
            continue
        rel = path.relative_to(ROOT).as_posix()
        if path.suffix != ".py":
            files[rel] = None  # copied as bytes (the shipped data)
            continue
        text = strip(path.read_text(), from_chapter)
        if rel == "minigrad/autograd/fastpath.py":  # the learner's code is what runs
            assert FAST_DEFAULT in text, "fastpath.py's default changed: update edition.py"
            text = text.replace(FAST_DEFAULT, FAST_DEFAULT.replace('"1"', '"0"'))
        files[rel] = text
    for path in sorted((ROOT / "tests" / "build").glob("*.py")):
        if path.name.startswith(("test_ch", "conftest")):
            files[f"checks/{path.name}"] = path.read_text()
    # the CuPy stand-in, on which chapter 15's checks run their cuda side without a GPU
    for path in sorted((ROOT / "tests" / "fakecupy").glob("*.py")):
        files[f"checks/fakecupy/{path.name}"] = path.read_text()
    files.update(_notebooks())
    files["README.md"] = _readme(from_chapter)
    return files


# Added to each notebook's first cell, before it imports minigrad: the learner's copy of the
# package (in the folder above the notebooks) is the one imported, and a cell that needs a
# piece not written yet says which (minigrad/course.py) instead of showing a traceback.
EDITION_LINES = ("import os, sys\n"
                 "sys.path.insert(0, os.path.abspath(\"..\"))  # import *your* minigrad, "
                 "from the folder above\n"
                 "%load_ext minigrad.course\n")


def _load_sibling(name: str):
    spec = importlib.util.spec_from_file_location(f"_{name}_for_edition", HERE / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@functools.lru_cache(maxsize=None)
def _notebooks() -> tuple[tuple[str, str], ...]:
    """The course's notebooks as in the student edition (exercises stubbed, checks kept),
    their first cell importing the edition's minigrad."""
    student = _load_sibling("student")
    out = []
    for path in sorted(HERE.glob("[0-9A-Z][0-9]_*.ipynb")):
        nb = student.student_version(nbformat.read(path, as_version=4), path.stem)
        first = next(c for c in nb.cells if c.cell_type == "code")
        lines = first.source.splitlines(keepends=True)
        at = 1 if lines and lines[0].startswith("%xmode") else 0
        first.source = "".join(lines[:at]) + EDITION_LINES + "".join(lines[at:])
        out.append((f"notebooks/{path.name}", nbformat.writes(nb) + "\n"))
    return tuple(out)


def _readme(from_chapter: int) -> str:
    todo = [c for c in chapters() if c >= from_chapter]
    return f"""# minigrad, build edition

You write the core of minigrad's autograd engine yourself, chapter by chapter. The package in
`minigrad/` is complete except for the pieces the course has you build: each is marked

    ### BEGIN SOLUTION chapter K: what
    raise NotImplementedError("chapter K: implement what")
    ### END SOLUTION

Chapters with pieces to build in this edition: {todo or "none"}.

## How to work

1. Open this folder in JupyterLab (from the course's repository: `make lab-edition`, or
   `jupyter lab` in this folder) and follow the notebooks in `notebooks/` in order.
2. When a chapter's build step comes, open the file it names (double-click it in JupyterLab's
   file browser), replace the `raise` line between the markers with your code (keep the two
   marker lines) and save.
3. Restart the notebook's kernel (Kernel > Restart Kernel) so that it imports your new code,
   and run the chapter's check cell, `course.check(K)`. Each failing check says in words what
   is wrong. (Or, in a terminal in this folder: `python -m pytest -q -m chapter4 checks`.)

Every notebook imports the minigrad of this folder. A cell that uses a piece you have not
written yet stops with a sentence that says which piece and in which chapter you build it: read
on, and come back to it later. The optimised routes minigrad takes in the full package are
switched off here (`minigrad/autograd/fastpath.py`), so every operation runs the code you write.

Writing the edition again (`make edition`) refuses to overwrite a folder with your changes.
"""


def _hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def changed_files(out: Path) -> list[str]:
    """Files of an existing edition that differ from what was written, or were added."""
    manifest = json.loads((out / MANIFEST).read_text())
    changed = []
    for path in sorted(p for p in out.rglob("*") if p.is_file()):
        rel = path.relative_to(out).as_posix()
        if rel == MANIFEST or "__pycache__" in path.parts or ".pytest_cache" in path.parts:
            continue
        if manifest.get(rel) != _hash(path.read_bytes()):
            changed.append(rel)
    return changed


def write_files(out: Path, files: dict[str, "str | None"]) -> list[str]:
    """Write ``files`` (relative path -> text, or None: copy the repository's file) to ``out``
    with a manifest of their hashes; refuse (SystemExit) if that would overwrite changes."""
    if out.exists() and any(out.iterdir()):
        if not (out / MANIFEST).exists():
            raise SystemExit(f"{out} exists and was not written by this command (it has no "
                             f"{MANIFEST}): choose another folder, or move it away first")
        changed = changed_files(out)
        if changed:
            raise SystemExit(f"{out} holds changes that writing would destroy:\n  "
                             + "\n  ".join(changed)
                             + "\nWrite elsewhere (OUT=...), or move them first.")
        shutil.rmtree(out)
    manifest = {}
    for rel, text in files.items():
        dest = out / rel
        dest.parent.mkdir(parents=True, exist_ok=True)
        data = (ROOT / rel).read_bytes() if text is None else text.encode()
        dest.write_bytes(data)
        manifest[rel] = _hash(data)
    (out / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return sorted(manifest)


def write(out: Path, from_chapter: int = 0) -> list[str]:
    """Write the edition to ``out`` (see write_files)."""
    return write_files(out, _files(from_chapter))


def main(argv: list[str]) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("out", nargs="?", default="edition")
    ap.add_argument("--from", dest="from_chapter", type=int, default=0,
                    help="chapters before this one come solved (default 0: build them all)")
    args = ap.parse_args(argv)
    files = write(Path(args.out), args.from_chapter)
    todo = [c for c in chapters() if c >= args.from_chapter]
    print(f"{args.out}/: {len(files)} files; chapters to build: {todo or 'none'}")


if __name__ == "__main__":
    main(sys.argv[1:])
