"""Chapter 10 (matmul's backward): wrong versions its checks reject, right ones they accept.

Loaded by ``wrong.py``, which gives ``Version``."""

_MATMUL = "matmul's backward (the two products, summed back to each input's shape)"

WRONG = [
    Version("the products in the wrong order", 10, "in that order", _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    ga = b2.transpose(-1, -2) @ g
    ga = sum_to(ga, (1,) + sa if a_vec else sa).reshape(sa)
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    gb = g @ a2.transpose(-1, -2)
    gb = sum_to(gb, sb + (1,) if b_vec else sb).reshape(sb)
return ga, gb
"""),
    Version("no transposes (G B and A G, right only for shapes that happen to fit)", 10,
            "dA = G Bᵀ", _MATMUL, """\
ga = gb = None
if na:
    ga = sum_to(g @ b, sa)
if nb:
    gb = sum_to(a @ g, sb)
return ga, gb
"""),
    Version(".t()/.T for the transposes (swaps the batch dimension too)", 10,
            "transpose(-1, -2), not .T", _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    bt = b2.permute(*range(b2.dim() - 1, -1, -1))
    ga = sum_to(g @ bt, (1,) + sa if a_vec else sa).reshape(sa)
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    at = a2.permute(*range(a2.dim() - 1, -1, -1))
    gb = sum_to(at @ g, sb + (1,) if b_vec else sb).reshape(sb)
return ga, gb
"""),
    Version("no sum back over broadcast batch dimensions", 10, "sum_to(grad, shape)", _MATMUL,
            """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    ga = g @ b2.transpose(-1, -2)
    ga = ga.squeeze(-2) if a_vec else ga
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    gb = a2.transpose(-1, -2) @ g
    gb = gb.squeeze(-1) if b_vec else gb
return ga, gb
"""),
    Version("summed over the added dimensions only, not over those that were 1", 10,
            "over those that were 1", _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    ga = g @ b2.transpose(-1, -2)
    while ga.dim() > max(len(sa), 2):
        ga = ga.sum(0)
    ga = ga.reshape(sa)
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    gb = a2.transpose(-1, -2) @ g
    while gb.dim() > max(len(sb), 2):
        gb = gb.sum(0)
    gb = gb.reshape(sb)
return ga, gb
"""),
    Version("averaged over the broadcast batch instead of summed", 10, "summed, not averaged",
            _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    full = g @ b2.transpose(-1, -2)
    ga = sum_to(full, (1,) + sa if a_vec else sa)
    ga = (ga * (ga.numel() / full.numel())).reshape(sa)
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    full = a2.transpose(-1, -2) @ g
    gb = sum_to(full, sb + (1,) if b_vec else sb)
    gb = (gb * (gb.numel() / full.numel())).reshape(sb)
return ga, gb
"""),
    Version("a vector operand's gradient left as a 1-row/1-column matrix", 10,
            "give the vector's gradient back its own shape", _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if b_vec else b
    ga = sum_to(g @ b2.transpose(-1, -2), (1,) + sa if a_vec else sa)
if nb:
    a2 = a.unsqueeze(-2) if a_vec else a
    gb = sum_to(a2.transpose(-1, -2) @ g, sb + (1,) if b_vec else sb)
return ga, gb
"""),
    Version("both gradients always computed (needs_input_grad ignored)", 10,
            "ctx.needs_input_grad", _MATMUL, """\
a_vec, b_vec = len(sa) == 1, len(sb) == 1
if b_vec:
    g = g.unsqueeze(-1)
if a_vec:
    g = g.unsqueeze(-2)
b2 = b.unsqueeze(-1) if b_vec else b
a2 = a.unsqueeze(-2) if a_vec else a
ga = sum_to(g @ b2.transpose(-1, -2), (1,) + sa if a_vec else sa).reshape(sa)
gb = sum_to(a2.transpose(-1, -2) @ g, sb + (1,) if b_vec else sb).reshape(sb)
return ga, gb
"""),
    Version("the products on NumPy arrays (not recorded under create_graph)", 10,
            "create_graph=True", _MATMUL, """\
xp = g.xp
ad = None if a is None else a._data
bd = None if b is None else b._data
gd = g._data
if len(sb) == 1:
    gd = gd[..., None]
if len(sa) == 1:
    gd = gd[..., None, :]
ga = gb = None
if na:
    b2 = bd[:, None] if len(sb) == 1 else bd
    full = out(xp.matmul(gd, xp.swapaxes(b2, -1, -2)), g._device)
    ga = sum_to(full, (1,) + sa if len(sa) == 1 else sa).reshape(sa)
if nb:
    a2 = ad[None, :] if len(sa) == 1 else ad
    full = out(xp.matmul(xp.swapaxes(a2, -1, -2), gd), g._device)
    gb = sum_to(full, sb + (1,) if len(sb) == 1 else sb).reshape(sb)
return ga, gb
"""),
]

RIGHT = [
    Version("every case through matrices: (B Gᵀ)ᵀ, mT, and sum_to to the input's own shape",
            10, "", _MATMUL, """\
g2 = g
if len(sb) == 1:
    g2 = g2.unsqueeze(-1)
if len(sa) == 1:
    g2 = g2.unsqueeze(-2)
ga = gb = None
if na:
    b2 = b.unsqueeze(-1) if len(sb) == 1 else b
    ga = (b2 @ g2.mT).mT                      # (B Gᵀ)ᵀ = G Bᵀ
    if len(sa) == 1:
        ga = ga.squeeze(-2)
    ga = sum_to(ga, sa)
if nb:
    a2 = a.unsqueeze(0) if len(sa) == 1 else a
    gb = (g2.mT @ a2).mT                      # (Gᵀ A)ᵀ = Aᵀ G
    if len(sb) == 1:
        gb = gb.squeeze(-1)
    gb = sum_to(gb, sb)
return ga, gb
"""),
]
