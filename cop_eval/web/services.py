"""The web layer's calls into the library: projects, imports and stored waves.

Nothing here computes a statistic. It opens the project store for one request at a time (SQLite
connections stay in the thread that opened them), runs the importer on a staged upload, and turns
library errors into messages that name the file as the user knows it, not the staging path.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

from cop_eval.errors import CopEvalError, OptionError, StoreError
from cop_eval.ingest import FORMATS, open_source, read_responses
from cop_eval.instruments import Instrument, load_builtin_instruments, load_instrument
from cop_eval.store import Project
from cop_eval.store.models import AuditEntry, ImportOutcome, WaveInfo
from cop_eval.store.project import sha256_file
from cop_eval.web.services_custom import custom_instruments
from cop_eval.web.state import PendingImport
from cop_eval.web.words import web_words

__all__ = [
    "FORMATS",
    "accept_import",
    "builtin_instruments",
    "check_project",
    "create_project",
    "file_columns",
    "instruments_by_id",
    "open_project",
    "parse_date",
    "project_folder",
    "run_import",
    "waves_of",
]


#: The longest folder name typed (in UTF-8 bytes) that file systems accept.
_MAX_PATH = 4096


def project_folder(text: str) -> Path:
    """A folder typed by the user: ``~`` expanded, made absolute; empty text is an error."""
    if not text.strip():
        raise OptionError("Type the folder of the project, e.g. ~/cop-evaluation.")
    if any(ord(ch) < 32 for ch in text):
        raise OptionError(
            "The folder name holds an invisible control character (perhaps pasted with it). "
            "Type the folder again, e.g. ~/cop-evaluation."
        )
    too_long = len(text.encode("utf-8", "replace")) > _MAX_PATH or any(
        len(part.encode("utf-8", "replace")) > 255 for part in Path(text).parts
    )
    if too_long:
        raise OptionError(
            "The folder name is longer than the computer allows (255 characters for each "
            "folder in it). Choose a shorter one, e.g. ~/cop-evaluation."
        )
    try:
        return Path(text.strip()).expanduser().resolve()
    except (OSError, RuntimeError, ValueError) as exc:
        raise OptionError(f"'{text.strip()}' cannot be used as a folder ({exc}).") from None


@contextmanager
def open_project(directory: Path) -> Iterator[Project]:
    """Open the project for the length of one request."""
    project = Project.open(directory)
    try:
        yield project
    finally:
        project.close()


def create_project(directory: Path) -> None:
    """Create a project (its folder, key and database)."""
    try:
        Project.create(directory).close()
    except OSError as exc:  # e.g. a folder this user may not write to
        raise StoreError(
            f"{directory}: the project could not be created there ({exc.strerror or exc}). "
            "Choose a folder you may write to, e.g. in your home folder."
        ) from None


def check_project(directory: Path) -> None:
    """Raise :class:`StoreError` unless ``directory`` holds a project that opens."""
    if not directory.is_dir():
        raise StoreError(
            f"{directory}: there is no such folder. Check the path, or create a new project there."
        )
    with open_project(directory):
        pass


def stored_group_name(directory: Path) -> str:
    """The subgroup column name the stored waves use (the first wave's), or ``""``."""
    for wave in waves_of(directory):
        if wave.group_columns:
            return wave.group_columns[0]
    return ""


def waves_of(directory: Path) -> list[WaveInfo]:
    """The stored waves, in date order."""
    with open_project(directory) as project:
        return project.waves()


#: Rows of the audit trail the Waves page lists (the most recent first).
AUDIT_ROWS = 200


def audit_of(directory: Path) -> list[AuditEntry]:
    """The project's audit trail, the most recent change first (at most :data:`AUDIT_ROWS`)."""
    with open_project(directory) as project:
        return list(reversed(project.audit()))[:AUDIT_ROWS]


def builtin_instruments() -> list[Instrument]:
    """The instruments shipped with cop-eval."""
    return list(load_builtin_instruments())


def instruments_by_id(ids: Sequence[str], directory: Path | None = None) -> list[Instrument]:
    """Load the chosen instruments: built in, or kept in the project ``directory`` (uploaded
    on the Import page); at least one must be chosen."""
    if not ids:
        raise OptionError(
            "Choose at least one questionnaire (instrument) that the export file answers."
        )
    kept = {i.id: i for i in custom_instruments(directory)} if directory is not None else {}
    return [kept[ident] if ident in kept else load_instrument(ident) for ident in ids]


def parse_date(text: str) -> dt.date | None:
    """A date from a form field (``YYYY-MM-DD``, as date inputs send it); empty is no date."""
    if not text.strip():
        return None
    try:
        return dt.date.fromisoformat(text.strip())
    except ValueError as exc:
        raise OptionError(
            f"'{text}' is not a date. Give the survey date as year-month-day, e.g. 2025-03-31."
        ) from exc


def _for_user(message: str, pending: PendingImport) -> str:
    # Library messages name the staged copy (and may end with a hint for the terminal); the user knows the file by the name they uploaded.
    return web_words(message.replace(str(pending.path), pending.original_name))


def file_columns(pending: PendingImport) -> tuple[str, ...]:
    """The column names of the staged export, as the importer sees them (header read only)."""
    try:
        options = pending.options
        return tuple(open_source(pending.path, options.format, options.sheet).layout.names)
    except CopEvalError as exc:
        raise type(exc)(_for_user(str(exc), pending)) from exc


def run_import(directory: Path, pending: PendingImport) -> None:
    """Read the staged export with the pending options; store the result or the error on it.

    Ids are pseudonymised with the project's key, so waves can be matched later.
    """
    options = pending.options
    try:
        instruments = instruments_by_id(options.instruments, directory)
        with open_project(directory) as project:
            key = project.key
        pending.result = read_responses(
            pending.path,
            instruments,
            format=options.format,
            mapping=dict(pending.mapping) or None,
            id_column=options.id_column,
            group_columns=tuple(options.group_columns),
            key=key,
            sheet=options.sheet,
        )
        pending.error = None
    except CopEvalError as exc:
        pending.result = None
        pending.error = _for_user(str(exc), pending)


def accept_import(
    directory: Path,
    pending: PendingImport,
    label: str,
    date: dt.date | None,
    *,
    replace: bool,
) -> ImportOutcome:
    """Store the reviewed wave in the project (one transaction) and return what happened.

    The subgroup column is stored under ``pending.options.group_name`` when one is given: each
    platform names the same question differently (``Q1``, ``strand``, the question text), and
    waves are compared by subgroup under one name.
    """
    responses = pending.result
    if responses is None:
        raise OptionError(
            "This import has a problem that must be fixed first (see the message above)."
        )
    if not label.strip():
        raise OptionError("Give the wave a name, e.g. 'Baseline 2025' or 'Wave 2'.")
    name = pending.options.group_name.strip()
    columns = list(responses.groups.columns)
    if name and len(columns) == 1 and columns[0] != name:
        responses = dataclasses.replace(
            responses, groups=responses.groups.rename(columns={columns[0]: name})
        )
    with open_project(directory) as project:
        return project.add_wave(
            responses,
            label.strip(),
            date=date,
            source_sha256=sha256_file(pending.path),
            source_name=pending.original_name,
            replace=replace,
        )
