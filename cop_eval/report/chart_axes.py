"""Tick labels, tick marks, grid lines and axis labels drawn as a few plain artists.

matplotlib makes a ``Tick`` for every tick of an axis: three lines and two texts, each built
with its own properties, each measured again by the axis before it draws (about 1.7 ms of
CPU per tick; the seven trend charts of the demo have 400 of them, a default axis alone
costs ~25 ms). The report's charts know their ticks in advance, so they draw them here: one
``Line2D`` of tick markers per axis (what a ``Tick`` draws its mark with), one
``LineCollection`` of grid lines, and one text per label, at the places matplotlib puts them
(the tick's length plus its pad outside the spine, the same alignment). The axis of the
``Axes`` itself is left without ticks.

Heights come from the chart font's own metrics, as matplotlib's text layout computes them
(each line ``linespacing`` times ascent plus descent), so an axis label sits below its tick
labels without measuring them in a drawing pass.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any, Literal, TypeVar

import numpy as np
from matplotlib import font_manager
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import Collection, LineCollection, QuadMesh
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Polygon
from matplotlib.text import Text
from matplotlib.ticker import MaxNLocator
from matplotlib.transforms import (
    Bbox,
    BboxTransformFrom,
    BboxTransformTo,
    Transform,
    TransformedBbox,
    blended_transform_factory,
)

from cop_eval.report.chart_style import INK, MUTED

__all__ = [
    "LABEL_PAD_PT",
    "TICK_PAD_PT",
    "TICK_SIZE_PT",
    "Frame",
    "auto_ticks",
    "axes_title",
    "axis_label",
    "bare",
    "colour_bar",
    "font_metrics_em",
    "grid_lines",
    "text_height_pt",
    "tick_text",
    "ticks",
]

#: matplotlib's defaults (``xtick.major.size``, ``.pad``, ``.width``; ``axes.labelpad``).
TICK_SIZE_PT = 3.5
TICK_PAD_PT = 3.5
TICK_WIDTH_PT = 0.8
LABEL_PAD_PT = 4.0

Side = Literal["bottom", "top", "left"]
H = TypeVar("H", "Axes", "Frame")


@cache
def font_metrics_em() -> tuple[float, float]:
    """Ascent and descent (positive) of the chart font, in ems: its OS/2 typographic metrics,
    which matplotlib's text layout takes for every line."""
    from matplotlib.ft2font import FT2Font

    from cop_eval.report.chart_style import _font_family

    prop = font_manager.FontProperties(family=[_font_family()])
    font = FT2Font(font_manager.fontManager.findfont(prop))
    units = int(font.get_sfnt_table("head")["unitsPerEm"])  # type: ignore[index]
    os2 = font.get_sfnt_table("OS/2")
    if os2 is not None:  # as matplotlib's text layout: OS/2 first, then hhea
        ascent, descent = int(os2["sTypoAscender"]), int(os2["sTypoDescender"])  # type: ignore[call-overload]
    else:
        hhea = font.get_sfnt_table("hhea")
        ascent, descent = int(hhea["ascent"]), int(hhea["descent"])  # type: ignore[index, call-overload]
    return ascent / units, -descent / units


def _line_em() -> float:
    ascent, descent = font_metrics_em()
    return ascent + descent


def text_height_pt(lines: int, fontsize: float, linespacing: float | None = None) -> float:
    """The height of a text of ``lines`` lines as matplotlib lays it out, in points.

    matplotlib's default line spacing ("normal") gives each line the font's ascent plus
    descent; a number ``linespacing`` gives each line that many times as much.
    """
    return lines * (linespacing or 1.0) * _line_em() * fontsize


