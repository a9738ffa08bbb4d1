"""Regenerate every figure in figures/ (``make figures``): graph diagrams with Graphviz,
backward step by step, and the course's plots with matplotlib.

Deterministic: data come from fixed NumPy seeds and diagrams are named by graph order, so
running this twice on the same versions rewrites identical files.
"""
from __future__ import annotations

import os
import sys

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))  # run from anywhere, without installing

import minigrad as torch  # noqa: E402
from minigrad import viz  # noqa: E402
from minigrad.viz import plots  # noqa: E402


def out(name: str) -> str:
    return os.path.join(HERE, name)


def save_plot(fig, name: str) -> None:
    fig.savefig(out(name), dpi=120)
    print("wrote", out(name))


def written(paths) -> None:
    for p in [paths] if isinstance(paths, str) else paths:
        print("wrote", p)


# --- graph diagrams ---------------------------------------------------------------------

def welcome_graph() -> None:
    """The README's example, after backward: x.grad in x's box."""
    x = torch.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out_ = z.mean()
    out_.backward()
    d = viz.draw_graph(out_, names={"x": x, "y": y, "z": z, "out": out_}, show_grads=True)
    written([d.render(out("graph_welcome"), format="svg"),
             d.render(out("graph_welcome"), format="png")])


def saved_tensors_graph() -> None:
    """What backward will need: the tensors each operation saved."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    h = (x * w).tanh()
    loss = (h * h).sum()
    d = viz.draw_graph(loss, params={"w": w}, names={"x": x, "h": h, "loss": loss},
                       show_saved=True)
    written(d.render(out("graph_saved"), format="svg"))


def cut_graph() -> None:
    """detach() and no_grad: tensors with no grad_fn, outside the graph."""
    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x.detach()
    with torch.no_grad():
        z = x * 2
    out_ = (x * x).sum()
    d = viz.draw_graph(out_, y, z, names={"x": x, "y = x.detach()": y,
                                          "z = x * 2 under no_grad": z, "out": out_})
    written(d.render(out("graph_cut"), format="svg"))


def chain_rule() -> None:
    """loss = (3x)^2 / 2 at x = 2: each step multiplies by one local derivative."""
    x = torch.tensor(2.0, requires_grad=True)
    a = x * 3
    b = a * a
    loss = b * 0.5
    tr = viz.trace_backward(loss, names={"x": x, "a": a, "b": b, "loss": loss})
    written(tr.save(out("chain_rule"), format="png"))
    written(tr.save(out("chain_rule"), format="gif"))


def fan_out() -> None:
    """x used three times: the gradients along its edges add up before AccumulateGrad."""
    x = torch.tensor(1.0, requires_grad=True)
    a = x * 2
    b = x * x
    out_ = a + b
    tr = viz.trace_backward(out_, names={"x": x, "a": a, "b": b, "out": out_})
    written(tr.save(out("fan_out"), format="png"))
    written(tr.save(out("fan_out"), format="gif"))


def higher_order() -> None:
    """create_graph=True: the gradient 3x^2 of y = x^3 has a graph of its own."""
    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(y, x, create_graph=True)
    d = viz.draw_graph(g, names={"x": x, "dy/dx": g}, show_data=True)
    written(d.render(out("higher_order"), format="svg"))


# --- plots ------------------------------------------------------------------------------

def linear_regression(lr: float, steps: int = 60) -> list[float]:
    rng = np.random.default_rng(0)
    xs = rng.uniform(-1, 1, 64)
    ys = 2 * xs - 1 + 0.1 * rng.standard_normal(64)
    X, Y = torch.tensor(xs), torch.tensor(ys)
    w = torch.tensor(0.0, requires_grad=True)
    b = torch.tensor(0.0, requires_grad=True)
    losses = []
    for _ in range(steps):
        loss = ((X * w + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= lr * w.grad
            b -= lr * b.grad
        w.grad = b.grad = None
        losses.append(loss.detach().item())
    return losses


def mlp_grad_norms(steps: int = 100, max_norm: float = 3.0, lr: float = 0.03) -> list[dict]:
    """A 1-16-16-1 tanh network with a large initialisation (large early gradients),
    trained with gradient clipping; returns the raw per-layer norms of every step."""
    rng = np.random.default_rng(0)
    xs = np.linspace(-2, 2, 64).reshape(-1, 1)
    ys = np.sin(2 * xs) + 0.5
    params = {
        "layer1.weight": rng.normal(0, 2.5, (1, 16)), "layer1.bias": rng.normal(0, 0.5, 16),
        "layer2.weight": rng.normal(0, 0.6, (16, 16)), "layer2.bias": np.zeros(16),
        "layer3.weight": rng.normal(0, 0.6, (16, 1)), "layer3.bias": np.zeros(1)}
    params = {k: torch.tensor(v.astype(np.float32), requires_grad=True)
              for k, v in params.items()}
    X, Y = torch.tensor(xs.astype(np.float32)), torch.tensor(ys.astype(np.float32))
    history = []
    for _ in range(steps):
        h = (X @ params["layer1.weight"] + params["layer1.bias"]).tanh()
        h = (h @ params["layer2.weight"] + params["layer2.bias"]).tanh()
        loss = ((h @ params["layer3.weight"] + params["layer3.bias"] - Y) ** 2).mean()
        loss.backward()
        norms = plots.grad_norms(params)
        history.append(norms)
        total = float(np.sqrt(sum(v ** 2 for v in norms.values())))
        scale = min(1.0, max_norm / (total + 1e-6))   # what clip_grad_norm_ does
        with torch.no_grad():
            for p in params.values():
                p -= lr * scale * p.grad
                p.grad = None
    return history


def course_plots() -> None:
    save_plot(plots.plot_derivatives(torch.tanh), "derivatives_tanh.png")
    save_plot(plots.plot_descent_1d(lambda x: (x - 1) ** 2 + 0.5, x0=-2.5, lr=0.2, steps=12),
              "descent_1d.png")
    save_plot(plots.plot_descent_2d(lambda x, y: x ** 2 + 8 * y ** 2, x0=(-1.8, 1.2),
                                    lr=[0.02, 0.1, 0.12], steps=30, xlim=(-2, 2),
                                    ylim=(-1.5, 1.5)), "descent_2d.png")
    save_plot(plots.plot_loss_curves({f"lr={lr:g}": linear_regression(lr)
                                      for lr in (0.01, 0.1, 0.5)}, log=True,
                                     title="linear regression, three learning rates"),
              "loss_curves.png")
    save_plot(plots.plot_grad_norms(mlp_grad_norms(), max_norm=3.0), "grad_norms.png")
    save_plot(plots.plot_grad_accumulation(), "grad_accumulation.png")


def main() -> None:
    welcome_graph()
    saved_tensors_graph()
    cut_graph()
    chain_rule()
    fan_out()
    higher_order()
    course_plots()


if __name__ == "__main__":
    main()
