"""Chapter 7 — hooks.

What you build: the handle (``RemovableHandle.__init__`` and ``remove`` in
``minigrad/autograd/hooks.py``: a hook is kept in a dict under an id no other handle ever had,
and ``remove()`` takes out that hook only, and may be called twice); ``Tensor.register_hook``
and ``Tensor.retain_grad`` in ``minigrad/tensor/tensor.py`` (a leaf keeps its hooks itself, a
non-leaf's hooks and retained gradient live on the node that made it, under the tensor's
output number); and the loops that run them, in ``minigrad/autograd/graph.py``:
``Node._run_tensor_hooks`` (each output's hooks in the order they were registered, a returned
tensor replacing the gradient for the next hooks and for what flows on; then, last, the
retained tensors' ``.grad``) and ``AccumulateGrad._run_tensor_hooks`` (a leaf's hooks, which run
before the gradient is added into ``.grad``).

These checks run the whole engine through ``backward()``.
"""
import gc
import weakref

import numpy as np
import pytest

import minigrad

pytestmark = pytest.mark.chapter7

NO_GRAD_HOOK = "cannot register a hook on a tensor that doesn't require gradient"
NO_GRAD_RETAIN = "can't retain_grad on Tensor that has requires_grad=False"


def leaf(values):
    return minigrad.tensor(values, requires_grad=True)


def values(t):
    """A copy of ``t``'s values (a hook's gradient may be changed later by a wrong version);
    NaN for None, so that comparing it fails with the check's message."""
    return np.array(np.nan if t is None else t.numpy(force=True), dtype=np.float64)


def grad_of(t):
    return None if t.grad is None else values(t.grad).tolist()


def backward(t, hint, *args, **kwargs):
    """``t.backward(...)``; an exception other than a stub's fails the check with a hint."""
    try:
        t.backward(*args, **kwargs)
    except (NotImplementedError, pytest.fail.Exception):
        raise
    except Exception as exc:
        pytest.fail(f"backward() raised {type(exc).__name__}: {exc}. {hint}")


def test_a_hook_reads_or_replaces_the_gradient():
    x = leaf([2.0, -1.0])
    y = x * 3
    seen = []
    y.register_hook(lambda g: seen.append(values(g)))      # returns None: only reads
    backward((y * y).sum(), "")
    assert len(seen) == 1, (
        f"a hook registered on y ran {len(seen)} times in one backward (should be once, when "
        "the gradient for y arrives at the node that made y)")
    assert np.allclose(seen[0], 2 * values(y)), (
        f"the hook on y saw {seen[0].tolist()}, not dz/dy = 2y = {(2 * values(y)).tolist()}")
    assert np.allclose(values(x.grad), 18 * values(x)), (
        f"a hook that returns None only looks: x.grad should be 18x = "
        f"{(18 * values(x)).tolist()}, but is {grad_of(x)}. Did None replace the gradient? "
        "Only a returned tensor replaces it")
    x = leaf([2.0, -1.0])
    y = x * 3
    y.register_hook(lambda g: minigrad.zeros_like(g))        # cuts the path through y
    backward((y * y + x).sum(), "")
    assert np.allclose(values(x.grad), 1.0), (
        f"a hook on y returned zeros, so only the direct path x -> z is left: x.grad should be "
        f"ones, but is {grad_of(x)}. The tensor a hook returns replaces the gradient, and "
        "the node's backward must run with it (write it back into grads[nr])")