class Frame:
    """A rectangle of a figure with data limits, to draw in as in an ``Axes``, without one.

    An ``Axes`` costs ~9 ms of CPU to make (its two axes, four ``Tick`` objects, a dozen
    texts) even when it draws no axis; a chart of eight small panels spent a third of its time
    making them. A frame is only the transforms an ``Axes`` has (``transData``, ``transAxes``
    and the blended ones); what is drawn in it is added to the figure.

    Parameters
    ----------
    fig
        The figure.
    rect
        ``(left, bottom, width, height)`` in figure fractions, as ``Figure.add_axes`` takes.
    xlim, ylim
        The data limits at the left and right (bottom and top) edges; reversed limits flip.
    """

    def __init__(
        self,
        fig: Figure,
        rect: tuple[float, float, float, float],
        xlim: tuple[float, float],
        ylim: tuple[float, float],
    ) -> None:
        self.figure = fig
        self.bbox = TransformedBbox(Bbox.from_bounds(*rect), fig.transFigure)
        self.transAxes = BboxTransformTo(self.bbox)
        limits = Bbox.from_extents(xlim[0], ylim[0], xlim[1], ylim[1])
        self.transData = BboxTransformFrom(limits) + self.transAxes

    @classmethod
    def of_subplot(cls, fig: Figure, xlim: tuple[float, float], ylim: tuple[float, float]) -> Frame:
        """The frame where ``fig.add_subplot()`` would put its ``Axes`` (the figure's subplot
        parameters, e.g. from :func:`~cop_eval.report.chart_style.fixed_margins`)."""
        p = fig.subplotpars
        return cls(fig, (p.left, p.bottom, p.right - p.left, p.top - p.bottom), xlim, ylim)

    def get_xaxis_transform(self) -> Transform:
        """x in data, y in frame fractions (as ``Axes.get_xaxis_transform``)."""
        return blended_transform_factory(self.transData, self.transAxes)

    def get_yaxis_transform(self) -> Transform:
        """x in frame fractions, y in data (as ``Axes.get_yaxis_transform``)."""
        return blended_transform_factory(self.transAxes, self.transData)

    def add_artist(self, artist: Artist, *, clip: bool = False) -> Artist:
        """Add ``artist`` to the figure; ``clip``: clipped to the frame, as an ``Axes`` clips
        what it plots."""
        if clip:
            artist.set_clip_box(self.bbox)
        else:
            artist.set_clip_on(False)
        self.figure.add_artist(artist)
        return artist

    def text(self, x: float, y: float, label: str, **props: Any) -> Text:
        """A text at ``(x, y)`` in data, not clipped (as ``Axes.text``)."""
        text = Text(x, y, label, transform=self.transData, **props)
        self.add_artist(text)
        return text

    def add_collection(self, collection: Collection) -> Collection:
        """A collection in data, clipped to the frame (as ``Axes.add_collection``)."""
        collection.set_transform(self.transData)
        self.add_artist(collection, clip=True)
        return collection


Host = Axes | Frame


def _figure(host: Host) -> Figure:
    figure = host.figure if isinstance(host, Frame) else host.get_figure(root=True)
    assert isinstance(figure, Figure)  # an Axes is made by a figure
    return figure


def _offset(ax: Host, base: Transform, dx_pt: float, dy_pt: float) -> Transform:
    from matplotlib.transforms import ScaledTranslation

    return base + ScaledTranslation(dx_pt / 72, dy_pt / 72, _figure(ax).dpi_scale_trans)


def _text(ax: Host, x: float, y: float, label: str, **props: Any) -> Text:
    text = Text(x, y, label, clip_on=False, **props)
    ax.add_artist(text)
    return text


def bare(ax: H, *spines: Literal["left", "bottom", "right", "top"]) -> H:
    """``ax`` without matplotlib's axes (``set_axis_off``: no ``Tick`` is ever made, not even
    the one an axis makes when it draws none) and with the named spines drawn as lines; a
    :class:`Frame` has no axes to begin with."""
    if isinstance(ax, Axes):
        ax.set_axis_off()
    ends = {
        "left": ((0, 0), (0, 1)),
        "right": ((1, 1), (0, 1)),
        "bottom": ((0, 1), (0, 0)),
        "top": ((0, 1), (1, 1)),
    }
    for spine in spines:
        xs, ys = ends[spine]
        ax.add_artist(
            Line2D(xs, ys, transform=ax.transAxes, color=MUTED, linewidth=0.8,
                   solid_capstyle="projecting", clip_on=False, zorder=2.5)
        )  # fmt: skip
    return ax


