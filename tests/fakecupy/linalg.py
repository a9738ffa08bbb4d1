"""``cupy.linalg`` of the stand-in: NumPy's, on device arrays."""
import numpy as np

from . import _routine
from .names import LINALG

LinAlgError = np.linalg.LinAlgError
for _n in LINALG - {"LinAlgError", "annotations"}:
    if callable(getattr(np.linalg, _n, None)):
        globals()[_n] = _routine(_n, getattr(np.linalg, _n))
del _n
