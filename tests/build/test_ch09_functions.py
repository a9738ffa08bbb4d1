"""Chapter 9 — custom Functions and in-place operations.

What you build:

- ``SavedTensor.check_version`` in ``minigrad/autograd/graph.py``: before backward reads a
  saved tensor (``ctx.saved_tensors``), compare the version its memory has now with the one it
  had when it was saved (``self.version``), and raise PyTorch's error if it moved. A saved input
  is kept as the tensor itself; a saved output only as its array and its counter.
- ``Softplus`` in ``minigrad/ops/elementwise.py`` (``F.softplus(x, beta, threshold)``), a
  Function like those of the chapter: a forward that can't overflow and saves what backward
  needs, and a backward that multiplies the gradient arriving from above by the derivative.

The custom Functions of these checks (``Square`` saves its input, ``MyExp`` its output,
``Doubled`` changes what it saved before returning it) are written here, as the notebook writes
them: their ``saved_tensors`` run your check.
"""
import numpy as np
import pytest

import minigrad
from minigrad.autograd.gradcheck import numerical_jacobian

pytestmark = pytest.mark.chapter9

MODIFIED = ("one of the variables needed for gradient computation has been modified by an "
            "inplace operation: ")
HINT = (" Hint: enable anomaly detection to find the operation that failed to compute its "
        "gradient, with torch.autograd.set_detect_anomaly(True, check_nan=False).")


def leaf(values, dtype=None):
    return minigrad.tensor(values, dtype=dtype, requires_grad=True)


def values(t):
    return np.asarray(t.numpy(force=True), dtype=np.float64)


def softplus(x, *args, **kwargs):
    return minigrad.nn.functional.softplus(x, *args, **kwargs)


class Square(minigrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)         # an input
        return x * x

    @staticmethod
    def backward(ctx, g):
        x, = ctx.saved_tensors
        return 2 * g * x


class MyExp(minigrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)         # its own output
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


def error_of(run):
    """The message of the RuntimeError ``run()`` raised, or None (a stub's error propagates)."""
    try:
        run()
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        return str(exc)
    return None


def must_raise(run, want, what, hint):
    got = error_of(run)
    assert got is not None, (
        f"{what} was changed in place after it was saved, yet backward ran without an error "
        f"(and used the changed values): {hint}")
    assert got == want, (
        f"{what} was changed in place after it was saved, and backward raised another message "
        "than PyTorch's: give _modified_error the version the tensor has now (self.version is "
        f"the one it had when it was saved), and raise only when they differ\n"
        f"  raised:         {got!r}\n  PyTorch raises: {want!r}")


def test_a_saved_input_changed_in_place_fails_backward():
    x = leaf([1.0, 2.0])
    h = x * 1
    z = Square.apply(h)             # saves h, an input, at version 0
    h.add_(1)                       # recorded: h is now output 0 of AddBackward0
    must_raise(lambda: z.sum().backward(),
               MODIFIED + "[torch.FloatTensor [2]], which is output 0 of Add, is at version 1; "
               "expected version 0 instead." + HINT,
               "a saved input (h, saved by Square.apply(h))",
               "a saved input is kept as the tensor itself (self.tensor): compare its version now "
               "(self.tensor._version) with self.version, and raise when they differ")
    c = minigrad.tensor([3.0, 4.0])   # a constant: in place is allowed, and no node made it
    c.add_(1)                         # version 1 ...
    y = x * c                         # ... when the multiplication saves it for x's gradient
    c.mul_(2)
    c.sub_(1)
    must_raise(lambda: y.sum().backward(),
               MODIFIED + "[torch.FloatTensor [2]] is at version 3; expected version 1 instead."
               + HINT,
               "the constant c, saved at version 1 by x * c,",
               "compare with the version recorded when it was saved (self.version), not with 0")


def test_a_saved_output_changed_in_place_fails_backward():
    x = leaf([1.0, 2.0, 3.0])
    y = MyExp.apply(x)              # saves its own output
    y.mul_(2)
    hint = ("a saved output is kept as its array and its version counter only (self.tensor is "
            "None then): its version now is self.counter.value")
    must_raise(lambda: y.sum().backward(),
               MODIFIED + "[torch.FloatTensor [3]], which is output 0 of MyExp, is at version 1; "
               "expected version 0 instead." + HINT,
               "a saved output (y = MyExp.apply(x))", hint)
    e = x.exp()                     # minigrad's own exp saves its output too
    e.add_(1)
    e.add_(1)
    must_raise(lambda: e.sum().backward(),
               MODIFIED + "[torch.FloatTensor [3]], which is output 0 of Exp, is at version 2; "
               "expected version 0 instead." + HINT,
               "a saved output (e = x.exp())", hint)


