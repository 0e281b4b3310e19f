"""Blank forms for a survey without a survey tool: a printable questionnaire and a response file.

The import page offers, for the questionnaires ticked, the printable questionnaire (PDF, made by
a job: laying out a PDF takes a second or two) and the blank response file (CSV: an ``id`` and a
``group`` column and one column per item, to key paper forms into), as ``cop-eval template``
makes them (:mod:`cop_eval.report.questionnaire`).
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request
from starlette.responses import Response

from cop_eval.errors import CopEvalError, OptionError
from cop_eval.instruments import Instrument
from cop_eval.report.questionnaire import questionnaire_pdf, response_template_csv
from cop_eval.web import services
from cop_eval.web.jobs import PAGE, Job
from cop_eval.web.routes_import import upload_page
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.work import WAIT, progress_page, wait_for

__all__ = ["router"]

router = APIRouter()
_BACK = ("/import", "Back to importing a wave")


def _chosen(request: Request) -> list[Instrument]:
    wanted = request.query_params.getlist("instrument")
    known = {i.id: i for i in services.builtin_instruments()}
    unknown = [w for w in wanted if w not in known]
    if unknown:
        raise OptionError(f"There is no built-in questionnaire {', '.join(unknown)}.")
    if not wanted:
        raise OptionError("Tick at least one questionnaire for the blank forms.")
    return [known[w] for w in dict.fromkeys(wanted)]


def _download(content: bytes, media_type: str, name: str) -> Response:
    return Response(
        content,
        media_type=media_type,
        headers={
            "Content-Disposition": f'attachment; filename="{name}"',
            "Cache-Control": "no-store",
        },
    )


def _refused(request: Request, message: str) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    chosen = request.query_params.getlist("instrument")
    return upload_page(request, directory, error=message, chosen=chosen, status_code=400)


@router.get("/import/blank")
async def blank_forms(request: Request, kind: str = "pdf") -> Response:
    try:
        instruments = _chosen(request)
    except CopEvalError as exc:
        return _refused(request, str(exc))
    if kind == "csv":
        return _download(response_template_csv(instruments), "text/csv", "responses-blank.csv")
    ids = tuple(i.id for i in instruments)
    job = request.app.state.jobs.submit(
        ("blank", ids),
        "Creating the printable questionnaire",
        lambda job: questionnaire_pdf(instruments),
        plan=["Laying out the questionnaire"],
        priority=PAGE,
    )
    return redirect(f"/import/blank/{job.id}")


def _job(request: Request, job_id: str) -> Job:
    job: Job | None = request.app.state.jobs.get(job_id)
    if job is None or not (isinstance(job.key, tuple) and job.key[0] == "blank"):
        raise HTTPException(
            404, "This questionnaire is no longer waiting: create it again on the import page."
        )
    return job


@router.get("/import/blank/{job_id}")
async def blank_progress(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    await wait_for(job, WAIT)
    job.outcome()  # a bug: the internal error page, logged
    return progress_page(
        request, job, active="import", download=f"/import/blank/{job.id}/file", back=_BACK
    )


@router.get("/import/blank/{job_id}/file")
def blank_file(request: Request, job_id: str) -> Response:
    job = _job(request, job_id)
    if not job.done:
        return redirect(f"/import/blank/{job_id}")
    return _download(job.outcome(), "application/pdf", "questionnaire.pdf")