def test_hooks_run_in_order_each_on_the_last_result():
    def double(g):
        return g * 2

    w = leaf([1.0])
    w.register_hook(double)
    w.register_hook(double)                                  # the same function, twice
    backward((w * 5).sum(), "")
    assert not np.allclose(values(w.grad), 5.0), (
        "two hooks that double the gradient are registered on the leaf w, yet w.grad is 5, "
        "the gradient that arrived: what the hooks return must be what is added into .grad "
        "(a leaf's hooks run before the gradient is added into .grad; put the result back "
        "into grads[0])")
    assert np.allclose(values(w.grad), 20.0), (
        f"the same function registered twice on a leaf is two hooks (PyTorch: 5 * 2 * 2 = "
        f"20), but w.grad is {grad_of(w)}: a hook was lost. Keep each hook under its handle's "
        "id, a number no other handle ever had, not under something of the hook's (its id(), "
        "its name), nor the id() of an object that may be freed: such keys collide")

    u = leaf([2.0])
    s = u * 3
    seen = []
    s.register_hook(lambda g: seen.append(("first", values(g))))
    s.register_hook(lambda g: g * 10)
    s.register_hook(lambda g: seen.append(("third", values(g))))
    s.register_hook(lambda g: g + 1)
    backward((s * s).sum(), "")                              # ds = 2s = 12
    assert [w for w, _ in seen] == ["first", "third"], (
        f"the reading hooks ran in the order {[w for w, _ in seen]}: hooks run in the order "
        "they were registered")
    assert np.allclose(seen[0][1], 12.0) and np.allclose(seen[1][1], 120.0), (
        f"the first hook saw {seen[0][1].tolist()} (should be 2s = 12) and the third "
        f"{seen[1][1].tolist()} (should be 120, what the second returned): each hook gets what "
        "the previous one returned, not the gradient that first arrived")
    assert np.allclose(values(u.grad), 363.0), (
        f"hooks g * 10 then g + 1 on s: u.grad should be (12 * 10 + 1) * 3 = 363, but is "
        f"{grad_of(u)}. What flows on is the last hook's result, each hook chained on the "
        "previous one's")


def test_the_hooks_of_a_leaf_run_before_its_grad_is_written():
    v = leaf([0.0, 0.0, 0.0])
    seen = []
    v.register_hook(lambda g: seen.append(values(g)))
    v.register_hook(lambda g: g * 2)                         # PyTorch's example
    backward(v, "", minigrad.tensor([1.0, 2.0, 3.0]))
    assert len(seen) == 1, (
        f"the first of v's two hooks ran {len(seen)} times in one backward, not once: a leaf's "
        "hooks (kept on the leaf, v._hooks) run when its AccumulateGrad runs")
    assert np.allclose(values(v.grad), [2.0, 4.0, 6.0]), (
        f"a leaf's hook doubled its gradient [1, 2, 3]: v.grad should be [2, 4, 6], but is "
        f"{grad_of(v)}. On a leaf the hooks run before the gradient is added into .grad, and "
        "AccumulateGrad adds what the hooks returned (put it back into grads[0])")
    backward((v * 5).sum(), "")
    assert np.allclose(seen[-1], 5.0), (
        f"on the second backward the leaf's first hook saw {seen[-1].tolist()}, not the "
        "gradient that arrived (5 everywhere): a hook gets the incoming gradient, not .grad")
    assert np.allclose(values(v.grad), [12.0, 14.0, 16.0]), (
        f"after a second backward with gradient 5, doubled by the hook, v.grad should be "
        f"[2, 4, 6] + 10 = [12, 14, 16], but is {grad_of(v)}")
    x = leaf([1.0, 2.0])
    calls = []
    x.register_hook(lambda g: calls.append(values(g)))
    backward((x * 2 + x * 3).sum(), "")
    assert len(calls) == 1 and np.allclose(calls[0], 5.0), (
        f"x is used twice; its hook should run once with the sum 2 + 3 = 5, but ran "
        f"{len(calls)} times with {[c.tolist() for c in calls]}")


def test_each_output_of_a_node_has_its_own_hooks():
    w = leaf([1.0, 2.0, 3.0, 4.0])
    a, b = w.split(2)                   # one node, two outputs: a is output 0, b output 1
    seen = []
    b.register_hook(lambda g: g * 5)
    a.register_hook(lambda g: seen.append(values(g)))
    a.retain_grad()
    b.retain_grad()
    backward((a * 2 + b * 3).sum(), "")
    assert len(seen) == 1 and np.allclose(seen[0], 2.0), (
        f"the hook on a (the split's output 0) saw {[s.tolist() for s in seen]}, not a's "
        "gradient [2, 2] (b's hook multiplies by 5): a node keeps its outputs' hooks by "
        "output number (register_hook: the tensor's _output_nr), and runs each output's "
        "hooks on that output's gradient, grads[nr]")
    assert np.allclose(values(w.grad), [2.0, 2.0, 15.0, 15.0]), (
        f"b (output 1 of the split) has a hook that multiplies by 5: w.grad should be "
        f"[2, 2, 15, 15], but is {grad_of(w)}. A node keeps its outputs' hooks by output "
        "number (_tensor_hooks[nr]): the hooks of output nr change grads[nr], and no other")
    assert np.allclose(values(a.grad), 2.0) and np.allclose(values(b.grad), 15.0), (
        f"a.grad should be [2, 2] and b.grad [15, 15] (after b's hook), but they are "
        f"{grad_of(a)} and {grad_of(b)}: each retained tensor gets its own output's gradient")


