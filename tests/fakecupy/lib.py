"""``cupy.lib`` of the stand-in: ``stride_tricks`` only, as in CuPy."""
import types

import numpy as np

from . import _routine

stride_tricks = types.SimpleNamespace(
    as_strided=_routine("as_strided", np.lib.stride_tricks.as_strided),
    sliding_window_view=_routine("sliding_window_view",
                                 np.lib.stride_tricks.sliding_window_view))
