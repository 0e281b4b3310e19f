"""What the project store hands back: stored waves, audit entries and import outcomes."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import Field

from cop_eval.models import FrozenModel

__all__ = ["AuditEntry", "ImportOutcome", "InstrumentRef", "WaveInfo"]


class InstrumentRef(FrozenModel):
    """An instrument a wave was imported with (its full definition is stored with the wave)."""

    id: str
    version: str


class WaveInfo(FrozenModel):
    """One stored wave (without its answers; load those with ``Project.load_wave``).

    Attributes
    ----------
    label
        The wave's name, unique in the project (compared without regard to case).
    date
        The survey date given at import (``None`` when not given).
    imported_at, imported_by
        When (UTC) and by which operating-system user the wave was stored.
    source_name, source_sha256
        The export file's name and the SHA-256 of its bytes (how re-imports are recognised).
    rows_read, rows_accepted, rows_rejected
        From the import report.
    instruments
        Instrument ids and versions, in import order.
    has_ids
        Whether respondents carry (pseudonymised) ids, so waves can be matched.
    group_columns
        Names of the subgroup columns stored with the answers.
    data_bytes
        Size of the stored (compressed) answers.
    """

    label: str
    date: dt.date | None
    imported_at: dt.datetime
    imported_by: str
    source_name: str
    source_sha256: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    instruments: tuple[InstrumentRef, ...]
    has_ids: bool
    group_columns: tuple[str, ...]
    data_bytes: int
    cop_eval_version: str

    @property
    def n(self) -> int:
        """Number of stored respondents (accepted rows)."""
        return self.rows_accepted


class AuditEntry(FrozenModel):
    """One row of the append-only audit trail.

    ``action`` is one of ``init``, ``import``, ``replace`` and ``migrate`` (waves and the
    schema); ``context``, ``members``, ``roster`` and ``attendance`` (the evaluation cycle);
    ``action-add``, ``action-update`` and ``action-close`` (actions); ``redaction terms`` and
    ``coding`` (comments). ``detail`` says what
    changed (for the cycle and actions: JSON of the old and new values; never a raw id).
    """

    id: int
    at: dt.datetime
    who: str
    action: str
    wave: str | None = None
    file_name: str | None = None
    file_sha256: str | None = None
    rows_read: int | None = None
    rows_accepted: int | None = None
    rows_rejected: int | None = None
    cop_eval_version: str
    detail: str | None = None


class ImportOutcome(FrozenModel):
    """What ``Project.add_wave`` did.

    ``action`` is ``imported`` (a new wave), ``replaced`` (an existing wave of that label was
    replaced; ``previous`` describes it) or ``unchanged`` (the same file content is already stored
    as ``wave``; nothing was written).
    """

    action: Literal["imported", "replaced", "unchanged"]
    wave: WaveInfo
    previous: WaveInfo | None = None
    message: str = Field(description="one sentence for the user")
