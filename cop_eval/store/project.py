"""A project: a folder holding ``project.sqlite`` (the waves) and ``secret.key`` (the pseudonym key).

The key lives outside the database so that the database alone never allows re-identification by
hashing candidate ids; it must be backed up with the project and never shared. The database runs
in WAL mode with foreign keys on; every change is one ``BEGIN IMMEDIATE`` transaction, so a
second writer waits (``busy_timeout``) and a crash leaves the store as it was.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import os
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from types import TracebackType

from cop_eval.errors import OptionError, StoreError, action, option
from cop_eval.instruments import Instrument
from cop_eval.privacy import load_or_create_key
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store import db, integrity, named_groups, opening
from cop_eval.store.actions import ActionStore
from cop_eval.store.codec import DATA_FORMAT, decode_answers, encode_answers
from cop_eval.store.comments import CommentStore, vocabulary_of
from cop_eval.store.cycle import CycleStore
from cop_eval.store.models import AuditEntry, ImportOutcome, WaveInfo
from cop_eval.store.releases import ReleaseStore
from cop_eval.store.schema import APPLICATION_ID, SCHEMA_VERSION, check_version

__all__ = ["DATABASE_NAME", "KEY_NAME", "Project", "sha256_file"]

DATABASE_NAME = "project.sqlite"
KEY_NAME = "secret.key"
_CHECKPOINT_BYTES = 4 << 20  # SQLite's own automatic checkpoint: 1000 pages of 4 KiB


def sha256_file(path: Path) -> str:
    """SHA-256 of a file's bytes (hex), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    try:
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                digest.update(block)
    except OSError as exc:
        raise StoreError(f"{path}: cannot read the file ({exc.strerror}).") from exc
    return digest.hexdigest()


