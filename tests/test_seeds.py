"""The code examples of the seed tutorials (shared/seeds/*.txt, Chinese tutorials on PyTorch's
autograd), run with ``import torch`` meaning minigrad.

Each test runs one example as the tutorial wrote it and checks that it prints the numbers the
tutorial shows; where PyTorch is installed, it also runs the same code with PyTorch and
compares the printed text (graph-node addresses aside). Where a tutorial prints random numbers,
both libraries are seeded and the test checks what doesn't depend on the draw plus the
formula that connects the numbers (the streams of the two libraries differ).

Seeds and what is tested from each
  000 "Torch Auto grad Variable": prose whose code blocks were lost; the examples it describes
      are rebuilt from its text (``test_000_*``), each marked as such.
  001 "PyTorch的梯度计算和backward方法": the two ways to create a tensor that requires grad;
      the ``out.backward(torch.FloatTensor([[1., 1.]]))`` and Jacobian-row examples it
      summarises (rebuilt); the gradient-descent example, which the page cuts off after
      ``forward`` (finished with the lecture's usual loop).
  002 the torch.autograd API page (a translation of the 0.3 docs): the
      ``v.register_hook(lambda grad: grad * 2)`` example, and the behaviour its text states for
      ``autograd.backward``, ``autograd.grad``, ``backward`` of a non-scalar, ``detach``,
      ``detach_``, ``retain_grad`` and the in-place correctness check.
  003 "PyTorch 自动微分": every example but the optimizer one.
  004 "自动微分模块": the gradient-descent loop on w**2 + 20.

Skipped (they need ``nn`` or ``optim``, which minigrad does not have yet)
  - 001: gradient clipping, ``nn.utils.clip_grad_norm_(model.parameters(), ...)`` with
    ``optimizer.zero_grad()`` / ``optimizer.step()``; the model weights/gradients page and the
    policy-gradient page (no code in the seed).
  - 003: "使用自动微分和优化器求最小值", ``torch.optim.SGD(params=[x], lr=0.01)``.
  - 004: "简单多元线性回归梯度计算", ``torch.nn.MSELoss()``.
  - 000: ``register_forward_hook`` (a hook on an ``nn`` layer).
"""
from __future__ import annotations

import builtins
import contextlib
import io
import re
import textwrap


import minigrad

try:
    import torch as _torch
except ImportError:  # PyTorch is only an optional oracle
    _torch = None


# ----------------------------------------------------------------------------------- helpers
def _importer(lib):
    """An ``__import__`` under which ``torch`` and ``torch.*`` are ``lib`` and its submodules."""
    name_of_lib = lib.__name__

    def __import__(name, globals=None, locals=None, fromlist=(), level=0):
        if name == "torch" or name.startswith("torch."):
            name = name_of_lib + name[len("torch"):]
        return builtins.__import__(name, globals, locals, fromlist, level)
    return __import__


def run(code: str, lib=minigrad) -> tuple[str, dict]:
    """Run an example with ``import torch`` giving ``lib``; return its printout and namespace."""
    namespace = {"__builtins__": {**vars(builtins), "__import__": _importer(lib)},
                 "__name__": "__seed__"}
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(textwrap.dedent(code), "<seed example>", "exec"), namespace)
    return out.getvalue(), namespace


def _no_addresses(text: str) -> str:
    return re.sub(r" at 0x[0-9a-fA-F]+", " at 0x…", text)


def check(code: str, *shown: str) -> tuple[str, dict]:
    """Run ``code`` with minigrad: every text in ``shown`` (what the tutorial printed) must
    appear in the printout, in order; with PyTorch installed, the whole printout must equal
    PyTorch's. Returns minigrad's printout and namespace."""
    out, namespace = run(code)
    at = 0
    for text in shown:
        found = out.find(text, at)
        assert found >= 0, f"{text!r} not printed (after position {at}) in:\n{out}"
        at = found + len(text)
    if _torch is not None:
        assert _no_addresses(out) == _no_addresses(run(code, _torch)[0])
    return out, namespace


def _lines_without(out: str, random_lines: set[int]) -> list[str]:
    return [line for i, line in enumerate(out.splitlines()) if i not in random_lines]


