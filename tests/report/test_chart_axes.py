"""The charts' own ticks land where matplotlib's would, with matplotlib's numbers, and no chart
makes matplotlib ``Tick`` objects beyond the few every ``Axes`` makes when it is created."""

from __future__ import annotations

import pytest
from matplotlib import axis as mpl_axis
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from cop_eval.report.chart_axes import (
    Frame,
    auto_ticks,
    axes_title,
    axis_label,
    bare,
    text_height_pt,
    tick_text,
    ticks,
)
from cop_eval.report.chart_style import chart_style, text_width_in
from cop_eval.report.charts import draw_chart
from cop_eval.report.model import (
    CycleDiagram,
    DotPlot,
    GapHeatmap,
    Heatmap,
    Series,
    StackedBars,
    TrendPanel,
    TrendPanels,
    ValueCycle,
)

# (low, high, axis length in inches, label size, along x)
RANGES = [
    (1, 5, 1.3, 8.5, False),
    (1, 5, 5.2, 8.5, True),
    (1, 7, 4.0, 8.5, True),
    (0, 1, 5.0, 8.5, True),
    (-1, 1, 2.6, 6.5, True),
    (-0.5, 0.5, 2.0, 6.5, True),
    (0, 100, 1.6, 8.5, False),
    (2.5, 3.25, 3.0, 7.0, True),
]


def _figure(length: float, along_x: bool) -> tuple[Figure, object]:
    fig = Figure(figsize=(length + 1, 2) if along_x else (2, length + 1), dpi=150)
    ax = fig.add_axes(
        (0.5 / (length + 1), 0.25, length / (length + 1), 0.5)
        if along_x
        else (0.25, 0.5 / (length + 1), 0.5, length / (length + 1))
    )
    return fig, ax


@pytest.mark.parametrize("low, high, length, size, along_x", RANGES)
def test_auto_ticks_are_matplotlibs(
    low: float, high: float, length: float, size: float, along_x: bool
) -> None:
    with chart_style():
        fig, ax = _figure(length, along_x)
        axis = ax.xaxis if along_x else ax.yaxis  # type: ignore[attr-defined]
        (ax.set_xlim if along_x else ax.set_ylim)(low, high)  # type: ignore[attr-defined]
        ax.tick_params(labelsize=size)  # type: ignore[attr-defined]
        FigureCanvasAgg(fig).draw()
        # What Axis._update_ticks shows: the locator's ticks, labelled together, in the view.
        locs = list(axis.get_majorticklocs())
        texts = axis.get_major_formatter().format_ticks(locs)
        slack = (high - low) * 1e-10
        inside = [i for i, v in enumerate(locs) if low - slack <= v <= high + slack]
        expected = [locs[i] for i in inside]
        labels = [texts[i] for i in inside]
    ours = auto_ticks(low, high, length, size, x=along_x)
    assert ours == pytest.approx(expected)
    assert tick_text(ours) == labels


def test_percent_labels() -> None:
    assert tick_text([0.0, 0.2, 0.4, 1.0], percent=True) == ["0%", "20%", "40%", "100%"]


@pytest.mark.parametrize("side", ["bottom", "top", "left"])
@pytest.mark.parametrize("length", [0.0, 3.5])
def test_tick_labels_sit_where_matplotlibs_do(side: str, length: float) -> None:
    """The label's box in pixels is matplotlib's own tick label's, within a pixel."""
    labels = ["Mar 2025\nn = 46", "Sep 2025\nn = 7"] if side != "left" else ["HR (n = 5)", "B"]
    with chart_style():
        theirs_fig = Figure(figsize=(4, 3), dpi=150)
        theirs = theirs_fig.add_axes((0.3, 0.2, 0.6, 0.6))
        ours_fig = Figure(figsize=(4, 3), dpi=150)
        ours = bare(ours_fig.add_axes((0.3, 0.2, 0.6, 0.6)))
        for ax in (theirs, ours):
            ax.set_xlim(-0.5, 1.5)
            ax.set_ylim(-0.5, 1.5)
        if side == "left":
            theirs.set_yticks([0, 1], labels, fontsize=7.5)
        else:
            theirs.set_xticks([0, 1], labels, fontsize=7.5)
            if side == "top":
                theirs.xaxis.tick_top()
        theirs.tick_params(length=length)
        drawn = ticks(ours, side, [0, 1], labels, fontsize=7.5, length=length)  # type: ignore[arg-type]
        theirs_canvas, ours_canvas = FigureCanvasAgg(theirs_fig), FigureCanvasAgg(ours_fig)
        theirs_canvas.draw()
        ours_canvas.draw()
        axis = theirs.yaxis if side == "left" else theirs.xaxis
        their_labels = [(t.label2 if side == "top" else t.label1) for t in axis.get_major_ticks()]
        for mine, reference in zip(drawn, their_labels, strict=True):
            a = mine.get_window_extent(ours_canvas.get_renderer())
            b = reference.get_window_extent(theirs_canvas.get_renderer())
            assert mine.get_text() == reference.get_text()
            assert (a.x0, a.y0, a.x1, a.y1) == pytest.approx((b.x0, b.y0, b.x1, b.y1), abs=1.0)


