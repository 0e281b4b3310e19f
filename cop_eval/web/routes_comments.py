"""Page: what members said (comment themes, trend, quotes), and the review of redactions.

The page shows the same section as the board report, built by the same engine under the same
anonymity rule; filtering to a subgroup whose comments the rule withholds is refused. The
redaction review lists stored comments with what was replaced, and lets the user add names to
redact and words the name heuristic must leave alone. The analysis is built by a job and kept
until the data change (:mod:`cop_eval.web.comments_page`).
"""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.web.comments_page import (
    CommentsCache,
    CommentsKey,
    CommentsPage,
    comments_job,
    serve_page,
)
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.jobs import PAGE
from cop_eval.web.rendering import render
from cop_eval.web.results import ALL
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import codebook_digest
from cop_eval.web.work import WAIT, progress_page, wait_for

__all__ = ["router"]

router = APIRouter()


async def page_of(request: Request, key: CommentsKey) -> CommentsPage | Response:
    """The page's analysis: at once when kept, else by a job (the progress page after
    :data:`WAIT` seconds). :class:`CopEvalError` for a refused subgroup."""
    cache: CommentsCache = request.app.state.comments_cache
    found = cache.get(key)
    if found is not None:
        return found
    job = comments_job(request.app.state.jobs, cache, key, PAGE)
    if not await wait_for(job, WAIT):
        return progress_page(request, job, active="comments")
    page: CommentsPage = job.outcome()
    return page


def _revision(directory: Path) -> int:
    with open_project(directory) as project:
        return project.revision()


@router.get("/comments")
async def comments_page(request: Request, group: str = ALL, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    state = web_state(request)
    context: dict[str, object] = {"active": "comments", "group": group}
    revision = await run_in_threadpool(_revision, directory)
    book = await run_in_threadpool(codebook_digest, directory)
    key = CommentsKey(str(directory), revision, group, state.privacy, book)
    cache = request.app.state.comments_cache
    try:
        page = await page_of(request, key)
        if not isinstance(page, Response):  # what is shown is recorded (differencing rule)
            page = await run_in_threadpool(serve_page, key, page, cache)
    except CopEvalError as exc:
        all_key = CommentsKey(str(directory), revision, ALL, state.privacy, book)
        everyone = await page_of(request, all_key)
        if isinstance(everyone, Response):
            return everyone
        everyone = await run_in_threadpool(serve_page, all_key, everyone, cache)
        context["notice"] = state.pop_notice(n)
        return render(
            request, "comments.html",
            {**context, "page": everyone, "error": str(exc), "group": ALL},
            status_code=400,
        )  # fmt: skip
    if isinstance(page, Response):
        return page  # the progress page reloads this address: the notice waits for the page
    context["notice"] = state.pop_notice(n)
    return render(request, "comments.html", {**context, "page": page, "error": None})


@router.post("/comments/redact")
def add_redactions(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    state = web_state(request)
    names = [line.strip() for line in field(form, "names").splitlines() if line.strip()]
    keep = [w.strip() for w in field(form, "keep").replace(",", "\n").splitlines() if w.strip()]
    remove = [w.strip() for w in field(form, "remove").replace(",", "\n").splitlines() if w.strip()]
    try:
        with open_project(directory) as project:
            changed = project.comments.remove_terms(remove) if remove else 0
            if names or keep:
                changed += project.comments.add_terms(names=names, keep=keep)
    except CopEvalError as exc:
        return redirect(f"/comments?n={state.notice('bad', str(exc))}")
    text = (
        f"Added {len(names)} name(s) and {len(keep)} word(s) to keep"
        + (f", removed {len(remove)}" if remove else "")
        + f"; {changed} stored comment(s) redacted again."
    )
    return redirect(f"/comments?n={state.notice('ok', text)}")
