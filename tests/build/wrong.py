"""Plausible wrong versions of what the learner writes, each with the words that the failing
build check's message must contain; chapter K's are in ``wrong_chKK.py`` (one file per chapter,
loaded here with ``Version`` given).

``tests/test_build_checks.py`` writes a solved build edition (``notebooks/edition.py``), puts
one wrong version in place of the solution in its marked region (``region``: the ``what`` of
``### BEGIN SOLUTION chapter K: what``), runs chapter K's checks there, and asserts that one of
them fails with ``expect`` in its message. A version that changes code outside the regions (the
learner can't write it, but the check guards it all the same) gives ``replace`` instead:
(file, old text, new text).

``RIGHT`` holds other correct ways to write the same pieces, all put into one edition, where
every check must pass: the checks test what the pieces do, not how they are written.

Not copied into editions (``edition.py`` copies only ``test_ch*.py`` and ``conftest.py``):
these files hold near-solutions.
"""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Version:
    name: str
    chapter: int
    expect: str                      # words the message of a failing check must contain
                                     # ("" for a right version: every check passes)
    region: str | None = None        # the region's "what"
    code: str = ""                   # the region's wrong body (indented as at top level)
    replace: tuple | None = None     # (file, old, new), or a list of them: changes outside
                                     # the regions


def _load() -> tuple[list[Version], list[Version]]:
    wrong, right = [], []
    for path in sorted(Path(__file__).parent.glob("wrong_ch*.py")):
        namespace = {"Version": Version, "__name__": path.stem}
        exec(compile(path.read_text(), str(path), "exec"), namespace)
        wrong += namespace["WRONG"]
        right += namespace.get("RIGHT", [])
    return wrong, right


WRONG, RIGHT = _load()
