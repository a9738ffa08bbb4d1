"""Plots the course draws, with matplotlib. Each function returns a ``Figure``: Jupyter shows
it once, ``fig.savefig("figures/x.png")`` writes it. Keep to PNG: it re-renders byte for byte
(matplotlib's SVG carries a date and random ids).

| function                 | what it shows                                                |
|--------------------------|--------------------------------------------------------------|
| plot_derivatives         | f, f' and f'' (computed by minigrad, create_graph=True)       |
| plot_descent_1d          | gradient descent on a curve, step by step                     |
| plot_descent_2d          | gradient descent on a loss surface: contours and paths        |
| plot_loss_curves         | loss over training, one curve per run                         |
| plot_grad_norms          | per-layer gradient norms over training, and what clipping does|
| plot_grad_accumulation   | .grad after repeated backward() calls, with and without zeroing|

Helpers that compute what is plotted: ``derivatives``, ``gradient_descent``, ``grad_norms``,
``accumulated_grads``.
"""
from __future__ import annotations

from typing import Any, Callable, Mapping, Sequence

import numpy as np

from .. import autograd, float64, no_grad, tensor
from .walk import named_tensors

COLORS = ["#1c7ed6", "#e8590c", "#2f9e44", "#ae3ec9", "#f08c00", "#495057"]


def _figure(ncols: int = 1, figsize: tuple = (6.0, 4.0)):
    import matplotlib.pyplot as plt  # here, not at import: `import minigrad` stays light

    from .figure import CourseFigure  # shown in Jupyter as a compact PNG
    fig, axes = plt.subplots(1, ncols, figsize=figsize, layout="constrained", squeeze=False,
                             FigureClass=CourseFigure)
    # Returned, not shown by pyplot: Jupyter displays the returned figure exactly once.
    plt.close(fig)
    return fig, list(axes[0])


def _plain_log_axis(ax, values: np.ndarray) -> None:
    """A log y axis labelled 0.5, 1, 2 (not 5x10^-1); minor ticks get labels only when the
    values span less than a decade (else there would be no labelled tick at all)."""
    from matplotlib.ticker import FuncFormatter, NullFormatter
    ax.set_yscale("log")
    fmt = FuncFormatter(lambda v, _: f"{v:g}")
    ax.yaxis.set_major_formatter(fmt)
    v = values[np.isfinite(values) & (values > 0)]
    narrow = v.size and v.max() / v.min() < 10
    ax.yaxis.set_minor_formatter(fmt if narrow else NullFormatter())


def derivatives(f: Callable, x: Any, order: int = 2) -> list[np.ndarray]:
    """``[f(x), f'(x), f''(x), ...]`` up to ``order``, for an elementwise ``f`` on minigrad
    tensors: each derivative is ``autograd.grad`` of the previous one, with
    ``create_graph=True`` so that it can be differentiated again."""
    xt = tensor(np.asarray(x, dtype=np.float64), requires_grad=True)
    y = f(xt)
    out = [y.detach().numpy().copy()]
    for k in range(order):
        # Elementwise f: d(sum y)/dx_i = dy_i/dx_i.
        (y,) = autograd.grad(y.sum(), xt, create_graph=k + 1 < order, allow_unused=True)
        if y is None:  # a constant derivative has no graph left to differentiate
            y = tensor(np.zeros_like(out[0]))
        out.append(y.detach().numpy().copy())
    return out


def plot_derivatives(f: Callable, xlim: tuple = (-3.0, 3.0), order: int = 2, n: int = 201,
                     title: str | None = None):
    """``f`` and its first ``order`` derivatives on ``xlim`` (``f`` elementwise, on minigrad
    tensors: ``minigrad.tanh``, ``lambda x: x ** 3``...)."""
    x = np.linspace(*xlim, n)
    fig, (ax,) = _figure()
    names = ["f(x)", "f'(x)", "f''(x)", "f'''(x)"] + [f"f^({k})(x)" for k in range(4, 10)]
    for k, y in enumerate(derivatives(f, x, order)):
        ax.plot(x, y, color=COLORS[k % len(COLORS)], lw=2 if k == 0 else 1.5,
                ls="-" if k == 0 else ("--" if k == 1 else ":"), label=names[k])
    ax.axhline(0, color="#adb5bd", lw=0.8)
    ax.set_xlabel("x")
    ax.legend(frameon=False)
    ax.set_title(title or f"{getattr(f, '__name__', 'f')} and its derivatives "
                 "(minigrad, create_graph=True)")
    return fig


