"""minigrad.viz: graph diagrams, backward step by step, plots.

Structure is checked on the walked graph (``diagram.model``) and on the DOT text; pictures
are rendered with Graphviz's ``dot`` (the Makefile installs it), and the missing-``dot``
path is simulated with an empty PATH.
"""
import re
import struct
import subprocess
import sys

import numpy as np
import pytest

import minigrad as mg
from minigrad import viz

ACC = "torch::autograd::AccumulateGrad"


def seeds_graph():
    """The README's example: x -> y = x + 2 -> z = y * y * 3 -> out = z.mean()."""
    x = mg.ones(2, 2, requires_grad=True)
    y = x + 2
    z = y * y * 3
    out = z.mean()
    return x, y, z, out


def fan_out(lib):
    """x used three times (a fan-out), through ops of different ages."""
    x = lib.tensor([1.0, 2.0], requires_grad=True)
    a = x * 2
    b = x.exp()
    c = a + b
    d = c * x
    return x, d.sum()


def describe(model):
    """{id: text} for every item: op name, tensor kind (and name), const, saved, more."""
    out = {}
    for it in model.items:
        if it.kind == "op":
            out[it.id] = it.node.name()
        else:
            out[it.id] = it.kind + (f":{it.name}" if it.name else "")
    return out


def edges(model, kind="data"):
    return [(e.tail, e.head) for e in model.edges if e.kind == kind]


# --- structure ----------------------------------------------------------------------------

def test_seeds_graph_has_exactly_the_expected_nodes_and_edges():
    x, y, z, out = seeds_graph()
    d = viz.draw_graph(out)
    assert describe(d.model) == {
        "n0": "output", "n1": "MeanBackward0", "n2": "MulBackward0", "n3": "MulBackward0",
        "n4": "AddBackward0", "n5": "leaf", "n6": "const", "n7": "const"}
    assert edges(d.model) == [
        ("n1", "n0"),                 # MeanBackward0 -> out
        ("n2", "n1"),                 # z * 3 -> mean
        ("n3", "n2"), ("n6", "n2"),   # (y * y) and the constant 3 -> * 3
        ("n4", "n3"), ("n4", "n3"),   # y twice -> y * y
        ("n5", "n4"), ("n7", "n4")]   # x and the constant 2 -> x + 2
    assert d.model.item_of(x).id == "n5"
    for label in ("MeanBackward0", "MulBackward0", "AddBackward0", "(2, 2) float32",
                  "scalar float32"):
        assert label in d.source


def test_named_intermediate_tensors_sit_between_their_ops():
    x, y, z, out = seeds_graph()
    m = viz.draw_graph(out, names={"x": x, "y": y, "z": z, "out": out}).model
    text = describe(m)
    by_name = {v: k for k, v in text.items()}
    assert text[by_name["nonleaf:y"]] == "nonleaf:y"
    add = by_name["AddBackward0"]
    y_id = by_name["nonleaf:y"]
    assert (add, y_id) in edges(m)                       # AddBackward0 -> y
    assert edges(m).count((y_id, m.item_of(y.grad_fn).id)) == 0   # y is not an op
    muls = [k for k, v in text.items() if v == "MulBackward0"]
    assert edges(m).count((y_id, muls[1])) == 2         # y feeds y * y twice
    assert by_name["output:out"] == "n0" and by_name["leaf:x"]


def test_legend_lists_the_kinds_drawn():
    x, y, z, out = seeds_graph()
    src = viz.draw_graph(out).source
    for text in ("output (what you drew)", "leaf tensor, requires_grad=True",
                 "operation: a grad_fn node", "constant: an input that doesn't require grad"):
        assert text in src
    assert "parameter" not in src and "cut off" not in src       # only kinds present
    assert "output (what you drew)" not in viz.draw_graph(out, legend=False).source


