"""Jinja2 for the web pages: autoescaping always on, small formatting filters, one ``render``.

Templates format, they never compute: every number a page shows arrives already computed by the
library (and already suppressed where a group is too small).
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from starlette.requests import Request
from starlette.responses import Response
from starlette.templating import Jinja2Templates

from cop_eval import __version__
from cop_eval.privacy import anonymity_promise
from cop_eval.report.filters import FILTERS
from cop_eval.web.words import web_words

__all__ = [
    "FORMAT_NAMES",
    "date",
    "filesize",
    "format_name",
    "instrument_title",
    "make_templates",
    "render",
]

#: What the export formats are called on the pages (the importer knows them by these ids).
FORMAT_NAMES = {
    "csv": "CSV or text file",
    "xlsx": "Excel workbook",
    "spss": "SPSS data file (.sav)",
    "qualtrics": "Qualtrics export",
    "surveymonkey": "SurveyMonkey export",
    "ms_forms": "Microsoft Forms (Excel download)",
    "google_forms": "Google Forms (CSV download)",
    "limesurvey": "LimeSurvey export",
}

TEMPLATES_DIR = Path(__file__).parent / "templates"

#: The context keys that carry a message (from the library or an error) to a page.
_MESSAGES = ("error", "accept_error", "message")


def filesize(size: object) -> str:
    """Bytes as kB/MB for people: ``1536`` → ``1.5 kB``."""
    if not isinstance(size, int | float):
        return "–"
    if size < 1000:
        return f"{int(size)} bytes"
    if size < 1_000_000:
        return f"{size / 1000:.1f}".removesuffix(".0") + " kB"
    return f"{size / 1_000_000:.1f}".removesuffix(".0") + " MB"


def format_name(fmt: object) -> str:
    """An export format as people call it: ``ms_forms`` → ``Microsoft Forms (Excel download)``."""
    text = str(fmt or "")
    return FORMAT_NAMES.get(text, text)


@lru_cache(maxsize=1)
def _instrument_titles() -> dict[str, str]:
    from cop_eval.instruments import load_builtin_instruments

    return {inst.id: inst.title for inst in load_builtin_instruments()}


def instrument_title(ident: object) -> str:
    """A questionnaire's title (``peer_challenge`` → its name); its id when it is not built in."""
    text = str(ident or "")
    return _instrument_titles().get(text, text)


def date(value: object) -> str:
    """A date as ``21 Nov 2026``; datetimes in UTC with the time."""
    if isinstance(value, dt.datetime):
        return value.strftime("%d %b %Y %H:%M UTC")
    if isinstance(value, dt.date):
        return value.strftime("%d %b %Y")
    return "–" if value is None else str(value)


def make_templates() -> Jinja2Templates:
    """The template set with autoescaping forced on for every template."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES_DIR),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(FILTERS)
    env.filters.update(
        filesize=filesize,
        date=date,
        promise=anonymity_promise,
        format_name=format_name,
        instrument_title=instrument_title,
    )
    env.globals["version"] = __version__
    return Jinja2Templates(env=env)


def render(
    request: Request,
    name: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> Response:
    """Render a page with the CSRF token, the open project and the navigation in its context."""
    app = request.app
    signer = app.state.csrf
    state = app.state.web
    full: dict[str, Any] = {
        "csrf_token": signer.token_for(request),
        "project_dir": state.project_dir,
        "project_name": state.project_dir.name if state.project_dir else None,
        "active": "",
        "notice": None,
        "min_group_size": state.min_group_size,
    }
    full.update(context or {})
    for key in _MESSAGES:  # the library's hints for the terminal, in the web's own words
        if isinstance(full.get(key), str):
            full[key] = web_words(full[key])
    on_page = getattr(app.state, "on_page", None)
    if on_page is not None and state.project_dir is not None:
        on_page(request)  # e.g. start computing ahead after the project changed
    templates: Jinja2Templates = app.state.templates
    response = templates.TemplateResponse(request, name, full, status_code=status_code)
    signer.set_cookie(request, response)
    return response
