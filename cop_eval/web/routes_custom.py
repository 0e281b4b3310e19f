"""Pages: a project's own questionnaire (instrument YAML) and codebook, uploaded on Import."""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.web.deps import Form, upload, web_state
from cop_eval.web.routes_import import upload_page
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.services_custom import keep_codebook, keep_instrument

__all__ = ["router"]

router = APIRouter()


@router.post("/import/questionnaire")
async def add_questionnaire(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    file = upload(form, "definition")
    if file is None:
        message = "Choose the questionnaire's YAML file to upload."
        return upload_page(request, directory, error=message, status_code=400)
    content, name = await file.read(), file.filename or ""
    try:
        instrument = await run_in_threadpool(keep_instrument, directory, name, content)
    except CopEvalError as exc:
        return upload_page(request, directory, error=str(exc), status_code=400)
    scales = ", ".join(f"{s.label} ({s.direction.replace('_', ' ')})" for s in instrument.scales)
    note = web_state(request).notice(
        "ok",
        f"Added your questionnaire “{instrument.title}” ({len(instrument.items)} items; scales: "
        f"{scales}). It is ticked below for this wave, and offered for every later one.",
    )
    return redirect(f"/import?n={note}&use={instrument.id}")


@router.post("/import/codebook")
async def add_codebook(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    file = upload(form, "codebook")
    if file is None:
        message = "Choose the codebook's YAML file to upload."
        return upload_page(request, directory, error=message, status_code=400)
    content, name = await file.read(), file.filename or ""
    try:
        book = await run_in_threadpool(keep_codebook, directory, name, content)
    except CopEvalError as exc:
        return upload_page(request, directory, error=str(exc), status_code=400)
    note = web_state(request).notice(
        "ok",
        f"The comments of this project are now coded with your codebook “{book.title}” "
        f"({len(book.themes)} themes): on the Comments and Coding by hand pages, in the "
        "coding sheet and in the board report.",
    )
    return redirect(f"/import?n={note}")
