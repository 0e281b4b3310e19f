"""Render a :class:`~cop_eval.report.model.ReportModel` to HTML and PDF.

Jinja2 with autoescaping on for every template and ``StrictUndefined`` (a typo in a template is an
error, not an empty string); numbers are formatted only by the filters in
:mod:`cop_eval.report.filters`. Charts are drawn by :mod:`cop_eval.report.charts` and embedded as
``data:`` URIs, so the HTML is one self-contained file.

WeasyPrint turns the HTML into PDF. Its URL fetcher is :class:`LocalResourceFetcher`: it serves
``data:`` URIs and files inside the package's template folder, and refuses everything else — a
report never makes a network request, whatever a group name or title contains.
"""

from __future__ import annotations

import base64
import logging
import re
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

import jinja2

from cop_eval.report.collector import LAYOUT_GC_THRESHOLD, fewer_collections
from cop_eval.report.filters import FILTERS
from cop_eval.report.model import ReportModel

if TYPE_CHECKING:  # matplotlib (~0.3 s to import) only where a chart is drawn
    from cop_eval.report.chart_pool import ChartPool
    from cop_eval.report.chart_style import ImageFormat

#: Pixels per inch of the PNG charts (cop_eval.report.chart_style.PNG_DPI; a test keeps the two
#: equal without importing matplotlib here).
PNG_DPI = 150

__all__ = [
    "LAYOUT_GC_THRESHOLD",
    "ChartImage",
    "LocalResourceFetcher",
    "chart_image",
    "chart_images",
    "environment",
    "fewer_collections",
    "font_css",
    "make_environment",
    "render_html",
    "render_html_to_pdf",
    "render_pdf",
    "templates_dir",
]

#: The font files the report uses (regular, italic, semibold), in ``templates/fonts``.
FONT_FACES = (
    ("Inter-Regular.otf", "normal", 400),
    ("Inter-Italic.otf", "italic", 400),
    ("Inter-SemiBold.otf", "normal", 600),
    ("Inter-Bold.otf", "normal", 700),
)


def templates_dir() -> Path:
    """The folder of report templates, CSS and fonts (in the wheel, or in a source checkout)."""
    packaged = resources.files("cop_eval") / "_resources" / "templates"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "reports" / "templates"


def make_environment(folder: Path | None = None) -> jinja2.Environment:
    """The Jinja environment: autoescape on for every template, strict undefined, our filters."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(folder or templates_dir())),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(FILTERS)
    return env


@cache
def environment() -> jinja2.Environment:
    return make_environment()


def font_css(inline: bool) -> str:
    """``@font-face`` rules: relative file URLs (for WeasyPrint) or ``data:`` URIs (standalone)."""
    rules = []
    folder = templates_dir() / "fonts"
    for name, style, weight in FONT_FACES:
        if inline:
            data = base64.b64encode((folder / name).read_bytes()).decode("ascii")
            src = f"url(data:font/otf;base64,{data}) format('opentype')"
        else:
            src = f"url('fonts/{name}') format('opentype')"
        rules.append(
            f"@font-face {{ font-family: 'Inter'; font-style: {style}; "
            f"font-weight: {weight}; src: {src}; }}"
        )
    return "\n".join(rules)


def _data_uri(payload: bytes, fmt: ImageFormat) -> str:
    mime = "image/svg+xml" if fmt == "svg" else "image/png"
    return f"data:{mime};base64,{base64.b64encode(payload).decode('ascii')}"


@dataclass(frozen=True)
class ChartImage:
    """A drawn chart: its ``data:`` URI and its width as drawn (CSS length, e.g. ``6.6in``)."""

    uri: str
    width: str


def _width(payload: bytes, fmt: ImageFormat) -> str:
    if fmt == "png":  # IHDR width (pixels) at 150 dpi
        return f"{int.from_bytes(payload[16:20], 'big') / PNG_DPI:.3f}in"
    match = re.search(rb'<svg[^>]*\swidth="([0-9.]+)pt"', payload[:2000])
    return f"{float(match.group(1)) / 72:.3f}in" if match else "100%"


def chart_image(payload: bytes, fmt: ImageFormat = "png") -> ChartImage:
    """A drawn chart (:func:`cop_eval.report.charts.draw_chart`'s bytes) as a :class:`ChartImage`."""
    return ChartImage(_data_uri(payload, fmt), _width(payload, fmt))


def chart_images(
    model: ReportModel, fmt: ImageFormat = "png", *, pool: ChartPool | None = None
) -> dict[str, ChartImage]:
    """Draw every figure once: ``{figure id: ChartImage}`` (pass to :func:`render_html`).

    With a :class:`~cop_eval.report.chart_pool.ChartPool`, a helper process draws half of them.
    """
    figures = list(model.figures())
    specs = [figure.chart for figure in figures]
    if pool is not None:
        payloads = pool.draw(specs, fmt)
    else:
        from cop_eval.report.charts import draw_chart

        with fewer_collections():
            payloads = [draw_chart(s, fmt) for s in specs]
    return {
        figure.id: chart_image(payload, fmt)
        for figure, payload in zip(figures, payloads, strict=True)
    }


def render_html(
    model: ReportModel,
    *,
    standalone: bool = True,
    image_format: ImageFormat = "png",
    images: dict[str, ChartImage] | None = None,
) -> str:
    """Render the report as HTML.

    Parameters
    ----------
    model
        The report.
    standalone
        True (default): fonts and CSS inline, so the file opens anywhere without requests.
        False: fonts referenced relative to the template folder (what WeasyPrint uses).
    image_format
        ``"svg"`` (path-based text) or ``"png"`` for the charts.
    images
        Pre-drawn chart data URIs by figure id (to share charts between HTML and PDF).

    Returns
    -------
    str
        The HTML document.
    """
    env = environment()
    css = (templates_dir() / "report.css").read_text(encoding="utf-8")
    template = env.get_template("report.html.j2")
    return template.render(
        model=model,
        meta=model.meta,
        sections=model.sections,
        images=images if images is not None else chart_images(model, image_format),
        css=css,
        font_css=font_css(inline=standalone),
    )


@dataclass
class LocalResourceFetcher:
    """A WeasyPrint URL fetcher that serves only ``data:`` URIs and files under ``root``.

    Every URL asked for is recorded in ``requests`` (tests check that no ``http:`` URL was asked
    for); every refused URL in ``refused``.
    """

    root: Path
    requests: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)

    def allows(self, url: str) -> Path | None:
        """The local file a ``file:`` URL points to, when it lies under ``root``."""
        parsed = urllib.parse.urlsplit(url)
        if parsed.scheme != "file" or parsed.netloc not in ("", "localhost"):
            return None
        path = Path(urllib.parse.unquote(parsed.path)).resolve()
        root = self.root.resolve()
        if path == root or root not in path.parents or not path.is_file():
            return None
        return path

    def make(self) -> Any:
        """A WeasyPrint ``URLFetcher`` bound to this policy."""
        from weasyprint.urls import URLFetcher, URLFetcherResponse

        policy = self

        class _Fetcher(URLFetcher):  # type: ignore[misc]
            def fetch(self, url: str, headers: Any = None) -> Any:
                policy.requests.append(url)
                if url.startswith("data:"):
                    return _data_response(url, URLFetcherResponse)
                path = policy.allows(url)
                if path is None:
                    policy.refused.append(url)
                    raise ValueError(f"cop-eval reports load no external resources: {url}")
                return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": _mime(path)})

        return _Fetcher()