def test_parameters_from_a_dict_pairs_or_a_module():
    w = mg.tensor([1.0, -1.0], requires_grad=True)
    b = mg.tensor(0.5, requires_grad=True)
    x = mg.tensor([2.0, 3.0])
    out = (x * w).sum() + b

    class Module:  # duck-typed: minigrad.nn may not exist yet
        def named_parameters(self):
            yield "layer.weight", w
            yield "layer.bias", b

    for params in ({"layer.weight": w, "layer.bias": b},
                   [("layer.weight", w), ("layer.bias", b)], Module()):
        m = viz.draw_graph(out, params=params).model
        assert m.item_of(w).kind == "param" and m.item_of(w).name == "layer.weight"
        assert m.item_of(b).kind == "param" and m.item_of(b).name == "layer.bias"
    assert "parameter" in viz.draw_graph(out, params=Module()).source
    with pytest.raises(TypeError):
        viz.draw_graph(out, params={"w": 1.0})


def test_tensors_cut_off_by_detach_and_no_grad():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x.detach()
    with mg.no_grad():
        z = x * 2
    out = (x * x).sum()
    d = viz.draw_graph(out, y, z, names={"x": x, "y": y, "z": z})
    m = d.model
    iy, iz = m.item_of(y), m.item_of(z)
    assert iy.kind == "cut" and iz.kind == "cut"
    # No graph edge touches them; y shares x's memory (detach), z doesn't (a new tensor).
    assert all(iy.id not in e and iz.id not in e for e in edges(m))
    assert edges(m, "alias") == [(m.item_of(x).id, iy.id)]
    assert "cut: no grad_fn" in d.source and "shares memory" in d.source
    assert re.search(r'n\d+ \[label=<<B>z</B>.*style=dashed', d.source)
    assert "cut off: requires_grad=False" in d.source                # in the legend


def test_roots_can_be_nodes_lists_and_leaves():
    x, y, z, out = seeds_graph()
    assert describe(viz.draw_graph(out.grad_fn).model)["n0"] == "MeanBackward0"
    assert describe(viz.draw_graph([out, z]).model)["n0"] == "output"
    assert describe(viz.draw_graph([out, z]).model)["n1"] == "nonleaf"   # z feeds out
    assert describe(viz.draw_graph(x).model) == {"n0": "leaf"}
    with pytest.raises(TypeError):
        viz.draw_graph(3.0)


def test_saved_tensors_their_freeing_and_in_place_changes():
    x, y, z, out = seeds_graph()
    d = viz.draw_graph(out, names={"y": y}, show_saved=True)
    saved = [it for it in d.model.items if it.kind == "saved"]
    assert [(it.owner.name(), it.name) for it in saved] == [("MulBackward0", "y")] * 2
    assert "saved[0] = y" in d.source and "saved tensors freed" not in d.source
    out.backward()
    assert "saved tensors freed" in viz.draw_graph(out, show_saved=True).source

    a = mg.tensor([1.0, 2.0], requires_grad=True)
    b = a * 1
    c = b * b
    b.add_(1)   # b was saved by c's MulBackward0: backward would now raise
    assert "modified in place: version 1, saved at 0" in \
        viz.draw_graph(c, show_saved=True).source


def test_hooks_retain_grad_grads_and_data_are_marked():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    h = x * 3
    h.retain_grad()
    h.register_hook(lambda g: g)
    x.register_hook(lambda g: g)
    out = h.sum()
    out.grad_fn.register_prehook(lambda g: None)
    out.backward()
    src = viz.draw_graph(out, show_grads=True, show_data=True).source
    assert "retain_grad()" in src and "hook" in src and "prehook" in src
    assert "grad = [3, 3]" in src           # x.grad
    assert "grad = [1, 1]" in src           # h.grad (retained)
    assert "[3, 6]" in src                  # h's data
    assert viz.draw_graph(out, accumulate_nodes=True).model.ops()[-1].node.name() == ACC


