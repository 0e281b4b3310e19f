"""Pages: start, create or open a project, and the project's waves."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.responses import RedirectResponse, Response

from cop_eval.errors import CopEvalError
from cop_eval.web import services
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.rendering import render

__all__ = ["redirect", "require_project", "router"]

router = APIRouter()


def redirect(url: str) -> RedirectResponse:
    """303 See Other: after a POST the browser GETs the next page (reload does not re-post)."""
    return RedirectResponse(url, status_code=303)


def require_project(request: Request) -> Path | Response:
    """The open project's folder, or a redirect to the projects page when none is open."""
    directory = web_state(request).project_dir
    if directory is None:
        token = web_state(request).notice("info", "Open or create a project first.")
        return redirect(f"/projects?n={token}")
    return directory


@router.get("/")
def start(request: Request) -> Response:
    return redirect("/project" if web_state(request).project_dir else "/projects")


@router.get("/projects")
def projects_page(request: Request, n: str | None = None) -> Response:
    state = web_state(request)
    return render(
        request,
        "projects.html",
        {
            "active": "projects",
            "notice": state.pop_notice(n),
            "folder": "",
            "error": None,
            "error_form": "",
        },
    )


def _projects_error(request: Request, message: str, folder: str, which: str) -> Response:
    return render(
        request,
        "projects.html",
        {"active": "projects", "error": message, "error_form": which, "folder": folder},
        status_code=400,
    )


@router.post("/projects/open")
def open_project(request: Request, form: Form) -> Response:
    folder = field(form, "folder")
    try:
        directory = services.project_folder(folder)
        services.check_project(directory)
    except CopEvalError as exc:
        return _projects_error(request, str(exc), folder, "open")
    state = web_state(request)
    state.project_dir = directory
    return redirect(f"/project?n={state.notice('ok', f'Opened the project in {directory}.')}")


@router.post("/projects/create")
def create_project(request: Request, form: Form) -> Response:
    folder = field(form, "folder")
    try:
        directory = services.project_folder(folder)
        services.create_project(directory)
    except CopEvalError as exc:
        return _projects_error(request, str(exc), folder, "create")
    state = web_state(request)
    state.project_dir = directory
    text = (
        f"Created a new project in {directory}. Back up this folder: its secret.key file is "
        "needed to match respondents across waves. Next: import your first wave."
    )
    return redirect(f"/project?n={state.notice('ok', text)}")


@router.get("/project")
def project_page(request: Request, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    state = web_state(request)
    waves = services.waves_of(directory)
    return render(
        request,
        "project.html",
        {
            "active": "project",
            "notice": state.pop_notice(n),
            "waves": waves,
            "audit": services.audit_of(directory),
            "pending": state.pending_imports(directory),
        },
    )
