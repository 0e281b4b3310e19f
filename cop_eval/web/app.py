"""The app factory: ``create_app(project_dir)`` returns the FastAPI app that ``cop-eval serve`` runs.

Pages are rendered on the server (Jinja2, autoescaping on); the only assets are the local
stylesheet and script in ``static/``. Every user mistake becomes a page that says what went wrong
and what to do; an internal error becomes a short apology without a stack trace.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import APIRouter, FastAPI
from fastapi.exceptions import RequestValidationError
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.staticfiles import StaticFiles
from starlette.types import Scope

from cop_eval.errors import CopEvalError
from cop_eval.web import work
from cop_eval.web.comments_page import CommentsCache
from cop_eval.web.jobs import JobRunner
from cop_eval.web.rendering import make_templates, render
from cop_eval.web.results import ResultsCache
from cop_eval.web.security import (
    LOOPBACK_HOSTS,
    SECURITY_HEADERS,
    BodyLimitMiddleware,
    CsrfError,
    CsrfSigner,
    SecurityHeadersMiddleware,
)
from cop_eval.web.state import WebState

__all__ = ["DEFAULT_MAX_UPLOAD_BYTES", "create_app", "routers"]

DEFAULT_MAX_UPLOAD_BYTES = 50_000_000
STATIC_DIR = Path(__file__).parent / "static"

log = logging.getLogger("cop_eval.web")

_TITLES = {
    400: "Something in the request is not right",
    403: "This form cannot be accepted",
    404: "Page not found",
    405: "This page cannot be used that way",
    409: "This belongs to another project",
    413: "The file is too large",
    500: "Something went wrong inside cop-eval",
}


def routers() -> tuple[APIRouter, ...]:
    """The page routers, in navigation order."""
    from cop_eval.web import (
        routes_actions,
        routes_blank,
        routes_coding,
        routes_comments,
        routes_custom,
        routes_cycle,
        routes_import,
        routes_prepare,
        routes_project,
        routes_report,
        routes_results,
    )

    return (
        routes_project.router,
        routes_import.router,
        routes_custom.router,
        routes_prepare.router,
        routes_blank.router,
        routes_cycle.router,
        routes_results.router,
        routes_comments.router,
        routes_coding.router,
        routes_report.router,
        routes_actions.router,
    )


def create_app(
    project_dir: Path | None = None,
    *,
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES,
    allow_remote: bool = False,
    staging_dir: Path | None = None,
    warm_up: bool = True,
    chart_pool: bool = False,
    page_store: bool = True,
    prepare_on_open: bool = False,
) -> FastAPI:
    """Build the web app.

    Parameters
    ----------
    project_dir
        The project to open at start; ``None`` starts on the page that creates or opens one.
    max_upload_bytes
        Largest request body accepted (uploads); larger ones get a 413 page.
    allow_remote
        Accept requests addressed to any host name. Off by default: only loopback names
        (127.0.0.1, localhost, ::1) are served, which also defeats DNS-rebinding pages.
    staging_dir
        Where uploads wait for review (default: a private temporary folder, removed at shutdown).
    warm_up
        After the project changed, compute the latest wave's and all waves' results (and draw
        their charts) in the background, so the next page finds them ready. Tests that do not
        look at speed turn it off.
    chart_pool
        Draw a page's charts on two cores: a helper process (started when first needed, about
        a second of CPU to load matplotlib) draws half of each batch. ``cop-eval serve`` turns it
        on; tests, which start many short-lived apps, leave it off.
    prepare_on_open
        With ``warm_up``: when the app opens a project (at its start, or another one chosen)
        whose present state has nothing kept, prepare its pages at once, as after an import
        (results, comparison, charts, the board PDF, comments; :func:`cop_eval.web.prepare.prepare_job`),
        and show a page asked for meanwhile as the preparing's progress. ``cop-eval serve``
        turns it on; tests, which start many short-lived apps, leave it off.
    page_store
        Keep results, charts and PDFs in the project folder (``web-cache``,
        :mod:`cop_eval.web.page_store`) until the data change, so that a restart of the app
        finds them computed.
    """
    state = WebState(project_dir.resolve() if project_dir else None, staging_dir)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        # A project with nothing kept: its pages are prepared from now, before the first click.
        await run_in_threadpool(work.warm_up_app, app)
        try:
            yield
        finally:
            jobs.close()
            app.state.results_cache.charts.close()  # the chart pool's helper process
            state.close()

    app = FastAPI(
        title="cop-eval",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.state.csrf = CsrfSigner()
    app.state.templates = make_templates()
    app.state.max_upload_bytes = max_upload_bytes
    app.state.results_cache = ResultsCache(disk=page_store)
    # Charts drawn together use a second core (a helper process, started when first needed).
    app.state.results_cache.charts.use_pool = chart_pool
    app.state.comments_cache = CommentsCache()
    app.state.jobs = jobs = JobRunner()
    app.state.warm_up = warm_up
    app.state.warmed = None
    app.state.opened = None  # the project the app last opened (work.warm_up_app)
    app.state.prepare_on_open = prepare_on_open
    app.state.on_page = work.warm_up

    async def refuse(scope: Scope, status: int, message: str) -> Response:
        return error_page(Request(scope), status, message)

    def error_page(request: Request, status: int, message: str) -> Response:
        request.scope.setdefault("app", app)
        response = render(
            request,
            "error.html",
            {"status": status, "title": _TITLES.get(status, "Error"), "message": message},
            status_code=status,
        )
        # The 500 handler runs outside the middleware stack: add the headers here too.
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        detail = exc.detail if isinstance(exc.detail, str) else ""
        if exc.status_code == 404 and detail in ("", "Not Found"):
            detail = "There is no page at this address. Use the links at the top of the page."
        if exc.status_code == 405:
            detail = "This address does not accept that kind of request. Go back to the page."
        return error_page(request, exc.status_code, detail)

    @app.exception_handler(CsrfError)
    async def csrf_error(request: Request, exc: CsrfError) -> Response:
        return error_page(request, 403, str(exc))

    @app.exception_handler(CopEvalError)
    async def user_error(request: Request, exc: CopEvalError) -> Response:
        return error_page(request, 400, str(exc))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        fields = sorted({str(e.get("loc", ("", "?"))[-1]) for e in exc.errors()})
        return error_page(
            request,
            400,
            f"The form was incomplete or had a value that cannot be used ({', '.join(fields)}). "
            "Go back and check the form.",
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, exc: Exception) -> Response:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error_page(
            request,
            500,
            f"An internal error happened ({type(exc).__name__}). This is a bug in cop-eval, not "
            "a problem with your data. Your project has not been changed by this request. "
            "Please report it with the server's terminal output.",
        )

    for router in routers():
        app.include_router(router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    # Outermost first: host + headers wrap everything, the size limit wraps the form parser.
    app.add_middleware(BodyLimitMiddleware, limit=max_upload_bytes, refuse=refuse)
    app.add_middleware(
        SecurityHeadersMiddleware,
        allowed_hosts=None if allow_remote else (*LOOPBACK_HOSTS,),
        refuse=refuse,
    )
    return app
