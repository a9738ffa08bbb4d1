"""Random numbers: one seeded NumPy generator for the CPU (``manual_seed`` seeds it and the GPU's)."""
from __future__ import annotations

import numpy as np

from . import cuda as _cuda


class Generator:
    """A seedable source of random numbers, like ``torch.Generator`` on the CPU."""

    def __init__(self, seed: int = 67280421310721):
        self.manual_seed(seed)

    def manual_seed(self, seed: int) -> "Generator":
        self._seed = int(seed)
        self.rng = np.random.default_rng(self._seed)
        return self

    def initial_seed(self) -> int:
        return self._seed


default_generator = Generator()


def manual_seed(seed: int) -> Generator:
    """Seed the CPU generator (and every GPU's) so that runs repeat exactly."""
    _cuda.manual_seed(seed)
    return default_generator.manual_seed(seed)


def seed() -> int:
    s = int(np.random.SeedSequence().entropy % (2**63))
    manual_seed(s)
    return s


def initial_seed() -> int:
    return default_generator.initial_seed()