def test_unchanged_saved_tensors_unpack_and_give_the_gradient():
    x = leaf([0.5, 1.0, -1.0])
    w = minigrad.tensor([1.0, 2.0, 3.0])
    hint = (": nothing was changed after saving, so saved_tensors must hand back what was saved. "
            "Raise only when the version now differs from self.version, the one recorded when "
            "it was saved (not 0: a tensor may be changed in place before it is saved)")
    for label, make, want in (
            ("MyExp, which saves its output", lambda: MyExp.apply(x), np.exp(values(x))),
            ("Square, which saves its input", lambda: Square.apply(x * 1), 2 * values(x)),
            ("Square of h, changed in place BEFORE it was saved",
             lambda: Square.apply((x * 1).add_(1)), 2 * (values(x) + 1))):
        x.grad = None
        try:
            (make() * w).sum().backward()
        except NotImplementedError:
            raise
        except Exception as exc:
            pytest.fail(f"backward through {label} raised {type(exc).__name__}{hint}. It "
                        f"raised: {exc}")
        assert np.allclose(values(x.grad), want * values(w)), (
            f"backward through {label} gave x.grad = {values(x.grad).tolist()}, expected "
            f"{(want * values(w)).tolist()}")
    h = x * 1
    z = Square.apply(h)
    z.sum().backward(retain_graph=True)
    h.add_(1)                       # after a backward: the first one was right ...
    assert error_of(lambda: z.sum().backward()) is not None, (
        "h, saved by Square.apply(h), was changed in place after a first backward "
        "(retain_graph=True), and a second backward through the same graph ran without an "
        "error: every unpack compares the version now with the one recorded when it was saved")
    x.grad = None
    try:
        Square.apply(h).sum().backward()    # a new graph saves h at its new version
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        pytest.fail(f"h was changed in place, THEN saved again by a new Square.apply(h), whose "
                    f"backward raised{hint}. It raised: {exc}")
    assert np.allclose(values(x.grad), 2 * (values(x) + 1)), (
        f"backward of Square.apply(h), h = x + 1, gave x.grad = {values(x.grad).tolist()}, "
        f"expected 2(x + 1) = {(2 * (values(x) + 1)).tolist()}")


