"""The build checks: what each chapter has the learner write, checked in seconds.

``test_chKK_*.py`` holds chapter KK's checks, marked ``chapterKK``: ``pytest -m chapter4``
runs chapter 4's. They run against whichever ``minigrad`` is imported: the package itself in
this repository, the learner's copy in a build edition (``notebooks/edition.py`` copies them
to its ``checks/``). A failing check says in words what is wrong.
"""
from pathlib import Path

import pytest

# the chapters with checks here: test_ch04_engine.py -> 4
CHAPTERS = sorted(int(p.name[7:9]) for p in Path(__file__).parent.glob("test_ch[0-9][0-9]_*.py"))


def pytest_configure(config):
    for k in CHAPTERS:
        config.addinivalue_line("markers", f"chapter{k}: the build checks of chapter {k}")


@pytest.fixture(autouse=True)
def reference_path(monkeypatch):
    """Every check runs the code the learner writes: the declared fast paths are off."""
    from minigrad.autograd import fastpath
    monkeypatch.setattr(fastpath.state, "enabled", False)