# ============================================================== 003 "PyTorch 自动微分" (王哲峰)
def test_003_requires_grad_argument_tracks_the_tensor():
    check("""
        import torch

        x = torch.ones(2, 2, requires_grad = True)
        print("x:", x)
        print(f"x.requires_grad: {x.requires_grad}")
    """, "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)", "True")


def test_003_requires_grad_method_switches_the_flag():
    out, _ = check("""
        import torch

        x = torch.ones(2, 2, requires_grad = True)
        print("x:", x)
        print(f"x.requires_grad: {x.requires_grad}")
        x = x.requires_grad_(False)
        print(f"x.requires_grad: {x.requires_grad}")

        x = x.requires_grad_()
        print(f"x.requires_grad: {x.requires_grad}")
    """, "tensor([[1., 1.],\n        [1., 1.]], requires_grad=True)", "True", "False", "True")
    assert out.splitlines()[-2:] == ["x.requires_grad: False", "x.requires_grad: True"]


def test_003_grad_fn_of_add_mul_mean_and_backward():
    out, _ = check("""
        import torch

        x = torch.ones(2, 2, requires_grad = True)
        y = x + 2
        print("y:", y)
        print("y.grad_fn:", y.grad_fn)

        z = y * y * 3
        print("z:", z)
        print("z.grad_fn", z.grad_fn)

        out = z.mean()
        print("out:", out)
        print("out.grad_fn:", out.grad_fn)

        out.backward()
        print("x.grad:", x.grad)
    """, "tensor([[3., 3.],\n        [3., 3.]], grad_fn=<AddBackward0>)",
        "<AddBackward0 object at 0x",
        "tensor([[27., 27.],\n        [27., 27.]], grad_fn=<MulBackward0>)",
        "<MulBackward0 object at 0x",
        "tensor(27., grad_fn=<MeanBackward0>)",
        "<MeanBackward0 object at 0x",
        "tensor([[4.5000, 4.5000],\n        [4.5000, 4.5000]])")
    assert re.search(r"y.grad_fn: <AddBackward0 object at 0x[0-9a-f]+>\n", out)


def test_003_no_grad_block():
    check("""
        import torch

        with torch.no_grad():
            pass
    """)


NO_GRAD_EXAMPLE = """
    import torch
    torch.manual_seed(0)  # added: the tutorial's numbers are random

    x = torch.randn(3, requires_grad = True)
    y = x * 2
    while y.data.norm() < 1000:
        y = y * 2
    v = torch.tensor([0.1, 1.0, 0.0001], dtype = torch.float)
    y.backward(v)

    # .requires_grad
    print(x)
    print(x.requires_grad)
    print((x ** 2).requires_grad)

    # .grad
    print(x.grad)

    # torch.no_grad()
    with torch.no_grad():
        print((x ** 2).requires_grad)
"""


