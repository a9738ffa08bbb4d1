"""The engine's semantics, scenario by scenario, against PyTorch.

Each scenario is a function of the module ``T`` (``minigrad`` or ``torch``) that returns what it
observed (numbers, names, flags, error messages). The test runs it with both and compares; a
scenario also runs without PyTorch installed, where it checks the numbers it can derive itself.
"""
from __future__ import annotations

import gc
import warnings
import weakref

import numpy as np
import pytest

import minigrad

try:
    import torch as _torch
except ImportError:  # the oracle is optional
    _torch = None


def _plain(v):
    """Turn what a scenario observed into comparable plain Python values."""
    if isinstance(v, (list, tuple)):
        return type(v)(_plain(x) for x in v) if not hasattr(v, "_fields") else tuple(
            _plain(x) for x in v)
    if isinstance(v, dict):
        return {k: _plain(x) for k, x in v.items()}
    if hasattr(v, "detach") and hasattr(v, "shape"):
        a = np.asarray(v.detach().cpu().numpy() if _torch is not None and isinstance(
            v, _torch.Tensor) else v.detach().numpy())
        return (a.round(5) if a.dtype.kind == "f" else a).tolist()
    return v


def run_both(scenario):
    """Run with minigrad; with PyTorch too when installed; return minigrad's result."""
    ours = _plain(scenario(minigrad))
    if _torch is not None:
        theirs = _plain(scenario(_torch))
        assert ours == theirs
    return ours


def error_of(fn) -> str:
    try:
        fn()
    except Exception as e:  # noqa: BLE001 - the message is the observation
        return f"{type(e).__name__}: {e}"
    return "no error"


# --- the basics -----------------------------------------------------------------------------

def test_chain_rule_and_grad_fn_names():
    def s(T):
        x = T.ones(2, 2, requires_grad=True)
        y = x + 2
        z = y * y * 3
        out = z.mean()
        out.backward()
        return [x.grad, y.grad_fn.name(), z.grad_fn.name(), out.grad_fn.name(), x.is_leaf,
                y.is_leaf, y.requires_grad, x.grad_fn]
    r = run_both(s)
    assert r[0] == [[4.5, 4.5], [4.5, 4.5]]  # d/dx mean(3(x+2)^2) = 6(x+2)/4 = 4.5
    assert r[1:4] == ["AddBackward0", "MulBackward0", "MeanBackward0"]


def test_next_functions_and_accumulate_grad():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        r = (x * 2 + 1).sum()
        add = r.grad_fn.next_functions[0][0]
        mul = add.next_functions[0][0]
        acc = mul.next_functions[0][0]
        return [r.grad_fn.name(), add.name(), add.next_functions[1], mul.name(), acc.name(),
                acc.variable is x, len(r.grad_fn.next_functions)]
    # the number 1 in x * 2 + 1 gets the edge (None, 0); the leaf's node is AccumulateGrad
    assert run_both(s) == ["SumBackward0", "AddBackward0", (None, 0), "MulBackward0",
                           "torch::autograd::AccumulateGrad", True, 1]


def test_one_accumulate_grad_node_per_leaf():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        a, b = x * 2, x * 3
        return a.grad_fn.next_functions[0][0] is b.grad_fn.next_functions[0][0]
    assert run_both(s) is True


def test_fan_out_gradients_add_up():
    def s(T):
        x = T.tensor(3., requires_grad=True)
        y = x * x + x.exp() + x  # x used four times
        y.backward()
        return x.grad
    assert abs(run_both(s) - (6 + np.exp(3) + 1)) < 1e-3


def test_vector_jacobian_product_with_gradient_argument():
    def s(T):
        x = T.tensor([1., 2., 3.], requires_grad=True)
        y = x * x
        y.backward(T.tensor([0.1, 1.0, 0.0001]))
        return x.grad
    assert run_both(s) == pytest.approx([0.2, 4.0, 0.0006])


def test_gradients_accumulate_across_backward_calls():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        seen = []
        for _ in range(3):
            (x * 2).sum().backward()
            seen.append(x.grad.clone())
        x.grad.zero_()
        seen.append(x.grad)
        return seen
    assert run_both(s) == [[2, 2], [4, 4], [6, 6], [0, 0]]


def test_grad_identity_is_kept_while_accumulating():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        (x * 2).sum().backward()
        g = x.grad
        (x * 2).sum().backward()
        return [x.grad is g, g]
    assert run_both(s) == [True, [4, 4]]


def test_user_gradient_is_not_aliased_into_grad():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        v = T.tensor([1., 1.])
        x.backward(v)  # a leaf as root: its gradient is v itself
        x.backward(v)
        return [x.grad, v]
    assert run_both(s) == [[2, 2], [1, 1]]


def test_grad_shared_with_others_is_never_taken_as_grad():
    # AccumulateGrad keeps a gradient's memory as .grad only when nothing else holds it; here
    # something always does, so accumulating again must not change what the others see.
    def s(T):
        seen = []
        x = T.tensor([1., 2.], requires_grad=True)
        x.register_hook(lambda g: seen.append(g))            # a hook keeps the gradient
        (x * 2).sum().backward()
        a, b = T.tensor([1.], requires_grad=True), T.tensor([1.], requires_grad=True)
        (a + b).sum().backward()                             # one gradient tensor, two leaves
        w = T.tensor([3., 4.], requires_grad=True)
        v = T.tensor([1., 1.])
        (w + 0).backward(v)                                  # the user's gradient, passed through
        for _ in range(2):
            (x * 2).sum().backward()
            (a + b).sum().backward()
            (w + 0).backward(v)
        return [seen[0], a.grad, b.grad, v, w.grad]
    assert run_both(s) == [[2, 2], [3], [3], [1, 1], [3, 3]]


def test_backward_twice_raises_and_retain_graph_allows_it():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = (x * x).sum()
        y.backward(retain_graph=True)
        y.backward()
        first = x.grad.clone()
        return [first, error_of(y.backward)]
    r = run_both(s)
    assert r[0] == [4, 8]
    assert "Trying to backward through the graph a second time" in r[1]