def gradient_descent(f: Callable, x0: Any, lr: float, steps: int) -> np.ndarray:
    """Run ``steps`` of ``x <- x - lr * grad f(x)`` with minigrad, from ``x0`` (a number or
    a point). ``f`` takes one minigrad scalar per coordinate: ``f(x)`` or ``f(x, y)``.
    Returns the path, an array of shape ``(steps + 1, dims)``."""
    point = np.atleast_1d(np.asarray(x0, dtype=np.float64))
    path = [point.copy()]
    with np.errstate(all="ignore"):  # a too large lr diverges: show it, don't warn
        for _ in range(steps):
            xs = [tensor(v, dtype=float64, requires_grad=True) for v in point]
            grads = autograd.grad(f(*xs), xs)
            point = point - lr * np.array([g.item() for g in grads])
            path.append(point.copy())
    return np.array(path)


def _eval(f: Callable, *arrays: np.ndarray) -> np.ndarray:
    with no_grad():
        return f(*(tensor(a, dtype=float64) for a in arrays)).numpy()


def plot_descent_1d(f: Callable, x0: float, lr: float, steps: int = 15,
                    xlim: tuple | None = None, title: str | None = None):
    """Gradient descent on the curve ``f``: the points it visits, joined in order."""
    path = gradient_descent(f, x0, lr, steps)[:, 0]
    finite = path[np.isfinite(path)]
    if xlim is None:
        span = max(1.0, float(np.abs(finite).max()) * 1.2)
        xlim = (-span, span)
    x = np.linspace(*xlim, 301)
    fig, (ax,) = _figure()
    ax.plot(x, _eval(f, x), color="#495057", lw=1.5, label="f(x)")
    with np.errstate(all="ignore"):
        ys = _eval(f, path)
    ax.plot(path, ys, "-o", color=COLORS[1], ms=4, lw=1, label=f"descent, lr={lr:g}")
    ax.plot(path[:1], ys[:1], "o", color=COLORS[0], ms=7, label=f"start x={x0:g}")
    ax.set_xlim(*xlim)
    lo, hi = np.nanmin(_eval(f, x)), np.nanmax(_eval(f, x))
    ax.set_ylim(lo - 0.05 * (hi - lo), hi + 0.05 * (hi - lo))
    ax.set_xlabel("x")
    ax.legend(frameon=False)
    ax.set_title(title or f"gradient descent, {steps} steps: x = {path[-1]:.4g}")
    return fig


def plot_descent_2d(f: Callable, x0: Sequence[float], lr: "float | Sequence[float]",
                    steps: int = 30, xlim: tuple = (-2.0, 2.0), ylim: tuple = (-2.0, 2.0),
                    levels: int = 25, title: str | None = None):
    """Gradient descent on the loss surface ``f(x, y)``: contours and the path for each
    learning rate in ``lr`` (one number, or several to compare)."""
    lrs = list(lr) if isinstance(lr, (list, tuple)) else [lr]
    gx, gy = np.meshgrid(np.linspace(*xlim, 121), np.linspace(*ylim, 121))
    z = _eval(f, gx, gy)
    fig, (ax,) = _figure(figsize=(6.0, 5.0))
    ax.contour(gx, gy, z, levels=levels, cmap="Greys", linewidths=0.7)
    for k, rate in enumerate(lrs):
        path = gradient_descent(f, x0, rate, steps)
        ax.plot(path[:, 0], path[:, 1], "-o", color=COLORS[k % len(COLORS)], ms=3, lw=1.2,
                label=f"lr={rate:g}")
    ax.plot([x0[0]], [x0[1]], "o", color="black", ms=6, label="start")
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.set_xlabel("x")
    ax.set_ylabel("y")
    ax.legend(frameon=False, loc="upper right")
    ax.set_title(title or f"gradient descent on a loss surface, {steps} steps")
    return fig


def plot_loss_curves(curves: "Mapping[str, Sequence[float]] | Sequence[float]",
                     log: bool = False, xlabel: str = "step", ylabel: str = "loss",
                     title: str | None = None):
    """Loss over training: one curve, or a dict of named curves to compare runs."""
    if not isinstance(curves, Mapping):
        curves = {"loss": curves}
    fig, (ax,) = _figure()
    for k, (name, values) in enumerate(curves.items()):
        ax.plot(np.arange(len(values)), np.asarray(values, dtype=float), lw=1.5,
                color=COLORS[k % len(COLORS)], label=name)
    if log:
        ax.set_yscale("log")
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    if len(curves) > 1:
        ax.legend(frameon=False)
    ax.set_title(title or "loss curve" + ("s" if len(curves) > 1 else ""))
    return fig


