"""Chapter 12 (the negative log-likelihood, Adam): wrong versions its checks reject, right ones
they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_NLL = "nll_loss's forward (-log p of each sample's target class, and their mean)"
_NLL_GRAD = "nll_loss's backward (-1/n at each sample's target class, 0 elsewhere)"
_AVERAGES = "Adam's running averages (m of g, v of g squared; weight decay as L2 in g)"
_STEP = "Adam's step (the bias corrections, eps, the update of p)"

_AVERAGES_RIGHT = """\
if wd != 0:
    g = g.add(p, alpha=wd)
lerp_(m, g, 1 - beta1)
addcmul_(v.mul_(beta2), g, g, 1 - beta2)
"""
_STEP_RIGHT = """\
step_size = lr / (1 - beta1 ** t)
denom = (v.sqrt() / (1 - beta2 ** t) ** 0.5).add_(eps)
addcdiv_(p, m, denom, -step_size)
"""

WRONG = [
    # ------------------------------------------------------------- chapter 12: nll_loss
    Version("the diagonal logp[i, i] instead of each target's class", 12, "ITS target class",
            _NLL, """\
n = len(target)
losses = -logp[xp.arange(n), xp.arange(n) % logp.shape[1]]
loss = losses.mean()
"""),
    Version("log p, not minus log p", 12, "wrong sign", _NLL, """\
losses = logp[xp.arange(len(target)), target]
loss = losses.mean()
"""),
    Version("the sum, not the mean", 12, "that is their sum", _NLL, """\
losses = -logp[xp.arange(len(target)), target]
loss = losses.sum()
"""),
    Version("the mean over every entry of logp (divided by n * C)", 12, "divide by n, the number",
            _NLL, """\
losses = -logp[xp.arange(len(target)), target]
loss = losses.sum() / logp.size
"""),
    Version("the mean over the whole row of log-probabilities", 12, "-logp[i, target[i]]",
            _NLL, """\
losses = -logp.mean(axis=1)
loss = losses.mean()
"""),
    Version("gradient -1 at the targets (the 1/n forgotten)", 12, "so -1/n", _NLL_GRAD, """\
grad = xp.zeros(shape, dtype)
grad[xp.arange(len(target)), target] = -1
"""),
    Version("gradient +1/n (sign lost)", 12, "sign is wrong", _NLL_GRAD, """\
grad = xp.zeros(shape, dtype)
grad[xp.arange(len(target)), target] = 1 / len(target)
"""),
    Version("gradient divided by the number of classes", 12, "divides by C", _NLL_GRAD, """\
grad = xp.zeros(shape, dtype)
grad[xp.arange(len(target)), target] = -1 / shape[1]
"""),
    Version("gradient -1/n along the whole row", 12, "0 elsewhere", _NLL_GRAD, """\
grad = xp.full(shape, -1 / len(target), dtype)
"""),
    # ------------------------------------------------------------- chapter 12: Adam
    Version("m and v recomputed into new tensors, the state never updated", 12,
            "updated in place", _AVERAGES, """\
if wd != 0:
    g = g.add(p, alpha=wd)
m = m * beta1 + g * (1 - beta1)
v = v * beta2 + g * g * (1 - beta2)
"""),
    Version("the betas swapped in the averages", 12, "the betas of the group", _AVERAGES, """\
if wd != 0:
    g = g.add(p, alpha=wd)
m.mul_(1 - beta1).add_(g, alpha=beta1)
v.mul_(1 - beta2).add_(g * g, alpha=beta2)
"""),
    Version("weight decay as AdamW's shrink of p", 12, "not AdamW's shrink", _AVERAGES, """\
if wd != 0:
    p.mul_(1 - lr * wd)
lerp_(m, g, 1 - beta1)
addcmul_(v.mul_(beta2), g, g, 1 - beta2)
"""),
    Version("weight decay added after the averages", 12, "before m and v", _AVERAGES, """\
lerp_(m, g, 1 - beta1)
addcmul_(v.mul_(beta2), g, g, 1 - beta2)
if wd != 0:
    p.sub_(p * (lr * wd))
"""),
    Version("no bias corrections", 12, "without the bias corrections", _STEP, """\
addcdiv_(p, m, v.sqrt().add_(eps), -lr)
"""),
    Version("only m bias-corrected", 12, "divide v by", _STEP, """\
addcdiv_(p, m, v.sqrt().add_(eps), -lr / (1 - beta1 ** t))
"""),
    Version("eps under the square root", 12, "not under the square root", _STEP, """\
step_size = lr / (1 - beta1 ** t)
denom = (v / (1 - beta2 ** t)).add_(eps).sqrt()
addcdiv_(p, m, denom, -step_size)
"""),
    Version("eps added before the correction of v", 12, "before the division", _STEP, """\
step_size = lr / (1 - beta1 ** t)
denom = v.sqrt().add_(eps) / (1 - beta2 ** t) ** 0.5
addcdiv_(p, m, denom, -step_size)
"""),
    Version("the step goes up the gradient", 12, "moved uphill", _STEP, """\
step_size = lr / (1 - beta1 ** t)
denom = (v.sqrt() / (1 - beta2 ** t) ** 0.5).add_(eps)
addcdiv_(p, m, denom, step_size)
"""),
    Version("t counted from 0 (bias corrections of the step before)", 12, "after step 2",
            _STEP, """\
s = t - 1 if t > 1 else t
step_size = lr / (1 - beta1 ** s)
denom = (v.sqrt() / (1 - beta2 ** s) ** 0.5).add_(eps)
addcdiv_(p, m, denom, -step_size)
"""),
]

RIGHT = [
    Version("nll through a one-hot mask, np.mean", 12, "", _NLL, """\
onehot = xp.arange(logp.shape[1]) == target[:, None]
losses = -(logp * onehot).sum(axis=1)
loss = losses.mean()
"""),
    Version("nll gradient from the identity matrix", 12, "", _NLL_GRAD, """\
n = len(target)
grad = (-xp.eye(shape[1], dtype=dtype)[target] / n).astype(dtype)
"""),
    Version("Adam's averages with mul_/add_, its step with plain tensor arithmetic", 12, "",
            _AVERAGES, """\
g = g + wd * p
m.mul_(beta1).add_(g, alpha=1 - beta1)
v.mul_(beta2).add_(g * g, alpha=1 - beta2)
"""),
    Version("Adam's step written with m_hat and v_hat", 12, "", _STEP, """\
m_hat = m / (1 - beta1 ** t)
v_hat = v / (1 - beta2 ** t)
p.sub_(lr * m_hat / (v_hat.sqrt() + eps))
"""),
]