def test_remove_takes_out_that_hook_only():
    x = leaf([1.0])
    ran = []
    handles = {name: x.register_hook(lambda g, name=name: ran.append(name))
               for name in ("a", "b", "c")}
    handles["b"].remove()
    backward((x * 1).sum(), "")
    assert ran == ["a", "c"], (
        f"hooks a, b, c registered, b removed: a and c should run, but {ran} ran. remove() "
        "takes out its own hook only (the one under its id), not the last or all of them")
    try:
        handles["b"].remove()
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"removing a hook a second time raised {type(exc).__name__}: {exc}. In "
                    "PyTorch it does nothing: a hook that is no longer there is fine")
    handles["d"] = x.register_hook(lambda g: ran.append("d"))
    handles["b"].remove()                                    # again: must not touch d
    for _ in range(5):                                       # handles thrown away at once
        x.register_hook(lambda g: ran.append("e"))
    ran.clear()
    backward((x * 1).sum(), "")
    assert ran == ["a", "c", "d"] + ["e"] * 5, (
        f"after registering d and five hooks e whose handles were dropped at once, and "
        f"removing b again, the hooks that ran were {ran}, not a, c, d and e five times. A "
        "hook was lost or overwritten: every handle needs an id that no other handle ever "
        "had (a counter shared by all handles; not len(hooks), not id() of an object that "
        "may be freed)")
    y = leaf([1.0])
    y.register_hook(lambda g: ran.append("y"))
    for h in handles.values():
        h.remove()
    ran.clear()
    backward((x * 1 + y * 1).sum(), "")
    assert sorted(ran) == ["e"] * 5 + ["y"], (
        f"after removing a, c and d from x, the hooks that ran were {ran}, not the five e "
        "of x and the one of y: a handle removes its hook from the dict of the tensor it was "
        "registered on, and only that one")

    class Double(minigrad.nn.Module):
        def forward(self, t):
            return t * 2

    m, order = Double(), []
    try:
        m.register_forward_hook(lambda mod, args, out: order.append("first"))
        front = m.register_forward_hook(lambda mod, args, out: order.append("front"),
                                        prepend=True)
        m(minigrad.tensor([1.0]))
        front.remove()
        m(minigrad.tensor([1.0]))
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"a module's forward hooks failed: {type(exc).__name__}: {exc}. Module "
                    "hooks use the same handle, and find a hook in their dict under handle.id "
                    "(prepend moves that key to the front): keep the hook under handle.id")
    assert order == ["front", "first", "first"], (
        f"a module's forward hooks ran in the order {order}, not front, first, then first "
        "alone: module hooks use the same handle, and find a hook in their dict under "
        "handle.id (prepend moves that key to the front)")


def test_a_one_shot_hook_can_remove_itself():
    x = leaf([1.0])
    y = x * 1
    handles = {}

    def once(name):                     # a hook that removes itself when it runs
        def hook(g):
            handles[name].remove()
            return g * 7
        return hook

    for name, t in (("x", x), ("y", y)):
        handles[name] = t.register_hook(once(name))
        t.register_hook(lambda g: g + 1)
    backward((y * 1).sum(), "A hook may remove itself (or another) while the hooks run: "
             "loop over a copy of the hooks (list(hooks.values())), not the dict itself",
             retain_graph=True)
    assert np.allclose(values(x.grad), 57.0), (
        f"on y and on x, a hook g * 7 that removes itself, then g + 1: the first backward "
        f"should give x.grad = (7 + 1) * 7 + 1 = 57, but it is {grad_of(x)}: every hook "
        "registered when the loop started runs, in order")
    backward((y * 1).sum(), "")
    assert np.allclose(values(x.grad), 60.0), (
        f"the second backward runs only the two hooks g + 1: x.grad should be 57 + (1 + 1) "
        f"+ 1 = 60, but is {grad_of(x)}")