def test_graph_without_saved_tensors_can_run_twice():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = (x + 1).sum()
        y.backward()
        y.backward()
        return x.grad
    assert run_both(s) == [2, 2]


def test_saved_tensors_are_freed_after_backward():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x.exp()
        y.sum().backward()
        return error_of(lambda: y.grad_fn._saved_result if T is _torch
                        else y.grad_fn.saved_tensors)
    if _torch is None:
        assert "second time" in s(minigrad)
    else:  # both raise the same "backward through the graph a second time" error
        assert s(minigrad).split(":")[0] == "RuntimeError" == s(_torch).split(":")[0]


# --- errors ---------------------------------------------------------------------------------

@pytest.mark.parametrize("case", ["non_scalar", "no_grad_required", "wrong_shape", "leaf_inplace",
                                  "retain_no_grad", "hook_no_grad", "int_requires_grad",
                                  "unused_input", "numpy_requires_grad", "change_nonleaf_flag",
                                  "empty_inputs"])
def test_error_messages_match_pytorch(case):
    def s(T):
        x = T.tensor([1., 2., 3.], requires_grad=True)
        return error_of({
            "non_scalar": lambda: (x * 2).backward(),
            "no_grad_required": lambda: T.ones(2).sum().backward(),
            "wrong_shape": lambda: (x * 2).backward(T.ones(2)),
            "leaf_inplace": lambda: x.add_(1),
            "retain_no_grad": lambda: T.ones(2).retain_grad(),
            "hook_no_grad": lambda: T.ones(2).register_hook(lambda g: g),
            "int_requires_grad": lambda: T.tensor([1, 2], requires_grad=True),
            "unused_input": lambda: T.autograd.grad((x * 2).sum(),
                                                    [x, T.ones(1, requires_grad=True)]),
            "numpy_requires_grad": lambda: x.numpy(),
            "change_nonleaf_flag": lambda: setattr(x * 2, "requires_grad", False),
            "empty_inputs": lambda: (x * 2).sum().backward(inputs=[]),
        }[case])
    assert run_both(s) != "no error"


def test_inplace_modification_of_saved_tensor_is_detected():
    def s(T):
        w = T.ones(3, requires_grad=True)
        u = w * 1
        v = u * u           # saves u
        u.add_(1)           # ... which is then changed
        return [u._version, error_of(lambda: v.sum().backward())]
    r = run_both(s)
    assert r[0] == 1 and "modified by an inplace operation" in r[1]
    assert "is at version 1; expected version 0 instead" in r[1]


def test_saved_output_modified_in_place_is_detected():
    def s(T):
        w = T.ones(3, requires_grad=True)
        y = w.exp()         # saves its output
        y.mul_(2)
        return error_of(lambda: y.sum().backward())
    assert "modified by an inplace operation" in run_both(s)


def test_detach_shares_the_version_counter_but_data_does_not():
    def s(T):
        w = T.ones(3, requires_grad=True)
        y = w.exp()
        y.data.mul_(2)      # .data: autograd is not told (and the gradient is silently off)
        y.sum().backward()
        w2 = T.ones(3, requires_grad=True)
        y2 = w2.exp()
        y2.detach().mul_(2)  # detach(): shares the counter, so backward notices
        return [w.grad, error_of(lambda: y2.sum().backward())]
    r = run_both(s)
    assert r[0] == pytest.approx([2 * np.e] * 3)
    assert "modified by an inplace operation" in r[1]


def test_inplace_on_leaf_under_no_grad_and_on_data():
    def s(T):
        w = T.tensor([1., 2.], requires_grad=True)
        with T.no_grad():
            w -= 0.5
        w.data -= 0.25
        return [w, w.requires_grad, w.is_leaf, w._version]
    # [1, 2] - 0.5 - 0.25; still a leaf; only the in-place op on w itself bumps its version
    assert run_both(s) == [[0.25, 1.25], True, True, 1]


def test_inplace_on_non_leaf_records_the_op():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x * 3
        y.add_(1)
        y.mul_(x)
        y.sum().backward()
        return [y.grad_fn.name(), x.grad]
    assert run_both(s)[1] == [7.0, 13.0]  # d/dx (3x+1)x = 6x+1


def test_setitem_records_copy_slices():
    def s(T):
        x = T.tensor([1., 2., 3.], requires_grad=True)
        v = T.tensor(5., requires_grad=True)
        y = x * 1
        y[0] = v * 2
        (y * T.tensor([1., 2., 3.])).sum().backward()
        return [y, y.grad_fn.name(), x.grad, v.grad]
    assert run_both(s)[2:] == [[0, 2, 3], 2.0]


def test_setitem_on_leaf_requiring_grad_raises():
    def s(T):
        x = T.ones(3, requires_grad=True)
        return error_of(lambda: x.__setitem__(0, 5.))
    assert "leaf Variable" in run_both(s)


# --- retain_grad, hooks ---------------------------------------------------------------------

def test_non_leaf_grad_is_none_with_a_warning_unless_retained():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x * 2
        z = x * 3
        z.retain_grad()
        (y * z).sum().backward()
        with pytest.warns(UserWarning, match="not a leaf Tensor"):
            yg = y.grad
        return [yg, z.grad, z.retains_grad, y.retains_grad, x.retains_grad]
    r = run_both(s)
    assert r[0] is None and r[1] == [2, 4]


def test_retained_grad_accumulates_and_hook_order():
    def s(T):
        x = T.tensor([1., 2., 3.], requires_grad=True)
        order = []
        a = x * 2
        a.register_hook(lambda g: order.append(("a-first", g)))
        h = a.register_hook(lambda g: g * 10)   # replaces the gradient
        a.retain_grad()                         # sees the replaced gradient
        x.register_hook(lambda g: order.append(("x", g)))
        b = (a * a).sum()
        b.backward(retain_graph=True)
        first = [order[:], a.grad.clone(), x.grad.clone()]
        h.remove()
        b.backward()
        return first + [a.grad, x.grad]
    r = run_both(s)
    assert r[1] == [40, 80, 120] and r[2] == [80, 160, 240]
    assert r[3] == [44, 88, 132]  # retained grads accumulate too (40 + 4, ...)


