"""Pages: the board report (PDF) and its tables (XLSX workbook, or CSV files in a ZIP)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from cop_eval.errors import CopEvalError, OptionError
from cop_eval.privacy import anonymity_promise
from cop_eval.report.export import export_tables
from cop_eval.report.model import ReportModel
from cop_eval.report.render import ChartImage, render_html, render_html_to_pdf
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.rendering import render
from cop_eval.web.results import ALL, Results, results_for, stored_waves, with_cover
from cop_eval.web.routes_project import redirect, require_project

__all__ = ["router"]

router = APIRouter()

#: Anonymity thresholds offered (STATISTICS.md: default 5; e.g. 11 in large public surveys).
MIN_GROUP_SIZES = (3, 5, 7, 10, 11, 15, 20)
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _filename(stem: str, suffix: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "report"
    return f"{safe}-{dt.date.today().isoformat()}{suffix}"


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/report")
async def report_page(request: Request, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    return render(
        request,
        "report.html",
        {
            "active": "report",
            "notice": web_state(request).pop_notice(n),
            "waves": waves,
            "sizes": MIN_GROUP_SIZES,
            "error": None,
            "title": "",
            "organisation": "",
        },
    )


async def _report_results(request: Request, directory: Path, form: FormData) -> Results:
    waves = await run_in_threadpool(stored_waves, directory)
    stored = [w.label for w in waves]
    chosen = [v for v in form.getlist("wave") if isinstance(v, str) and v in stored]
    if not waves:
        raise OptionError("There are no stored waves yet: import a wave first.")
    if not chosen:
        raise OptionError("Choose at least one wave for the report.")
    state = web_state(request)
    return await run_in_threadpool(
        lambda: results_for(
            directory,
            [label for label in stored if label in chosen],
            group=ALL,
            privacy=state.privacy,
            cache=request.app.state.results_cache,
        )
    )


async def _report_error(
    request: Request, directory: Path, form: FormData, message: str
) -> Response:
    waves = await run_in_threadpool(stored_waves, directory)
    return render(
        request,
        "report.html",
        {
            "active": "report",
            "waves": waves,
            "sizes": MIN_GROUP_SIZES,
            "error": message,
            "title": field(form, "title"),
            "organisation": field(form, "organisation"),
        },
        status_code=400,
    )


@router.post("/report/{kind}")
async def download(request: Request, kind: str, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    if kind not in ("pdf", "xlsx", "csv"):
        return await _report_error(request, directory, form, f"Unknown download '{kind}'.")
    try:
        results = await _report_results(request, directory, form)
        title, organisation = field(form, "title")[:200], field(form, "organisation")[:200]
        model = with_cover(results, title, organisation)
        stem = title or "cop-eval-report"
        if kind == "pdf":
            pdf = await run_in_threadpool(_pdf, model, results.images)
            return _download(pdf, "application/pdf", _filename(stem, ".pdf"))
        if kind == "xlsx":
            book = await run_in_threadpool(_xlsx, model)
            return _download(book, _XLSX, _filename(stem + "-tables", ".xlsx"))
        archive = await run_in_threadpool(_csv_zip, model)
        return _download(archive, "application/zip", _filename(stem + "-tables", ".zip"))
    except CopEvalError as exc:
        return await _report_error(request, directory, form, str(exc))


def _pdf(model: ReportModel, images: dict[str, ChartImage]) -> bytes:
    # The charts drawn for the pages are the report's own charts: reuse them in the PDF.
    html = render_html(model, standalone=False, images=images)
    return render_html_to_pdf(html)


def _xlsx(model: ReportModel) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cop-eval-export-") as folder:
        path = Path(folder) / "tables.xlsx"
        export_tables(model, xlsx=path)
        return path.read_bytes()


def _csv_zip(model: ReportModel) -> bytes:
    with tempfile.TemporaryDirectory(prefix="cop-eval-export-") as folder:
        files = export_tables(model, csv_dir=Path(folder))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for path in files:
                archive.write(path, arcname=path.name)
        return buffer.getvalue()


@router.post("/settings/min-group-size")
def set_min_group_size(request: Request, form: Form) -> Response:
    state = web_state(request)
    text = field(form, "min_group_size")
    if not text.isdigit() or int(text) not in MIN_GROUP_SIZES:
        raise OptionError(
            f"The smallest group shown must be one of {', '.join(map(str, MIN_GROUP_SIZES))}."
        )
    state.set_min_group_size(int(text))
    note = state.notice(
        "ok",
        "From now on, on every page, in the report and in the tables: "
        + anonymity_promise(state.min_group_size)
        + " The setting is kept with this project.",
    )
    return redirect(f"/report?n={note}")
