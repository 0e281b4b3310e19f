"""Free-text comments in the project store: redacted on the way in, sealed as answered.

Every non-blank answer to an open question is stored as one ``wave_comments`` row holding the
redacted text (the only form anything shows), the kinds and rules of its redactions, and the
text as answered sealed with the project key (:mod:`cop_eval.privacy.sealing`). Redaction uses
the project's terms (names to redact, words to keep; sealed in ``redaction_terms``), the
wording of the wave's instruments and its subgroup labels. When terms change, every stored
comment is redacted again from its sealed original, in one transaction, with SQLite's
``secure_delete`` on so that the previous redacted text is overwritten on disk.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from cop_eval.comments.redaction import RedactionRules, Redactor
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.privacy.sealing import Sealer
from cop_eval.store import db, integrity, opening

if TYPE_CHECKING:
    from cop_eval.store.project import Project

__all__ = ["CommentStore", "RedactionTerms", "StoredComment", "comment_key", "vocabulary_of"]

_CONTEXT_COMMENT = "comment"
_CONTEXT_TERM = "redaction term"
_MAX_TERM = 200


def comment_key(wave: str, question: str, row_index: int) -> str:
    """The id of a stored comment in sheets and JSON: ``"<wave>/<question>/<respondent>"``."""
    return f"{wave}/{question}/{row_index + 1}"


def vocabulary_of(instruments: Iterable[Instrument], groups: pd.DataFrame) -> tuple[str, ...]:
    """Texts whose words are never names: instrument wording and the wave's subgroup labels."""
    texts: list[str] = []
    for inst in instruments:
        texts += [inst.title, inst.description, *(s.label for s in inst.scales)]
        texts += [i.text for i in inst.items if i.text] + [c.text for c in inst.comments]
    for column in groups.columns:
        texts += [str(v) for v in groups[column].dropna().unique()]
    return tuple(texts)


@dataclass(frozen=True)
class RedactionTerms:
    """The project's own redaction terms."""

    names: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()


@dataclass(frozen=True)
class StoredComment:
    """A stored comment as review shows it (``original`` only when asked for)."""

    key: str
    wave: str
    question: str
    row_index: int
    text: str
    redactions: tuple[tuple[str, str], ...]  # (kind, rule)
    original: str | None = None


def _clean_terms(terms: Iterable[str], what: str) -> list[str]:
    out = []
    for term in terms:
        text = " ".join(str(term).split())
        if not text:
            continue
        if len(text) > _MAX_TERM or any(ord(ch) < 32 for ch in text):
            raise OptionError(
                f"{what} {text[:40]!r}...: give up to {_MAX_TERM} printable characters."
            )
        out.append(text)
    return out


