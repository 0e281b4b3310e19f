"""Shared look of the report's charts: palette (Okabe & Ito 2008), font, matplotlib style, output.

References
----------
.. [1] Okabe, M. and Ito, K. (2008). Color Universal Design (CUD): how to make figures and
   presentations that are friendly to colorblind people. https://jfly.uni-koeln.de/color/
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from functools import cache
from typing import Any, Literal

import matplotlib as mpl
from matplotlib import font_manager
from matplotlib.colors import LinearSegmentedColormap
from matplotlib.figure import Figure as MplFigure

__all__ = [
    "DIVERGING",
    "GRID",
    "INK",
    "MUTED",
    "OKABE_ITO",
    "PAGE_WIDTH_IN",
    "PNG_DPI",
    "SUPPRESSED_FILL",
    "WAVE_COLOURS",
    "WAVE_MARKERS",
    "ImageFormat",
    "chart_style",
    "fixed_margins",
    "nan_of",
    "save_figure",
    "text_width_in",
    "wrap",
]

ImageFormat = Literal["svg", "png"]

#: Okabe & Ito (2008) palette.
OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}
#: Colours and markers for successive waves (the latest wave is drawn last and darkest).
WAVE_COLOURS = ("#56B4E9", "#E69F00", "#0072B2", "#009E73", "#CC79A7", "#D55E00")
WAVE_MARKERS = ("o", "s", "D", "^", "v", "P")
INK = "#1f2933"
MUTED = "#616e7c"
GRID = "#d9dee3"
SUPPRESSED_FILL = "#e4e7eb"
PAGE_WIDTH_IN = 6.6
PNG_DPI = 150

# A diverging map between two Okabe-Ito colours, light in the middle.
DIVERGING = LinearSegmentedColormap.from_list(
    "cop_eval_diverging", ["#D55E00", "#F4C9A8", "#F7F7F7", "#A9CFE8", "#0072B2"]
)


@cache
def _font_family() -> str:
    """Register the bundled Inter font with matplotlib (once) and return its family name."""
    from cop_eval.report.render import templates_dir

    folder = templates_dir() / "fonts"
    names = []
    for name in ("Inter-Regular.otf", "Inter-SemiBold.otf", "Inter-Italic.otf"):
        path = folder / name
        if path.is_file():
            font_manager.fontManager.addfont(str(path))
            names.append(font_manager.FontProperties(fname=str(path)).get_name())
    return names[0] if names else "DejaVu Sans"


@contextmanager
def chart_style() -> Iterator[None]:
    rc: Any = {
        "svg.fonttype": "path",
        "svg.hashsalt": "cop-eval",
        "font.family": [_font_family()],
        "font.size": 8.5,
        "axes.edgecolor": MUTED,
        "axes.labelcolor": INK,
        "axes.titlesize": 9,
        "axes.titleweight": "semibold",
        "axes.titlecolor": INK,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.color": MUTED,
        "ytick.color": MUTED,
        "xtick.labelcolor": INK,
        "ytick.labelcolor": INK,
        "legend.frameon": False,
        "hatch.color": "#9aa5b1",
        "hatch.linewidth": 0.6,
        "path.simplify": True,
        # Labels are the user's text (scale, subgroup and wave names): never mathtext, where
        # "$...$" would be typeset and an unbalanced "$\frac{$" would stop the report.
        "text.parse_math": False,
    }
    with mpl.rc_context(rc):
        yield


def save_figure(fig: MplFigure, fmt: ImageFormat) -> bytes:
    """The figure as SVG (text as paths), or as an RGB PNG at :data:`PNG_DPI`.

    The PNG has no alpha channel: the charts are drawn on white, so it carries nothing, and
    WeasyPrint would split it out of every image into a soft mask of its own. zlib's fastest
    level encodes in two thirds of the time of its default for 5% more bytes.
    """
    import numpy as np
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from PIL import Image

    buffer = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buffer, format="svg", metadata={"Date": None})
        return buffer.getvalue()
    fig.set_dpi(PNG_DPI)
    canvas = FigureCanvasAgg(fig)
    canvas.draw()  # type: ignore[no-untyped-call]
    rgba = np.asarray(canvas.buffer_rgba())  # type: ignore[no-untyped-call]
    rgb = rgba[..., :3]
    if rgba[..., 3].min() < 255:  # something see-through: as on the white page
        alpha = rgba[..., 3:].astype(np.float32) / 255
        rgb = np.round(rgb * alpha + 255 * (1 - alpha)).astype(np.uint8)
    Image.fromarray(np.ascontiguousarray(rgb), "RGB").save(
        buffer, format="png", compress_level=1, dpi=(PNG_DPI, PNG_DPI)
    )
    return buffer.getvalue()


@cache
def _measurer() -> Any:
    from matplotlib.textpath import TextToPath

    return TextToPath()


def text_width_in(texts: Iterable[str], fontsize: float, weight: str = "normal") -> float:
    """The widest line of ``texts`` in inches, in the chart font at ``fontsize`` points.

    Measured from the font's glyph advances (no figure, no renderer): what a fixed layout
    needs to leave room for tick labels without matplotlib's layout engines, which measure
    every artist of the figure in an extra pass (half the drawing time of a chart).
    """
    prop = font_manager.FontProperties(family=[_font_family()], size=fontsize, weight=weight)
    measure = _measurer().get_text_width_height_descent
    lines = [line for text in texts for line in text.split("\n") if line]
    return max((measure(line, prop, ismath=False)[0] for line in lines), default=0.0) / 72


def fixed_margins(
    fig: MplFigure, *, left: float, right: float, top: float, bottom: float, **gaps: float
) -> None:
    """Place the subplot grid with margins in inches (``gaps``: ``wspace``/``hspace``)."""
    width, height = fig.get_size_inches()
    fig.subplots_adjust(
        left=left / width,
        right=1 - right / width,
        top=1 - top / height,
        bottom=bottom / height,
        **gaps,
    )


def wrap(text: str, width: int) -> str:
    return "\n".join(textwrap.wrap(text, width=width, break_long_words=True)) or text


def nan_of(value: float | None) -> float:
    return math.nan if value is None else float(value)