def test_big_graphs_are_capped_with_a_more_node():
    a = mg.tensor(1.0, requires_grad=True)
    b = a
    for _ in range(100):
        b = b * 1.01 + 0.1
    d = viz.draw_graph(b, max_nodes=10)
    m = d.model
    assert len(m.ops()) == 10 and m.hidden == 191      # 200 ops + AccumulateGrad, 10 drawn
    assert "... 191 more nodes" in d.source
    assert edges(m, "more") == [(next(it.id for it in m.items if it.kind == "more"),
                                 m.ops()[-1].id)]
    assert "more nodes" not in viz.draw_graph(b, max_nodes=1000).source


# --- determinism --------------------------------------------------------------------------

def test_same_graph_gives_identical_dot_and_svg():
    sources = []
    for _ in range(2):
        x, y, z, out = seeds_graph()
        sources.append(viz.draw_graph(out, names={"x": x, "y": y}, show_saved=True,
                                      show_data=True).source)
    assert sources[0] == sources[1]
    assert "0x" not in sources[0] and not re.search(r"\b\d{9,}\b", sources[0])  # no id()
    d = viz.draw_graph(seeds_graph()[3])
    assert d.pipe("svg") == d.pipe("svg")
    assert d.pipe("svg") == viz.draw_graph(seeds_graph()[3]).pipe("svg")


def test_trace_frames_are_identical_across_runs():
    def frames():
        x, y, z, out = seeds_graph()
        return [f.source for f in viz.trace_backward(out, names={"x": x})]
    assert frames() == frames()


# --- rendering ------------------------------------------------------------------------------

def test_render_svg_and_png_files(tmp_path):
    d = viz.draw_graph(seeds_graph()[3])
    svg = d.render(tmp_path / "figures" / "seed", format="svg")
    png = d.render(str(tmp_path / "seed.png"), format="png")
    assert svg.endswith("seed.svg") and png.endswith("seed.png") and not png.endswith(".png.png")
    text = open(svg).read()
    assert "<svg" in text and "MeanBackward0" in text
    data = open(png, "rb").read()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w1, _ = struct.unpack(">II", data[16:24])
    w2, _ = struct.unpack(">II", d.pipe("png")[16:24])
    assert w1 == 2 * w2 or abs(w1 - 2 * w2) <= 2   # files are drawn at double resolution


def test_jupyter_display_carries_png_and_svg():
    d = viz.draw_graph(seeds_graph()[3])
    data, meta = d._repr_mimebundle_()
    assert data["image/png"][:4] == b"\x89PNG"
    assert "<svg" in data["image/svg+xml"]
    assert data["text/plain"] == repr(d) and "0x" not in repr(d)
    assert meta["image/png"]["width"] > 0


def test_without_dot_a_clear_error_and_the_source_still_works(monkeypatch, tmp_path):
    empty = tmp_path / "empty"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))
    d = viz.draw_graph(seeds_graph()[3])
    assert "MeanBackward0" in d.source                     # DOT needs no Graphviz
    with pytest.raises(viz.GraphvizNotFound) as err:
        d.render(tmp_path / "x", format="svg")
    msg = str(err.value)
    for text in ("sudo apt-get install graphviz", "brew install graphviz", "graphviz.org",
                 "PATH", "conda install", "diagram.source"):
        assert text in msg
    assert isinstance(err.value, RuntimeError)
    assert not (tmp_path / "x.svg").exists()
    shown = d._repr_mimebundle_()                          # Jupyter shows the message
    assert set(shown) == {"text/plain"} and "brew install graphviz" in shown["text/plain"]


# --- fitting JupyterLab's notebook column -----------------------------------------------------

def chain(n):
    """x -> (* 2) -> (* 2) ... n times -> sum: a long chain, with a constant at every op."""
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    y = x
    for _ in range(n):
        y = y * 2
    return x, y.sum()


def grid(k, length):
    """k chains of `length` exps, added up: wide both left to right and top to bottom."""
    ys = []
    for i in range(k):
        y = mg.tensor(float(i), requires_grad=True)
        for _ in range(length):
            y = y.exp()
        ys.append(y)
    out = ys[0]
    for y in ys[1:]:
        out = out + y
    return out