def test_003_backward_with_a_gradient_vector_and_no_grad():
    out, ns = run(NO_GRAD_EXAMPLE)
    lines = out.splitlines()
    assert lines[1:3] == ["True", "True"] and lines[4] == "False"
    assert re.fullmatch(r"tensor\(\[.*\], requires_grad=True\)", lines[0])
    # y = x * 2**k, k the first number of doublings that takes |y| past 1000, so
    # x.grad = v * 2**k (the tutorial's draw needed 2**9 = 512).
    x, v = ns["x"].detach(), ns["v"]
    factor = round(float((ns["y"].detach() / x).mean()))
    assert factor & (factor - 1) == 0
    assert float((x * factor).norm()) >= 1000 > float((x * (factor // 2)).norm())
    assert ns["x"].grad.tolist() == (v * factor).tolist()
    assert str(ns["v"] * 2**9) == "tensor([5.1200e+01, 5.1200e+02, 5.1200e-02])"
    if _torch is not None:
        theirs, _ = run(NO_GRAD_EXAMPLE, _torch)
        assert _lines_without(out, {0, 3}) == _lines_without(theirs, {0, 3})
        assert str(_torch.tensor([0.1, 1.0, 0.0001]) * 2**9) == str(ns["v"] * 2**9)


def test_003_detach_stops_tracking():
    code = NO_GRAD_EXAMPLE + """
    print(x.requires_grad)
    y = x.detach()

    print(y.requires_grad)
    print(x.eq(y).all())
    """
    out, _ = run(code)
    assert out.splitlines()[-3:] == ["True", "False", "tensor(True)"]
    if _torch is not None:
        assert out.splitlines()[-3:] == run(code, _torch)[0].splitlines()[-3:]


QUADRATIC = '''
    import numpy as np
    import torch

    """
    求 f(x) = a*x**2 + b*x + c 关于 x 的在 a=1.0,b=-2.0,c=1.0 处的导数
    """
'''


def test_003_backward_of_a_scalar():
    check(QUADRATIC + """
    # 自变量(标量)
    x = torch.tensor(0.0, requires_grad = True)  # x 需要被求导
    # 参数
    a = torch.tensor(1.0)
    b = torch.tensor(-2.0)
    c = torch.tensor(1.0)
    # 因变量
    y = a * torch.pow(x, 2) + b * x + c

    # 因变量 y 反向传播计算对 自变量 x 求导
    y.backward()
    dy_dx = x.grad
    print(dy_dx)
    """, "tensor(-2.)")


NON_SCALAR_SHOWN = ("x:\ntensor([[0., 0.],\n        [1., 2.]], requires_grad=True)",
                    "y:\ntensor([[1., 1.],\n        [0., 1.]], grad_fn=<AddBackward0>)",
                    "x_grad:\ntensor([[-2., -2.],\n        [ 0.,  2.]])")


def test_003_backward_of_a_non_scalar_takes_a_gradient():
    check(QUADRATIC + """
    # 自变量(张量)
    x = torch.tensor(
        [[0.0, 0.0],
         [1.0, 2.0]],
        requires_grad = True
    )  # x 需要被求导
    # 参数
    a = torch.tensor(1.0)
    b = torch.tensor(-2.0)
    c = torch.tensor(1.0)
    # 因变量
    y = a * torch.pow(x, 2) + b * x + c
    # 梯度张量
    gradient = torch.tensor([[1.0, 1.0], [1.0, 1.0]])

    print(f"x:\\n{x}")
    print(f"y:\\n{y}")

    y.backward(gradient = gradient)
    x_grad = x.grad
    print(f"x_grad:\\n{x_grad}")
    """, *NON_SCALAR_SHOWN)


def test_003_non_scalar_backward_as_backward_of_a_weighted_sum():
    check(QUADRATIC + """
    # 自变量(张量)
    x = torch.tensor(
        [[0.0, 0.0],
         [1.0, 2.0]],
        requires_grad = True
    )  # x 需要被求导
    # 参数
    a = torch.tensor(1.0)
    b = torch.tensor(-2.0)
    c = torch.tensor(1.0)
    # 因变量
    y = a * torch.pow(x, 2) + b * x + c
    # 梯度
    gradient = torch.tensor([[1.0, 1.0], [1.0, 1.0]])
    z = torch.sum(y * gradient)

    print(f"x:\\n{x}")
    print(f"y:\\n{y}")

    z.backward()
    x_grad = x.grad
    print(f"x_grad:\\n{x_grad}")
    """, *NON_SCALAR_SHOWN)


def test_003_autograd_grad_and_a_second_derivative_with_create_graph():
    check(QUADRATIC + """
    # 自变量(标量)
    x = torch.tensor(0.0, requires_grad = True)  # x 需要被求导
    # 参数
    a = torch.tensor(1.0)
    b = torch.tensor(-2.0)
    c = torch.tensor(1.0)
    # 因变量
    y = a * torch.pow(x, 2) + b * x + c

    # create_graph 设置为 True 将允许创建更高阶的导数
    dy_dx = torch.autograd.grad(y, x, create_graph = True)[0]
    print(dy_dx.data)

    # 求二阶导数
    dy2_dx2 = torch.autograd.grad(dy_dx, x)[0]
    print(dy2_dx2.data)
    """, "tensor(-2.)\ntensor(2.)\n")


def test_003_autograd_grad_of_several_inputs_and_outputs():
    check("""
    import numpy as np
    import torch

    # 自变量
    x1 = torch.tensor(1.0, requires_grad = True)  # x1 需要被求导
    x2 = torch.tensor(2.0, requires_grad = True)  # x2 需要被求导
    # 因变量
    y1 = x1 * x2
    y2 = x1 + x2

    # 允许同时对多个自变量求导数
    (dy1_dx1, dy1_dx2) = torch.autograd.grad(
        outputs = y1,
        inputs = [x1, x2],
        retain_graph = True
    )
    print(dy1_dx1, dy1_dx2)

    # 如果有多个因变量，相当于把多个因变量的梯度结果求和
    (dy12_dx1, dy12_dx2) = torch.autograd.grad(
        outputs = [y1, y2],
        inputs = [x1, x2],
    )
    print(dy12_dx1, dy12_dx2)
    """, "tensor(2.) tensor(1.)\ntensor(3.) tensor(2.)\n")


# ===================================================================== 004 "自动微分模块" (xggx)
def test_004_gradient_descent_on_w_squared_updating_data():
    out, ns = check("""
    import torch

    # 参数1: 初始值, 参数2: 是否需要计算梯度(自动微分), 参数3: 数据类型
    w = torch.tensor(10.0, requires_grad=True, dtype=torch.float)  # 权重

    loss = w ** 2 + 20 # 损失函数 = w²+20 -> 求导: 2w

    # 反向传播计算梯度,梯度 = dloss/dw = 2w,即导数,计算完毕后会记录到 w.grad 中
    loss.sum().backward() # 反向传播计算梯度 .sum()保证loss是标量

    lr = 0.01  # 学习率

    for i in range(100):
        #正向传播计算损失
        loss = w ** 2 + 20

        # 清零梯度
        if w.grad is not None: # 第一次迭代时 w.grad 为 None
            w.grad.zero_() # 每次迭代前清零梯度,否则梯度会累加

        loss.sum().backward()  # 反向传播计算梯度

        w.data -= lr * w.grad.data # 梯度更新, 使用 .data 访问张量数据,避免跟踪梯度
        # w -= lr * w.grad           # 错误!会破坏计算图

        print(f'Iteration {i+1}: w = {w.item():.4f}, loss = {loss.item():.4f}')
        # 第一次结果: w = 9.8000, loss = 120.0000
        # 第二次结果: w = 9.6040, loss = 116.0000
        # ...
    """, "Iteration 1: w = 9.8000, loss = 120.0000\nIteration 2: w = 9.6040, loss = ")
    # The tutorial's comment rounds the second loss: it is 9.8**2 + 20 = 116.04.
    assert out.splitlines()[1] == "Iteration 2: w = 9.6040, loss = 116.0400"
    assert len(out.splitlines()) == 100
    # each step multiplies w by 1 - 2 * lr, and w stays the leaf that requires grad
    assert abs(ns["w"].item() - 10.0 * 0.98**100) < 1e-4
    assert ns["w"].is_leaf and ns["w"].requires_grad


# ============================================================ 002 torch.autograd API (Song)
def test_002_register_hook_doubles_the_gradient():
    out, ns = check("""
    import torch
    from torch.autograd import Variable

    v = Variable(torch.Tensor([0, 0, 0]), requires_grad=True)
    h = v.register_hook(lambda grad: grad * 2)  # double the gradient
    v.backward(torch.Tensor([1, 1, 1]))
    print(v.grad.data)
    h.remove()  # removes the hook
    """, "tensor([2., 2., 2.])")
    # The docs print 0.3's "2 2 2 [torch.FloatTensor of size 3]"; the values are those.
    v = ns["v"]
    assert v.grad.tolist() == [2.0, 2.0, 2.0] and isinstance(v.grad, minigrad.FloatTensor)
    v.grad = None
    v.backward(minigrad.Tensor([1, 1, 1]))  # removed: the gradient is no longer doubled
    assert v.grad.tolist() == [1.0, 1.0, 1.0]


def test_002_autograd_backward_takes_grad_tensors_and_accumulates():
    """The page: torch.autograd.backward(variables, grad_variables) sums gradients into the
    leaves ("此函数在树叶中累加梯度 - 在调用它之前可能需要将其清零")."""
    check("""
    import torch
    from torch.autograd import Variable

    x = Variable(torch.Tensor([1, 2, 3]), requires_grad=True)
    y = x * x
    torch.autograd.backward([y], [torch.Tensor([1, 1, 1])], retain_graph=True)
    print(x.grad)
    torch.autograd.backward([y], [torch.Tensor([1, 0, 1])])
    print(x.grad)
    x.grad.zero_()
    print(x.grad)
    """, "tensor([2., 4., 6.])", "tensor([ 4.,  4., 12.])",
        "tensor([0., 0., 0.])")


def test_002_autograd_grad_returns_gradients_without_accumulating():
    """The page: grad() computes and returns the gradients of outputs w.r.t. inputs, with
    grad_outputs for a non-scalar output; .grad is not touched."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 3
    (g,) = torch.autograd.grad(outputs=[y], inputs=[x], grad_outputs=[torch.ones(3)])
    print(g, x.grad)
    """, "tensor([ 3., 12., 27.]) None")


def test_002_backward_of_a_non_scalar_needs_a_gradient():
    """The page: for a non-scalar Variable, backward() needs ``gradient``."""
    code = """
    import torch

    x = torch.ones(3, requires_grad=True)
    try:
        (x * 2).backward()
    except RuntimeError as e:
        print(e)
    """
    check(code, "grad can be implicitly created only for scalar outputs")


def test_002_detach_shares_data_and_detach_in_place_makes_a_leaf():
    """The page: detach() returns a variable on the same data, cut from the graph; detach_()
    makes the variable itself a leaf."""
    check("""
    import torch

    x = torch.ones(3, requires_grad=True)
    y = x * 2
    d = y.detach()
    d[0] = 10.0
    print(d.requires_grad, d.grad_fn, y)
    y.detach_()
    print(y.is_leaf, y.requires_grad, y.grad_fn)
    """, "False None tensor([10.,  2.,  2.], grad_fn=<MulBackward0>)", "True False None")


def test_002_retain_grad_keeps_the_gradient_of_a_non_leaf():
    check("""
    import torch

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 3
    y.retain_grad()
    (y * y).sum().backward()
    print(y.grad, x.grad)
    """, "tensor([ 6., 12.]) tensor([18., 36.])")


def test_002_in_place_change_of_a_saved_variable_is_detected():
    """The page: a variable saved for backward and then modified in place makes backward
    raise instead of computing a wrong gradient ("In-place 正确性检查")."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    y = x * 1
    z = y * y
    y.add_(1)
    try:
        z.sum().backward()
    except RuntimeError as e:
        print(str(e).split(";")[0])
    """, "one of the variables needed for gradient computation has been modified by an "
         "inplace operation")


# ======================================================= 001 "PyTorch的梯度计算和backward方法"
def test_001_two_ways_to_make_a_tensor_that_requires_grad():
    check("""
    import torch
    import numpy as np

    # 方法一
    x = torch.randn(2, 2, requires_grad=True)
    print(x.shape, x.dtype, x.requires_grad, x.is_leaf)  # added: the values are random

    # 方法二
    x = torch.autograd.Variable(torch.Tensor([2, 3]), requires_grad=True)
    print(x)
    """, "torch.Size([2, 2]) torch.float32 True True", "tensor([2., 3.], requires_grad=True)")


BACKWARD_ARGUMENT = """
    import torch
    from torch.autograd import Variable

    a = Variable(torch.Tensor([[2., 4.]]), requires_grad=True)
    b = torch.zeros(1, 2)
    b[0, 0] = a[0, 0] ** 2 + {extra0}
    b[0, 1] = a[0, 1] ** 3 + {extra1}
    out = 2 * b
"""


def test_001_backward_of_a_vector_output_with_a_ones_gradient():
    """Rebuilt from the seed's summary: a 1x2 output, ``out.backward(torch.FloatTensor([[1.,
    1.]]))`` sums the derivatives of both outputs (d(2a0^2)/da0 = 8, d(2a1^3)/da1 = 96)."""
    check(BACKWARD_ARGUMENT.format(extra0="0", extra1="0") + """
    out.backward(torch.FloatTensor([[1., 1.]]))
    print(a.grad)
    """, "tensor([[ 8., 96.]])")


def test_001_gradient_argument_selects_rows_of_the_jacobian():
    """Rebuilt from the seed's summary: with outputs that mix both inputs, gradient [[1, 0]]
    gives the first row of the Jacobian and [[0, 1]] the second."""
    check(BACKWARD_ARGUMENT.format(extra0="a[0, 1]", extra1="a[0, 0]") + """
    out.backward(torch.FloatTensor([[1., 0.]]), retain_graph=True)
    print(a.grad)
    a.grad.zero_()
    out.backward(torch.FloatTensor([[0., 1.]]))
    print(a.grad)
    """, "tensor([[8., 2.]])", "tensor([[ 2., 96.]])")


def test_001_gradient_descent_for_y_equals_w_times_x():
    """The seed shows the data, ``w`` and ``forward``, then is cut off; the loop is the one
    that lecture uses (loss (wx - y)^2, update through .data, zero the grad)."""
    out, ns = check("""
    import torch

    # 数据集
    x_data = torch.tensor([1.0, 2.0, 3.0])
    y_data = torch.tensor([2.0, 4.0, 6.0])

    # 参数初始化
    w = torch.tensor(1.0, requires_grad=True)

    # 定义线性模型
    def forward(x):
        return x * w

    def loss(x, y):
        y_pred = forward(x)
        return (y_pred - y) ** 2

    print("predict (before training)", 4, forward(4).item())
    for epoch in range(100):
        for x, y in zip(x_data, y_data):
            l = loss(x, y)
            l.backward()
            w.data = w.data - 0.01 * w.grad.data
            w.grad.data.zero_()
        if epoch % 25 == 0:
            print("progress:", epoch, round(l.item(), 6))
    print("predict (after training)", 4, round(forward(4).item(), 4))
    """, "predict (before training) 4 4.0", "predict (after training) 4 8.0")
    assert abs(ns["w"].item() - 2.0) < 1e-4


# =============================================== 000 "Torch Auto grad Variable" (rebuilt code)
def test_000_requires_grad_makes_operations_recorded():
    """Rebuilt: "为了启用自动微分，需要将 requires_grad 设置为 True"."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x * 2
    print(x)
    print(y)
    print(y.requires_grad, y.grad_fn.name())
    """, "tensor([1., 2., 3.], requires_grad=True)", "tensor([2., 4., 6.], grad_fn=<MulBackward0>)",
        "True MulBackward0")


