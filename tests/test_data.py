"""Datasets, DataLoader batching and shuffling, default_collate, the shipped digits, and the
synthetic generators."""
import numpy as np
import pytest

import minigrad as mg
from minigrad.data import (DataLoader, Dataset, TensorDataset, default_collate, load_digits,
                           make_blobs, make_moons, make_regression, make_spirals, random_split)
from minigrad.utils.data import DataLoader as DataLoaderAlias


def xy(n=10):
    return mg.arange(float(n * 2)).reshape(n, 2), mg.arange(n)


def test_tensor_dataset():
    X, y = xy()
    ds = TensorDataset(X, y)
    assert len(ds) == 10
    a, b = ds[3]
    assert a.tolist() == [6.0, 7.0] and b.item() == 3
    with pytest.raises(AssertionError, match="Size mismatch between tensors"):
        TensorDataset(X, y[:5])


@pytest.mark.parametrize("batch_size,drop_last,sizes", [(3, False, [3, 3, 3, 1]),
                                                        (3, True, [3, 3, 3]),
                                                        (10, False, [10]), (4, True, [4, 4])])
def test_batches(batch_size, drop_last, sizes):
    X, y = xy()
    dl = DataLoader(TensorDataset(X, y), batch_size=batch_size, drop_last=drop_last)
    batches = list(dl)
    assert [len(b[1]) for b in batches] == sizes and len(dl) == len(sizes)
    assert mg.cat([b[1] for b in batches]).tolist() == list(range(sum(sizes)))
    assert batches[0][0].shape == (batch_size, 2)
    assert DataLoaderAlias is DataLoader


def test_shuffle_is_seeded_and_new_each_epoch():
    X, y = xy(50)
    ds = TensorDataset(X, y)

    def epochs(**kw):
        dl = DataLoader(ds, batch_size=8, shuffle=True, **kw)
        return [mg.cat([b for _, b in dl]).tolist() for _ in range(2)]
    a = epochs(generator=mg.Generator().manual_seed(1))
    b = epochs(generator=mg.Generator().manual_seed(1))
    assert a == b and a[0] != a[1]  # reproducible; a new order every epoch
    assert sorted(a[0]) == list(range(50))
    mg.manual_seed(3)
    c = epochs()
    mg.manual_seed(3)
    assert epochs() == c  # the global seed works too


def test_custom_dataset_and_collate(oracle):
    class Squares(Dataset):
        def __len__(self):
            return 5

        def __getitem__(self, i):
            return {"x": np.full(2, i, np.float32), "y": i * i, "w": 0.5 * i, "name": f"s{i}"}

    batch = next(iter(DataLoader(Squares(), batch_size=3)))
    assert batch["x"].shape == (3, 2) and batch["x"].dtype == mg.float32
    assert batch["y"].tolist() == [0, 1, 4] and batch["y"].dtype == mg.int64
    assert batch["w"].dtype == mg.float64 and batch["name"] == ["s0", "s1", "s2"]
    samples = [(mg.ones(2) * i, i) for i in range(3)]
    mine = default_collate(samples)
    theirs = oracle(lambda torch: repr(torch.utils.data.default_collate(
        [(torch.ones(2) * i, i) for i in range(3)])))
    assert repr(mine) == theirs
    lists = default_collate([[1.0, 2], [3.0, 4]])
    assert repr(lists) == oracle(lambda torch: repr(torch.utils.data.default_collate(
        [[1.0, 2], [3.0, 4]])))


def test_random_split():
    X, y = xy(10)
    a, b = random_split(TensorDataset(X, y), [0.7, 0.3], generator=mg.Generator().manual_seed(0))
    assert (len(a), len(b)) == (7, 3)
    got = sorted([a[i][1].item() for i in range(7)] + [b[i][1].item() for i in range(3)])
    assert got == list(range(10))
    with pytest.raises(ValueError, match="Sum of input lengths"):
        random_split(TensorDataset(X, y), [3, 3])


def test_load_digits():
    (X, y), (Xt, yt) = load_digits()
    assert X.shape == (1438, 64) and Xt.shape == (359, 64)
    assert X.dtype == mg.float32 and y.dtype == mg.int64
    assert 0.0 == X.min().item() and X.max().item() == 1.0
    assert sorted(set(y.tolist())) == list(range(10))
    (X2, y2), (Xt2, _) = load_digits()
    assert (X2 == X).all() and (y2 == y).all()  # the same split every time
    (Xi, _), _ = load_digits(flatten=False, test_size=0.5)
    assert Xi.shape == (899, 1, 8, 8)
    counts = np.bincount(np.concatenate([y.numpy(), yt.numpy()]))
    assert counts.sum() == 1797 and counts.min() >= 174


def test_synthetic():
    X, y = make_moons(200, noise=0.1, seed=1)
    assert X.shape == (200, 2) and X.dtype == mg.float32 and y.tolist().count(1) == 100
    X2, _ = make_moons(200, noise=0.1, seed=1)
    assert (X == X2).all()
    X, y = make_spirals(300, n_classes=3)
    assert X.shape == (300, 2) and sorted(set(y.tolist())) == [0, 1, 2]
    assert X.abs().max().item() <= 1.5
    X, y, w = make_regression(50, 3, noise=0.0, bias=1.0)
    np.testing.assert_allclose(y.numpy(), X.numpy() @ w.numpy() + 1.0, rtol=1e-5, atol=1e-5)
    X, y = make_blobs(60, centers=4, n_features=3)
    assert X.shape == (60, 3) and y.max().item() <= 3