def natural_width(d):
    return viz.diagram.svg_size(d.pipe("svg"))[0]


def shown(d):
    """(width px, smallest text px, PNG display width) as Jupyter shows the diagram."""
    data, meta = d._repr_mimebundle_()
    svg = data["image/svg+xml"]
    return (viz.diagram.svg_size(svg)[0], viz.diagram.smallest_text_px(svg),
            meta["image/png"]["width"])


def plain_positions(d):
    """{node id: (x, y)} from Graphviz's plain output, in inches."""
    lines = d.pipe("plain").decode().splitlines()
    return {p[1]: (float(p[2]), float(p[3])) for p in map(str.split, lines) if p[0] == "node"}


COLUMN = viz.diagram.COLUMN_WIDTH
MIN_TEXT = viz.diagram.MIN_TEXT_PX


def test_a_long_chain_is_drawn_top_to_bottom_to_fit_the_column():
    x, out = chain(12)
    assert natural_width(viz.draw_graph(out, rankdir="LR", max_width=None)) > 1.5 * COLUMN
    d = viz.draw_graph(out, names={"x": x})
    assert "rankdir=TB" in d.source and d.zoom == 1        # laid out to fit, not shrunk
    width, text, png_width = shown(d)
    assert width <= COLUMN and abs(png_width - width) <= 2
    assert text >= MIN_TEXT
    # The chain is one straight column: every operation at the same x, constants beside it.
    pos = plain_positions(d)
    xs = {round(pos[it.id][0], 2) for it in d.model.ops()}
    assert len(xs) == 1


def test_a_graph_that_fits_keeps_left_to_right():
    x = mg.tensor([1.0, 2.0], requires_grad=True)
    d = viz.draw_graph((x * 2).sum(), names={"x": x})
    assert "rankdir=LR" in d.source and d.zoom == 1
    assert shown(d)[0] <= COLUMN
    # The options keep working: a fixed direction, and no limit at all.
    assert "rankdir=TB" in viz.draw_graph((x * 2).sum(), rankdir="TB").source
    x, out = chain(12)
    free = viz.draw_graph(out, max_width=None)
    assert "rankdir=LR" in free.source and free.zoom == 1 and shown(free)[0] > COLUMN


def test_a_graph_wide_both_ways_is_zoomed_out_only_as_far_as_text_stays_legible():
    out = grid(5, 6)
    assert min(natural_width(viz.draw_graph(out, rankdir=rd, max_width=None))
               for rd in ("LR", "TB")) > COLUMN
    d = viz.draw_graph(out)
    width, text, png_width = shown(d)
    assert 0.8 < d.zoom < 1 and width <= COLUMN + 0.5 and abs(png_width - width) <= 2
    assert text >= MIN_TEXT
    # Too wide to fit legibly: zoomed out to the smallest legible text, and no further.
    big = viz.draw_graph(grid(8, 8))
    width, text, _ = shown(big)
    assert width > COLUMN and text == pytest.approx(MIN_TEXT, abs=0.05)
    # An explicit direction is kept, and zoomed like any other.
    x, out = chain(12)
    lr = viz.draw_graph(out, rankdir="LR")
    assert "rankdir=LR" in lr.source and lr.zoom < 1 and shown(lr)[1] >= MIN_TEXT - 0.05


def test_the_layout_choice_is_deterministic():
    def draw():
        x, out = chain(12)
        d = viz.draw_graph(out, names={"x": x}, show_saved=True)
        return d.source, d.zoom, d._repr_mimebundle_()[0]["image/svg+xml"]
    assert draw() == draw()
    a, b = viz.draw_graph(grid(5, 6)), viz.draw_graph(grid(5, 6))
    assert (a.source, a.zoom) == (b.source, b.zoom)