def test_leaf_hook_replaces_gradient_before_accumulation():
    def s(T):
        v = T.tensor([0., 0., 0.], requires_grad=True)
        h = v.register_hook(lambda grad: grad * 2)  # the seeds' example: double the gradient
        v.backward(T.tensor([1., 1., 1.]))
        h.remove()
        v.backward(T.tensor([1., 1., 1.]))
        return v.grad
    assert run_both(s) == [3, 3, 3]


def test_gradient_clipping_with_a_hook():
    def s(T):
        w = T.tensor([1., -2., 3.], requires_grad=True)
        w.register_hook(lambda g: g.clamp(-1, 1))
        (w * T.tensor([5., -0.5, -7.])).sum().backward()
        return w.grad
    assert run_both(s) == [1, -0.5, -1]


def test_node_hooks():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x * 3
        seen = []
        y.grad_fn.register_prehook(lambda go: seen.append(("pre", go[0])))
        y.grad_fn.register_hook(lambda gi, go: seen.append(("post", gi[0], go[0])))
        y.sum().backward()
        return seen
    # y = 3x: the pre-hook sees dL/dy = 1, the post-hook dL/dx = 3 and dL/dy = 1
    assert run_both(s) == [("pre", [1, 1]), ("post", [3, 3], [1, 1])]


# --- autograd.grad, backward(inputs=), higher order -------------------------------------------

def test_grad_does_not_accumulate_into_leaves():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = (x ** 2).sum()
        g, = T.autograd.grad(y, x)
        return [g, x.grad, g.requires_grad]
    assert run_both(s) == [[2, 4], None, False]


def test_grad_of_several_outputs_and_inputs():
    def s(T):
        x = T.tensor(2., requires_grad=True)
        y = T.tensor(3., requires_grad=True)
        z1, z2 = x * y, x + y * y
        return T.autograd.grad([z1, z2], [x, y], grad_outputs=[T.tensor(1.), T.tensor(2.)])
    assert run_both(s) == (5.0, 14.0)  # x: y + 2 = 5; y: x + 2*2y = 14


def test_grad_allow_unused_and_non_leaf_inputs():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        u = T.tensor([1.], requires_grad=True)
        h = x * 3
        y = (h * h).sum()
        return T.autograd.grad(y, [h, x, u], allow_unused=True, retain_graph=True)
    r = run_both(s)
    assert r[0] == [6, 12] and r[1] == [18, 36] and r[2] is None


def test_backward_with_inputs_only_fills_those():
    def s(T):
        p = T.tensor(1., requires_grad=True)
        q = T.tensor(2., requires_grad=True)
        m = p * q
        n = m * 3
        n.backward(inputs=[p, m])
        return [p.grad, q.grad, m.grad]
    assert run_both(s) == [6.0, None, 3.0]


def test_grad_of_a_non_leaf_with_hooks_captures_as_pytorch_does():
    """PyTorch's order: an input whose node runs on (something beyond it is wanted) is captured
    before its hooks; one whose node does not run, after its tensor hooks (never its node's
    pre-hooks). backward(inputs=[h]) fills h.grad as retain_grad does, after the tensor hooks
    and only once, even when h also retains its grad."""
    def s(T):
        t = T.tensor([1., 2.], requires_grad=True)
        h = t * 3
        log = []
        h.grad_fn.register_prehook(lambda gs: log.append("node") or (gs[0] * 100,))
        h.register_hook(lambda g: log.append("tensor") or g * 10)
        z = (h * h).sum()                                   # dz/dh = 2h = [6, 12]
        alone = T.autograd.grad(z, h, retain_graph=True)    # h's node needn't run
        first = list(log)
        log.clear()
        both = T.autograd.grad(z, [h, t], retain_graph=True)  # h's node runs on to t
        second = list(log)
        h.retain_grad()
        z.backward(inputs=[h], retain_graph=True)
        retained = h.grad
        return [alone, first, both, second, retained]
    assert run_both(s) == [([60., 120.],), ["tensor"], ([6., 12.], [18000., 36000.]),
                           ["tensor", "node"], [60., 120.]]


def test_grad_unused_and_empty_inputs_errors():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        u = T.tensor([1.], requires_grad=True)
        z = (x * 2).sum()
        return [error_of(lambda: T.autograd.grad(z, [u, x], retain_graph=True)),
                error_of(lambda: T.autograd.grad(z, [], retain_graph=True)),
                error_of(lambda: T.autograd.grad(z, [x, u], allow_unused=False,
                                                 materialize_grads=True)),
                T.autograd.grad(z, [x, u], materialize_grads=True)]
    r = run_both(s)
    assert r[0].startswith("RuntimeError: The differentiated Tensor at index 0 appears")


def test_higher_order_derivatives_of_a_cube():
    def s(T):
        x = T.tensor(2.0, requires_grad=True)
        y = x ** 3
        g1, = T.autograd.grad(y, x, create_graph=True)
        g2, = T.autograd.grad(g1, x, create_graph=True)
        g3, = T.autograd.grad(g2, x)
        return [g1, g2, g3, g1.grad_fn is not None, g3.requires_grad]
    assert run_both(s)[:3] == [12.0, 12.0, 6.0]


