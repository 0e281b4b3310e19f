"""Dependencies shared by the routes: the CSRF-checked form, the open project."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends, HTTPException
from starlette.datastructures import FormData, UploadFile
from starlette.formparsers import MultiPartException
from starlette.requests import Request

from cop_eval.web.state import WebState

__all__ = ["Form", "field", "verified_form", "web_state"]


async def verified_form(request: Request) -> FormData:
    """The POSTed form, after its CSRF token was checked (403 page otherwise).

    Every POST route takes its fields from here, so none can forget the check.
    """
    try:
        form = await request.form(max_files=1, max_fields=500, max_part_size=1_000_000)
    except (MultiPartException, ValueError) as exc:  # a malformed body: 400 page, not 500
        raise HTTPException(
            400, f"The form could not be read ({exc}). Reload the page and try again."
        ) from exc
    request.app.state.csrf.check(request, form)
    return form


Form = Annotated[FormData, Depends(verified_form)]


def web_state(request: Request) -> WebState:
    state: WebState = request.app.state.web
    return state


def field(form: FormData, name: str, default: str = "") -> str:
    """A text field of the form, stripped (``default`` when absent or a file)."""
    value: Any = form.get(name)
    return value.strip() if isinstance(value, str) else default


def upload(form: FormData, name: str) -> UploadFile | None:
    """The uploaded file in field ``name`` (``None`` when no file was chosen)."""
    value = form.get(name)
    if isinstance(value, UploadFile) and value.filename:
        return value
    return None
