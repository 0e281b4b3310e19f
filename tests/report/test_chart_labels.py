"""Cell labels drawn as glyph outlines land where matplotlib's centred texts do, in their colours."""

from __future__ import annotations

from typing import Literal

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cop_eval.report.chart_axes import Frame
from cop_eval.report.chart_labels import cell_labels
from cop_eval.report.chart_style import chart_style


def _ink(fig: Figure) -> tuple[np.ndarray, np.ndarray]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)  # type: ignore[no-untyped-call]
    ys, xs = np.nonzero(pixels.min(axis=2) < 128)
    return ys, xs


@pytest.mark.parametrize(
    "text, size, weight, style",
    [
        ("3.47", 7.5, "normal", "normal"),
        ("2.79 \N{BLACK DIAMOND}", 7.5, "semibold", "normal"),
        ("hidden", 6.5, "normal", "italic"),
        ("suppressed", 5.5, "normal", "italic"),
        ("Lp(q)", 9.0, "normal", "normal"),
    ],
)
def test_a_label_sits_where_a_centred_text_does(
    text: str, size: float, weight: str, style: Literal["normal", "italic"]
) -> None:
    with chart_style():
        theirs = Figure(figsize=(2, 1), dpi=150)
        frame = Frame(theirs, (0.1, 0.1, 0.8, 0.8), (0, 2), (1, 0))
        frame.text(1.0, 0.5, text, ha="center", va="center", fontsize=size,
                   fontweight=weight, style=style, color="black")  # fmt: skip
        ours = Figure(figsize=(2, 1), dpi=150)
        cell_labels(Frame(ours, (0.1, 0.1, 0.8, 0.8), (0, 2), (1, 0)), [(1.0, 0.5)], [text],
                    fontsize=size, colours=["black"], weights=[weight], styles=[style])  # fmt: skip
        (ty, tx), (oy, ox) = _ink(theirs), _ink(ours)
    assert len(oy) > 0.6 * len(ty)  # the same glyphs, filled rather than rendered
    assert (oy.min(), oy.max(), ox.min(), ox.max()) == pytest.approx(
        (ty.min(), ty.max(), tx.min(), tx.max()), abs=1.5
    )
    # centred on the glyphs across (matplotlib: on their box): an italic leans by under a pixel
    assert (oy.mean(), ox.mean()) == pytest.approx((ty.mean(), tx.mean()), abs=1.0)


def test_each_label_has_its_colour() -> None:
    with chart_style():
        fig = Figure(figsize=(2, 1), dpi=150)
        frame = Frame(fig, (0, 0, 1, 1), (0, 2), (0, 1))
        cell_labels(frame, [(0.5, 0.5), (1.5, 0.5)], ["88", "88"], fontsize=12,
                    colours=["#ff0000", "#0000ff"])  # fmt: skip
        canvas = FigureCanvasAgg(fig)
        canvas.draw()  # type: ignore[no-untyped-call]
        pixels = np.asarray(canvas.buffer_rgba())[..., :3].astype(int)  # type: ignore[no-untyped-call]
    left, right = pixels[:, :150], pixels[:, 150:]
    assert ((left[..., 0] > 200) & (left[..., 2] < 60)).sum() > 20  # red on the left
    assert ((right[..., 2] > 200) & (right[..., 0] < 60)).sum() > 20  # blue on the right
    assert not ((left[..., 2] > 200) & (left[..., 0] < 60)).any()


def test_no_labels_draw_nothing() -> None:
    fig = Figure(figsize=(1, 1))
    assert (
        cell_labels(Frame(fig, (0, 0, 1, 1), (0, 1), (0, 1)), [], [], fontsize=7, colours=[])
        is None
    )
    assert not fig.artists
