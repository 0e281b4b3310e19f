"""What the web app remembers between requests: the open project and imports under review.

One server serves one practitioner, so this lives in memory. A pending import keeps the staged
export file (it may hold raw identifiers) only until it is accepted or discarded; the staging
folder is removed when the server stops.
"""

from __future__ import annotations

import json
import secrets
import shutil
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cop_eval.errors import OptionError, StoreError
from cop_eval.privacy import DEFAULT_MIN_GROUP_SIZE, PrivacyPolicy
from cop_eval.web.words import web_words

__all__ = [
    "FLOOR",
    "SETTINGS_FILE",
    "ImportOptions",
    "Notice",
    "PendingImport",
    "WebState",
    "read_min_group_size",
    "write_min_group_size",
]

#: The web app's settings, kept in the project folder beside the store.
SETTINGS_FILE = "web-settings.json"


#: The project's own threshold: the web app may raise the smallest group shown, never lower it
#: below this (STATISTICS.md, "Anonymity": 5 unless an organisation's rule is stricter).
FLOOR = DEFAULT_MIN_GROUP_SIZE


def read_min_group_size(directory: Path) -> int:
    """The project's anonymity threshold as set in the web app (default and floor: :data:`FLOOR`).

    The file only ever raises it: a value below the floor, a value that is not a whole number,
    or an unreadable file gives the floor.
    """
    try:
        data = json.loads((directory / SETTINGS_FILE).read_text(encoding="utf-8"))
        size = data["min_group_size"]
    except (OSError, ValueError, KeyError, TypeError):
        return FLOOR
    if isinstance(size, bool) or not isinstance(size, int):
        return FLOOR
    return max(size, FLOOR)


def write_min_group_size(directory: Path, size: int) -> None:
    """Keep the anonymity threshold with the project (never below :data:`FLOOR`)."""
    if size < FLOOR:
        raise OptionError(
            f"The smallest group shown cannot be below {FLOOR} respondents, the project's "
            "anonymity rule."
        )
    try:
        (directory / SETTINGS_FILE).write_text(
            json.dumps({"min_group_size": size}) + "\n", encoding="utf-8"
        )
    except OSError as exc:
        raise StoreError(
            f"{directory}: cannot save the anonymity setting ({exc.strerror}); check that the "
            "project folder is writable."
        ) from exc


@dataclass(frozen=True)
class Notice:
    """A message shown once at the top of the next page (``kind``: ok, info, warn, bad)."""

    kind: str
    text: str


@dataclass
class ImportOptions:
    """What the practitioner chose for one upload (as the importer's keyword arguments)."""

    instruments: list[str]
    format: str | None = None
    sheet: str | None = None
    id_column: str | None = None
    group_columns: list[str] = field(default_factory=list)
    group_name: str = ""
    label: str = ""
    date: str = ""


@dataclass
class PendingImport:
    """An uploaded export being checked before it is stored as a wave.

    ``options`` are the import options chosen on the upload form (format, id column, group
    columns, instrument ids); ``mapping`` is item id → column header as fixed on the review page.
    ``result`` is the library's last answer (a ResponseSet) or ``None`` with ``error`` set.
    """

    token: str
    project_dir: Path
    path: Path
    original_name: str
    size: int
    options: ImportOptions
    mapping: dict[str, str] = field(default_factory=dict)
    result: Any = None
    error: str | None = None
    columns: tuple[str, ...] = ()
    #: The id and subgroup columns suggested from the file's values (web.guidance.ColumnHints).
    hints: Any = None

    def discard(self) -> None:
        """Delete the staged copy of the export."""
        shutil.rmtree(self.path.parent, ignore_errors=True)


class WebState:
    """The open project and the pending imports of one server process."""

    def __init__(self, project_dir: Path | None, staging_root: Path | None = None) -> None:
        self._project_dir: Path | None = None
        #: The anonymity threshold used by every results page and the report (STATISTICS.md);
        #: kept per project in :data:`SETTINGS_FILE`, so a restart never lowers it.
        self.min_group_size = DEFAULT_MIN_GROUP_SIZE
        self.project_dir = project_dir
        self._own_staging = staging_root is None
        self.staging = (
            Path(tempfile.mkdtemp(prefix="cop-eval-web-")) if staging_root is None else staging_root
        )
        self.staging.mkdir(mode=0o700, parents=True, exist_ok=True)
        self._pending: dict[str, PendingImport] = {}
        self._notices: dict[str, Notice] = {}
        self.lock = threading.RLock()

    @property
    def project_dir(self) -> Path | None:
        """The open project's folder (``None`` before one is opened)."""
        return self._project_dir

    @project_dir.setter
    def project_dir(self, directory: Path | None) -> None:
        self._project_dir = directory
        self.min_group_size = (
            read_min_group_size(directory) if directory is not None else DEFAULT_MIN_GROUP_SIZE
        )

    @property
    def privacy(self) -> PrivacyPolicy:
        """The anonymity rule of every results page and the report (never below the floor)."""
        return PrivacyPolicy(FLOOR, floor=FLOOR).with_min_group_size(self.min_group_size)

    def set_min_group_size(self, size: int) -> None:
        """Change the threshold and keep it with the open project (:class:`OptionError` below
        the floor)."""
        PrivacyPolicy(FLOOR, floor=FLOOR).with_min_group_size(size)  # refuses below the floor
        if self._project_dir is not None:
            write_min_group_size(self._project_dir, size)
        self.min_group_size = size

    def notice(self, kind: str, text: str) -> str:
        """Keep a one-time message for the next page; return its id (for the redirect URL)."""
        token = secrets.token_urlsafe(6)
        with self.lock:
            if len(self._notices) > 100:  # never shown (e.g. a closed tab): forget the oldest
                self._notices.pop(next(iter(self._notices)))
            self._notices[token] = Notice(kind, web_words(text))
        return token

    def pop_notice(self, token: str | None) -> Notice | None:
        """The message kept under ``token``, once."""
        if not token:
            return None
        with self.lock:
            return self._notices.pop(token, None)

    def add_pending(self, pending: PendingImport) -> None:
        with self.lock:
            self._pending[pending.token] = pending

    def pending(self, token: str) -> PendingImport | None:
        with self.lock:
            return self._pending.get(token)

    def drop_pending(self, token: str) -> None:
        with self.lock:
            pending = self._pending.pop(token, None)
        if pending is not None:
            pending.discard()

    def pending_imports(self, project_dir: Path | None = None) -> list[PendingImport]:
        """Imports under review (for one project when ``project_dir`` is given)."""
        with self.lock:
            found = list(self._pending.values())
        return [p for p in found if project_dir is None or p.project_dir == project_dir]

    @staticmethod
    def new_token() -> str:
        return secrets.token_urlsafe(12)

    def close(self) -> None:
        """Discard every pending import and the staging folder this state created."""
        with self.lock:
            pending = list(self._pending.values())
            self._pending.clear()
        for item in pending:
            item.discard()
        if self._own_staging:
            shutil.rmtree(self.staging, ignore_errors=True)