def test_000_variable_is_a_tensor_that_requires_grad():
    """Rebuilt: "from torch.autograd import Variable" gives the same as requires_grad=True."""
    check("""
    import torch
    from torch.autograd import Variable

    v = Variable(torch.tensor([1.0, 2.0, 3.0]), requires_grad=True)
    t = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    print(v)
    print(t)
    print(isinstance(v, torch.Tensor), isinstance(v, Variable), v.is_leaf)
    """, "tensor([1., 2., 3.], requires_grad=True)\ntensor([1., 2., 3.], requires_grad=True)",
        "True True True")


def test_000_gradient_of_x_squared_plus_2x_is_2x_plus_2():
    """Rebuilt: "y 相对于 x 的梯度将是 [2x + 2]，在 x = [1, 2, 3] 处进行评估"."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)
    y = x ** 2 + 2 * x
    y.backward(torch.ones_like(x))
    print(x.grad)
    """, "tensor([4., 6., 8.])")


def test_000_graph_of_c_from_a_and_b():
    """Rebuilt: "计算图显示了 a 和 b 如何组合成 c ... 确定 c 相对于其输入（a 和 b）的梯度"."""
    check("""
    import torch

    a = torch.tensor(2.0, requires_grad=True)
    b = torch.tensor(3.0, requires_grad=True)
    c = a * b
    print(c, c.grad_fn)
    print([type(f).__name__ for f, _ in c.grad_fn.next_functions])
    c.backward()
    print(a.grad, b.grad)
    """, "tensor(6., grad_fn=<MulBackward0>) <MulBackward0 object at 0x",
        "['AccumulateGrad', 'AccumulateGrad']", "tensor(3.) tensor(2.)")


