"""End to end: models learn on the shipped digits, and the seeds' PyTorch training loops run
unchanged with ``import minigrad as torch`` (and print what PyTorch prints)."""
import contextlib
import io

import numpy as np

import minigrad as mg
import minigrad.nn as nn
from minigrad.data import DataLoader, TensorDataset, load_digits


def accuracy(model, X, y):
    model.eval()
    with mg.no_grad():
        acc = (model(X).argmax(1) == y).float().mean().item()
    model.train()
    return acc


def test_mlp_learns_digits():
    mg.manual_seed(0)
    (X, y), (Xt, yt) = load_digits()
    model = nn.Sequential(nn.Linear(64, 128), nn.ReLU(), nn.Linear(128, 10))
    opt = mg.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(X, y), batch_size=32, shuffle=True,
                        generator=mg.Generator().manual_seed(0))
    for epoch in range(8):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
    # (how fast: benchmarks/, never a timed unit test)
    assert accuracy(model, Xt, yt) >= 0.95


def test_small_cnn_learns_digits():
    mg.manual_seed(0)
    (X, y), (Xt, yt) = load_digits(flatten=False)
    model = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
                          nn.Conv2d(8, 16, 3, padding=1), nn.BatchNorm2d(16), nn.ReLU(),
                          nn.MaxPool2d(2), nn.Flatten(), nn.Dropout(0.1), nn.Linear(64, 10))
    opt = mg.optim.Adam(model.parameters(), lr=1e-2)
    loss_fn = nn.CrossEntropyLoss()
    loader = DataLoader(TensorDataset(X, y), batch_size=64, shuffle=True,
                        generator=mg.Generator().manual_seed(0))
    losses = []
    for epoch in range(2):
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            loss.backward()
            opt.step()
            losses.append(loss.item())
    assert np.mean(losses[-5:]) < 0.3 * np.mean(losses[:5])
    assert accuracy(model, Xt, yt) >= 0.85  # chance is 0.10


def test_mlp_learns_moons_with_every_optimizer():
    X, y = mg.data.make_moons(200, noise=0.1, seed=0)
    for make in (lambda p: mg.optim.SGD(p, lr=0.5, momentum=0.9),
                 lambda p: mg.optim.Adam(p, lr=0.05), lambda p: mg.optim.AdamW(p, lr=0.05),
                 lambda p: mg.optim.RMSprop(p, lr=0.01)):
        mg.manual_seed(1)
        model = nn.Sequential(nn.Linear(2, 16), nn.Tanh(), nn.Linear(16, 2))
        opt = make(model.parameters())
        for _ in range(150):
            opt.zero_grad()
            nn.functional.cross_entropy(model(X), y).backward()
            opt.step()
        assert accuracy(model, X, y) > 0.95


# ------------------------------------------------------------------------ the seeds' loops
def run(program: str, lib: str) -> tuple[str, dict]:
    """Run a PyTorch program as written, with torch or with minigrad behind ``import torch``;
    return what it printed and its variables."""
    if lib == "minigrad":
        program = program.replace("import torch.nn as nn", "import minigrad.nn as nn")
        program = program.replace("import torch", "import minigrad as torch")
    out, namespace = io.StringIO(), {}
    with contextlib.redirect_stdout(out):
        exec(program, namespace)
    return out.getvalue(), namespace


# seed 003: minimise f(x) = a x^2 + b x + c with optim.SGD
SEED_SGD_MINIMIZE = '''
import numpy as np
import torch

"""
求 f(x) = a*x**2 + b*x + c 的最小值
"""

# 自变量(标量)
x = torch.tensor(0.0, requires_grad = True)  # x 需要被求导
# 参数
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)
# 因变量函数
def f(t):
    result = a * torch.pow(t, 2) + b * x + c
    return result

# 优化器
optimizer = torch.optim.SGD(params = [x], lr = 0.01)

for i in range(500):
    # forward
    y = f(x)
    # backward
    optimizer.zero_grad()
    y.backward()
    optimizer.step()

print(f"y = {f(x).data}; x = {x.data}")
'''

# seed 004 (its gradient descent by hand on w.data is tested in test_seeds.py): nn.MSELoss
SEED_MSE = '''
import torch

x = torch.ones(2, 5)  # 表示:特征(输入张量),2个样本,5个特征
y = torch.zeros(2, 3) # 表示:标签(目标张量,真实值),2个样本,3个类别
w = torch.randn(5, 3, requires_grad=True)  # 权重,5个输入特征,3个神经元(类别)
b = torch.randn(3, requires_grad=True)     # 偏置,3个神经元(类别)

z = torch.matmul(x, w) + b # z - x @ w + b, 前向传播计算输出预测值

criterion = torch.nn.MSELoss() # 均方误差损失函数 nn: neural network 神经网络
loss = criterion(z, y) # 计算损失

loss.backward()

print(f'Gradient w.r.t w:\\n{w.grad}') # 打印权重的梯度
print(f'Gradient w.r.t b:\\n{b.grad}') # 打印偏置
'''