class CommentStore:
    """The comments of a project (``project.comments``)."""

    def __init__(self, project: Project) -> None:
        self._project = project

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._project._conn

    def _sealer(self) -> Sealer:
        return Sealer(self._project.key)

    # -- terms ---------------------------------------------------------------------------------
    def terms(self) -> RedactionTerms:
        """The names and kept words added to this project (needs the key)."""
        with self._project._read() as conn:
            return _read_terms(conn, self._sealer())

    def add_terms(self, *, names: Iterable[str] = (), keep: Iterable[str] = ()) -> int:
        """Add names to redact and words to keep, then redact every stored comment again.

        Returns
        -------
        int
            The number of stored comments whose redacted text changed.
        """
        new_names = _clean_terms(names, "name")
        new_keep = _clean_terms(keep, "word to keep")
        sealer = self._sealer()
        with self._write() as conn:
            current = _read_terms(conn, sealer)
            fold = {t.casefold() for t in (*current.names, *current.keep)}
            rows = [("name", t) for t in new_names if t.casefold() not in fold]
            rows += [("keep", t) for t in new_keep if t.casefold() not in fold]
            conn.executemany(
                "INSERT INTO redaction_terms(kind, sealed, added_at, added_by) VALUES (?, ?, ?, ?)",
                [(kind, sealer.seal(t, _CONTEXT_TERM), db.now(), db.who()) for kind, t in rows],
            )
            # The same terms redact the same way: only new terms need the comments redacted again.
            changed = self._reredact(conn, sealer) if rows else 0
            db.audit(
                conn,
                "redaction terms",
                detail=f"{sum(k == 'name' for k, _ in rows)} name(s) and "
                f"{sum(k == 'keep' for k, _ in rows)} word(s) to keep added; "
                f"{changed} comment(s) redacted again",
            )
        return changed

    def add_roster_names(self, path: Path, id_column: str | None = None) -> int:
        """Add the names in a roster file (name columns, names in e-mail addresses) as names to
        redact; returns the number of stored comments that changed."""
        from cop_eval.comments.roster_names import names_in_roster

        names = names_in_roster(path, id_column)
        return self.add_terms(names=names) if names else 0

    def remove_terms(self, terms: Iterable[str]) -> int:
        """Remove names or kept words (any case), then redact every stored comment again."""
        gone = {t.casefold() for t in _clean_terms(terms, "term")}
        sealer = self._sealer()
        with self._write() as conn:
            ids = [
                row_id
                for row_id, blob in conn.execute("SELECT id, sealed FROM redaction_terms")
                if sealer.open(blob, _CONTEXT_TERM).casefold() in gone
            ]
            conn.executemany("DELETE FROM redaction_terms WHERE id = ?", [(i,) for i in ids])
            changed = self._reredact(conn, sealer)
            db.audit(
                conn,
                "redaction terms",
                detail=f"{len(ids)} term(s) removed; {changed} comment(s) redacted again",
            )
        return changed

    # -- comments ------------------------------------------------------------------------------
    def insert(
        self,
        conn: sqlite3.Connection,
        wave_id: int,
        comments: pd.DataFrame,
        vocabulary: Sequence[str],
    ) -> int:
        """Store a wave's comments (inside the caller's transaction); the number stored."""
        present = [(q, i, t) for q in comments.columns for i, t in _answers(comments[q])]
        if not present:
            return 0
        sealer = self._sealer()
        redactor = _redactor(conn, sealer, vocabulary)
        rows = []
        for question, index, text in present:
            red = redactor(text)
            rows.append((
                wave_id, question, index, red.text,
                json.dumps([[r.kind, r.rule] for r in red.redactions]),
                sealer.seal(text, _CONTEXT_COMMENT),
            ))  # fmt: skip
        conn.executemany(
            "INSERT INTO wave_comments(wave_id, question, row_index, redacted, redactions, sealed) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            rows,
        )
        return len(rows)

    def review(self, wave: str | None = None, *, originals: bool = False) -> list[StoredComment]:
        """Stored comments with what was redacted; the originals only when asked (needs the key)."""
        sealer = self._sealer() if originals else None
        where, params = ("WHERE w.label = ?", (wave,)) if wave else ("", ())
        if wave:
            self._project.wave(wave)  # a clear error for an unknown label
        with self._project._read() as conn:
            rows = conn.execute(
                "SELECT w.label, c.question, c.row_index, c.redacted, c.redactions, c.sealed "
                f"FROM wave_comments c JOIN waves w ON w.id = c.wave_id {where} "
                "ORDER BY w.wave_date IS NULL, w.wave_date, w.id, c.question, c.row_index",
                params,
            ).fetchall()
        return [
            StoredComment(
                key=comment_key(label, question, index),
                wave=label,
                question=question,
                row_index=index,
                text=text,
                redactions=tuple((k, r) for k, r in json.loads(kinds)),
                original=sealer.open(blob, _CONTEXT_COMMENT) if sealer else None,
            )
            for label, question, index, text, kinds, blob in rows
        ]

    # -- human coding --------------------------------------------------------------------------
    def save_codes(self, coder: str, codes: Mapping[str, Sequence[str]]) -> int:
        """Store a coder's themes (comment key → theme ids), replacing that coder's earlier codes
        of the same comments; returns the number of comments stored."""
        name = " ".join(coder.split())
        if not name or len(name) > _MAX_TERM:
            raise OptionError("give the coder a short name (e.g. 'coder A').")
        with self._write() as conn:
            where = _key_index(conn)
            rows = []
            for key, themes in codes.items():
                if key not in where:
                    raise OptionError(f"comment {key!r} is not stored in this project.")
                wave_id, question, index = where[key]
                rows.append((wave_id, question, index, name, json.dumps(list(themes)), db.now()))
            conn.executemany(
                "INSERT OR REPLACE INTO comment_codes(wave_id, question, row_index, coder, themes, "
                "coded_at) VALUES (?, ?, ?, ?, ?, ?)",
                rows,
            )
            db.audit(conn, "coding", detail=f"{len(rows)} comment(s) coded by {name}")
        return len(rows)

    def codes(self, coder: str) -> dict[str, tuple[str, ...]]:
        """A coder's stored themes per comment key."""
        with self._project._read() as conn:
            rows = conn.execute(
                "SELECT w.label, c.question, c.row_index, c.themes FROM comment_codes c "
                "JOIN waves w ON w.id = c.wave_id WHERE c.coder = ?",
                (" ".join(coder.split()),),
            ).fetchall()
        return {comment_key(w, q, i): tuple(json.loads(t)) for w, q, i, t in rows}

    def coders(self) -> list[str]:
        """The coders whose codes are stored."""
        with self._project._read() as conn:
            return [
                c
                for (c,) in conn.execute("SELECT DISTINCT coder FROM comment_codes ORDER BY coder")
            ]

    def keys(self) -> set[str]:
        """The keys of every stored comment."""
        with self._project._read() as conn:
            return set(_key_index(conn))

    def _reredact(self, conn: sqlite3.Connection, sealer: Sealer) -> int:
        changed = 0
        waves = conn.execute("SELECT id FROM waves").fetchall()
        for (wave_id,) in waves:
            instruments = [
                Instrument.model_validate_json(s)
                for (s,) in conn.execute(
                    "SELECT snapshot_json FROM wave_instruments WHERE wave_id = ?", (wave_id,)
                )
            ]
            labels = _group_labels(conn, wave_id)
            redactor = _redactor(conn, sealer, vocabulary_of(instruments, labels))
            updates = []
            for question, index, old, blob in conn.execute(
                "SELECT question, row_index, redacted, sealed FROM wave_comments WHERE wave_id = ?",
                (wave_id,),
            ).fetchall():
                red = redactor(sealer.open(blob, _CONTEXT_COMMENT))
                if red.text != old:
                    changed += 1
                updates.append((
                    red.text, json.dumps([[r.kind, r.rule] for r in red.redactions]),
                    wave_id, question, index,
                ))  # fmt: skip
            conn.executemany(
                "UPDATE wave_comments SET redacted = ?, redactions = ? "
                "WHERE wave_id = ? AND question = ? AND row_index = ?",
                updates,
            )
        return changed

    @staticmethod
    def rows(conn: sqlite3.Connection, wave_id: int) -> list[tuple[str, int, str]]:
        """A wave's redacted comments as ``(question, row_index, text)``."""
        return conn.execute(
            "SELECT question, row_index, redacted FROM wave_comments WHERE wave_id = ?",
            (wave_id,),
        ).fetchall()

    @staticmethod
    def frame(
        rows: Iterable[tuple[str, int, str]], n_rows: int, questions: Sequence[str]
    ) -> pd.DataFrame:
        """One column per open question (``None`` = no comment), aligned with the answers."""
        columns: dict[str, list[str | None]] = {q: [None] * n_rows for q in questions}
        for question, index, text in rows:
            if question in columns and 0 <= index < n_rows:
                columns[question][index] = text
        return pd.DataFrame({q: pd.Series(v, dtype=object) for q, v in columns.items()})

    def _write(self) -> _Writer:
        return _Writer(self._project)