def test_saved_tensors_sit_beside_their_operation():
    x, y, z, out = seeds_graph()
    d = viz.draw_graph(out, names={"y": y}, show_saved=True, rankdir="TB")
    pos = plain_positions(d)
    saved = [it for it in d.model.items if it.kind == "saved"]
    assert saved and all(pos[it.id][1] == pos[d.model.by_node[it.owner].id][1] for it in saved)


def test_trace_frames_share_one_layout_chosen_to_fit():
    x, out = chain(8)
    tr = viz.trace_backward(out, names={"x": x})
    assert all("rankdir=TB" in f.source for f in tr)
    sizes = {viz.diagram.svg_size(f.pipe("svg")) for f in tr}
    assert len(sizes) == 1 and next(iter(sizes))[0] <= COLUMN   # captions of any length
    assert len({f.zoom for f in tr}) == 1
    # A layout forced on the trace is kept for every frame.
    x, out = chain(8)
    assert all("rankdir=LR" in f.source
               for f in viz.trace_backward(out, rankdir="LR", max_width=None))


def test_plain_diagrams_are_zoomed_to_the_column_as_far_as_legible():
    import graphviz

    def row(n):   # n + 1 ellipses in a row, 14-point text (18.7 px)
        g = graphviz.Digraph(graph_attr={"rankdir": "LR"})
        for k in range(n):
            g.edge(f"node {k}", f"node {k + 1}")
        return g
    d = viz.Diagram(row(6))
    assert natural_width(d) > COLUMN
    width, text, png_width = shown(d)
    assert width == pytest.approx(COLUMN, abs=0.5) and abs(png_width - width) <= 2
    assert text >= MIN_TEXT
    width, text, _ = shown(viz.Diagram(row(14)))
    assert width > COLUMN and text == pytest.approx(MIN_TEXT, abs=0.05)
    assert viz.Diagram(row(6), zoom=1)._repr_mimebundle_()[1]["image/png"]["width"] > COLUMN


def test_jupyter_png_is_small_and_sharp():
    x, y, z, out = seeds_graph()
    d = viz.draw_graph(out, names={"x": x, "y": y, "z": z, "out": out})
    data, meta = d._repr_mimebundle_()
    png = data["image/png"]
    assert png[25] == 3                                   # a palette PNG
    w, _ = struct.unpack(">II", png[16:24])
    assert w == pytest.approx(meta["image/png"]["width"] * viz.diagram.PNG_SCALE, abs=2)
    from PIL import Image
    import io
    with Image.open(io.BytesIO(png)) as im:
        assert len(im.getcolors()) <= viz.diagram.PNG_COLORS


# --- backward, step by step -------------------------------------------------------------------

def _walk_order(root_node):
    """Graph nodes breadth first, to match two graphs of the same shape node by node."""
    order, queue = [], [root_node]
    while queue:
        n = queue.pop(0)
        if any(n is o for o in order):
            continue
        order.append(n)
        queue.extend(c for c, _ in n.next_functions if c is not None)
    return order


def test_trace_order_is_the_engines_and_pytorchs(oracle):
    def torch_trace(torch):
        tx, tout = fan_out(torch)
        t_nodes = _walk_order(tout.grad_fn)
        ran = []
        for n in t_nodes:
            n.register_prehook(lambda g, n=n: ran.append(n))
        tout.backward()
        torch_order = [next(i for i, o in enumerate(t_nodes) if o is n) for n in ran]
        return [n.name() for n in t_nodes], torch_order, [n.name() for n in ran], tx.grad
    t_names, torch_order, ran_names, tx_grad = oracle(torch_trace)

    x, out = fan_out(mg)
    m_nodes = _walk_order(out.grad_fn)
    assert [n.name() for n in m_nodes] == t_names   # same shape
    tr = viz.trace_backward(out)
    ours = [next(i for i, o in enumerate(m_nodes) if o is s.node) for s in tr.steps]
    assert ours == torch_order
    assert tr.order == ran_names
    np.testing.assert_allclose(x.grad.numpy(), tx_grad.numpy(), rtol=1e-6)