# seed 001: a training step with gradient clipping. The seed's lines are kept as written;
# the set-up before them (model, data, loss_fn, optimizer) is ours, from fixed numbers.
SEED_CLIP = '''
import numpy as np
import torch
import torch.nn as nn

rng = np.random.default_rng(0)
model = nn.Sequential(nn.Linear(3, 8), nn.Tanh(), nn.Linear(8, 1))
model.load_state_dict({k: torch.tensor(rng.standard_normal(tuple(v.shape)).astype(np.float32))
                       for k, v in model.state_dict().items()})
loss_fn = nn.MSELoss()
optimizer = torch.optim.SGD(model.parameters(), lr=0.1)
norms = []
for step in range(20):
    data = torch.tensor(rng.standard_normal((16, 3)).astype(np.float32))
    target = torch.tensor(10 * rng.standard_normal((16, 1)).astype(np.float32))

    outputs = model(data)
    loss = loss_fn(outputs, target)
    optimizer.zero_grad()
    loss.backward()
    norms.append(nn.utils.clip_grad_norm_(model.parameters(), max_norm=20, norm_type=2).item())
    optimizer.step()
print(loss.item() > 0)
'''


def test_seed_sgd_minimize_prints_what_pytorch_prints(oracle):
    mine, _ = run(SEED_SGD_MINIMIZE, "minigrad")
    theirs = oracle(lambda torch: run(SEED_SGD_MINIMIZE, "torch")[0])
    assert mine == theirs


def test_seed_mse_gradients(oracle):
    mg.manual_seed(0)  # w and b are PyTorch's question: the same in every run
    out, ns = run(SEED_MSE, "minigrad")
    assert out.startswith("Gradient w.r.t w:\ntensor([[")
    # the same computation in PyTorch from minigrad's random w and b
    def grads(torch):
        w = torch.tensor(ns["w"].detach().numpy(), requires_grad=True)
        b = torch.tensor(ns["b"].detach().numpy(), requires_grad=True)
        torch.nn.MSELoss()(torch.ones(2, 5) @ w + b, torch.zeros(2, 3)).backward()
        return w.grad, b.grad
    w_grad, b_grad = oracle(grads)
    np.testing.assert_allclose(ns["w"].grad.numpy(), w_grad.numpy(), rtol=1e-6)
    np.testing.assert_allclose(ns["b"].grad.numpy(), b_grad.numpy(), rtol=1e-6)


def test_seed_clip_grad_norm_loop_matches_pytorch(oracle):
    mine, ns = run(SEED_CLIP, "minigrad")
    theirs, tns = oracle(lambda torch: (lambda out, ns: (out, dict(
        norms=ns["norms"], model=ns["model"].state_dict())))(*run(SEED_CLIP, "torch")))
    assert mine == theirs == "True\n"
    assert max(ns["norms"]) > 20  # the clipping did something
    np.testing.assert_allclose(ns["norms"], tns["norms"], rtol=1e-4)
    for (k, v), (tk, tv) in zip(ns["model"].state_dict().items(),
                                tns["model"].items()):
        assert k == tk
        np.testing.assert_allclose(v.numpy(), tv.numpy(), rtol=1e-4, atol=1e-5)


def test_seed_forward_hook_for_monitoring():
    """seed 000 mentions register_forward_hook for inspecting a layer's output."""
    seen = {}
    model = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    model[0].register_forward_hook(lambda m, inp, out: seen.update(shape=out.shape))
    model(mg.ones(4, 2))
    assert seen["shape"] == (4, 3)


def test_training_step_on_every_device(device):
    """The same CNN step on the CPU and on ``device`` (cuda where CuPy sees a GPU)."""
    def one_step(dev):
        mg.manual_seed(0)
        model = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 10),
                              nn.LogSoftmax(dim=1)).to(dev)
        opt = mg.optim.Adam(model.parameters(), lr=0.01)
        (X, y), _ = load_digits(flatten=False)
        for xb, yb in DataLoader(TensorDataset(X[:64].to(dev), y[:64].to(dev)), batch_size=32):
            opt.zero_grad()
            loss = nn.NLLLoss()(model(xb), yb)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            opt.step()
        return {k: v.cpu().numpy() for k, v in model.state_dict().items()}
    here, there = one_step("cpu"), one_step(device)
    for k in here:
        np.testing.assert_allclose(there[k], here[k], rtol=1e-4, atol=1e-5, err_msg=k)