def test_000_backward_through_a_simple_network():
    """Rebuilt: "损失相对于权重 w、输入 x 和偏差 b 的梯度"."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    w = torch.tensor([0.5, -1.0], requires_grad=True)
    b = torch.tensor(0.1, requires_grad=True)
    y = (w * x).sum() + b
    loss = (y - 1.0) ** 2
    loss.backward()
    print(loss)
    print(w.grad, x.grad, b.grad)
    """, "tensor(5.7600, grad_fn=<PowBackward0>)",
        "tensor([-4.8000, -9.6000]) tensor([-2.4000,  4.8000]) tensor(-4.8000)")


def test_000_manual_linear_regression():
    """Rebuilt: "一层线性回归模型的示例来手动完成": train w, b by hand under no_grad, zero the
    gradients before each backward ("在每次反向传播之前，您应该手动清除梯度")."""
    check("""
    import torch

    X = torch.tensor([[1.0], [2.0], [3.0], [4.0]])
    Y = 3 * X + 1
    w = torch.zeros(1, 1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    for step in range(500):
        loss = ((X @ w + b - Y) ** 2).mean()
        loss.backward()
        with torch.no_grad():
            w -= 0.05 * w.grad
            b -= 0.05 * b.grad
        w.grad.zero_()
        b.grad.zero_()
    print(round(w.item(), 3), round(b.item(), 3), loss.item() < 1e-4)
    """, "3.0 1.0 True")


