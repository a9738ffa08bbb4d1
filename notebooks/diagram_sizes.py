"""How large the stored notebooks and their pictures are, and whether every diagram fits.

    python notebooks/diagram_sizes.py [NOTEBOOK ...]      (default: notebooks/[0-9]*.ipynb)

Reads the stored outputs (run ``make notebooks`` first to measure the current code). For each
graph diagram (an output with SVG) it prints the width and height shown in JupyterLab, in CSS px
(Graphviz writes points: px = pt * 96/72), the smallest text in px and the PNG's bytes; then
each notebook's size and what its pictures weigh. Exits with status 1 when a diagram is wider
than the notebook column (``minigrad.viz.diagram.COLUMN_WIDTH``) or its text smaller than
``MIN_TEXT_PX``.
"""
from __future__ import annotations

import base64
import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # this checkout's minigrad, without installing

from minigrad.viz.diagram import (  # noqa: E402
    COLUMN_WIDTH, MIN_TEXT_PX, smallest_text_px, svg_size)


def main(paths: list[Path]) -> int:
    print(f"{'notebook':28} {'cell':>4} {'width':>6} {'height':>6} {'text':>5} {'PNG B':>7}")
    bad = 0
    totals = {"file": 0, "diagram PNG": 0, "diagram SVG": 0, "other PNG": 0}
    for path in paths:
        nb = nbformat.read(path, as_version=4)
        totals["file"] += path.stat().st_size
        for index, cell in enumerate(nb.cells):
            for out in cell.get("outputs", []):
                data = out.get("data", {})
                png = data.get("image/png", "")
                if "image/svg+xml" not in data:
                    totals["other PNG"] += len(png)
                    continue
                svg = data["image/svg+xml"]
                width, height = svg_size(svg)
                text = smallest_text_px(svg)
                totals["diagram PNG"] += len(png)
                totals["diagram SVG"] += len(svg.encode())
                flag = ""
                if width > COLUMN_WIDTH + 0.5 or text < MIN_TEXT_PX - 0.05:
                    flag, bad = "  <-- too wide or too small", bad + 1
                print(f"{path.name:28} {index:4} {width:6.0f} {height:6.0f} {text:5.1f} "
                      f"{len(base64.b64decode(png)):7}{flag}")
    print()
    for name, size in totals.items():
        print(f"{name + (' (base64 in the JSON)' if 'PNG' in name else ''):34} "
              f"{size / 1e6:6.2f} MB")
    if bad:
        print(f"{bad} diagram(s) wider than {COLUMN_WIDTH} px or with text under "
              f"{MIN_TEXT_PX} px")
    return 1 if bad else 0


if __name__ == "__main__":
    args = [Path(a) for a in sys.argv[1:]] or sorted(HERE.glob("[0-9]*.ipynb"))
    sys.exit(main(args))