@pytest.mark.parametrize(
    "lines, size, spacing", [(1, 8.5, None), (2, 7.0, None), (1, 6.5, 1.2), (3, 7.0, 1.1)]
)
def test_text_height_is_matplotlibs_layout(lines: int, size: float, spacing: float | None) -> None:
    with chart_style():
        fig = Figure(figsize=(3, 3), dpi=72)
        canvas = FigureCanvasAgg(fig)
        options = {} if spacing is None else {"linespacing": spacing}
        text = fig.text(0.1, 0.5, "\n".join(["Lp"] * lines), fontsize=size, **options)
        height = text.get_window_extent(canvas.get_renderer()).height  # 72 dpi: points
    assert text_height_pt(lines, size, spacing) == pytest.approx(height, abs=0.05)


def test_axis_label_under_ticks_sits_where_matplotlibs_does() -> None:
    with chart_style():
        theirs_fig = Figure(figsize=(4, 3), dpi=150)
        theirs = theirs_fig.add_axes((0.2, 0.3, 0.7, 0.6))
        theirs.set_xlim(1, 5)
        theirs.set_xticks([1, 3, 5])
        theirs.set_xlabel("Mean score")
        ours_fig = Figure(figsize=(4, 3), dpi=150)
        ours = bare(ours_fig.add_axes((0.2, 0.3, 0.7, 0.6)), "bottom")
        ours.set_xlim(1, 5)
        ticks(ours, "bottom", [1, 3, 5], ["1", "3", "5"])
        away = 3.5 + 3.5 + text_height_pt(1, 8.5) + 4.0
        label = axis_label(ours, "bottom", "Mean score", away_pt=away)
        theirs_canvas, ours_canvas = FigureCanvasAgg(theirs_fig), FigureCanvasAgg(ours_fig)
        theirs_canvas.draw()
        ours_canvas.draw()
        a = label.get_window_extent(ours_canvas.get_renderer())
        b = theirs.xaxis.label.get_window_extent(theirs_canvas.get_renderer())
    assert (a.x0, a.y0, a.x1, a.y1) == pytest.approx((b.x0, b.y0, b.x1, b.y1), abs=1.0)


def test_axis_label_and_title_sit_where_matplotlibs_do() -> None:
    with chart_style():
        theirs_fig = Figure(figsize=(4, 3), dpi=150)
        theirs = theirs_fig.add_axes((0.3, 0.2, 0.6, 0.6))
        theirs.set_ylim(1, 5)
        theirs.set_yticks([1, 3, 5], ["1", "3", "5"])
        theirs.set_xticks([])
        theirs.set_ylabel("Mean score", fontsize=7.5)
        theirs.set_title("Membership", fontsize=8, loc="left")
        ours_fig = Figure(figsize=(4, 3), dpi=150)
        ours = bare(ours_fig.add_axes((0.3, 0.2, 0.6, 0.6)))
        ours.set_ylim(1, 5)
        ticks(ours, "left", [1, 3, 5], ["1", "3", "5"])
        away = 3.5 + 3.5 + 72 * text_width_in(["1", "3", "5"], 8.5) + 4.0
        label = axis_label(ours, "left", "Mean score", away_pt=away, fontsize=7.5)
        title = axes_title(ours, "Membership", fontsize=8)
        theirs_canvas, ours_canvas = FigureCanvasAgg(theirs_fig), FigureCanvasAgg(ours_fig)
        theirs_canvas.draw()
        ours_canvas.draw()
        for mine, reference in ((label, theirs.yaxis.label), (title, theirs._left_title)):
            a = mine.get_window_extent(ours_canvas.get_renderer())
            b = reference.get_window_extent(theirs_canvas.get_renderer())
            assert (a.x0, a.y0, a.x1, a.y1) == pytest.approx((b.x0, b.y0, b.x1, b.y1), abs=1.5)