class _Writer:
    """One ``BEGIN IMMEDIATE`` transaction with ``secure_delete`` on; checkpoints afterwards."""

    def __init__(self, project: Project) -> None:
        self._project = project

    def __enter__(self) -> sqlite3.Connection:
        if self._project.read_only:
            raise opening.read_only_error(self._project.directory)
        conn = self._project._conn
        conn.execute("PRAGMA secure_delete = ON")
        conn.execute("BEGIN IMMEDIATE")
        self._after = integrity.last_entry(conn)
        return conn

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        conn = self._project._conn
        if exc_type is None:
            try:
                self._project._seal(conn, self._after)
            except BaseException:
                conn.execute("ROLLBACK")
                raise
            conn.execute("COMMIT")
        elif conn.in_transaction:
            conn.execute("ROLLBACK")
        self._project._checkpoint()


def _key_index(conn: sqlite3.Connection) -> dict[str, tuple[int, str, int]]:
    rows = conn.execute(
        "SELECT w.label, c.wave_id, c.question, c.row_index FROM wave_comments c "
        "JOIN waves w ON w.id = c.wave_id"
    ).fetchall()
    return {comment_key(label, q, i): (wave_id, q, i) for label, wave_id, q, i in rows}


def _answers(column: pd.Series) -> Iterator[tuple[int, str]]:
    for index, value in enumerate(column.tolist()):
        if isinstance(value, str) and value.strip():
            yield index, value.strip()


def _read_terms(conn: sqlite3.Connection, sealer: Sealer) -> RedactionTerms:
    names: list[str] = []
    keep: list[str] = []
    for kind, blob in conn.execute("SELECT kind, sealed FROM redaction_terms ORDER BY id"):
        (names if kind == "name" else keep).append(sealer.open(blob, _CONTEXT_TERM))
    return RedactionTerms(tuple(names), tuple(keep))


def _redactor(conn: sqlite3.Connection, sealer: Sealer, vocabulary: Sequence[str]) -> Redactor:
    terms = _read_terms(conn, sealer)
    return Redactor(
        RedactionRules(names=terms.names, keep=terms.keep, vocabulary=tuple(vocabulary))
    )


def _group_labels(conn: sqlite3.Connection, wave_id: int) -> pd.DataFrame:
    from cop_eval.store.codec import decode_answers

    row = conn.execute("SELECT data_sha256 FROM waves WHERE id = ?", (wave_id,)).fetchone()
    blob = b"".join(
        chunk
        for (chunk,) in conn.execute(
            "SELECT chunk FROM wave_data WHERE wave_id = ? ORDER BY seq", (wave_id,)
        )
    )
    return decode_answers(blob, expected_sha256=row[0], where=f"wave {wave_id}").groups
