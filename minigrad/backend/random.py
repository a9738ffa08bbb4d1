"""Random numbers: one seeded NumPy generator for the CPU (``manual_seed`` seeds it and the GPU's).

Random tensors are drawn on the CPU and then moved, so a seed gives the same numbers on every
device. The stream is NumPy's (PCG64), not PyTorch's: the same seed gives other numbers than
in PyTorch, but always the same ones in minigrad.
"""
from __future__ import annotations

import numpy as np

from . import cuda as _cuda

DEFAULT_SEED = 67280421310721  # PyTorch's default seed, so initial_seed() reads the same


class Generator:
    """A seedable source of random numbers, like ``torch.Generator`` on the CPU."""

    def __init__(self, device: str = "cpu"):
        if str(device) != "cpu":
            raise RuntimeError("minigrad draws random numbers on the CPU only (they are moved to "
                               "the GPU afterwards): use Generator('cpu')")
        self.device = device
        self.manual_seed(DEFAULT_SEED)

    def manual_seed(self, seed: int) -> "Generator":
        """Restart the stream from ``seed``; returns the generator (as PyTorch's does)."""
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def seed(self) -> int:
        """Seed from the operating system's entropy; returns the seed used."""
        s = int(np.random.SeedSequence().entropy % (2**63))
        self.manual_seed(s)
        return s

    def initial_seed(self) -> int:
        return self._seed


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the CPU generator (and every GPU's) so that runs repeat exactly."""
    _cuda.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    """Seed from the operating system's entropy (non-reproducible); returns the seed used."""
    s = default_generator.seed()
    _cuda.manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()