class Project(CycleStore, ActionStore, ReleaseStore):
    """An opened project store. Use :meth:`create` or :meth:`open`; close it (or use ``with``).

    Besides the survey waves it holds the rest of the evaluation cycle: the context
    (:meth:`set_context`), membership per wave (:meth:`set_members`, :meth:`import_roster`),
    the attendance register (:meth:`import_attendance`) and the actions agreed after a wave
    (:meth:`add_action`, :meth:`update_action`, :meth:`close_action`).

    Examples
    --------
    >>> project = Project.create(Path("my-cop"))  # doctest: +SKIP
    >>> project.add_wave(responses, "baseline", date=dt.date(2025, 3, 1))  # doctest: +SKIP
    >>> [w.label for w in project.waves()]  # doctest: +SKIP
    ['baseline']
    """

    def __init__(
        self, directory: Path, conn: sqlite3.Connection, *, read_only: bool = False
    ) -> None:
        self.directory = directory
        self._conn = conn
        #: Opened read-only (the folder cannot be written): reading works, storing is refused.
        self.read_only = read_only
        self._key: bytes | None = None
        #: The waves' free-text comments: redaction terms, review, coding (:class:`CommentStore`).
        self.comments = CommentStore(self)

    # -- opening -------------------------------------------------------------------------------
    @property
    def database_path(self) -> Path:
        """``DIR/project.sqlite``."""
        return self.directory / DATABASE_NAME

    @property
    def key_path(self) -> Path:
        """``DIR/secret.key``."""
        return self.directory / KEY_NAME

    @classmethod
    def create(cls, directory: str | Path) -> Project:
        """Create a project in ``directory`` (made if needed): the key, then the database.

        Raises
        ------
        StoreError
            When the folder already holds a project (or its key), or cannot be written.
        """
        directory = Path(directory)
        db_path, key_path = directory / DATABASE_NAME, directory / KEY_NAME
        for existing in (db_path, key_path):
            if existing.exists():
                raise StoreError(
                    f"{directory}: already holds a cop-eval project ({existing.name} exists); "
                    f"nothing was changed. Use it ({option('project')}), or choose an empty "
                    "folder."
                )
        try:
            directory.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError(f"{directory}: cannot create the folder ({exc.strerror}).") from exc
        key = load_or_create_key(key_path)
        # Built under a temporary name and renamed, so a failed init leaves no half project.
        tmp = directory / f".{DATABASE_NAME}.init-{os.getpid()}"
        try:
            conn = sqlite3.connect(tmp, isolation_level=None)
            try:
                # No disk sync per schema step (19 of them): the file is synced once, whole,
                # before it takes the project's name.
                conn.execute("PRAGMA synchronous = OFF")
                conn.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                conn.execute("PRAGMA journal_mode = WAL")
                db.migrate(conn, str(db_path))
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany(
                    "INSERT INTO project(name, value) VALUES (?, ?)",
                    [
                        ("key_check", db.key_check(key)),
                        ("created_at", db.now()),
                        ("created_with", db.version()),
                    ],
                )
                db.audit(conn, "init", detail=f"schema {SCHEMA_VERSION}")
                integrity.seal_all(integrity.chain_key(key), conn)
                conn.execute("COMMIT")
            finally:
                conn.close()
            tmp.chmod(0o600)  # survey answers: private to the owner, like the key
            _sync_file(tmp)
            tmp.rename(db_path)
        except (sqlite3.Error, OSError) as exc:
            tmp.unlink(missing_ok=True)
            key_path.unlink(missing_ok=True)
            raise StoreError(f"{directory}: cannot create the project ({exc}).") from exc
        return cls.open(directory)

    @classmethod
    def open(
        cls,
        directory: str | Path,
        *,
        busy_timeout: float = 30.0,
        verify: bool = True,
        read_only: bool | None = None,
    ) -> Project:
        """Open an existing project, migrating an older schema (after a backup copy).

        When ``secret.key`` is there, the audit trail and the waves are checked against their
        seals (:mod:`cop_eval.store.integrity`); a project edited outside cop-eval is refused
        (``verify=False`` opens it anyway, e.g. to list the problems with :meth:`verify`).

        Parameters
        ----------
        directory
            The project folder (made by ``cop-eval init``).
        busy_timeout
            Seconds to wait for another process's write to finish before giving up.
        read_only
            Open the database read-only (``None``, the default: when the folder or the database
            cannot be written, :mod:`cop_eval.store.opening`); storing a change is then refused.

        Raises
        ------
        StoreError
            Missing folder or database, not a cop-eval database, one from a newer cop-eval, or
            one whose seals show an edit made outside cop-eval.
        """
        directory = Path(directory)
        db_path = directory / DATABASE_NAME
        if not db_path.is_file():
            hint = "" if directory.is_dir() else " (the folder does not exist)"
            raise StoreError(
                f"{directory}: no cop-eval project here{hint}. Create one with "
                f"{action('init', directory)}, or check the {option('project')} path."
            )
        if read_only is None:
            read_only = not opening.folder_writable(directory, db_path)
        try:
            conn = opening.connect(db_path, read_only=read_only, busy_timeout=busy_timeout)
        except sqlite3.Error as exc:
            raise StoreError(f"{db_path}: cannot open the project database ({exc}).") from exc
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            if read_only:
                opening.check_read_only_version(conn, db_path)
                project = cls(directory, conn, read_only=True)
                if verify:
                    project._refuse_if_tampered()
                return project
            conn.execute("PRAGMA synchronous = FULL")
            check_version(conn, str(db_path))
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            before = check_version(conn, str(db_path))
            db.migrate(conn, str(db_path), backup_dir=directory / "backups")
        except sqlite3.OperationalError as exc:
            conn.close()
            raise db.store_error(exc, db_path) from exc
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(
                f"{db_path}: not a readable cop-eval project database ({exc}). Restore it from "
                "a backup."
            ) from exc
        except BaseException:
            conn.close()
            raise
        project = cls(directory, conn)
        try:
            project._start_chain(before)
            if verify:
                project._refuse_if_tampered()
        except BaseException:
            conn.close()
            raise
        return project

    def _chain(self) -> bytes | None:
        """The integrity key, or ``None`` without ``secret.key`` (reading stays possible)."""
        if not self.key_path.is_file():
            return None
        return integrity.chain_key(self.key)

    def _start_chain(self, before: int) -> None:
        """Seal everything once, when the schema that added the seals was just migrated to."""
        if before >= integrity.SINCE_SCHEMA or (k := self._chain()) is None:
            return
        with self._write() as conn:
            if conn.execute("SELECT count(*) FROM audit_macs").fetchone()[0] == 0:
                integrity.seal_all(k, conn)

    def _refuse_if_tampered(self) -> None:
        try:
            problems = self.verify(answers=False)
        except StoreError:
            return  # no key, or not this project's: said when the key is needed
        if problems:
            listed = "; ".join(problems[:3]) + (" ..." if len(problems) > 3 else "")
            raise StoreError(
                f"{self.database_path}: the project was changed outside cop-eval ({listed}). "
                "Restore project.sqlite from a backup; `cop-eval waves --project DIR --verify` "
                "lists every problem."
            )

    def verify(self, *, answers: bool = True) -> list[str]:
        """Signs of an edit made without the key: the audit chain, each wave's seal, the sealed
        head, the key check and (``answers``) each wave's answers against their SHA-256.

        Raises
        ------
        StoreError
            ``secret.key`` is missing (the seals cannot be checked without it).
        """
        k = integrity.chain_key(self.key)
        with self._read() as conn:
            problems = integrity.verify(k, conn, key_check=db.key_check(self.key))
            if answers:
                problems += integrity.verify_answers(conn)
        return problems

    def close(self) -> None:
        """Close the database connection."""
        self._conn.close()

    def __enter__(self) -> Project:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @property
    def schema_version(self) -> int:
        """The database's schema version (``PRAGMA user_version``)."""
        return int(self._conn.execute("PRAGMA user_version").fetchone()[0])

    @property
    def key(self) -> bytes:
        """The project's pseudonymisation key (``secret.key``), checked against the database.

        Raises
        ------
        StoreError
            When the key file is missing or is not the one the project was created with.
        """
        if self._key is None:
            if not self.key_path.is_file():
                raise StoreError(
                    f"{self.key_path}: the project's secret key is missing. Restore it from your "
                    "backup: without it new waves cannot be matched to stored ones. (Stored "
                    "waves can still be analysed.)"
                )
            key = load_or_create_key(self.key_path)
            row = self._conn.execute(
                "SELECT value FROM project WHERE name = 'key_check'"
            ).fetchone()
            if row is None:
                raise StoreError(
                    f"{self.database_path}: the project's key check is missing (the database "
                    "was edited outside cop-eval), so secret.key cannot be checked. Restore "
                    "project.sqlite from a backup."
                )
            if not hmac.compare_digest(row[0], db.key_check(key)):
                raise StoreError(
                    f"{self.key_path}: this is not the key the project was created with, so "
                    "pseudonyms would not match stored waves. Put the original secret.key back "
                    "(from your backup)."
                )
            self._key = key
        return self._key

    # -- reading ------------------------------------------------------------------------------
    @contextmanager
    def _read(self) -> Iterator[sqlite3.Connection]:
        # One read transaction: a consistent snapshot even while another process writes (WAL).
        try:
            self._conn.execute("BEGIN")
            try:
                yield self._conn
            finally:
                self._conn.execute("COMMIT")
        except sqlite3.OperationalError as exc:
            raise db.store_error(exc, self.database_path) from exc

    def _seal(self, conn: sqlite3.Connection, after: int) -> None:
        """Seal the audit entries (and waves) this transaction wrote; without ``secret.key``
        they stay unsealed, and :meth:`verify` says so."""
        k = self._chain()
        if k is not None:
            integrity.seal_new(k, conn, after)

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        # One write transaction (BEGIN IMMEDIATE: a second writer waits for busy_timeout).
        if self.read_only:
            raise opening.read_only_error(self.directory)
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                after = integrity.last_entry(conn)
                yield conn
                self._seal(conn, after)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise db.store_error(exc, self.database_path) from exc
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.database_path}: nothing was changed ({exc}).") from exc
        self._checkpoint()

    def waves(self) -> list[WaveInfo]:
        """Stored waves in date order (undated waves last), then import order."""
        with self._read() as conn:
            return db.wave_infos(conn, "1 ORDER BY wave_date IS NULL, wave_date, id", ())

    def wave(self, label: str) -> WaveInfo:
        """The stored wave with this label (case is ignored); :class:`StoreError` when absent."""
        with self._read() as conn:
            found = db.wave_infos(conn, "label = ?", (label,))
        if not found:
            raise self._unknown_wave(label)
        return found[0]

    def find_source(self, sha256: str) -> WaveInfo | None:
        """The wave stored from a file with this content hash, if any."""
        with self._read() as conn:
            found = db.wave_infos(conn, "source_sha256 = ?", (sha256,))
        return found[0] if found else None

    def load_wave(self, label: str) -> ResponseSet:
        """Load one stored wave as a :class:`ResponseSet` (``wave`` set to its label)."""
        with self._read() as conn:
            row = conn.execute(
                "SELECT id, label, source_name, report_json, data_format, data_sha256 "
                "FROM waves WHERE label = ?",
                (label,),
            ).fetchone()
            if row is not None:
                snapshots = conn.execute(
                    "SELECT snapshot_json FROM wave_instruments WHERE wave_id = ? "
                    "ORDER BY position",
                    (row[0],),
                ).fetchall()
                blob = b"".join(
                    chunk
                    for (chunk,) in conn.execute(
                        "SELECT chunk FROM wave_data WHERE wave_id = ? ORDER BY seq", (row[0],)
                    )
                )
                comment_rows = CommentStore.rows(conn, row[0])
        if row is None:
            raise self._unknown_wave(label)
        _, stored_label, source_name, report_json, data_format, data_sha = row
        where = f"{self.database_path}, wave {stored_label!r}"
        if data_format != DATA_FORMAT:
            raise StoreError(f"{where}: unknown answer format {data_format!r}; upgrade cop-eval.")
        answers = decode_answers(blob, expected_sha256=data_sha, where=where)
        instruments = tuple(Instrument.model_validate_json(s) for (s,) in snapshots)
        questions = [c.id for inst in instruments for c in inst.comments]
        comments = CommentStore.frame(comment_rows, len(answers.items), questions)
        return ResponseSet(
            source=source_name,
            instruments=instruments,
            items=answers.items,
            report=ImportReport.model_validate_json(report_json),
            respondent_ids=answers.respondent_ids,
            groups=answers.groups,
            row_numbers=answers.row_numbers,
            wave=stored_label,
            comments=comments,
        )

    def load_waves(self, labels: Sequence[str] | None = None) -> list[ResponseSet]:
        """Load several waves: all in :meth:`waves` order, or the given labels in that order.

        Raises
        ------
        StoreError
            A label that is not stored (the message lists the stored ones).
        OptionError
            The same label given twice.
        """
        if labels is None:
            return [self.load_wave(info.label) for info in self.waves()]
        folded = [label.casefold() for label in labels]
        if len(set(folded)) != len(folded):
            raise OptionError(f"the same wave was named twice in {', '.join(labels)}.")
        infos = [self.wave(label) for label in labels]  # all checked before anything is loaded
        return [self.load_wave(info.label) for info in infos]

    def audit(self) -> list[AuditEntry]:
        """The audit trail, oldest first."""
        with self._read() as conn:
            cursor = conn.execute(
                "SELECT id, at, who, action, wave, file_name, file_sha256, rows_read, "
                "rows_accepted, rows_rejected, cop_eval_version, detail FROM audit ORDER BY id"
            )
            names = [d[0] for d in cursor.description]
            return [AuditEntry.model_validate(dict(zip(names, r, strict=True))) for r in cursor]

    def revision(self) -> int:
        """A number that changes with every stored change (the latest audit row's id).

        Every change to the project is one audited transaction, so results computed from the
        project can be kept until this number moves. Recording what a report or page showed
        (:meth:`record_releases`) changes no result, and does not move it.
        """
        with self._read() as conn:
            row = conn.execute("SELECT max(id) FROM audit WHERE action != 'release'").fetchone()
        return int(row[0] or 0)

    def _unknown_wave(self, label: str) -> StoreError:
        stored = ", ".join(repr(w.label) for w in self.waves()) or "none yet"
        return StoreError(
            f"{self.directory}: no wave {label!r} in this project (stored waves: {stored}). "
            f"List them with {action('waves')}."
        )

    # -- writing ------------------------------------------------------------------------------
    def already_stored(
        self, sha256: str, label: str, *, replace: bool = False, source_name: str | None = None
    ) -> ImportOutcome | None:
        """The ``unchanged`` outcome :meth:`add_wave` would return for this file, else ``None``.

        Lets a caller skip reading a file that is already stored (``add_wave`` checks again
        under the write lock).
        """
        with self._read() as conn:
            unchanged, _ = _duplicate(
                conn, sha256.lower(), db.check_label(label), replace, source_name or "the file"
            )
        return unchanged

    def add_wave(
        self,
        responses: ResponseSet,
        label: str,
        *,
        date: dt.date | None = None,
        source_sha256: str | None = None,
        source_name: str | None = None,
        replace: bool = False,
    ) -> ImportOutcome:
        """Store a wave in one transaction (all of it, or nothing).

        Parameters
        ----------
        responses
            Answers read with this project's key (ids already pseudonymised).
        label
            The wave's name, unique in the project (case is ignored).
        date
            The survey date; waves are ordered by it.
        source_sha256
            SHA-256 of the export file (:func:`sha256_file`); when ``None``, the hash of the
            stored answers stands in for it (for ResponseSets built in memory).
        source_name
            The export's file name (default: the name of ``responses.source``).
        replace
            Replace a stored wave of the same label; the replacement is audited.

        Returns
        -------
        ImportOutcome
            ``unchanged`` when this file content is already stored (nothing is written).

        Raises
        ------
        StoreError
            The label is taken by other content (and ``replace`` is false); ids are not
            pseudonymised; another process holds the store longer than ``busy_timeout``.
        OptionError
            A subgroup column holds names of people (:mod:`cop_eval.store.named_groups`).
        """
        label = db.check_label(label)
        if responses.n == 0:
            raise StoreError(
                f"{responses.source}: no rows were accepted, so there is no wave to store. See "
                f"why in {action('check')}."
            )
        named_groups.refuse_named_wave(self, responses)
        encoded = encode_answers(
            responses.items, responses.respondent_ids, responses.groups, responses.row_numbers,
            source=responses.source,
        )  # fmt: skip
        file_hash = (source_sha256 or encoded.sha256).lower()
        if len(file_hash) != 64 or any(ch not in "0123456789abcdef" for ch in file_hash):
            raise OptionError(f"source_sha256 {source_sha256!r} is not a SHA-256 hex digest.")
        name = source_name or Path(responses.source).name
        report = responses.report
        conn = self._conn
        try:
            conn.execute("BEGIN IMMEDIATE")
            try:
                after = integrity.last_entry(conn)
                unchanged, previous = _duplicate(conn, file_hash, label, replace, name)
                if unchanged is not None:
                    conn.execute("ROLLBACK")
                    return unchanged
                if previous is not None and not replace:
                    raise StoreError(
                        f"{self.directory}: wave {previous.label!r} already exists with other "
                        f"content ({previous.source_name}, sha256 {previous.source_sha256[:12]}…, "
                        f"imported {previous.imported_at:%Y-%m-%d}); nothing was changed. Choose "
                        f"another {option('label')}, or add {option('replace', True)} to replace "
                        "it (recorded in the audit trail)."
                    )
                if previous is not None:
                    integrity.drop_seal(conn, label)  # the new wave may get the old id
                    conn.execute("DELETE FROM waves WHERE label = ?", (label,))
                wave_id = db.insert_wave(
                    conn, label, date, name, file_hash, responses, report, encoded
                )
                self.comments.insert(
                    conn,
                    wave_id,
                    responses.comments,
                    vocabulary_of(responses.instruments, responses.groups),
                )
                db.audit(
                    conn,
                    "replace" if previous else "import",
                    wave=label,
                    file_name=name,
                    file_sha256=file_hash,
                    report=report,
                    detail=(
                        f"replaced {previous.source_name} (sha256 {previous.source_sha256}, "
                        f"{previous.rows_accepted} rows, imported {previous.imported_at:%Y-%m-%d})"
                        if previous
                        else None
                    ),
                )
                self._seal(conn, after)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise
        except sqlite3.OperationalError as exc:
            raise db.store_error(exc, self.database_path) from exc
        except sqlite3.IntegrityError as exc:
            raise StoreError(f"{self.database_path}: the wave was not stored ({exc}).") from exc
        self._checkpoint()
        stored = self.wave(label)
        verb = "Replaced" if previous else "Stored"
        return ImportOutcome(
            action="replaced" if previous else "imported",
            wave=stored,
            previous=previous,
            message=f"{verb} wave {label!r}: {stored.rows_accepted} respondents from {name}.",
        )

    def _checkpoint(self) -> None:
        # Fold the write-ahead log back into the database so a large import does not leave a
        # WAL file of the same size behind; harmless when a reader prevents it. A small log
        # waits (SQLite folds it in when the project is closed): a checkpoint costs three
        # disk syncs, and the demo's forty small writes waited 0.8 s for them.
        wal = self.database_path.with_name(self.database_path.name + "-wal")
        with suppress(OSError):
            if wal.stat().st_size < _CHECKPOINT_BYTES:
                return
        with suppress(sqlite3.OperationalError):
            self._conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def _sync_file(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _refuse_look_alike(conn: sqlite3.Connection, label: str) -> None:
    """A new label that looks like a stored one (``ｂａｓｅｌｉｎｅ`` beside ``baseline``) is refused:
    two waves a reader cannot tell apart."""
    skeleton = db.label_skeleton(label)
    for (stored,) in conn.execute("SELECT label FROM waves"):
        if stored.casefold() != label.casefold() and db.label_skeleton(stored) == skeleton:
            raise StoreError(
                f"wave label {label!r} looks like the stored wave {stored!r} (they differ only "
                "in character forms a reader cannot see); nothing was changed. Use the stored "
                "label to replace that wave, or choose a label that reads differently."
            )


def _duplicate(
    conn: sqlite3.Connection, file_hash: str, label: str, replace: bool, name: str
) -> tuple[ImportOutcome | None, WaveInfo | None]:
    """``(unchanged outcome, None)`` when this content is stored and is not to be replaced;
    else ``(None, the stored wave of this label or None)``."""
    _refuse_look_alike(conn, label)
    same_file = db.wave_infos(conn, "source_sha256 = ?", (file_hash,))
    same_label = db.wave_infos(conn, "label = ?", (label,))
    if same_file and not (replace and same_file == same_label):
        return db.unchanged_outcome(same_file[0], name, label), None
    return None, same_label[0] if same_label else None