TRICKY = "Budget $\\frac{$ team"  # mathtext markup that matplotlib cannot parse
CHARTS = [
    CycleDiagram((TRICKY, "Identity", "Reflection"), (3.8, 3.6, None), 1),
    DotPlot(
        (TRICKY, "B"), (Series("W1", (3.0, None), (2.5, None), (3.5, None), n=12),), 1, 5, "Mean"
    ),
    StackedBars((TRICKY, "W2"), ("Low", "High"), ((0.4, 0.6), (0.2, 0.8)), (10, 12)),
    TrendPanels(
        tuple(
            TrendPanel(f"{TRICKY} {i}", ("W1", "W2"), (3.0, 3.4), (2.8, 3.1), (3.2, 3.7), (20, 22))
            for i in range(5)
        ),
        1,
        5,
    ),
    Heatmap((TRICKY, "Small"), ("S1", "S2"), ((3.2, 4.1), (None, None)), (12, None), 1, 5, 3),
    GapHeatmap(
        ("All respondents", TRICKY, "Small"),
        ("S1", "S2"),
        ((3.3, 3.9), (3.2, 4.1), (None, None)),
        ((0.0, 0.0), (-0.1, 0.2), (None, None)),
        ((False, False), (False, True), (False, False)),
        (30, 12, None),
        1.0,
    ),
    ValueCycle(
        (TRICKY, "Applied", "Changed", "Reframed", "Beyond"),
        (3.5, 3.2, None, 2.9, 2.5),
        3.0,
        2,
        ("W1", "W2"),
        ((0.9, 0.7, 0.5, 0.4, 0.2), (0.95, 0.8, 0.6, 0.5, 0.3)),
        (40, 42),
    ),
]


@pytest.mark.parametrize("chart", CHARTS, ids=lambda c: c.chart)
def test_labels_are_text_not_mathtext(chart: object) -> None:
    assert draw_chart(chart, "png")[:4] == b"\x89PNG"  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "chart",
    CHARTS,
    ids=lambda c: c.chart,
)
def test_charts_make_no_ticks_of_their_own(chart: object, monkeypatch: pytest.MonkeyPatch) -> None:
    """Every ``Axes`` makes four ``Tick`` objects when it is created (its axes' lazy lists);
    a chart whose axes are all :func:`bare` makes no more than that."""
    made: list[object] = []
    axes_made: list[object] = []
    tick_init = mpl_axis.Tick.__init__
    axes_init = Axes.__init__

    def counting_tick(self: object, *args: object, **kwargs: object) -> None:
        made.append(self)
        tick_init(self, *args, **kwargs)  # type: ignore[arg-type]

    def counting_axes(self: Axes, *args: object, **kwargs: object) -> None:
        axes_made.append(self)
        axes_init(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(mpl_axis.Tick, "__init__", counting_tick)
    monkeypatch.setattr(Axes, "__init__", counting_axes)
    draw_chart(chart, "png")  # type: ignore[arg-type]
    assert len(made) <= 4 * len(axes_made)


@pytest.mark.parametrize("xlim, ylim", [((0, 4), (1, 5)), ((-0.4, 2.4), (6, 0))])
def test_a_frame_maps_data_as_an_axes_does(
    xlim: tuple[float, float], ylim: tuple[float, float]
) -> None:
    fig = Figure(figsize=(5, 3), dpi=150)
    rect = (0.2, 0.15, 0.6, 0.7)
    ax = fig.add_axes(rect)
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    frame = Frame(fig, rect, xlim, ylim)
    points = [(xlim[0], ylim[0]), (xlim[1], ylim[1]), (1.3, 2.7)]
    for ours, theirs in (
        (frame.transData, ax.transData),
        (frame.transAxes, ax.transAxes),
        (frame.get_xaxis_transform(), ax.get_xaxis_transform()),
        (frame.get_yaxis_transform(), ax.get_yaxis_transform()),
    ):
        assert ours.transform(points) == pytest.approx(theirs.transform(points))
    fig.subplots_adjust(left=0.1, right=0.7, bottom=0.2, top=0.9)
    inside = Frame.of_subplot(fig, xlim, ylim)
    assert inside.bbox.bounds == pytest.approx(fig.add_subplot().bbox.bounds)


def test_png_is_rgb_at_its_resolution() -> None:
    from io import BytesIO

    from PIL import Image

    image = Image.open(BytesIO(draw_chart(CHARTS[1], "png")))  # type: ignore[arg-type]
    assert image.mode == "RGB"  # no alpha channel for WeasyPrint to split out
    assert image.info["dpi"] == pytest.approx((150, 150), abs=0.05)  # pHYs: per metre
    assert image.size[0] == round(6.6 * 150)
