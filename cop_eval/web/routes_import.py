"""Pages: upload a survey export, review the import report, fix the mapping, accept the wave.

The upload is staged (never stored in the project) until the practitioner has seen what the
importer read, matched and rejected, fixed what needs fixing, and named and dated the wave.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.responses import Response

from cop_eval.errors import CopEvalError, DataImportError
from cop_eval.instruments import Instrument
from cop_eval.web import services
from cop_eval.web.deps import Form, field, upload, web_state
from cop_eval.web.guidance import suggest_columns
from cop_eval.web.rendering import FORMAT_NAMES, render
from cop_eval.web.routes_prepare import after_import
from cop_eval.web.routes_project import redirect, require_project
from cop_eval.web.services_custom import custom_instruments, project_codebook
from cop_eval.web.state import ImportOptions, PendingImport
from cop_eval.web.uploads import ALLOWED_EXTENSIONS, stage_upload

__all__ = ["router"]

router = APIRouter()

#: What the format choices are called on the upload form.
FORMAT_LABELS = FORMAT_NAMES

#: Rows of long lists (rejected rows, value problems) shown on the review page.
SHOWN_ROWS = 200
_MAP_PREFIX = "map__"


def _default_instruments(directory: Path) -> list[str]:
    used: list[str] = []
    for wave in services.waves_of(directory):
        for ref in wave.instruments:
            if ref.id not in used:
                used.append(ref.id)
    return used


def upload_page(
    request: Request,
    directory: Path,
    *,
    error: str | None = None,
    chosen: list[str] | None = None,
    fmt: str = "",
    sheet: str = "",
    status_code: int = 200,
    notice: object = None,
) -> Response:
    return render(
        request,
        "import.html",
        {
            "active": "import",
            "instruments": services.builtin_instruments(),
            "custom": custom_instruments(directory),
            "codebook": project_codebook(directory),
            "chosen": chosen if chosen is not None else _default_instruments(directory),
            "formats": [(f, FORMAT_LABELS.get(f, f)) for f in services.FORMATS],
            "fmt": fmt,
            "sheet": sheet,
            "error": error,
            "notice": notice,
            "extensions": ", ".join(ALLOWED_EXTENSIONS),
            "limit": request.app.state.max_upload_bytes,
        },
        status_code=status_code,
    )


@router.get("/import")
def import_page(request: Request, use: str = "", n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    chosen = _default_instruments(directory) + ([use] if use else [])
    notice = web_state(request).pop_notice(n)
    return upload_page(request, directory, chosen=chosen, notice=notice)


@router.post("/import")
async def upload_wave(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    chosen = [v for v in form.getlist("instrument") if isinstance(v, str)]
    fmt = field(form, "format")
    sheet = field(form, "sheet").strip()
    file = upload(form, "file")
    if file is None:
        return upload_page(
            request,
            directory,
            error="Choose the survey export file to upload.",
            chosen=chosen,
            fmt=fmt,
            sheet=sheet,
            status_code=400,
        )
    content = await file.read()
    state = web_state(request)
    try:
        services.instruments_by_id(chosen, directory)
        staged = stage_upload(state.staging, file.filename or "upload", content)
    except CopEvalError as exc:
        return upload_page(
            request,
            directory,
            error=str(exc),
            chosen=chosen,
            fmt=fmt,
            sheet=sheet,
            status_code=400,
        )
    pending = PendingImport(
        token=state.new_token(),
        project_dir=directory,
        path=staged.path,
        original_name=staged.original_name,
        size=staged.size,
        options=ImportOptions(instruments=chosen, format=fmt or None, sheet=sheet or None),
    )
    # Reading a large export takes a while: the server stays responsive meanwhile.
    try:
        pending.columns = await run_in_threadpool(services.file_columns, pending)
    except CopEvalError as exc:
        pending.discard()
        return upload_page(
            request,
            directory,
            error=str(exc),
            chosen=chosen,
            fmt=fmt,
            sheet=sheet,
            status_code=400,
        )
    await run_in_threadpool(_check_with_suggestions, directory, pending)
    state.add_pending(pending)
    return redirect(f"/imports/{pending.token}")


def _check_with_suggestions(directory: Path, pending: PendingImport) -> None:
    """Read the upload; when its values point at an id or subgroup column, choose them (the
    page says so, and they can be changed) and read it again with them."""
    services.run_import(directory, pending)
    report = pending.result.report if pending.result is not None else None
    if report is None:
        return
    matched = {m.column for m in report.matches}
    hints = suggest_columns(pending, [c for c in pending.columns if c not in matched])
    pending.hints = hints
    if hints.id_column or hints.group_column:
        pending.options.id_column = hints.id_column
        pending.options.group_columns = [hints.group_column] if hints.group_column else []
        services.run_import(directory, pending)
        if pending.error is not None:  # the suggestion does not fit: back to the plain reading
            pending.options.id_column, pending.options.group_columns = None, []
            pending.hints = None
            services.run_import(directory, pending)


def _pending_or_404(request: Request, token: str) -> PendingImport:
    state = web_state(request)
    pending = state.pending(token)
    if pending is not None and pending.project_dir != state.project_dir:
        # Respondent ids were pseudonymised with that project's key: they belong there only.
        raise HTTPException(
            409,
            f"This upload was checked for the project in {pending.project_dir}, which is not "
            "the open project. Open that project again to store it, or upload the file again "
            "here.",
        )
    if pending is None:
        raise HTTPException(
            404,
            "This import is no longer waiting for review: it was accepted or discarded, or the "
            "app was restarted. Upload the file again from 'Import a wave'.",
        )
    return pending


def _review_context(pending: PendingImport, stored_group_name: str) -> dict[str, Any]:
    """What the review page shows: taken from the import report as it is (no computation)."""
    known = [*services.builtin_instruments(), *custom_instruments(pending.project_dir)]
    instruments: list[Instrument] = []
    for ident in pending.options.instruments:
        instruments.extend(i for i in known if i.id == ident)
    report = pending.result.report if pending.result is not None else None
    matched_columns = {m.column for m in report.matches} if report is not None else set()
    role_columns = {pending.options.id_column or "", *pending.options.group_columns}
    free_columns = [c for c in pending.columns if c not in matched_columns or c in role_columns]
    by_mapping = {m.item: m.column for m in report.matches if m.how == "mapping"} if report else {}
    if report is not None:
        fixable = [*report.unmatched_items, *by_mapping]
    else:
        fixable = [item.id for inst in instruments for item in inst.items]
    item_rows = []
    for inst in instruments:
        for item in inst.items:
            if item.id in fixable:
                current = by_mapping.get(item.id) or pending.mapping.get(item.id, "")
                choices = [c for c in pending.columns if c not in matched_columns or c == current]
                item_rows.append(
                    {"instrument": inst, "item": item, "current": current, "choices": choices}
                )
    texts = {item.id: item.text or "" for inst in instruments for item in inst.items}
    return {
        "pending": pending,
        "report": report,
        "group_name": pending.options.group_name
        or stored_group_name
        or (pending.options.group_columns[0] if pending.options.group_columns else ""),
        "instruments": instruments,
        "item_texts": texts,
        "fix_rows": item_rows,
        "free_columns": free_columns,
        "shown_rows": SHOWN_ROWS,
        "hints": pending.hints,
    }


@router.get("/imports/{token}")
def review_page(request: Request, token: str, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    pending = _pending_or_404(request, token)
    existing = [w.label for w in services.waves_of(directory)]
    context = _review_context(pending, services.stored_group_name(directory))
    context.update(
        active="import",
        notice=web_state(request).pop_notice(n),
        existing_labels=existing,
        label=pending.options.label,
        date_text=pending.options.date,
        accept_error=None,
    )
    return render(request, "review.html", context)


def _read_settings(form: FormData, pending: PendingImport) -> None:
    id_column = field(form, "id_column")
    group = field(form, "group_column")
    groups = [group] if group else []
    unknown = [c for c in [id_column, *groups] if c and c not in pending.columns]
    if unknown:
        raise DataImportError(f"'{unknown[0]}' is not a column of {pending.original_name}.")
    if id_column and id_column in groups:
        raise DataImportError(
            f"'{id_column}' cannot be both the respondent id and a subgroup column."
        )
    mapping = dict(pending.mapping)
    for key in form:
        if not key.startswith(_MAP_PREFIX):
            continue
        item = key[len(_MAP_PREFIX) :]
        column = field(form, key)
        if column:
            if column not in pending.columns:
                raise DataImportError(f"'{column}' is not a column of {pending.original_name}.")
            mapping[item] = column
        else:
            mapping.pop(item, None)
    used: dict[str, str] = {}
    for item, column in mapping.items():
        if column in used:
            raise DataImportError(
                f"Column '{column}' is chosen for two items ({used[column]} and {item}); "
                "each column can answer one item only."
            )
        used[column] = item
    pending.mapping = mapping
    pending.options.id_column = id_column or None
    pending.options.group_columns = groups


@router.post("/imports/{token}/check")
async def recheck(request: Request, token: str, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    pending = _pending_or_404(request, token)
    state = web_state(request)
    try:
        _read_settings(form, pending)
    except CopEvalError as exc:
        return redirect(f"/imports/{token}?n={state.notice('bad', str(exc))}")
    _keep_wave_fields(form, pending)
    await run_in_threadpool(services.run_import, directory, pending)
    if pending.error is None:
        note = state.notice("ok", "Checked again with your settings: see the report below.")
    else:
        note = state.notice("bad", "The file could not be read with these settings (see below).")
    return redirect(f"/imports/{token}?n={note}")


@router.post("/imports/{token}/accept")
async def accept(request: Request, token: str, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    pending = _pending_or_404(request, token)
    state = web_state(request)
    checked = _settings_of(pending)
    try:
        if "id_column" in form or "group_column" in form:  # the column pickers on the page
            _read_settings(form, pending)
    except CopEvalError as exc:
        return redirect(f"/imports/{token}?n={state.notice('bad', str(exc))}")
    label, date_text = field(form, "label"), field(form, "date")
    pending.options.label, pending.options.date = label, date_text
    pending.options.group_name = field(form, "group_name")
    if _settings_of(pending) != checked:
        # Columns chosen on the screen but not checked yet: check them, never store unseen.
        await run_in_threadpool(services.run_import, directory, pending)
        text = (
            "You changed the columns since the last check, so the file was checked again with "
            "them. Look at the report below, then press Accept again."
        )
        return redirect(f"/imports/{token}?n={state.notice('warn', text)}")
    try:
        date = services.parse_date(date_text)
        outcome = await run_in_threadpool(
            lambda: services.accept_import(
                directory, pending, label, date, replace=field(form, "replace") == "yes"
            )
        )
    except CopEvalError as exc:
        context = _review_context(pending, services.stored_group_name(directory))
        context.update(
            active="import",
            existing_labels=[w.label for w in services.waves_of(directory)],
            label=label,
            date_text=date_text,
            accept_error=str(exc),
        )
        return render(request, "review.html", context, status_code=400)
    state.drop_pending(token)
    kind = "info" if outcome.action == "unchanged" else "ok"
    message = f"{outcome.message} {_stored_columns(pending)}"
    return await after_import(request, state.notice(kind, message))


def _settings_of(pending: PendingImport) -> tuple[object, ...]:
    """The column choices an import report was made with."""
    options = pending.options
    return (options.id_column, tuple(options.group_columns), tuple(sorted(pending.mapping.items())))


def _keep_wave_fields(form: FormData, pending: PendingImport) -> None:
    """Keep the wave's name, date and subgroup name as typed (shown again after a check)."""
    for name in ("label", "date", "group_name"):
        if name in form:
            setattr(pending.options, name, field(form, name))


def _stored_columns(pending: PendingImport) -> str:
    """What the confirmation says about the respondent ids and subgroups that were stored."""
    options = pending.options
    if options.id_column:
        ids = f"Respondent ids: from the column '{options.id_column}' (stored pseudonymised)."
    else:
        ids = "Respondent ids: none (no id column was chosen; waves cannot be matched by person)."
    if options.group_columns:
        name = options.group_name or options.group_columns[0]
        groups = f"Subgroups: stored as '{name}' (from the column '{options.group_columns[0]}')."
    else:
        groups = "Subgroups: none (no subgroup column was chosen)."
    return f"{ids} {groups}"


@router.post("/imports/{token}/discard")
def discard(request: Request, token: str, form: Form) -> Response:
    state = web_state(request)
    pending = _pending_or_404(request, token)
    state.drop_pending(token)
    text = f"Discarded the upload of {pending.original_name}; nothing was stored."
    return redirect(f"/project?n={state.notice('info', text)}")