class Doubled(minigrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        y = x.exp()
        ctx.save_for_backward(y)
        y.mul_(2)                        # still forward: what backward gets is 2 exp(x)
        return y

    @staticmethod
    def backward(ctx, g):
        y, = ctx.saved_tensors
        return g * y


class TwoGradients(minigrad.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x * 2

    @staticmethod
    def backward(ctx, g):
        return g * 2, g                 # one input, two gradients: a bug


def test_a_function_is_checked_when_forward_and_backward_return():
    x = leaf([0.5, 1.0])
    try:
        Doubled.apply(x).sum().backward()
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        pytest.fail(
            "a Function whose forward saved a fresh tensor, then changed it in place before "
            "returning it, failed backward. PyTorch records the versions of what was saved when "
            "forward returns (_record), not when save_for_backward is called: forward's own "
            f"steps are not changes 'after saving'. It raised: {exc}")
    assert np.allclose(values(x.grad), 2 * np.exp(values(x))), (
        f"x.grad = {values(x.grad).tolist()}, expected 2 exp(x) = "
        f"{(2 * np.exp(values(x))).tolist()}")
    y = Doubled.apply(x)
    y.add_(1)                        # after forward: that one counts
    must_raise(lambda: y.sum().backward(),
               MODIFIED + "[torch.FloatTensor [2]], which is output 0 of Doubled, is at version "
               "2; expected version 1 instead." + HINT,
               "the output of Doubled.apply(x), saved at version 1 when forward returned,",
               "compare with the version recorded when forward returned (self.version)")
    got = error_of(lambda: TwoGradients.apply(x).sum().backward())
    want = ("function TwoGradientsBackward returned an incorrect number of gradients "
            "(expected 1, got 2)")
    assert got == want, (
        "the backward of a Function with one input returned two gradients: PyTorch raises "
        f"{want!r}, but backward {'ran without an error' if got is None else 'raised ' + repr(got)}"
        ". A node must return exactly one gradient per input of forward (trailing Nones may be "
        "dropped): anything else is a bug in the Function (BackwardNode._check_count)")


def test_softplus_is_stable_and_matches_pytorch():
    pts = [-200.0, -20.0, -1.0, 0.0, 0.5, 1.0, 3.0, 19.0, 30.0, 200.0]
    for kwargs, words in (({}, "with the defaults beta=1, threshold=20"),
                          (dict(beta=2.0), "with beta=2: log(1 + exp(beta x)) / beta"),
                          (dict(threshold=0.8), "with threshold=0.8: x itself wherever "
                                                "beta x > threshold, as PyTorch")):
        x = leaf(pts)
        beta, threshold = kwargs.get("beta", 1.0), kwargs.get("threshold", 20.0)
        y = softplus(x, **kwargs)
        got = values(y)
        xs = np.asarray(pts)
        want = np.where(beta * xs > threshold, xs, np.logaddexp(0, beta * xs) / beta)
        assert np.isfinite(got).all(), (
            f"softplus({pts}) {words} gave {got.tolist()}: log(1 + exp(x)) overflows float32 "
            "from x = 88.7 on. PyTorch returns x itself where beta x > threshold (there the two "
            "agree to float precision), and max(x, 0) + log(1 + exp(-|x|)), whose exponent is "
            "never positive, can't overflow at all")
        assert np.allclose(got, want, rtol=1e-5, atol=1e-6), (
            f"softplus({pts}) {words} gave\n  {np.round(got, 5).tolist()}\nexpected\n  "
            f"{np.round(want, 5).tolist()}")
        assert y.grad_fn is not None and y.grad_fn.name() == "SoftplusBackward0", (
            "softplus(x) of an x that requires grad should have grad_fn SoftplusBackward0 "
            "(its forward ran through Softplus.apply)")


def test_softplus_backward_passes_gradcheck():
    x = leaf([-300.0, -5.0, -1.0, 0.1, 0.5, 2.0, 5.0, 25.0, 300.0], dtype=minigrad.float64)
    g = minigrad.tensor([1.0, -2.0, 3.0, 0.5, -1.0, 2.0, 4.0, -3.0, 1.5],
                        dtype=minigrad.float64)
    softplus(x).backward(g)
    xs, gs = values(x), values(g)
    want = gs / (1 + np.exp(-np.minimum(xs, 20))) * (xs <= 20) + gs * (xs > 20)
    assert np.allclose(values(x.grad), want, rtol=1e-6, atol=1e-12), (
        f"backward of softplus(x) with the gradient {gs.tolist()} arriving from above gave "
        f"{np.round(values(x.grad), 6).tolist()}, expected {np.round(want, 6).tolist()}: "
        "multiply the gradient arriving from above (backward's argument) by the derivative, "
        "sigmoid(beta x) (and by 1 on the linear tail, beta x > threshold)")
    g = np.array([0.5, -1.0, 2.0, 1.5, -0.5, 3.0])
    for kwargs in ({}, dict(beta=2.0, threshold=3.0), dict(beta=0.5, threshold=1.0)):
        # gradcheck's comparison (chapter 14), written out: backward with a gradient g from
        # above must give J g, J the Jacobian by finite differences (chapter 2's piece)
        x = leaf([-30.0, -1.0, 0.3, 1.0, 2.5, 7.0], dtype=minigrad.float64)
        (jac,), = numerical_jacobian(lambda t: softplus(t, **kwargs), (x,))
        softplus(x, **kwargs).backward(minigrad.tensor(g, dtype=minigrad.float64))
        ok = np.allclose(values(x.grad), jac @ g, rtol=1e-3, atol=1e-5)
        assert ok, (
            f"gradcheck of softplus(x, {kwargs}) failed: backward does not match finite "
            "differences. d/dx log(1 + exp(beta x)) / beta = sigmoid(beta x); on the linear "
            "tail (beta x > threshold) the derivative is 1")


def test_softplus_saves_its_input_itself():
    x = leaf([1.0, -2.0])
    h = x * 1
    y = softplus(h)
    y.add_(1)                       # the output is not needed for backward
    try:
        y.sum().backward()
    except NotImplementedError:
        raise
    except RuntimeError as exc:
        pytest.fail("changing softplus's output in place broke its backward: softplus saved "
                    "its output, but PyTorch's SoftplusBackward0 saves the input, and its "
                    f"derivative sigmoid(beta x) needs the input. It raised: {exc}")
    sig = 1 / (1 + np.exp(-values(x)))
    assert np.allclose(values(x.grad), sig), (
        f"x.grad = {values(x.grad).tolist()}, expected sigmoid(x) = {sig.tolist()}")
    h = x * 1
    y = softplus(h)
    h.mul_(3)                       # the input is: backward must notice
    assert error_of(lambda: y.sum().backward()) is not None, (
        "softplus's input was changed in place after the call, and backward used the changed "
        "values without an error: forward must save the input itself, "
        "ctx.save_for_backward(a), not a copy (a copy costs memory and hides the change from "
        "the version check). (If test_a_saved_input_changed_in_place_fails_backward fails too, "
        "fix that first)")