def _mime(path: Path) -> str:
    return {
        ".css": "text/css",
        ".otf": "font/otf",
        ".ttf": "font/ttf",
        ".svg": "image/svg+xml",
        ".png": "image/png",
    }.get(path.suffix.lower(), "application/octet-stream")


def _data_response(url: str, response: Callable[..., Any]) -> Any:
    header, _, payload = url.partition(",")
    mime = header[5:].split(";")[0] or "text/plain"
    body = (
        base64.b64decode(payload)
        if header.endswith(";base64")
        else urllib.parse.unquote_to_bytes(payload)
    )
    return response(url, body, {"Content-Type": mime})


def render_html_to_pdf(
    html: str, path: Path | None = None, *, fetcher: LocalResourceFetcher | None = None
) -> bytes:
    """Convert report HTML to PDF with the local-only fetcher; write it to ``path`` if given."""
    import weasyprint

    policy = fetcher or LocalResourceFetcher(templates_dir())
    # WeasyPrint logs refused resources as warnings; the fetcher has recorded them already.
    logger = logging.getLogger("weasyprint")
    level = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with fewer_collections():
            document = weasyprint.HTML(
                string=html, base_url=templates_dir().as_uri() + "/", url_fetcher=policy.make()
            )
            pdf = document.write_pdf()
    finally:
        logger.setLevel(level)
    if not isinstance(pdf, bytes):  # pragma: no cover - write_pdf returns bytes without target
        raise TypeError("WeasyPrint returned no PDF")
    if path is not None:
        save_pdf(pdf, path)
    return pdf


def save_pdf(pdf: bytes, path: Path) -> None:
    """Write a rendered PDF to ``path`` whole or not at all; a :class:`CopEvalError` says why it
    cannot."""
    from cop_eval.outputs import write_atomic

    write_atomic(path, pdf, "the PDF report")


def render_pdf(
    model: ReportModel,
    path: Path | None = None,
    *,
    image_format: ImageFormat = "png",
    fetcher: LocalResourceFetcher | None = None,
    images: dict[str, ChartImage] | None = None,
) -> bytes:
    """Render the report to PDF (A4) and write it to ``path`` when given.

    ``images`` (from :func:`chart_images`) reuses charts already drawn for the HTML.

    Examples
    --------
    >>> render_pdf(model, Path("report.pdf"))  # doctest: +SKIP
    """
    html = render_html(model, standalone=False, image_format=image_format, images=images)
    return render_html_to_pdf(html, path, fetcher=fetcher)
