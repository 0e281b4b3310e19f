"""Pages: the board report (PDF) and its tables (XLSX workbook, or CSV files in a ZIP)."""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import urllib.parse
import zipfile
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from cop_eval.errors import CopEvalError, OptionError
from cop_eval.privacy import anonymity_promise
from cop_eval.report.export import export_tables
from cop_eval.report.model import ReportModel
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.jobs import PAGE, Job
from cop_eval.web.prepare import PDF_STEPS, board_pdf
from cop_eval.web.released import serve
from cop_eval.web.rendering import render
from cop_eval.web.results import (
    ALL,
    RESULT_STEPS,
    ResultsCache,
    ResultsKey,
    build_results,
    results_key,
    stored_waves,
    with_cover,
)
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.services_cycle import waves_without_members
from cop_eval.web.state import FLOOR
from cop_eval.web.work import WAIT, progress_page, wait_for

__all__ = ["router"]

router = APIRouter()

#: Anonymity thresholds offered (STATISTICS.md: default 5; e.g. 11 in large public surveys);
#: none below the project's floor.
MIN_GROUP_SIZES = tuple(n for n in (5, 7, 10, 11, 15, 20) if n >= FLOOR)
_XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _sizes(request: Request) -> tuple[int, ...]:
    """The thresholds the page offers: the floor and above, and the one in use."""
    current = web_state(request).min_group_size
    return tuple(sorted({*MIN_GROUP_SIZES, current}))


def _filename(stem: str, suffix: str) -> str:
    """``Title-2026-03-31.pdf``: letters of any alphabet kept, the rest made a hyphen."""
    safe = re.sub(r"[^\w-]+", "-", stem).strip("-_")[:80] or "report"
    return f"{safe}-{dt.date.today().isoformat()}{suffix}"


def _disposition(name: str) -> str:
    """``Content-Disposition`` with an ASCII fallback and the UTF-8 name (RFC 6266)."""
    fallback = name.encode("ascii", "replace").decode("ascii").replace("?", "_")
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{urllib.parse.quote(name)}"


@router.get("/report")
async def report_page(request: Request, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    labels = [w.label for w in waves]
    missing = await run_in_threadpool(waves_without_members, directory, labels)
    return render(
        request,
        "report.html",
        {
            "active": "report",
            "notice": web_state(request).pop_notice(n),
            "missing_members": missing,
            "waves": waves,
            "sizes": _sizes(request),
            "error": None,
            "title": "",
            "organisation": "",
        },
    )


async def _report_key(request: Request, directory: Path, form: FormData) -> ResultsKey:
    waves = await run_in_threadpool(stored_waves, directory)
    stored = [w.label for w in waves]
    chosen = [v for v in form.getlist("wave") if isinstance(v, str) and v in stored]
    if not waves:
        raise OptionError("There are no stored waves yet: import a wave first.")
    if not chosen:
        raise OptionError("Choose at least one wave for the report.")
    privacy = web_state(request).privacy
    labels = [label for label in stored if label in chosen]
    return await run_in_threadpool(
        lambda: results_key(directory, labels, group=ALL, privacy=privacy)
    )


async def _report_error(
    request: Request, directory: Path, form: FormData | None, message: str
) -> Response:
    waves = await run_in_threadpool(stored_waves, directory)
    return render(
        request,
        "report.html",
        {
            "active": "report",
            "waves": waves,
            "sizes": _sizes(request),
            "error": message,
            "title": field(form, "title") if form is not None else "",
            "organisation": field(form, "organisation") if form is not None else "",
        },
        status_code=400,
    )


@dataclass(frozen=True)
class Download:
    """A file made for the practitioner: its name, type and bytes."""

    name: str
    media_type: str
    content: bytes


_KINDS = {
    "pdf": ("the PDF report", PDF_STEPS),
    "xlsx": ("the tables as an Excel workbook", ("Writing the workbook",)),
    "csv": ("the tables as CSV files", ("Writing the CSV files",)),
}


def _make(
    job: Job, kind: str, key: ResultsKey, cover: tuple[str, str], cache: ResultsCache
) -> Download:
    found = cache.get(key)
    results = found if found is not None else build_results(key, cache, job.begin)
    results = serve(key, results, cache)  # what the file shows, recorded as shown
    title, organisation = cover
    stem = title or "cop-eval-report"
    if kind == "pdf":  # kept in the project folder until the data change
        pdf = board_pdf(job, key, results, cover, cache)
        return Download(_filename(stem, ".pdf"), "application/pdf", pdf)
    model = with_cover(results, title, organisation)
    if kind == "xlsx":
        job.begin("Writing the workbook")
        return Download(_filename(stem + "-tables", ".xlsx"), _XLSX, _xlsx(model))
    job.begin("Writing the CSV files")
    return Download(_filename(stem + "-tables", ".zip"), "application/zip", _csv_zip(model))


@router.post("/report/{kind}")
async def download(request: Request, kind: str, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    if kind not in _KINDS:
        return await _report_error(request, directory, form, f"Unknown download '{kind}'.")
    try:
        key = await _report_key(request, directory, form)
    except CopEvalError as exc:
        return await _report_error(request, directory, form, str(exc))
    cover = (field(form, "title")[:200], field(form, "organisation")[:200])
    cache: ResultsCache = request.app.state.results_cache
    what, steps = _KINDS[kind]
    plan = (() if cache.get(key) is not None else RESULT_STEPS) + steps
    job = request.app.state.jobs.submit(
        ("report", kind, key, cover),
        f"Creating {what}",
        lambda job: _make(job, kind, key, cover, cache),
        plan=plan,
        priority=PAGE,
    )
    return redirect(f"/report/jobs/{job.id}")


def _job_or_404(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None or not (isinstance(job.key, tuple) and job.key[0] == "report"):
        raise HTTPException(
            404,
            "This download is no longer waiting: the app was restarted, or many others were "
            "made since. Create it again on the board report page.",
        )
    return job


@router.get("/report/jobs/{job_id}")
async def download_progress(request: Request, job_id: str) -> Response:
    job = _job_or_404(request, job_id)
    await wait_for(job, WAIT)
    if job.error is not None:
        directory = require_project(request)
        if isinstance(directory, Response):
            return directory
        return await _report_error(request, directory, None, job.error)
    job.outcome()  # a bug: the internal error page, logged
    return progress_page(request, job, active="report", download=f"/report/jobs/{job.id}/file")


@router.get("/report/jobs/{job_id}/file")
def download_file(request: Request, job_id: str) -> Response:
    job = _job_or_404(request, job_id)
    if not job.done:
        return redirect(f"/report/jobs/{job_id}")
    made: Download = job.outcome()
    return Response(
        made.content,
        media_type=made.media_type,
        headers={
            "Content-Disposition": _disposition(made.name),
            "Cache-Control": "no-store",
        },
    )


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
    if not text.isdigit() or int(text) not in _sizes(request):
        raise OptionError(
            f"The smallest group shown must be one of {', '.join(map(str, _sizes(request)))} "
            f"respondents; it cannot be below {FLOOR}, the project's anonymity rule."
        )
    state.set_min_group_size(int(text))
    note = state.notice(
        "ok",
        "From now on, on every page, in the report and in the tables: "
        + anonymity_promise(state.min_group_size)
        + " The setting is kept with this project.",
    )
    return redirect(f"/report?n={note}")
