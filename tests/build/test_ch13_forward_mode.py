"""Chapter 13 — forward mode: the hook that pushes tangents, and three rules.

What you build: ``apply`` in ``minigrad/autograd/forward_ad.py`` (while a dual level is open,
every op comes here: collect each argument's tangent, None for a number or a tensor without
one, run the op, and if any argument had a tangent call the op's ``jvp`` rule with one tangent
per argument, in order; give the output the tangent the rule returns, made to the output's
shape by ``_fit``), and the ``jvp`` rules of mul (``minigrad/ops/arithmetic.py``: the product
rule), exp and sin (``minigrad/ops/elementwise.py``).

The hook is checked with ops whose rules are given (add, div, tanh, sum); the rules with the
hook. Every expected tangent is computed here with NumPy, from the derivative by hand.
"""
import numpy as np
import pytest

import minigrad
import minigrad.autograd.forward_ad as fwAD

pytestmark = pytest.mark.chapter13


def t64(values):
    return minigrad.tensor(values, dtype=minigrad.float64)


def arr(t):
    return None if t is None else np.asarray(t.detach().numpy(), dtype=np.float64)


def push(f, primals, tangents):
    """f(*duals) inside a dual level: (primal, tangent) of the result as arrays. An argument
    whose tangent is None goes in as a plain tensor."""
    with fwAD.dual_level():
        args = [p if t is None else fwAD.make_dual(p, t) for p, t in zip(primals, tangents)]
        y = f(*args)
        p, t = fwAD.unpack_dual(y)
        return arr(p), arr(t)


X = np.array([0.3, -1.2, 0.8])
V = np.array([1.0, 0.5, -2.0])


def test_the_hook_gives_the_output_the_tangent_from_the_rule():
    p, t = push(lambda x: x.tanh(), [t64(X)], [t64(V)])
    assert p is not None and np.allclose(p, np.tanh(X)), (
        f"inside a dual level, tanh(x) gave {p}, not tanh(x) = {np.tanh(X)}: the hook must run "
        "the op itself (op.apply) and return its result")
    assert t is not None, (
        "x is dual, but tanh(x) came out without a tangent: after running the op, call its "
        "rule (op.jvp) and attach the tangent it returns to the output (_set_tangent)")
    want = (1 - np.tanh(X) ** 2) * V
    assert np.allclose(t, want), (
        f"the tangent of tanh(x) along v should be (1 - tanh(x)^2) v = {want}, but is {t}: "
        "pass the rule the tangents of the arguments (not their values)")


def test_an_op_without_a_dual_argument_runs_as_usual():
    with fwAD.dual_level():
        x = fwAD.make_dual(t64(X), t64(V))
        w = t64([1.0, 2.0, 3.0])
        y = w.tanh() * 2                      # no dual argument: an ordinary op
        assert fwAD.unpack_dual(y).tangent is None, (
            "w * 2 and tanh(w) have no dual argument, yet their result got a tangent: only "
            "an op with at least one tangent among its arguments gets one")
        try:
            mask = x > 0                          # bool output: no tangent, no rule needed
            idx = x.argmax()
        except NotImplementedError as exc:
            if str(exc).startswith("chapter"):
                raise
            pytest.fail(f"x > 0 on a dual x raised {exc}: an op whose outputs are not floating "
                        "point (a comparison, argmax) carries no tangent, and needs no rule: "
                        "return its result before looking for one")
        assert mask.tolist() == [True, False, True] and idx.item() == 2
        assert fwAD.unpack_dual(mask).tangent is None


def test_each_tangent_reaches_the_rule_in_the_place_of_its_argument():
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, 2.0, -1.5])
    ta, tb = np.array([0.2, 1.0, -1.0]), np.array([1.0, -0.5, 0.25])
    cases = [("a / b, both dual", lambda x, y: x / y, [ta, tb], ta / b - a * tb / b ** 2),
             ("a / b, only b dual", lambda x, y: x / y, [None, tb], -a * tb / b ** 2),
             ("a / b, only a dual", lambda x, y: x / y, [ta, None], ta / b)]
    hint = ("The rule gets one tangent per argument of the op, in the arguments' order, with "
            "None for an argument that has none (a plain tensor, a number): don't drop the Nones")
    for what, f, tans, want in cases:
        try:
            _, got = push(f, [t64(a), t64(b)], [None if t is None else t64(t) for t in tans])
        except TypeError as exc:  # a rule called with too few tangents
            pytest.fail(f"{what}: the rule raised TypeError: {exc}. {hint}")
        assert got is not None and np.allclose(got, want), (
            f"{what}: the tangent should be {want}, but is {got}. {hint}")
    _, got = push(lambda x: 2.0 / x, [t64(b)], [t64(tb)])
    want = -2.0 * tb / b ** 2
    assert got is not None and np.allclose(got, want), (
        f"2 / b: the tangent should be -2 db / b^2 = {want}, but is {got}: the number 2 is an "
        "argument too, with the tangent None, in its place (the first)")