def ticks(
    ax: Host,
    side: Side,
    positions: Sequence[float],
    labels: Sequence[str] | None,
    *,
    fontsize: float = 8.5,
    length: float = TICK_SIZE_PT,
    rotation: float = 0,
    **text: Any,
) -> list[Text]:
    """Tick marks (``length`` points, 0 for none) and labels (None: none) on one side of ``ax``.

    ``text`` goes to every label (``linespacing``, ``fontweight``, ...). ``ax`` should be
    :func:`bare`: its own axis would draw matplotlib's ticks as well.
    """
    horizontal = side in ("bottom", "top")
    base = ax.get_xaxis_transform() if horizontal else ax.get_yaxis_transform()
    edge = 1.0 if side == "top" else 0.0
    if length > 0 and positions:
        # matplotlib.markers.TICKDOWN, TICKUP and TICKLEFT, the marks a Tick draws
        marks: dict[str, Literal[0, 2, 3]] = {"bottom": 3, "top": 2, "left": 0}
        marker = marks[side]
        xs, ys = (positions, [edge] * len(positions))
        ax.add_artist(
            Line2D(
                *((xs, ys) if horizontal else (ys, xs)),
                transform=base,
                linestyle="none",
                marker=marker,
                markersize=length,
                markeredgewidth=TICK_WIDTH_PT,
                color=MUTED,
                clip_on=False,
                zorder=1.5,
            )
        )
    if labels is None:
        return []
    away = length + TICK_PAD_PT
    shift = {"bottom": (0.0, -away), "top": (0.0, away), "left": (-away, 0.0)}[side]
    transform = _offset(ax, base, *shift)
    align = {
        "bottom": {"ha": "center", "va": "top"},
        "top": {"ha": "center", "va": "bottom"},
        "left": {"ha": "right", "va": "center_baseline"},
    }[side]
    options: dict[str, Any] = {"color": INK, **align, **text}
    return [
        _text(
            ax,
            *((p, edge) if horizontal else (edge, p)),
            label,
            transform=transform,
            fontsize=fontsize,
            rotation=rotation,
            **options,
        )
        for p, label in zip(positions, labels, strict=True)
    ]


def grid_lines(ax: Host, axis: Literal["x", "y"], positions: Sequence[float], **line: Any) -> None:
    """Grid lines across ``ax`` at ``positions`` (one collection, below everything drawn)."""
    options: dict[str, Any] = {"zorder": 0.5, **line}
    if axis == "x":
        segments = [[(p, 0.0), (p, 1.0)] for p in positions]
        transform = ax.get_xaxis_transform()
    else:
        segments = [[(0.0, p), (1.0, p)] for p in positions]
        transform = ax.get_yaxis_transform()
    ax.add_artist(LineCollection(segments, transform=transform, **options))


def axes_title(ax: Host, title: str, *, fontsize: float = 9.0, **text: Any) -> Text:
    """A title over the left of ``ax``, where matplotlib puts ``set_title(loc="left")`` (its
    baseline ``axes.titlepad``, 6 points, above the axes) without measuring the axes for it."""
    options: dict[str, Any] = {"fontweight": "semibold", "color": INK, **text}
    return _text(ax, 0.0, 1.0, title, transform=_offset(ax, ax.transAxes, 0.0, 6.0), ha="left",
                 va="baseline", fontsize=fontsize, **options)  # fmt: skip


def axis_label(
    ax: Host,
    side: Literal["bottom", "left"],
    label: str,
    *,
    away_pt: float,
    fontsize: float = 8.5,
    **text: Any,
) -> Text:
    """An axis label ``away_pt`` points outside the spine (past the tick labels), centred."""
    if side == "bottom":
        transform = _offset(ax, ax.transAxes, 0.0, -away_pt)
        return _text(ax, 0.5, 0.0, label, transform=transform, ha="center", va="top",
                     fontsize=fontsize, color=INK, **text)  # fmt: skip
    transform = _offset(ax, ax.transAxes, -away_pt, 0.0)
    return _text(ax, 0.0, 0.5, label, transform=transform, ha="right", va="center", rotation=90,
                 fontsize=fontsize, color=INK, **text)  # fmt: skip


