"""Survey responses as read from one export: :class:`ResponseSet` and its :class:`ImportReport`.

``export file ─read─▶ ResponseSet (+ ImportReport) ─score─▶ ScoreTable ─compare─▶ WaveComparison``

:class:`ResponseSet` holds pandas objects (a frozen dataclass: the frames are not copied, treat them
as read-only). :class:`ImportReport` is a plain pydantic model: it goes to JSON and into the report as
it is. Respondent ids are already pseudonymised (see :mod:`cop_eval.privacy`); raw identifiers never
leave the reader. The scores made from a response set are a
:class:`~cop_eval.measure.scores.ScoreTable`.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any, Literal

import numpy as np
import numpy.typing as npt
import pandas as pd
from pydantic import Field

from cop_eval.instruments import Instrument
from cop_eval.models import FrozenModel
from cop_eval.results import Result

__all__ = [
    "ColumnMatch",
    "CommentSummary",
    "ImportReport",
    "ItemSummary",
    "RejectedRow",
    "ResponseSet",
    "ValueProblem",
]


class RejectedRow(FrozenModel):
    """A data row that was not scored, and why. ``row`` is the 1-based row number in the file
    as a spreadsheet shows it (header rows included)."""

    row: int
    reason: str


class ColumnMatch(FrozenModel):
    """How an instrument item was found in the file."""

    item: str
    column: str
    how: Literal["id", "text", "mapping", "position"]


class CommentSummary(FrozenModel):
    """How an open question (``comments:`` of an instrument) was found, and how many answered it."""

    question: str
    column: str
    how: Literal["id", "text", "mapping", "position"]
    answered: int = Field(description="accepted rows with a non-blank answer")


class ValueProblem(FrozenModel):
    """A cell that could not be used as an answer (it is treated as missing, the row is kept)."""

    row: int
    column: str
    item: str
    value: str
    problem: Literal["out_of_range", "unparseable"]


class ItemSummary(FrozenModel):
    """Per-item counts over accepted rows."""

    item: str
    column: str | None
    answered: int
    missing: int
    missing_label: int = Field(description='answers such as "Don\'t know" (counted in missing)')
    out_of_range: int
    unparseable: int


class ImportReport(FrozenModel):
    """Everything that happened to every row of one export file.

    Invariant: ``rows_accepted + len(rejected) == rows_read``.
    """

    source: str
    format: str
    encoding: str | None = None
    delimiter: str | None = None
    rows_read: int
    rows_accepted: int
    rejected: tuple[RejectedRow, ...] = ()
    matches: tuple[ColumnMatch, ...] = ()
    unmatched_items: tuple[str, ...] = ()
    comments: tuple[CommentSummary, ...] = Field(
        default=(), description="open questions found in the file (their text is not kept here)"
    )
    unused_columns: tuple[str, ...] = ()
    items: tuple[ItemSummary, ...] = ()
    value_problems: tuple[ValueProblem, ...] = Field(
        default=(),
        description="cells that became missing; complete unless value_problems_truncated",
    )
    value_problems_truncated: int = Field(default=0, description="problems beyond those listed")
    duplicate_ids: tuple[str, ...] = Field(default=(), description="pseudonymised ids seen twice")
    straight_liners: tuple[int, ...] = Field(default=(), description="rows with one answer to all")
    partial_responses: int = 0
    incomplete_responses: int = Field(
        default=0,
        description="accepted rows with some but not all items answered (any skipped item); "
        "partial_responses counts only those that left a whole scale unanswered",
    )
    warnings: tuple[str, ...] = ()

    @property
    def rows_rejected(self) -> int:
        """Number of rows not scored."""
        return len(self.rejected)


@dataclass(frozen=True)
class ResponseSet(Result):
    """Validated answers from one export file (one wave).

    Attributes
    ----------
    items
        One float32 column per item of every instrument (raw answer codes, *not* reverse-keyed;
        NaN = missing). Items not found in the file are all-NaN columns. Index: 0..n-1.
    respondent_ids
        Pseudonymised ids aligned with ``items`` (``None`` when no id column was given).
    groups
        Subgroup columns (strings), aligned with ``items``; may have no columns.
    row_numbers
        The file row (as in :class:`RejectedRow`) each accepted row came from.
    comments
        One text column per open question found (``None`` = no answer), aligned with ``items``.
        Read from a file, the text is as answered; loaded from a project store it is already
        redacted (:mod:`cop_eval.comments.redaction`). Nothing shows it unredacted.
    """

    source: str
    instruments: tuple[Instrument, ...]
    items: pd.DataFrame
    report: ImportReport
    respondent_ids: pd.Series | None = None
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    row_numbers: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    wave: str | None = None
    comments: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def n(self) -> int:
        """Number of accepted respondents."""
        return len(self.items)

    def take(self, positions: npt.ArrayLike) -> ResponseSet:
        """The respondents at these positions (0-based), every aligned field subset alike:
        items, ids, subgroups, file rows and comments."""
        at = np.asarray(positions, dtype=np.int64)
        ids = self.respondent_ids

        def rows(frame: pd.DataFrame) -> pd.DataFrame:
            if len(frame) != len(self.items):  # e.g. no subgroup columns: an empty frame
                return frame
            return frame.iloc[at].reset_index(drop=True)

        return replace(
            self,
            items=self.items.iloc[at].reset_index(drop=True),
            respondent_ids=None if ids is None else ids.iloc[at].reset_index(drop=True),
            groups=rows(self.groups),
            row_numbers=self.row_numbers[at]
            if len(self.row_numbers) == len(self.items)
            else self.row_numbers,
            comments=rows(self.comments),
        )

    def instrument(self, instrument_id: str) -> Instrument:
        """The instrument with this id (``KeyError`` when absent)."""
        for instrument in self.instruments:
            if instrument.id == instrument_id:
                return instrument
        raise KeyError(instrument_id)

    def items_of(self, instrument: Instrument) -> pd.DataFrame:
        """The item columns of one instrument, in questionnaire order."""
        return self.items.loc[:, list(instrument.item_ids)]

    def to_dict(self) -> dict[str, Any]:
        """The import report, as ``cop-eval check --json`` prints it (plus ``rows_rejected``)."""
        payload = self.report.model_dump(mode="json")
        payload["rows_rejected"] = self.report.rows_rejected
        return payload

    def to_frame(self) -> pd.DataFrame:
        """One row per accepted respondent: ``row`` (in the file), ``respondent`` (pseudonym,
        when ids were read), the subgroup columns, then one column per item (raw codes)."""
        parts: list[pd.DataFrame | pd.Series] = [
            pd.Series(self.row_numbers, name="row", dtype="int64")
            if len(self.row_numbers) == self.n
            else pd.Series(range(1, self.n + 1), name="row", dtype="int64")
        ]
        if self.respondent_ids is not None:
            parts.append(self.respondent_ids.reset_index(drop=True).rename("respondent"))
        parts.append(self.groups.reset_index(drop=True))
        parts.append(self.items.reset_index(drop=True))
        return pd.concat(parts, axis=1)
