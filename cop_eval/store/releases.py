"""What the project's reports released, for the differencing rule (``Project`` methods).

:class:`ReleaseStore` is mixed into :class:`~cop_eval.store.project.Project`. A report (or web
page) made from the project's waves reads :meth:`ReleaseStore.releases` before it decides what to
show (:func:`cop_eval.privacy.differencing.differencing_withheld`) and records what it showed
with :meth:`ReleaseStore.record_releases` after. Members are kept as the keys the store already
holds (pseudonyms, or positions in the stored wave), never as raw ids.
"""

from __future__ import annotations

import hashlib
import sqlite3
import zlib
from collections.abc import Iterable, Sequence
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING

from cop_eval.privacy.differencing import Release
from cop_eval.store import db

__all__ = ["ReleaseStore", "member_keys"]


def member_keys(respondent_ids: Iterable[object] | None, n: int) -> list[str]:
    """The keys of a wave's respondents: their pseudonyms, or ``#row`` positions without ids.

    Examples
    --------
    >>> member_keys(None, 3)
    ['#0', '#1', '#2']
    >>> member_keys(["p:ab", None], 2)
    ['p:ab', '#1']
    """
    if respondent_ids is None:
        return [f"#{i}" for i in range(n)]
    return [
        str(v) if v is not None and v == v and str(v) else f"#{i}"
        for i, v in enumerate(respondent_ids)
    ]


def _pack(members: frozenset[str]) -> tuple[str, bytes]:
    text = "\n".join(sorted(members)).encode("utf-8")
    return hashlib.sha256(text).hexdigest(), zlib.compress(text, 6)


def _unpack(blob: bytes) -> frozenset[str]:
    text = zlib.decompress(blob).decode("utf-8")
    return frozenset(text.split("\n")) if text else frozenset()


class ReleaseStore:
    """The ledger of released respondent sets."""

    if TYPE_CHECKING:

        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...
        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...

    def releases(self, *, after: int = 0) -> list[Release]:
        """Every set of respondents shown so far, oldest first (``after``: only those recorded
        after the one numbered ``after``, see :meth:`last_release`)."""
        with self._read() as conn:
            rows = conn.execute(
                "SELECT wave, what, members FROM releases WHERE id > ? ORDER BY id", (after,)
            ).fetchall()
        return [Release(wave, what, _unpack(blob)) for wave, what, blob in rows]

    def last_release(self) -> int:
        """The number of the latest recorded release (0: none); it grows with every new one."""
        with self._read() as conn:
            row = conn.execute("SELECT max(id) FROM releases").fetchone()
        return int(row[0] or 0)

    def record_releases(self, releases: Sequence[Release], *, made_by: str = "report") -> int:
        """Record what was shown (one transaction, one audit row); returns how many were new."""
        new = 0
        with self._write() as conn:
            for release in releases:
                digest, blob = _pack(release.members)
                cursor = conn.execute(
                    "INSERT OR IGNORE INTO releases(released_at, released_by, wave, what, "
                    "members_sha256, members) VALUES (?, ?, ?, ?, ?, ?)",
                    (db.now(), db.who(), release.wave, release.what, digest, blob),
                )
                new += cursor.rowcount
            if new:
                db.audit(
                    conn, "release", detail=f"{made_by}: {new} new set(s) of respondents shown"
                )
        return new
