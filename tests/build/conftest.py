"""The build checks: what each chapter has the learner write, checked in seconds.

``test_chKK_*.py`` holds chapter KK's checks, marked ``chapterKK``: ``pytest -m chapter4``
runs chapter 4's. They run against whichever ``minigrad`` is imported: the package itself in
this repository, the learner's copy in a build edition (``notebooks/edition.py`` copies them
to its ``checks/``). A failing check says in words what is wrong.
"""
import importlib.util
import os
import sys
from pathlib import Path

import pytest

# the chapters with checks here: test_ch04_engine.py -> 4
CHAPTERS = sorted(int(p.name[7:9]) for p in Path(__file__).parent.glob("test_ch[0-9][0-9]_*.py"))


def _cuda_for_the_checks() -> None:
    """Chapter 15's checks move tensors to ``cuda``. On a machine without a GPU they run on the
    CuPy stand-in (``fakecupy``: NumPy underneath, as strict as CuPy), installed as ``cupy``.
    In the course's repository ``tests/conftest.py`` has decided already (``cupy`` imported);
    in a build edition the stand-in is ``checks/fakecupy`` and this decides, the same way:
    real CuPy where it sees a GPU, the stand-in otherwise (``MINIGRAD_FAKE_CUPY=0``: never)."""
    here = Path(__file__).resolve().parent
    if ("cupy" in sys.modules or os.environ.get("MINIGRAD_FAKE_CUPY", "1") == "0"
            or not (here / "fakecupy").is_dir()):
        return
    if importlib.util.find_spec("cupy") is not None:
        try:
            import cupy
            if cupy.cuda.runtime.getDeviceCount() > 0:
                return
        except Exception:  # no driver, no device, a broken install
            pass
        for name in [m for m in sys.modules if m == "cupy" or m.startswith(("cupy.", "cupyx"))]:
            del sys.modules[name]
    sys.path.insert(0, str(here))
    import fakecupy
    import fakecupy.cupyx
    sys.modules.update({"cupy": fakecupy, "cupy.cuda": fakecupy.cuda,
                        "cupy.random": fakecupy.random, "cupyx": fakecupy.cupyx})


_cuda_for_the_checks()  # before a check imports minigrad (which loads CuPy when first asked)


def pytest_configure(config):
    for k in CHAPTERS:
        config.addinivalue_line("markers", f"chapter{k}: the build checks of chapter {k}")


@pytest.fixture(autouse=True)
def reference_path(monkeypatch):
    """Every check runs the code the learner writes: the declared fast paths are off."""
    from minigrad.autograd import fastpath
    monkeypatch.setattr(fastpath.state, "enabled", False)