def auto_ticks(
    vmin: float, vmax: float, length_in: float, fontsize: float, *, x: bool
) -> list[float]:
    """The ticks matplotlib's ``AutoLocator`` gives an axis ``length_in`` inches long.

    The same rule as ``XAxis``/``YAxis.get_tick_space`` (a label takes three times its font
    size across, twice up) and at most nine intervals, in the view limits.
    """
    nbins = max(1, min(int(length_in * 72 // (fontsize * (3 if x else 2))), 9))
    low, high = min(vmin, vmax), max(vmin, vmax)
    slack = (high - low) * 1e-10
    values = MaxNLocator(nbins=nbins, steps=[1, 2, 2.5, 5, 10]).tick_values(low, high)
    return [float(v) for v in values if low - slack <= v <= high + slack]


def tick_text(values: Sequence[float], *, percent: bool = False) -> list[str]:
    """Labels as matplotlib's default formatter writes them: the same number of decimals for
    all, as few as tell them apart, a true minus sign (``percent``: share of 1 as ``40%``)."""
    if percent:
        return [f"{round(v * 100):.0f}%".replace("-", "\N{MINUS SIGN}") for v in values]
    decimals = 0
    while decimals < 6 and any(abs(v - round(v, decimals)) > 1e-9 for v in values):
        decimals += 1
    return [f"{v:.{decimals}f}".replace("-", "\N{MINUS SIGN}") for v in values]


def colour_bar(
    fig: Figure,
    rect: tuple[float, float, float, float],
    cmap: Colormap,
    norm: Normalize,
    label: str,
    *,
    extend: bool = False,
    fontsize: float = 6.5,
    label_size: float = 7.0,
) -> Frame:
    """A horizontal colour bar at ``rect`` (figure fractions), its ticks and label beneath.

    The bar is one image of the map (and, with ``extend``, a triangle at each end in the map's
    end colours, 5% of its length, as matplotlib's ``extend="both"``); ticks at the values
    matplotlib's ``AutoLocator`` chooses for the bar's length, placed through ``norm``.
    """
    if extend:  # the triangles lie within ``rect``, as matplotlib's do
        x0, y0, w, h = rect
        rect = (x0 + w * 0.05 / 1.1, y0, w / 1.1, h)
    cax = Frame(fig, rect, (0.0, 1.0), (0.0, 1.0))
    # One row of quads in the map's colours, as matplotlib's colour bar draws it.
    edges = np.linspace(0.0, 1.0, cmap.N + 1)
    grid = np.stack(np.meshgrid(edges, [0.0, 1.0]), axis=-1)
    mesh = QuadMesh(grid, transform=cax.transAxes, cmap=cmap, norm=Normalize(0.0, 1.0),
                    antialiased=False, edgecolors="none", linewidth=0)  # fmt: skip
    mesh.set_array((edges[:-1] + edges[1:]) / 2)
    cax.add_artist(mesh)
    if extend:
        for end, tip in ((0.0, -0.05), (1.0, 1.05)):
            cax.add_artist(
                Polygon(
                    [(end, 0.0), (end, 1.0), (tip, 0.5)],
                    closed=True,
                    facecolor=cmap(end),
                    edgecolor="none",
                    transform=cax.transAxes,
                )
            )
    low, high = float(norm.vmin), float(norm.vmax)  # type: ignore[arg-type]
    values = auto_ticks(low, high, rect[2] * fig.get_size_inches()[0], fontsize, x=True)
    positions = [float(norm(v)) for v in values]
    ticks(cax, "bottom", positions, tick_text(values), fontsize=fontsize)
    away = TICK_SIZE_PT + TICK_PAD_PT + text_height_pt(1, fontsize) + LABEL_PAD_PT
    axis_label(cax, "bottom", label, away_pt=away, fontsize=label_size)
    return cax