def test_000_higher_order_gradient():
    """Rebuilt: "计算导数的导数，因为它支持高阶梯度"."""
    check("""
    import torch

    x = torch.tensor(2.0, requires_grad=True)
    y = x ** 3
    (dy,) = torch.autograd.grad(y, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x, create_graph=True)
    (d3y,) = torch.autograd.grad(d2y, x)
    print(dy, d2y, d3y)
    """, "tensor(12., grad_fn=<MulBackward0>) tensor(12., grad_fn=<MulBackward0>) tensor(6.)")


def test_000_autograd_grad_returns_a_tuple_for_x_and_y():
    """Rebuilt: "在计算 z 相对于输入 x 和 y 的梯度后，将梯度作为元组返回"."""
    check("""
    import torch

    x = torch.tensor(1.0, requires_grad=True)
    y = torch.tensor(2.0, requires_grad=True)
    z = x ** 2 + x * y
    grads = torch.autograd.grad(z, (x, y))
    print(type(grads).__name__, grads, x.grad)
    """, "tuple (tensor(4.), tensor(1.)) None")


def test_000_register_hook_inspects_and_clips_gradients():
    """Rebuilt: "通过注册 register_hook 的反向钩子，可以实现梯度自定义 ... 梯度裁剪 ... 梯度监控"."""
    check("""
    import torch

    x = torch.tensor([1.0, -2.0, 3.0], requires_grad=True)
    h = x * 10
    h.register_hook(lambda grad: print("grad of h:", grad))
    x.register_hook(lambda grad: grad.clamp(-5, 5))
    (h * h).sum().backward()
    print(x.grad)
    """, "grad of h: tensor([ 20., -40.,  60.])", "tensor([ 5., -5.,  5.])")


def test_000_gradients_accumulate_until_zeroed():
    """Rebuilt: "默认情况下，PyTorch 中的梯度是累积的"."""
    check("""
    import torch

    w = torch.tensor(1.5, requires_grad=True)
    for _ in range(3):
        (w * 2).backward()
        print(w.grad)
    w.grad.zero_()
    print(w.grad)
    """, "tensor(2.)\ntensor(4.)\ntensor(6.)\ntensor(0.)")


def test_000_detach_and_no_grad_stop_tracking():
    """Rebuilt: "使用 torch.no_grad() 或 detach()" to stop tracking."""
    check("""
    import torch

    x = torch.tensor([1.0, 2.0], requires_grad=True)
    with torch.no_grad():
        y = x * 2
    z = x.detach() * 2
    print(y, z, y.requires_grad, z.requires_grad, x.requires_grad)
    """, "tensor([2., 4.]) tensor([2., 4.]) False False True")
