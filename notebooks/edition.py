"""The build edition: minigrad with the core that the course teaches left for the learner to write.

    python notebooks/edition.py OUT [--from N]       (or: make edition [OUT=edition] [FROM=N])

In the package's source, each piece a chapter has the learner build sits between the lines
``### BEGIN SOLUTION chapter K: what`` and ``### END SOLUTION``. The edition written to OUT has

- ``minigrad/``: a copy of the package in which every such region of a chapter K >= N is
  replaced by ``raise NotImplementedError("chapter K: implement what")`` at the same
  indentation (chapters before N come solved), and the declared fast paths switched off, so
  that what the learner writes is what runs;
- ``checks/``: each chapter's build checks (``tests/build/``), which say in words what is wrong:
  ``python -m pytest -m chapterK checks`` in OUT runs chapter K's;
- ``README.md``: how to work in it.

Writing never destroys a learner's work: OUT/.edition.json records a hash of every file
written; writing again over an edition whose files changed (or that has files of its own)
refuses and lists them. ``grade.py`` runs the checks of a submitted edition.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import re
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BEGIN = re.compile(r"^(?P<indent>\s*)### BEGIN SOLUTION chapter (?P<chapter>\d+): (?P<what>.+?)\s*$")
END = "### END SOLUTION"
MANIFEST = ".edition.json"
FAST_DEFAULT = 'os.environ.get("MINIGRAD_FASTPATH", "1") != "0"'


def regions(source: str) -> list[dict]:
    """The marked regions of a source file: chapter, what, first and last line (0-based, the
    marker lines included)."""
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
    files["README.md"] = _readme(from_chapter)
    return files


def _readme(from_chapter: int) -> str:
    todo = [c for c in chapters() if c >= from_chapter]
    return f"""# minigrad, build edition

The package in `minigrad/` is yours to finish: each function marked

    ### BEGIN SOLUTION chapter K: what
    raise NotImplementedError("chapter K: implement what")
    ### END SOLUTION

is a piece of the autograd engine that chapter K explains. Replace the `raise` line with your
code (keep the two marker lines). Chapters to build in this edition: {todo or "none"}.

Check a chapter's pieces from this folder:

    python -m pytest -q -m chapter3 checks

Each failing check says in words what is wrong. Restart the notebook's kernel after changing
the package (or use `%load_ext autoreload` and `%autoreload 2`), so that it runs your code.
The optimised routes minigrad takes in the full package are switched off here
(`minigrad/autograd/fastpath.py`), so every operation runs through the code you write.
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