def test_trace_records_what_the_engine_runs():
    seen = []
    x, y, z, out = seeds_graph()
    with mg.autograd.engine.observe(lambda n, gi, go: seen.append(n)):
        out.backward(retain_graph=True)
    tr = viz.trace_backward(out)
    assert [s.node for s in tr.steps] == seen
    assert tr.order == ["MeanBackward0", "MulBackward0", "MulBackward0", "AddBackward0", ACC]
    assert len(tr) == 6 and len(tr.frames) == 6 and tr[0] is tr.frames[0]
    np.testing.assert_allclose(tr.steps[-1].leaf_grad, np.full((2, 2), 9.0))  # accumulated
    np.testing.assert_allclose(x.grad.numpy(), np.full((2, 2), 9.0))


def test_trace_frames_highlight_the_current_node_and_known_gradients():
    x, y, z, out = seeds_graph()
    tr = viz.trace_backward(out, names={"x": x, "out": out})
    for k, frame in enumerate(tr):
        highlighted = re.findall(r"(n\d+) \[label=.*fillcolor=\"#ffd43b\"", frame.source)
        if k == 0:
            assert highlighted == [] and "before backward" in frame.source
        else:
            assert highlighted == [frame.model.item_of(tr.steps[k - 1].node).id]
            assert f"step {k} of 5" in frame.source
    # Gradient on the edge x -> AddBackward0 and in x's box: invisible until step 4-5.
    grad_text = 'COLOR="#c92a2a">[[4.5, 4.5],<BR/>[4.5, 4.5]]'
    assert grad_text not in tr[3].source and grad_text in tr[4].source
    assert "grad = [[4.5, 4.5]" in tr[5].source
    assert tr[0].source.count('COLOR="transparent"') > tr[5].source.count('COLOR="transparent"')


def test_trace_frames_keep_one_layout():
    x, y, z, out = seeds_graph()
    tr = viz.trace_backward(out, names={"x": x, "y": y, "z": z, "out": out})

    def positions(frame):
        lines = frame.pipe("plain").decode().splitlines()
        return [ln.split()[:4] for ln in lines if ln.startswith("node ")]
    first = positions(tr[0])
    assert all(positions(f) == first for f in tr.frames[1:])


def test_trace_shows_accumulation_across_backward_calls():
    x = mg.tensor(1.0, requires_grad=True)
    (x * x * 3).backward()
    tr = viz.trace_backward(x * x * 3, names={"x": x})
    assert "grad = 6<" in tr[0].source              # .grad from the first call, shown
    assert "grad = 12<" in tr[-1].source
    assert "adds 6 into x.grad" in tr[-1].source


def test_trace_higher_order_and_inputs():
    x = mg.tensor(2.0, requires_grad=True)
    y = x ** 3
    tr = viz.trace_backward(y, create_graph=True)
    assert tr.order == ["PowBackward0", ACC]
    g = x.grad
    assert g.grad_fn is not None and g.detach().item() == 12.0
    d = viz.draw_graph(g, names={"x": x})
    assert d.model.ops() and d.model.item_of(x).kind == "leaf"
    tr2 = viz.trace_backward(g, inputs=[x])         # the second derivative, 6x = 12 more
    assert tr2.order[-1] == ACC and x.grad.detach().item() == 24.0
    assert "12" in viz.draw_graph(y, trace=tr, names={"x": x}).source


def test_trace_save_frames_and_gif(tmp_path):
    x, y, z, out = seeds_graph()
    tr = viz.trace_backward(out)
    paths = tr.save(str(tmp_path / "chain"), format="png")
    assert [p.rsplit("/", 1)[1] for p in paths] == [f"chain_{k:02d}.png" for k in range(6)]
    assert all(open(p, "rb").read(4) == b"\x89PNG" for p in paths)
    (gif,) = tr.save(tmp_path / "chain", format="gif")
    assert gif.endswith("chain.gif") and open(gif, "rb").read(6) == b"GIF89a"
    from PIL import Image
    with Image.open(gif) as im:
        assert im.n_frames == len(tr)
    data, _ = tr._repr_mimebundle_()
    assert "image/png" in data and data["text/plain"].startswith("BackwardTrace: 5 steps")