def test_create_graph_backward_then_second_backward():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = (x.sin() * x).sum()
        y.backward(create_graph=True)
        g = x.grad
        x.grad = None
        g.sum().backward()
        return [g, x.grad, g.requires_grad]
    r = run_both(s)  # (its numbers rounded to 5 decimals: hence atol)
    x = np.array([1., 2.])
    # g = d/dx x sin x = sin x + x cos x; its own derivative: 2 cos x - x sin x
    np.testing.assert_allclose(r[0], np.sin(x) + x * np.cos(x), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(r[1], 2 * np.cos(x) - x * np.sin(x), rtol=1e-5, atol=1e-5)
    assert r[2] is True


def test_hessian_vector_product():
    def s(T):
        W = T.tensor([[1., 2.], [3., 4.]])
        x = T.tensor([0.5, -0.25], requires_grad=True)
        f = (W @ x).tanh().sum()
        g, = T.autograd.grad(f, x, create_graph=True)
        v = T.tensor([1., 0.5])
        hv, = T.autograd.grad((g * v).sum(), x)
        return hv
    r = run_both(s)
    W, x, v = np.array([[1., 2.], [3., 4.]]), np.array([0.5, -0.25]), np.array([1., 0.5])
    # f = sum tanh(Wx): H = W^T diag(tanh''(Wx)) W, with tanh'' = -2 tanh (1 - tanh^2)
    t = np.tanh(W @ x)
    np.testing.assert_allclose(r, W.T @ (-2 * t * (1 - t ** 2) * (W @ v)), rtol=1e-5, atol=1e-5)


def test_second_derivative_through_every_unary_op():
    def s(T):
        x = T.tensor([0.3, 0.7], dtype=T.float64, requires_grad=True)
        out = []
        for f in (T.exp, T.log, T.sqrt, T.sin, T.cos, T.tanh, T.sigmoid):
            g, = T.autograd.grad(f(x).sum(), x, create_graph=True)
            gg, = T.autograd.grad(g.sum(), x)
            out.append(gg)
        return out
    r = run_both(s)
    x = np.array([0.3, 0.7])
    sig, th = 1 / (1 + np.exp(-x)), np.tanh(x)
    second = [np.exp(x), -1 / x ** 2, -x ** -1.5 / 4, -np.sin(x), -np.cos(x),
              -2 * th * (1 - th ** 2), sig * (1 - sig) * (1 - 2 * sig)]
    np.testing.assert_allclose(r, second, atol=1e-5)  # (r is rounded to 5 decimals)


def _graph_names(t) -> list:
    """The names of the nodes behind ``t``, depth first in next_functions order."""
    names, stack, seen = [], [t.grad_fn], set()
    while stack:
        node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        names.append(node.name())
        stack.extend(reversed([n for n, _ in node.next_functions]))
    return names


def test_gradient_graphs_have_pytorchs_nodes():
    """A gradient made with create_graph is built from PyTorch's own backward ops
    (TanhBackwardBackward0, ThresholdBackwardBackward0, one Mv for A^T g, ...), and differentiates like PyTorch's."""
    def s(T):
        W = T.tensor([[1., 2., 0.5], [3., 4., -1.]], dtype=T.float64)
        x = T.tensor([0.5, -0.25, 0.1], dtype=T.float64, requires_grad=True)
        v = T.tensor([1., 0.5], dtype=T.float64, requires_grad=True)
        out = []
        Wt = W.transpose(0, 1)  # (v @ W would be unsqueeze, mm, squeeze in PyTorch)
        for f in (lambda: (W @ x).tanh().sum(), lambda: (Wt @ v).sigmoid().sum(),
                  lambda: T.dot(x, x.exp()), lambda: (W @ x).sum() * (Wt @ v).sum(),
                  lambda: (T.relu(W @ x) * (W @ x)).sum() + (Wt @ v).relu().sum()):
            gx, gv = T.autograd.grad(f(), (x, v), create_graph=True, allow_unused=True,
                                     materialize_grads=True)
            out.append([_graph_names(g) for g in (gx, gv) if g.grad_fn is not None])
            y = (gx * gx).sum() + (gv * gv).sum()
            g2, = T.autograd.grad(y, x, create_graph=True, allow_unused=True,
                                  materialize_grads=True)
            g3 = (T.autograd.grad(g2.sum(), x, allow_unused=True, materialize_grads=True)[0]
                  if g2.requires_grad else None)
            out.append([gx, gv, g2, g3, g2.requires_grad])
        return out
    r = run_both(s)
    acc = "torch::autograd::AccumulateGrad"
    assert r[0::2] == [
        [["MvBackward0", "TanhBackwardBackward0", "TanhBackward0", "MvBackward0", acc]],
        [["MvBackward0", "SigmoidBackwardBackward0", "SigmoidBackward0", "MvBackward0", acc]],
        [["AddBackward0", "MulBackward0", "ExpBackward0", acc, "MulBackward0", "MulBackward0"]],
        [["MvBackward0", "ExpandBackward0", "MulBackward0", "SumBackward0", "MvBackward0", acc]]
        * 2,
        [["AddBackward0", "MvBackward0", "MulBackward0", "ReluBackward0", "MvBackward0", acc,
          "MvBackward0", "ThresholdBackwardBackward0", "MulBackward0", "MvBackward0"],
         ["MvBackward0", "ThresholdBackwardBackward0", "ReluBackward0", "MvBackward0", acc]]]
    # [gx, gv, g2, g3]: g2 = d|g|^2/dx (g = (gx, gv)), g3 = d sum(g2)/dx
    W = np.array([[1., 2., 0.5], [3., 4., -1.]])
    x, v = np.array([0.5, -0.25, 0.1]), np.array([1., 0.5])
    M, c, r1 = W @ W.T, W.sum(axis=1), W.sum(axis=0)  # W 1, 1^T W
    z2, z3 = np.zeros(2), np.zeros(3)
    # sum tanh(Wx): gx = W^T a with a = tanh'(Wx); a1, a2: tanh's 2nd and 3rd derivatives
    t = np.tanh(W @ x)
    a, a1 = 1 - t ** 2, -2 * t * (1 - t ** 2)
    a2 = (1 - t ** 2) * (6 * t ** 2 - 2)
    tanh_case = [W.T @ a, z2, W.T @ (2 * a1 * (M @ a)),
                 W.T @ (2 * c * a2 * (M @ a) + 2 * a1 * (M @ (c * a1)))]
    # sum sigmoid(W^T v): no x at all, so everything about x is 0
    sg = 1 / (1 + np.exp(-(W.T @ v)))
    sigmoid_case = [z3, W @ (sg * (1 - sg)), z3, z3]
    # dot(x, exp x): gx = e^x (1 + x), g2 = 2 gx e^x (2 + x)
    e = np.exp(x)
    dot_case = [e * (1 + x), z2, 2 * e * (1 + x) * e * (2 + x),
                2 * e ** 2 * (2 * (1 + x) * (2 + x) + 2 * x + 3)]
    # (1^T W x)(1^T W^T v): gx = r1 (c.v), gv = c (r1.x); |g|^2 is |c|^2 (r1.x)^2 + const
    product_case = [r1 * (c @ v), c * (r1 @ x), 2 * (c @ c) * (r1 @ x) * r1,
                    2 * (c @ c) * r1.sum() * r1]
    # relu(Wx) * Wx + relu(W^T v): Wx = (0.05, 0.4) > 0, so the first term is |Wx|^2;
    # W^T v = (2.5, 4, 0) and relu'(0) = 0, so gv = W (1, 1, 0); gx = 2 W^T W x is linear in x:
    # g2 = 2 (2 W^T W) gx = 8 (W^T W)^2 x, and g3 = 8 (W^T W)^2 1
    WtW = W.T @ W
    relu_case = [2 * W.T @ W @ x, W @ np.array([1., 1., 0.]), 8 * WtW @ WtW @ x,
                 8 * WtW @ WtW @ np.ones(3)]
    for got, want in zip(r[1::2], [tanh_case, sigmoid_case, dot_case, product_case,
                                   relu_case]):
        for g, w in zip(got[:4], want):
            np.testing.assert_allclose(g, w, rtol=1e-5, atol=1e-5)
        assert got[4] is True


# --- grad modes -----------------------------------------------------------------------------

def test_grad_modes():
    def s(T):
        x = T.tensor([1.], requires_grad=True)
        seen = []
        with T.no_grad():
            seen.append((x * 2).requires_grad)
            with T.enable_grad():
                seen.append((x * 2).requires_grad)
        with T.set_grad_enabled(False):
            seen.append((x * 2).requires_grad)
        seen.append(T.is_grad_enabled())
        T.set_grad_enabled(False)
        seen.append((x * 2).requires_grad)
        T.set_grad_enabled(True)
        with T.inference_mode():
            seen.append((x * 2).requires_grad)
        with T.inference_mode(False):
            seen.append((x * 2).requires_grad)

        @T.no_grad()
        def f(t):
            return t * 2

        @T.no_grad
        def f2(t):
            return t * 2

        @T.enable_grad()
        def f3(t):
            return t * 2

        seen += [f(x).requires_grad, f2(x).requires_grad, T.is_grad_enabled()]
        with T.no_grad():
            seen.append(f3(x).requires_grad)
        return seen
    assert run_both(s) == [False, True, False, True, False, False, True, False, False, True,
                           True]


def test_no_grad_results_are_leaves_and_detach_cuts_the_graph():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        with T.no_grad():
            y = x * 2
        d = (x * 3).detach()
        d2 = x * 3
        d2.detach_()
        return [y.requires_grad, y.is_leaf, y.grad_fn, d.requires_grad, d.is_leaf,
                d2.requires_grad, d2.grad_fn, x.eq(d / 3).all()]
    assert run_both(s) == [False, True, None, False, True, False, None, True]


def test_unrecorded_arithmetic_keeps_pytorchs_types_shapes_and_errors():
    # Arithmetic that records nothing takes a shortcut to NumPy when no promotion or
    # broadcasting is involved; what comes out must not tell the two paths apart.
    def s(T):
        out = []
        x = T.tensor([1.5, -2.], requires_grad=True)
        h = T.tensor([1., 2.], dtype=T.float16)
        i = T.tensor([1, 2])
        z = T.tensor(3.)
        with T.no_grad():
            for r in (x * 2, x + 1.5, x - x, 2 - x, x * x, h * 0.5, h + h, i * 2, i * 1.5,
                      z * 2, z + z, x * z, x + T.ones(1, 2), x.add(x, alpha=2), x / 4,
                      x / -3.0, h / 65504, x / 0.5, x / 1e300, i / 2, x / True,
                      h.unsqueeze(0), i.unsqueeze(-1), z.unsqueeze(0)):
                out.append([str(r.dtype), tuple(r.shape), r.requires_grad, r.is_leaf, r.double()])
            out.append(error_of(lambda: x + T.ones(3)))
        y = T.tensor([1., 2.])
        out.append([(y * 2).requires_grad, (y + y).grad_fn, (x * 2).grad_fn.name()])
        return out
    r = run_both(s)
    f32, f16, i64 = "torch.float32", "torch.float16", "torch.int64"
    expected = [  # dtype, shape, value (x = [1.5, -2], h = [1, 2] half, i = [1, 2], z = 3)
        (f32, (2,), [3, -4]), (f32, (2,), [3, -0.5]), (f32, (2,), [0, 0]),
        (f32, (2,), [0.5, 4]), (f32, (2,), [2.25, 4]), (f16, (2,), [0.5, 1]),
        (f16, (2,), [2, 4]), (i64, (2,), [2, 4]), (f32, (2,), [1.5, 3]), (f32, (), 6),
        (f32, (), 6), (f32, (2,), [4.5, -6]), (f32, (1, 2), [[2.5, -1]]),
        (f32, (2,), [4.5, -6]), (f32, (2,), [0.375, -0.5]), (f32, (2,), [-0.5, 2 / 3]),
        (f16, (2,), [1 / 65504, 2 / 65504]), (f32, (2,), [3, -4]), (f32, (2,), [0, 0]),
        (f32, (2,), [0.5, 1]), (f32, (2,), [1.5, -2]), (f16, (1, 2), [[1, 2]]),
        (i64, (2, 1), [[1], [2]]), (f32, (1,), [3])]
    assert len(r) == len(expected) + 2
    for got, (dtype, shape, value) in zip(r, expected):
        assert got[:4] == [dtype, shape, False, True]
        np.testing.assert_allclose(got[4], value, atol=1e-5)  # (got is rounded to 5 decimals)
    assert r[-2] == ("RuntimeError: The size of tensor a (2) must match the size of tensor b (3) "
                     "at non-singleton dimension 0")
    assert r[-1] == [False, None, "MulBackward0"]


def test_detach_shares_memory():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        d = x.detach()
        d[0] = 10.
        return [x, d.numpy().tolist()]
    assert run_both(s)[0] == [10, 2]


def test_variable_is_a_tensor_now():
    def s(T):
        v = T.autograd.Variable(T.Tensor([1., 2.]), requires_grad=True)
        (v * v).sum().backward()
        return [type(v).__name__, v.grad, isinstance(v, T.Tensor), v.is_leaf]
    assert run_both(s)[1] == [2, 4]


# --- custom Functions -----------------------------------------------------------------------

def _custom(T):
    class Exp(T.autograd.Function):
        @staticmethod
        def forward(ctx, i):
            result = i.exp()
            ctx.save_for_backward(result)
            return result

        @staticmethod
        def backward(ctx, grad_output):
            result, = ctx.saved_tensors
            return grad_output * result

    class ScaleBy(T.autograd.Function):
        @staticmethod
        def forward(ctx, x, k, y):
            ctx.k = k
            ctx.save_for_backward(x, y)
            return x * y * k

        @staticmethod
        def backward(ctx, g):
            x, y = ctx.saved_tensors
            needs = ctx.needs_input_grad
            return (g * y * ctx.k if needs[0] else None, None,
                    g * x * ctx.k if needs[2] else None)

    class ArgMaxAndMax(T.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            idx = x.argmax()
            ctx.mark_non_differentiable(idx)
            ctx.save_for_backward(x, idx)
            return x.max(), idx

        @staticmethod
        def backward(ctx, g, g_idx):
            x, idx = ctx.saved_tensors
            out = T.zeros_like(x)
            out[idx] = g
            return out

    return Exp, ScaleBy, ArgMaxAndMax


def test_custom_function():
    def s(T):
        Exp, ScaleBy, ArgMaxAndMax = _custom(T)
        t = T.tensor([0., 1.], requires_grad=True)
        o = Exp.apply(t)
        o.sum().backward()
        x = T.tensor([1., 2.], requires_grad=True)
        y = T.tensor([3., 4.])
        z = ScaleBy.apply(x, 2.0, y)
        z.sum().backward()
        m, i = ArgMaxAndMax.apply(x)
        m.backward()
        return [o, o.grad_fn.name(), t.grad, z.grad_fn.next_functions[1], x.grad,
                i.requires_grad, len(z.grad_fn.next_functions)]
    assert run_both(s)[4] == [6, 9]  # 2y, plus 1 where x is largest


def test_custom_function_gradcheck_and_wrong_gradient_detected():
    Exp, _, _ = _custom(minigrad)

    class BadSquare(minigrad.autograd.Function):
        @staticmethod
        def forward(ctx, x):
            ctx.save_for_backward(x)
            return x * x

        @staticmethod
        def backward(ctx, g):
            x, = ctx.saved_tensors
            return g * x  # wrong: should be 2x

    x = minigrad.tensor([0.3, -1.2], dtype=minigrad.float64, requires_grad=True)
    assert minigrad.autograd.gradcheck(Exp.apply, (x,))
    assert minigrad.autograd.gradgradcheck(Exp.apply, (x,))
    with pytest.raises(RuntimeError, match="Jacobian mismatch"):
        minigrad.autograd.gradcheck(BadSquare.apply, (x,))
    assert minigrad.autograd.gradcheck(BadSquare.apply, (x,), raise_exception=False) is False


def test_custom_function_returning_an_input_marked_non_differentiable():
    def s(T):
        class Same(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.mark_non_differentiable(x)
                return x

            @staticmethod
            def backward(ctx, g):
                return g

        x = T.ones(2, requires_grad=True)
        y = Same.apply(x)
        return [y is x, y.requires_grad, y.grad_fn is None]
    assert run_both(s) == [False, False, True]


def test_custom_function_wrong_number_or_shape_of_gradients():
    def s(T):
        class TwoGrads(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g, g

        class BadShape(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g.sum()

        x = T.tensor([1., 2.], requires_grad=True)
        return [error_of(lambda: TwoGrads.apply(x).sum().backward()),
                error_of(lambda: BadShape.apply(x).sum().backward())]
    r = run_both(s)
    assert "incorrect number of gradients" in r[0] and "invalid gradient" in r[1]


# --- anomaly mode ---------------------------------------------------------------------------

def test_anomaly_mode_names_the_node_and_the_forward_line():
    x = minigrad.tensor([-1., 0., 4.], requires_grad=True)
    with pytest.warns(UserWarning, match="Anomaly Detection has been enabled"):
        with minigrad.autograd.detect_anomaly():
            y = x.sqrt()  # the culprit: d sqrt/dx at 0 is inf, times 0 -> nan
            with pytest.raises(RuntimeError) as err:
                (y * 0).sum().backward()
    msg = str(err.value)
    assert "Function 'SqrtBackward0' returned nan values in its 0th output." in msg
    assert "y = x.sqrt()" in msg
    if _torch is not None:
        t = _torch.tensor([-1., 0., 4.], requires_grad=True)
        with pytest.warns(UserWarning):
            with _torch.autograd.detect_anomaly():
                with pytest.raises(RuntimeError) as terr:
                    (t.sqrt() * 0).sum().backward()
        assert str(terr.value) in msg


def test_anomaly_mode_shows_where_the_forward_of_a_failing_backward_ran():
    # The in-place error's hint says to turn anomaly mode on: then, as in PyTorch, a warning
    # names the node whose backward failed and shows the line that ran its forward, and the
    # error's hint points to that warning.
    def scenario(T):
        x = T.tensor([1.0, 2.0], requires_grad=True)
        with T.autograd.set_detect_anomaly(True):
            y = x.exp()  # the culprit's forward
            y.add_(1)
            with warnings.catch_warnings(record=True) as caught:
                warnings.simplefilter("always")
                with pytest.raises(RuntimeError) as err:
                    y.sum().backward()
        return str(err.value), [str(w.message) for w in caught], caught[-1].filename
    msg, warned, where = scenario(minigrad)
    assert msg.endswith("Hint: the backtrace further above shows the operation that failed to "
                        "compute its gradient. The variable in question was changed in there or "
                        "anywhere later. Good luck!")
    assert warned[-1].startswith("Error detected in ExpBackward0. Traceback of forward call that "
                                 "caused the error:\n")
    assert warned[-1].rstrip().endswith("y = x.exp()  # the culprit's forward")  # minigrad's own
    assert where == __file__                                  # frames left out, as in PyTorch
    if _torch is not None:
        tmsg, twarned, _ = scenario(_torch)
        assert tmsg == msg
        assert twarned[-1].split("\n")[0] == warned[-1].split("\n")[0]
    # anomaly mode off again: the usual hint
    x = minigrad.tensor([1.0, 2.0], requires_grad=True)
    y = x.exp()
    y.add_(1)
    with pytest.raises(RuntimeError, match="Hint: enable anomaly detection"):
        y.sum().backward()


def test_without_anomaly_mode_nan_passes_silently():
    x = minigrad.tensor([0.], requires_grad=True)
    (x.sqrt() * 0).sum().backward()
    assert np.isnan(x.grad.numpy()).all()


# --- deep graphs and memory -----------------------------------------------------------------

def test_a_graph_100000_nodes_deep_runs_without_recursion():
    x = minigrad.tensor([1.0], requires_grad=True)
    y = x
    for _ in range(100_000):
        y = y * 1.0
    y.sum().backward()
    assert x.grad.tolist() == [1.0]


def test_graph_is_freed_by_reference_counting():
    gc.disable()  # no cycle collector: freeing must come from reference counts alone
    try:
        x = minigrad.tensor([1., 2.], requires_grad=True)
        y = x
        for _ in range(1000):
            y = (y * 1.0).tanh().exp().sigmoid()
        node = weakref.ref(y.grad_fn)
        mid = weakref.ref(y.grad_fn.next_functions[0][0])
        y.sum().backward()
        del y
        assert node() is None and mid() is None
        assert x._accumulator() is None  # its AccumulateGrad went with the graph
    finally:
        gc.enable()


def test_a_recorded_op_leaves_few_objects_for_the_garbage_collector(fast_path):
    # Python's cycle collector runs a pass per 700 new container objects still alive, and
    # full passes as they pile up: a deep graph must not leave many per node. A recorded
    # y * 0.5 or y + 1 (fastpath.py's route) needs its node, its tuple of edges and the
    # (node, output_nr) pair of its one tensor input; everything else it keeps (sizes, dtypes,
    # flags) is shared between nodes.
    x = minigrad.tensor([1., 2.], requires_grad=True)
    y = x * 1.0
    gc.disable()
    try:
        before = gc.get_count()[0]  # containers made minus those freed, since the last pass
        for _ in range(500):
            y = (y * 0.5) + 1.0
        per_op = (gc.get_count()[0] - before) / 1000
    finally:
        gc.enable()
    assert per_op <= 3.1, per_op


def test_deep_graph_memory_is_returned_after_backward():
    import tracemalloc
    x = minigrad.tensor(np.ones(1000, dtype=np.float32), requires_grad=True)
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    y = x
    for _ in range(2000):
        y = (y * 1.0).tanh()  # tanh saves its output: 4 kB per step
    built = tracemalloc.get_traced_memory()[0] - base
    y.sum().backward()
    del y
    left = tracemalloc.get_traced_memory()[0] - base
    tracemalloc.stop()
    assert built > 2000 * 4000  # the saved activations were really held...
    assert left < built / 20    # ... and are gone once the graph is


# --- functional -----------------------------------------------------------------------------

def test_functional_jacobian_hessian_hvp():
    def s(T):
        F = T.autograd.functional

        def f(x):
            return (x ** 3).sum()

        def g(x):
            return x.exp() * x

        x = T.tensor([1., 2.])
        return [F.jacobian(g, x), F.hessian(f, x), F.hvp(f, x, T.tensor([1., 1.]))[1],
                F.vjp(g, x, T.tensor([1., 0.]))[1]]
    r = run_both(s)
    e = np.exp([1., 2.])
    # g = x e^x: dg/dx = e^x (1 + x) on the diagonal; f = sum x^3: hessian diag(6x)
    np.testing.assert_allclose(r[0], np.diag(e * [2., 3.]), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(r[1], [[6, 0], [0, 12]])
    np.testing.assert_allclose(r[2], [6, 12])
    np.testing.assert_allclose(r[3], [e[0] * 2, 0], rtol=1e-5, atol=1e-5)


def test_unbind_of_a_vector_gives_0d_tensors_and_stack_of_scalars_backprops():
    def s(T):
        a, b = T.unbind(T.tensor([1.0, 2.0]))
        x = T.tensor([1.0, 2.0], requires_grad=True)
        y = T.stack([x[0] * x[1], x[0].sin()])
        y.backward(T.tensor([1.0, 0.5]))
        return [repr(a), a.dim(), x.grad]
    r = run_both(s)
    assert r[:2] == ["tensor(1.)", 0]
    # y = (x0 x1, sin x0), weighted (1, 0.5): dx0 = x1 + 0.5 cos x0, dx1 = x0
    np.testing.assert_allclose(r[2], [2 + 0.5 * np.cos(1), 1], rtol=1e-5, atol=1e-5)


def test_allclose_refuses_mixed_dtypes():
    def s(T):
        return error_of(lambda: T.allclose(T.ones(2, dtype=T.float64), T.ones(2)))
    assert "did not match" in run_both(s)


def test_saved_versions_are_those_at_the_end_of_forward():
    """PyTorch records a custom Function's saved versions when forward returns: forward may
    still change, in place, what it saved (here a fresh result); a change after forward
    raises, naming the Function (for an output) or the node that made the input."""
    def s(T):
        class Doubled(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                y = x.exp()
                ctx.save_for_backward(y)
                y.mul_(2)                   # still forward: y = 2 exp(x) is what was saved
                return y

            @staticmethod
            def backward(ctx, g):
                y, = ctx.saved_tensors
                return g * y

        class Square(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                ctx.save_for_backward(x)
                return x * x

            @staticmethod
            def backward(ctx, g):
                x, = ctx.saved_tensors
                return 2 * g * x

        x = T.tensor([0.5, 1.0], requires_grad=True)
        Doubled.apply(x).sum().backward()
        y = Doubled.apply(x)
        y.add_(1)
        h = x * 3
        z = Square.apply(h)
        h.add_(1)
        return [x.grad, error_of(lambda: y.sum().backward()),
                error_of(lambda: z.sum().backward())]
    grad, after_output, after_input = run_both(s)
    assert grad == pytest.approx((2 * np.exp([0.5, 1.0])).tolist(), rel=1e-5)
    assert "which is output 0 of Doubled, is at version 2; expected version 1" in after_output
    assert "which is output 0 of Add, is at version 1; expected version 0" in after_input


def test_modified_leaf_error_text_matches_pytorch_exactly():
    def s(T):
        x = T.tensor([1., 2.], requires_grad=True)
        y = x ** 2
        x.detach().mul_(10)
        return error_of(lambda: y.sum().backward())
    assert "[torch.FloatTensor [2]] is at version 1" in run_both(s)


def test_overflow_is_silent_as_in_pytorch():
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert minigrad.exp(minigrad.tensor(100.)).item() == float("inf")
        assert (minigrad.tensor(10.) ** 400).item() == float("inf")


def test_relu_passes_no_nan_where_it_was_flat():
    # threshold_backward selects the gradient where relu was steep: a nan from above stays
    # out of the flat part (g * mask would give nan * 0 = nan there)
    def s(T):
        x = T.tensor([-1., 0., 2.], requires_grad=True)
        T.relu(x).backward(T.tensor([float("nan"), float("inf"), float("nan")]))
        return [str(v) for v in x.grad.tolist()]
    assert run_both(s) == ["0.0", "0.0", "nan"]


def test_relu_gradient_passes_where_its_output_is_nan():
    # threshold_backward zeroes the gradient only where the output is <= 0: nan is not, so a
    # nan input gets the gradient (first order on arrays, and recorded with create_graph)
    def s(T):
        x = T.tensor([float("nan"), 1., -1., 0.], requires_grad=True)
        g, = T.autograd.grad(T.relu(x).sum(), x, create_graph=True)
        gg, = T.autograd.grad((g * T.tensor([2., 3., 4., 5.])).sum() + T.relu(x).sum(), x)
        T.relu(x).sum().backward()
        return [x.grad.tolist(), g.tolist(), gg.tolist()]
    assert run_both(s)[0] == [1.0, 1.0, 0.0, 0.0]


def test_set_detect_anomaly_switches_on_and_restores():
    from minigrad.autograd import anomaly
    assert not anomaly.is_anomaly_enabled()
    with minigrad.autograd.set_detect_anomaly(True):
        assert anomaly.is_anomaly_enabled()
        x = minigrad.tensor([0.], requires_grad=True)
        with pytest.raises(RuntimeError, match="SqrtBackward0"):
            (x.sqrt() * 0).sum().backward()
    assert not anomaly.is_anomaly_enabled()


def test_mixing_devices_raises_pytorchs_error():
    # A tensor that claims to live on a GPU (its array stays on the CPU): enough to reach the
    # device check on a machine without one.
    from minigrad.tensor.tensor import Tensor
    gpu = object.__new__(minigrad.device)  # device("cuda") itself insists on CuPy
    gpu.type, gpu.index = "cuda", 0
    fake = Tensor._make(np.ones(2, dtype=np.float32), gpu)
    with pytest.raises(RuntimeError, match="Expected all tensors to be on the same device, but "
                                           "found at least two devices, cuda:0 and cpu!"):
        fake + minigrad.ones(2)


def test_gradcheck_error_prints_the_jacobians_as_tensors():
    # PyTorch's GradcheckError shows both Jacobians as float64 tensors, word for word
    def s(T):
        class Wrong(T.autograd.Function):
            @staticmethod
            def forward(ctx, x):
                return x * 2

            @staticmethod
            def backward(ctx, g):
                return g * 3  # should be g * 2

        x = T.tensor([1., 2.], dtype=T.float64, requires_grad=True)
        return error_of(lambda: T.autograd.gradcheck(Wrong.apply, (x,)))
    expected = ("GradcheckError: Jacobian mismatch for output 0 with respect to input 0,\n"
                "numerical:tensor([[2.0000, 0.0000],\n        [0.0000, 2.0000]], "
                "dtype=torch.float64)\nanalytical:tensor([[3., 0.],\n        [0., 3.]], "
                "dtype=torch.float64)\n")
    assert run_both(s) == expected


def test_autograd_backward_takes_the_old_name_grad_variables():
    # PyTorch 0.3's name for grad_tensors still works, with a FutureWarning; both at once raise
    def s(T):
        import warnings
        x = T.tensor([1., 2.], requires_grad=True)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            T.autograd.backward(x * 3, grad_variables=T.tensor([1., 10.]))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", FutureWarning)
            both = error_of(lambda: T.autograd.backward(
                x * 3, grad_tensors=T.tensor([1., 1.]), grad_variables=T.tensor([1., 1.])))
        old = error_of(lambda: (x * 3).sum().backward(retain_variables=True))
        return [x.grad, [[w.category.__name__, str(w.message)] for w in caught], both, old]
    grad, warned, both, old = run_both(s)
    assert grad == [3, 30]
    assert warned == [["FutureWarning", "`grad_variables` is deprecated. Use `grad_tensors` "
                                        "instead."]]
    assert both == ("RuntimeError: `grad_tensors` and `grad_variables` (deprecated) arguments "
                    "both passed to `backward()`. Please only use `grad_tensors`.")
    assert old == "TypeError: Tensor.backward() got an unexpected keyword argument " \
                  "'retain_variables'"
