"""Pages: the action plan ("review and revise") — list, add, change status, note, close."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.web import services_cycle
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.rendering import render
from cop_eval.web.routes_project import redirect, require_project

__all__ = ["router"]

router = APIRouter()

_FIELDS = ("title", "agreed_after", "owner", "due", "success_measure", "description", "note")


def _page(
    request: Request,
    directory: Path,
    *,
    n: str | None = None,
    error: str | None = None,
    values: dict[str, Any] | None = None,
    status_code: int = 200,
) -> Response:
    state = web_state(request)
    overview = services_cycle.actions_overview(directory)
    return render(
        request,
        "actions.html",
        {
            "active": "actions",
            "notice": state.pop_notice(n),
            "error": error,
            "overview": overview,
            "values": values or {"targets": []},
        },
        status_code=status_code,
    )


@router.get("/actions")
def actions_page(request: Request, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    return _page(request, directory, n=n)


@router.post("/actions")
def add_action(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    values: dict[str, Any] = {k: field(form, k) for k in _FIELDS}
    values["targets"] = [t for t in form.getlist("targets") if isinstance(t, str) and t]
    try:
        action = services_cycle.add_action(directory, values)
    except CopEvalError as exc:
        return _page(request, directory, error=str(exc), values=values, status_code=400)
    text = f"Added action {action.id}: {action.title} (recorded in the audit trail)."
    return redirect(f"/actions?n={web_state(request).notice('ok', text)}#action-{action.id}")


@router.post("/actions/{action_id}")
def change_action(request: Request, action_id: int, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    try:
        action = services_cycle.change_action(
            directory,
            action_id,
            field(form, "status"),
            field(form, "note"),
            field(form, "note_date"),
        )
    except CopEvalError as exc:
        return _page(request, directory, error=str(exc), status_code=400)
    text = f"Action {action.id} is now {action.status_text} (recorded in the audit trail)."
    return redirect(f"/actions?n={web_state(request).notice('ok', text)}#action-{action.id}")