def grad_norms(params: Any) -> dict[str, float]:
    """``{name: ||p.grad||}`` for (name, tensor) pairs, a dict or a module's
    ``named_parameters()``; parameters without a gradient are left out. Call it after each
    ``backward()`` to record the history ``plot_grad_norms`` draws."""
    out = {}
    for name, p in named_tensors(params):
        if p._grad is not None:
            out[name] = float(np.sqrt(np.sum(np.square(p._grad.detach().cpu().numpy(),
                                                       dtype=np.float64))))
    return out


def plot_grad_norms(history: "Mapping[str, Sequence[float]] | Sequence[Mapping[str, float]]",
                    max_norm: float | None = None, log: bool = True, title: str | None = None):
    """Per-layer gradient norms over training: ``history`` is ``{layer: [norm per step]}`` or
    a list of ``grad_norms(...)`` dicts, one per step. With ``max_norm``, a second panel shows
    the total norm before and after ``clip_grad_norm_(params, max_norm)``: clipping rescales
    every layer by the same factor when the total is above ``max_norm``."""
    if not isinstance(history, Mapping):
        names = list(dict.fromkeys(k for step in history for k in step))
        history = {n: [step.get(n, np.nan) for step in history] for n in names}
    norms = {k: np.asarray(v, dtype=float) for k, v in history.items()}
    # Two panels in 8.2 inches: about 830 px, within JupyterLab's notebook column.
    fig, axes = _figure(2 if max_norm is not None else 1,
                        figsize=(8.2, 4.0) if max_norm is not None else (6.0, 4.0))
    ax = axes[0]
    for k, (name, v) in enumerate(norms.items()):
        ax.plot(np.arange(len(v)), v, lw=1.3, color=COLORS[k % len(COLORS)], label=name)
    ax.set_xlabel("step")
    ax.set_ylabel("gradient norm")
    ax.set_title(title or "gradient norm per layer")
    if log:
        _plain_log_axis(ax, np.concatenate([v.ravel() for v in norms.values()]))
    ax.legend(frameon=False, fontsize=8)
    if max_norm is not None:
        total = np.sqrt(np.nansum(np.stack([v ** 2 for v in norms.values()]), axis=0))
        clipped = np.minimum(total, max_norm)
        ax2 = axes[1]
        ax2.plot(np.arange(len(total)), total, color="#495057", lw=1.3, label="total, raw")
        ax2.plot(np.arange(len(total)), clipped, color=COLORS[1], lw=1.6,
                 label="total, clipped")
        ax2.axhline(max_norm, color=COLORS[1], ls="--", lw=0.9, label=f"max_norm={max_norm:g}")
        ax2.set_xlabel("step")
        ax2.set_title("clip_grad_norm_: the total norm")
        if log:
            _plain_log_axis(ax2, np.concatenate([total, [max_norm]]))
        ax2.legend(frameon=False, fontsize=8)
    return fig


def accumulated_grads(f: Callable, x0: float, calls: int, zero_grad: bool) -> list[float]:
    """``x.grad`` after each of ``calls`` rounds of ``f(x).backward()`` from the same ``x``,
    setting ``x.grad = None`` before each round when ``zero_grad``."""
    x = tensor(float(x0), dtype=float64, requires_grad=True)
    values = []
    for _ in range(calls):
        if zero_grad:
            x.grad = None
        f(x).backward()
        values.append(x.grad.item())
    return values


def plot_grad_accumulation(f: Callable | None = None, x0: float = 1.0, calls: int = 4,
                           title: str | None = None):
    """Gradients add up: ``x.grad`` after repeated ``backward()`` calls, without zeroing
    (it grows by f'(x) every call) and with ``x.grad = None`` before each call."""
    f = f or (lambda x: x * x * 3)
    n = np.arange(1, calls + 1)
    kept = accumulated_grads(f, x0, calls, zero_grad=False)
    zeroed = accumulated_grads(f, x0, calls, zero_grad=True)
    fig, (ax,) = _figure()
    ax.plot(n, kept, "-o", color=COLORS[1], label="no zeroing: .grad += f'(x) each call")
    ax.plot(n, zeroed, "-s", color=COLORS[0], label="x.grad = None before each call")
    for k, v in zip(n, kept):
        ax.annotate(f"{v:g}", (k, v), textcoords="offset points", xytext=(0, 7),
                    ha="center", fontsize=8, color=COLORS[1])
    ax.set_xticks(n)
    ax.set_xlabel("backward() call")
    ax.set_ylabel("x.grad")
    ax.set_ylim(0, max(kept) * 1.15 if max(kept) > 0 else None)
    ax.legend(frameon=False, loc="upper left")
    ax.set_title(title or f"gradients accumulate (x = {x0:g})")
    return fig