def test_the_errors_of_pytorch_and_retain_grad_on_a_leaf():
    for method, args, expected in (("register_hook", (lambda g: g,), NO_GRAD_HOOK),
                                   ("retain_grad", (), NO_GRAD_RETAIN)):
        try:
            getattr(minigrad.tensor([1.0, 2.0]), method)(*args)
        except NotImplementedError:
            raise
        except RuntimeError as exc:
            assert str(exc) == expected, (
                f"{method} on a tensor that doesn't require grad raised RuntimeError("
                f"{str(exc)!r}), not PyTorch's RuntimeError({expected!r})")
        else:
            pytest.fail(f"{method} on a tensor that doesn't require grad worked: it must raise "
                        f"PyTorch's RuntimeError({expected!r}) (no gradient will ever arrive)")
    x = leaf([1.0, 2.0])
    try:
        x.retain_grad()
        x.retain_grad()
    except NotImplementedError:
        raise
    except Exception as exc:
        pytest.fail(f"retain_grad() on a leaf raised {type(exc).__name__}: {exc}. A leaf "
                    "keeps its .grad anyway: retain_grad on a leaf does nothing (it has no "
                    "grad_fn to keep anything on)")
    assert x.retains_grad is False, (
        "after retain_grad() on a leaf, x.retains_grad is True; PyTorch says False: a leaf is "
        "not retained (it keeps .grad anyway), so retain_grad leaves it as it is")
    backward((x * 3).sum(), "")
    assert np.allclose(values(x.grad), 3.0), (
        f"after retain_grad() on the leaf x, x.grad should be 3 as ever, but is {grad_of(x)}")


def test_retain_grad_keeps_the_gradient_after_every_hook():
    u = leaf([2.0])
    s = u * 3
    s.retain_grad()                                          # asked for first...
    s.retain_grad()                                          # ... twice: retained once
    s.register_hook(lambda g: g * 10)                        # ...yet it runs after the hooks
    assert s.retains_grad is True, "after s.retain_grad(), s.retains_grad must be True"
    q = (s * s).sum()
    backward(q, "", retain_graph=True)
    assert np.allclose(values(s.grad), 120.0), (
        f"s.grad should be 2s * 10 = 120 (the gradient after s's hook), but is {grad_of(s)}. "
        "retain_grad always runs last, after every hook of the tensor, even a hook "
        "registered after retain_grad was called (12 would be the gradient before the hook; "
        "240 a gradient retained twice)")
    backward(q, "")
    assert np.allclose(values(s.grad), 240.0), (
        f"after a second backward, s.grad should be 120 + 120 = 240, but is {grad_of(s)}: "
        "a retained .grad accumulates over backward passes, as a leaf's does")
    assert np.allclose(values(u.grad), 720.0), (
        f"u.grad should be 120 * 3 twice, 720, but is {grad_of(u)}: retain_grad only reads "
        "the gradient, it must not change what flows on")
    x = leaf([1.0, 2.0])
    y = x * 1
    y.retain_grad()
    g = minigrad.tensor([1.0, 1.0])
    backward(y, "", g, retain_graph=True)
    backward(y, "", g)
    assert np.allclose(values(g), 1.0), (
        f"the gradient passed to backward changed: it is now {values(g).tolist()} (was ones). "
        "The retained .grad must be a copy of the first gradient (later ones are added into "
        "it): add it into .grad as a leaf's gradient is (_accumulate_into)")
    h = x * 3
    h.retain_grad()
    backward((h * h).sum(), "")
    alive = weakref.ref(h)
    gc.disable()                        # freed by reference counting, or not at all
    try:
        del h
        assert alive() is None, (
            "a tensor that retain_grad() was called on is still alive after its last "
            "reference was deleted: the node that made it holds it, and it holds the node "
            "(a cycle). The node must keep only a weak reference to the tensor "
            "(weakref.ref(tensor)), and skip it if it is gone")
    finally:
        gc.enable()