# --- plots ----------------------------------------------------------------------------------

def test_plots_return_figures_and_compute_with_minigrad():
    from matplotlib.figure import Figure
    from minigrad.viz import plots
    x = np.linspace(-2, 2, 9)
    f, d1, d2 = plots.derivatives(mg.tanh, x)
    np.testing.assert_allclose(d1, 1 - np.tanh(x) ** 2, rtol=1e-10)
    np.testing.assert_allclose(d2, -2 * np.tanh(x) * (1 - np.tanh(x) ** 2), atol=1e-10)
    path = plots.gradient_descent(lambda a, b: (a - 1) ** 2 + 4 * b ** 2, (3.0, 1.0), 0.1, 50)
    assert path.shape == (51, 2)
    np.testing.assert_allclose(path[-1], [1.0, 0.0], atol=1e-3)
    assert plots.accumulated_grads(lambda t: t * t * 3, 1.0, 4, zero_grad=False) == \
        [6.0, 12.0, 18.0, 24.0]
    assert plots.accumulated_grads(lambda t: t * t * 3, 1.0, 3, zero_grad=True) == [6.0] * 3
    w = mg.tensor([3.0, 4.0], requires_grad=True)
    (w * 1).sum().backward()
    assert plots.grad_norms({"w": w, "unused": mg.tensor(1.0, requires_grad=True)}) == \
        {"w": pytest.approx(np.sqrt(2))}
    figs = [
        plots.plot_derivatives(mg.tanh),
        plots.plot_descent_1d(lambda t: (t - 1) ** 2, x0=-2.0, lr=0.3),
        plots.plot_descent_2d(lambda a, b: a ** 2 + 5 * b ** 2, (-1.5, 1.0), [0.05, 0.19]),
        plots.plot_loss_curves([1.0, 0.5, 0.25]),
        plots.plot_loss_curves({"a": [1, 0.5], "b": [1, 0.9]}, log=True),
        plots.plot_grad_norms({"l1": [1.0, 2.0, 0.5], "l2": [0.1, 0.2, 0.1]}, max_norm=1.0),
        plots.plot_grad_norms([{"l1": 1.0}, {"l1": 0.5}]),
        plots.plot_grad_accumulation(),
    ]
    assert all(isinstance(f, Figure) for f in figs)


def test_plots_show_in_jupyter_as_compact_pngs():
    import io
    from minigrad.viz import plots
    fig = plots.plot_grad_accumulation()
    data = fig._repr_mimebundle_()
    assert data["text/plain"].startswith("<Figure size 600x400")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    full = buf.getvalue()
    png = data["image/png"]
    assert png[25] == 3 and png[16:24] == full[16:24]     # a palette, the same pixel size
    assert len(png) < len(full) / 2
    two_panels = plots.plot_grad_norms({"l1": [1.0, 2.0]}, max_norm=1.0)._repr_mimebundle_()
    assert struct.unpack(">II", two_panels["image/png"][16:24])[0] <= COLUMN


def test_plot_png_is_deterministic(tmp_path):
    from minigrad.viz import plots
    for k in range(2):
        plots.plot_descent_2d(lambda a, b: a ** 2 + 5 * b ** 2, (-1.5, 1.0), 0.1).savefig(
            tmp_path / f"{k}.png")
    assert (tmp_path / "0.png").read_bytes() == (tmp_path / "1.png").read_bytes()


def test_import_minigrad_stays_light():
    code = ("import sys, minigrad, minigrad.viz; "
            "print(sorted(m for m in ('matplotlib', 'graphviz', 'PIL') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.strip()
    assert out == "[]"
