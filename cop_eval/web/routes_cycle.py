"""Pages: the project's context, membership per wave, and the attendance register.

Roster and register uploads are staged only for the length of the request: the file is read,
its ids hashed with the project key and stored, and the staged copy (which holds raw ids) is
deleted before the page answers, whatever happened.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.store import CONTEXT_FIELDS
from cop_eval.web import services_cycle
from cop_eval.web.deps import Form, field, upload, web_state
from cop_eval.web.rendering import render
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.uploads import stage_upload

__all__ = ["router"]

router = APIRouter()

#: The form's words for each context field.
CONTEXT_HELP = {
    "name": "e.g. HR Professional Group",
    "purpose": "why the group is evaluated, and for whom",
    "cadence": "e.g. monthly, two hours, in working hours",
    "membership_rules": "who is a member, and who attends without being one",
    "sponsor": "a role, e.g. Director of People",
    "evaluator": "who runs the survey (the group itself, or someone independent)",
}


def _page(
    request: Request, directory: Path, *, error: str | None = None, status_code: int = 200,
    n: str | None = None, form: dict[str, str] | None = None, which: str = "",
) -> Response:  # fmt: skip
    state = web_state(request)
    overview = services_cycle.cycle_overview(directory, state.min_group_size)
    context: dict[str, Any] = {
        "active": "cycle",
        "notice": state.pop_notice(n),
        "error": error,
        "error_form": which,
        "fields": [(k, label, CONTEXT_HELP[k]) for k, label in CONTEXT_FIELDS.items()],
        "values": form if form is not None else overview.context.fields(),
        "overview": overview,
    }
    return render(request, "cycle.html", context, status_code=status_code)


@router.get("/cycle")
def cycle_page(request: Request, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    return _page(request, directory, n=n)


@router.post("/cycle/context")
def save_context(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    values = {k: field(form, k) for k in CONTEXT_FIELDS}
    try:
        services_cycle.set_context(directory, values)
    except CopEvalError as exc:
        return _page(request, directory, error=str(exc), status_code=400, form=values,
                     which="context")  # fmt: skip
    token = web_state(request).notice("ok", "Saved the context (recorded in the audit trail).")
    return redirect(f"/cycle?n={token}#context")


#: Pages that ask for a wave's members where they need them (and get the user back).
_BACK = re.compile(r"/(results|compare|report)(\?[^#\\]*)?")


def _back(form: Any) -> str | None:
    """The page the members were entered on, when it is one of ours (never another site)."""
    back = field(form, "back")
    return back if _BACK.fullmatch(back) and "//" not in back else None


def _with_notice(url: str, token: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}n={token}#members-needed"


@router.post("/cycle/members")
def save_members(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    back = _back(form)
    state = web_state(request)
    try:
        stored = services_cycle.set_members(directory, field(form, "wave"), field(form, "counts"))
    except CopEvalError as exc:
        if back is not None:
            return redirect(_with_notice(back, state.notice("bad", str(exc))))
        return _page(request, directory, error=str(exc), status_code=400, which="members")
    text = f"Stored the membership of {stored.wave}: {stored.total} members."
    if back is not None:
        return redirect(_with_notice(back, state.notice("ok", text + " Response rates use it.")))
    return redirect(f"/cycle?n={state.notice('ok', text)}#members")


async def _staged(request: Request, form: Any, name: str) -> Path:
    file = upload(form, name)
    if file is None:
        raise CopEvalError("Choose the file to upload.")
    content = await file.read()
    return stage_upload(web_state(request).staging, file.filename or "upload", content).path


@router.post("/cycle/roster")
async def upload_roster(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    path: Path | None = None
    try:
        path = await _staged(request, form, "file")
        outcome = await run_in_threadpool(
            services_cycle.import_roster, directory, field(form, "wave"), path,
            field(form, "id_column") or None, field(form, "group_column") or None,
        )  # fmt: skip
    except CopEvalError as exc:
        message = str(exc).replace(str(path), path.name) if path else str(exc)
        return _page(request, directory, error=message, status_code=400, which="roster")
    finally:
        if path is not None:
            shutil.rmtree(path.parent, ignore_errors=True)  # the raw ids go with it
    return redirect(f"/cycle?n={web_state(request).notice('ok', outcome)}#members")


@router.post("/cycle/attendance")
async def upload_register(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    path: Path | None = None
    order = field(form, "date_order")
    try:
        path = await _staged(request, form, "file")
        outcome = await run_in_threadpool(
            services_cycle.import_attendance, directory, path,
            field(form, "id_column") or None, field(form, "date_column") or None,
            field(form, "attended_column") or None,
            None if order not in ("day", "month") else order == "day",
        )  # fmt: skip
    except CopEvalError as exc:
        message = str(exc).replace(str(path), path.name) if path else str(exc)
        return _page(request, directory, error=message, status_code=400, which="attendance")
    finally:
        if path is not None:
            shutil.rmtree(path.parent, ignore_errors=True)
    return redirect(f"/cycle?n={web_state(request).notice('ok', outcome)}#attendance")
