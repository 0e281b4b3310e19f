"""Membership rosters and attendance registers, read and pseudonymised in one step.

A roster lists the members invited to a wave (an id per row, optionally a subgroup). A register
records who came to which meeting, in one of the two shapes people keep it in:

- **long**: one row per person and meeting (id, meeting date, attended yes/no or minutes);
- **wide**: one row per person and one column per meeting, headed by its date (cells yes/no,
  x, a tick, or minutes; a blank cell means the person was not expected at that meeting).

Ids are replaced by keyed hashes (:func:`cop_eval.privacy.pseudonymise`, the project's key, the
same normalisation as survey ids) before anything else happens, so a roster or register links to
the survey answers of the same people. Messages name rows by number and never quote an id.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cop_eval.errors import DataImportError, OptionError
from cop_eval.ingest.lists import ListTable, find_column, read_list_table
from cop_eval.ingest.register_columns import (
    ATTENDED_CANDIDATES,
    DATE_CANDIDATES,
    ID_CANDIDATES,
    MINUTES_CANDIDATES,
    refuse_survey_export,
    subgroup_column,
)
from cop_eval.ingest.register_values import parse_attended, parse_dates, parse_minutes
from cop_eval.privacy import pseudonymise
from cop_eval.store.cycle_models import AttendanceRecord, RejectedRecord

__all__ = [
    "ID_CANDIDATES",
    "MAX_REJECTED",
    "NO_GROUP",
    "Register",
    "Roster",
    "parse_attended",
    "parse_dates",
    "read_register",
    "read_roster",
]

#: The subgroup of a roster or register row whose subgroup cell is blank.
NO_GROUP = "(no group given)"
#: Rejected rows kept in an outcome (the count is always complete).
MAX_REJECTED = 100

# -- rosters ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Roster:
    """The members on a roster: pseudonym → subgroup (``""`` when the roster has no subgroups)."""

    source: str
    members: dict[str, str]
    rows_read: int
    rejected: tuple[RejectedRecord, ...]
    rows_rejected: int
    group_column: str | None


_NO_ID = "the id column is blank (no member id or name)"
_ATTENDED = "yes/no, present/absent, a tick or x, or minutes"
_DATES = "write it as 2025-03-11, 11 March 2025 or 11/03/2025"


def _reject(rejected: list[RejectedRecord], row: int, reason: str) -> None:
    if len(rejected) < MAX_REJECTED:
        rejected.append(RejectedRecord(row=row, reason=reason))


def read_roster(
    path: Path,
    key: bytes,
    *,
    id_column: str | None = None,
    group_column: str | None = None,
    guess_group: bool = True,
) -> Roster:
    """Read a roster file: one member per row; ids pseudonymised with ``key`` at once.

    Parameters
    ----------
    path
        CSV or XLSX; the first row names the columns.
    key
        The project's key (``Project.key``): the same as the survey ids', so members link to
        respondents.
    id_column
        The column of member ids (default: the first of :data:`ID_CANDIDATES` present).
    group_column
        The subgroup column (default: strand, subgroup, group, role or team when present and
        ``guess_group``; give the same subgroup names as the survey's).

    Raises
    ------
    DataImportError
        Unreadable file, or no usable row.
    OptionError
        A named column is not in the file, or no id column was found.
    """
    table = read_list_table(path)
    refuse_survey_export(table)
    id_index = find_column(table, id_column, "the member ids", ID_CANDIDATES)
    group_index = subgroup_column(table, group_column, guess_group)
    assert id_index is not None
    pseudonyms = list(pseudonymise(table.column(id_index), key))
    groups = table.column(group_index) if group_index is not None else None
    members: dict[str, str] = {}
    first_row: dict[str, int] = {}
    rejected: list[RejectedRecord] = []
    n_rejected = 0
    for k, (row, member) in enumerate(zip(table.row_numbers, pseudonyms, strict=True)):
        if member is None:
            n_rejected += 1
            _reject(rejected, row, f"no member id in column {table.names[id_index]!r}")
            continue
        subgroup = "" if groups is None else (groups[k] or NO_GROUP)
        if member in members:
            n_rejected += 1
            other = "" if members[member] == subgroup else f", there in {members[member]!r}"
            _reject(rejected, row, f"the same member as row {first_row[member]}{other}")
            continue
        members[member] = subgroup
        first_row[member] = row
    if not members:
        raise DataImportError(
            f"{table.source}: no row has a member id in column {table.names[id_index]!r}; "
            "nothing to store. Give the column of ids (e-mail, staff number or name)."
        )
    return Roster(
        source=table.source,
        members=members,
        rows_read=len(table.rows),
        rejected=tuple(rejected),
        rows_rejected=n_rejected,
        group_column=table.names[group_index] if group_index is not None else None,
    )


# -- registers --------------------------------------------------------------------------------


@dataclass(frozen=True)
class Register:
    """The attendance records of a register, one per person and meeting (pseudonymised)."""

    source: str
    layout: str
    records: tuple[AttendanceRecord, ...]
    rows_read: int
    rows_rejected: int
    rejected: tuple[RejectedRecord, ...]
    warnings: tuple[str, ...]

    @property
    def meetings(self) -> tuple[dt.date, ...]:
        """The meeting dates, in order."""
        return tuple(sorted({r.meeting_date for r in self.records}))


@dataclass
class _Collector:
    records: dict[tuple[str, dt.date], tuple[int, AttendanceRecord]]
    rejected: list[RejectedRecord]
    n_rejected: int = 0

    def reject(self, row: int, reason: str) -> None:
        self.n_rejected += 1
        _reject(self.rejected, row, reason)

    def add(self, row: int, record: AttendanceRecord) -> None:
        slot = (record.member, record.meeting_date)
        if slot in self.records:
            earlier, _ = self.records[slot]
            self.reject(earlier, f"the same person and meeting again in row {row}; that row counts")
        self.records[slot] = (row, record)


def _long(
    table: ListTable,
    pseudonyms: list[str | None],
    groups: list[str] | None,
    date_index: int,
    value_index: int,
    minutes_only: bool,
    day_first: bool | None,
) -> tuple[_Collector, str | None]:
    dates, warning = _dates_of(table, table.column(date_index), day_first)
    values = table.column(value_index)
    date_name, value_name = table.names[date_index], table.names[value_index]
    out = _Collector({}, [])
    for k, row in enumerate(table.row_numbers):
        member, date, value = pseudonyms[k], dates[k], values[k]
        if member is None:
            out.reject(row, _NO_ID)
            continue
        if date is None:
            shown = table.column(date_index)[k]
            out.reject(
                row,
                f"column {date_name!r}: {shown!r} is not a date ({_DATES})"
                if shown
                else f"column {date_name!r} is blank (the meeting date)",
            )
            continue
        parsed = (
            (parse_minutes(value) if minutes_only else parse_attended(value)) if value else None
        )
        if parsed is None:
            what = "a number of minutes" if minutes_only else _ATTENDED
            out.reject(
                row,
                f"column {value_name!r}: {value!r} is not {what}"
                if value
                else f"column {value_name!r} is blank (give {what})",
            )
            continue
        subgroup = (groups[k] or NO_GROUP) if groups is not None else None
        out.add(
            row,
            AttendanceRecord(
                member=member,
                meeting_date=date,
                attended=parsed[0],
                minutes=parsed[1],
                subgroup=subgroup,
            ),
        )
    return out, warning


def _wide(
    table: ListTable,
    pseudonyms: list[str | None],
    groups: list[str] | None,
    meeting_columns: list[tuple[int, dt.date]],
) -> _Collector:
    """One row per person, one column per meeting; a blank cell: not expected at it."""
    out = _Collector({}, [])
    for k, row in enumerate(table.row_numbers):
        member = pseudonyms[k]
        cells = [(i, date, table.rows[k][i].strip()) for i, date in meeting_columns]
        if member is None:
            if any(cell for _, _, cell in cells):
                out.reject(row, _NO_ID)
            continue
        subgroup = (groups[k] or NO_GROUP) if groups is not None else None
        bad = []
        for index, date, cell in cells:
            if not cell:
                continue
            parsed = parse_attended(cell)
            if parsed is None:
                bad.append(f"column {table.names[index]!r}: {cell!r}")
                continue
            out.add(
                row,
                AttendanceRecord(
                    member=member,
                    meeting_date=date,
                    attended=parsed[0],
                    minutes=parsed[1],
                    subgroup=subgroup,
                ),
            )
        if bad:
            more = f" and {len(bad) - 3} more" if len(bad) > 3 else ""
            out.reject(
                row,
                "; ".join(bad[:3])
                + f"{more}: not {_ATTENDED} (left out; the row's other meetings are used)",
            )
    return out


def _dates_of(
    table: ListTable, texts: Sequence[str], day_first: bool | None
) -> tuple[list[dt.date | None], str | None]:
    try:
        return parse_dates(texts, day_first)
    except DataImportError as exc:
        raise DataImportError(f"{table.source}: {exc}") from exc


def read_register(
    path: Path,
    key: bytes,
    *,
    id_column: str | None = None,
    date_column: str | None = None,
    attended_column: str | None = None,
    minutes_column: str | None = None,
    group_column: str | None = None,
    day_first: bool | None = None,
) -> Register:
    """Read an attendance register (long or wide); ids pseudonymised with ``key`` at once.

    Parameters
    ----------
    path
        CSV or XLSX; the first row names the columns.
    key
        The project's key, as for survey ids, so attendance links to answers.
    id_column
        The column of member ids or names (default: the first of :data:`ID_CANDIDATES`).
    date_column
        Long registers: the meeting date (default: "meeting date", "date", ...). When no date
        column is found, columns headed by a date are the meetings (a wide register).
    attended_column, minutes_column
        Long registers: yes/no (or minutes), or minutes only (attended when above 0).
    group_column
        The subgroup, when the register has one (else the roster's subgroup is used).
    day_first
        The order of numeric dates when the data cannot tell (default: day first, with a
        warning).

    Raises
    ------
    DataImportError
        Unreadable file, unreadable date order, or no usable record.
    OptionError
        A named column is not in the file, or the layout cannot be recognised.
    """
    table = read_list_table(path)
    id_index = find_column(table, id_column, "the member ids or names", ID_CANDIDATES)
    assert id_index is not None
    group_index = subgroup_column(table, group_column, True)
    pseudonyms = list(pseudonymise(table.column(id_index), key))
    groups = table.column(group_index) if group_index is not None else None
    date_index = find_column(
        table, date_column, "the meeting date", DATE_CANDIDATES, required=False
    )
    warnings: list[str] = []
    if date_index is not None:
        if minutes_column is not None and attended_column is not None:
            raise OptionError("give the attended column or the minutes column, not both.")
        value_index = (
            find_column(table, minutes_column, "the minutes attended")
            if minutes_column is not None
            else find_column(
                table, attended_column, "attended (yes/no)", ATTENDED_CANDIDATES, required=False
            )
        )
        if value_index is None:
            value_index = find_column(
                table,
                None,
                "whether each person attended (yes/no) or for how many minutes",
                MINUTES_CANDIDATES,
            )
        assert value_index is not None
        collected, warning = _long(
            table,
            pseudonyms,
            groups,
            date_index,
            value_index,
            minutes_column is not None,
            day_first,
        )
        layout = "long"
    else:
        skip = {id_index, group_index}
        headers = [(i, n) for i, n in enumerate(table.names) if i not in skip]
        parsed, warning = _dates_of(table, [n for _, n in headers], day_first)
        meetings = [(i, d) for (i, _), d in zip(headers, parsed, strict=True) if d is not None]
        if not meetings:
            raise OptionError(
                f"{table.source}: no meeting date column and no column headed by a date; the "
                f"columns are: {', '.join(table.names)}. Give either one row per person and "
                "meeting with a date column, or one column per meeting headed by its date."
            )
        collected = _wide(table, pseudonyms, groups, meetings)
        layout = "wide"
    if warning:
        warnings.append(f"{table.source}: {warning}")
    records = tuple(r for _, r in sorted(collected.records.values(), key=lambda x: x[0]))
    if not records:
        first = "; ".join(f"row {r.row}: {r.reason}" for r in collected.rejected[:3])
        raise DataImportError(
            f"{table.source}: no usable attendance record; nothing to store"
            + (f" ({first})." if first else ".")
        )
    return Register(
        source=table.source,
        layout=layout,
        records=records,
        rows_read=len(table.rows),
        rows_rejected=collected.n_rejected,
        rejected=tuple(sorted(collected.rejected, key=lambda r: r.row)),
        warnings=tuple(warnings),
    )