def test_a_broadcast_output_gets_a_tangent_of_its_own_shape():
    a, b = np.array([[1.0], [2.0], [3.0]]), np.array([[10.0, 20.0, 30.0, 40.0]])
    ta = np.array([[1.0], [-1.0], [0.5]])
    with fwAD.dual_level():
        y = fwAD.make_dual(t64(a), t64(ta)) + t64(b)    # add's rule returns da, shape (3, 1)
        t = fwAD.unpack_dual(y).tangent
    assert t is not None, "a + b with a dual came out without a tangent"
    assert tuple(t.shape) == (3, 4), (
        f"a (3, 1) + b (1, 4) is (3, 4), but its tangent has shape {tuple(t.shape)}: a rule may "
        "return a tangent that broadcasts to the output (here da), make it the output's shape "
        "and dtype with _fit(tangent, output) before attaching it")
    assert np.allclose(arr(t), np.broadcast_to(ta, (3, 4)))


def test_tangents_flow_through_a_chain_of_ops():
    w = np.array([[0.5, -1.0, 2.0], [1.5, 0.3, -0.7]])
    f = lambda x: (t64(w) * x).sum(1).tanh() / 3 + x.sum()  # noqa: E731
    num = lambda x: np.tanh((w * x).sum(1)) / 3 + x.sum()   # noqa: E731
    eps = 1e-6
    want = (num(X + eps * V) - num(X - eps * V)) / (2 * eps)
    p, t = push(f, [t64(X)], [t64(V)])
    assert t is not None and np.allclose(t, want, atol=1e-7), (
        f"through w * x, sum, tanh, / 3 and + x.sum(), the tangent should be the directional "
        f"derivative {want} (finite differences), but is {t}: each op must pass the tangent on "
        "to its output, so that the next op finds it on its argument")
    assert np.allclose(p, num(X))


def test_the_product_rule():
    a, b = np.array([1.0, -2.0, 3.0]), np.array([0.5, 2.0, -1.5])
    ta, tb = np.array([0.2, 1.0, -1.0]), np.array([1.0, -0.5, 0.25])
    for what, tans, want in [("both dual", [ta, tb], ta * b + a * tb),
                             ("only b dual", [None, tb], a * tb),
                             ("only a dual", [ta, None], ta * b)]:
        try:
            _, got = push(lambda x, y: x * y, [t64(a), t64(b)],
                          [None if t is None else t64(t) for t in tans])
        except (TypeError, AttributeError) as exc:
            pytest.fail(f"a * b with {what} raised {type(exc).__name__}: {exc}. mul's rule gets "
                        "None as the tangent of an argument without one: leave that term out "
                        "(plus(...) adds up the terms that are there)")
        assert got is not None and np.allclose(got, want), (
            f"d(a*b) with {what} should be da*b + a*db = {want}, but is {got}: the product "
            "rule pairs each tangent with the OTHER factor's value")
    _, got = push(lambda x: x * 3.0, [t64(a)], [t64(ta)])
    assert got is not None and np.allclose(got, 3.0 * ta), (
        f"x * 3: the tangent should be 3 dx = {3 * ta}, but is {got} (b is the number 3.0 "
        "then, and its tangent None)")


def test_the_rules_of_exp_and_sin():
    _, got = push(lambda x: x.exp(), [t64(X)], [t64(V)])
    want = np.exp(X) * V
    assert got is not None and np.allclose(got, want), (
        f"d exp(a) should be exp(a) da = {want}, but is {got}: multiply the incoming tangent "
        "by exp(a), which is the output (fw.output)")
    _, got = push(lambda x: x.sin(), [t64(X)], [t64(V)])
    want = np.cos(X) * V
    assert got is not None and np.allclose(got, want), (
        f"d sin(a) should be cos(a) da = {want}, but is {got}: multiply the incoming tangent "
        "by cos of the input (fw.a), with a plus sign")
    _, got = push(lambda x: (x * x).sin().exp(), [t64(X)], [t64(V)])
    want = np.exp(np.sin(X * X)) * np.cos(X * X) * 2 * X * V
    assert got is not None and np.allclose(got, want), (
        f"exp(sin(x * x)) should have the tangent exp(sin(x^2)) cos(x^2) 2x dx = {want}, but "
        f"has {got}")
