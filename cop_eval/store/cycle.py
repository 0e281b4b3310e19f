"""The project's context, membership per wave and attendance register (``Project`` methods).

:class:`CycleStore` is mixed into :class:`~cop_eval.store.project.Project`; each method is one
transaction and one audit row. Roster and register files are read and pseudonymised with the
project's key (:mod:`cop_eval.ingest.registers`) before anything reaches the database.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from cop_eval.errors import OptionError
from cop_eval.store import cycle_db, db
from cop_eval.store.cycle_models import (
    CONTEXT_FIELDS,
    AttendanceImport,
    AttendanceOutcome,
    AttendanceRecord,
    ProjectContext,
    RosterOutcome,
    WaveMembership,
)
from cop_eval.store.models import WaveInfo

if TYPE_CHECKING:
    from cop_eval.responses import ResponseSet

if TYPE_CHECKING:
    from cop_eval.store.comments import CommentStore

__all__ = ["CycleStore"]

_MAX_CONTEXT = 4000


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


class CycleStore:
    """Context, membership and attendance: the parts of the cycle beside the survey answers."""

    directory: Path

    if TYPE_CHECKING:

        @property
        def database_path(self) -> Path: ...

        @property
        def key(self) -> bytes: ...

        def waves(self) -> list[WaveInfo]: ...

        def load_wave(self, label: str) -> ResponseSet: ...

        def _read(self) -> AbstractContextManager[sqlite3.Connection]: ...

        def _write(self) -> AbstractContextManager[sqlite3.Connection]: ...

        comments: CommentStore

    # -- context ------------------------------------------------------------------------------
    def context(self) -> ProjectContext:
        """The group's name, the purpose of the evaluation, cadence, membership rules, sponsor."""
        with self._read() as conn:
            return cycle_db.read_context(conn)

    def set_context(self, **fields: str | None) -> ProjectContext:
        """Set context fields (see :data:`~cop_eval.store.cycle_models.CONTEXT_FIELDS`).

        ``None`` or blank text clears a field; fields not given are kept. Each change is
        audited with the old and new text.

        Examples
        --------
        >>> project.set_context(name="HR Professional Group", sponsor="Director of HR")  # doctest: +SKIP
        """
        unknown = sorted(set(fields) - set(CONTEXT_FIELDS))
        if unknown:
            raise OptionError(
                f"unknown context field(s) {', '.join(unknown)}; the fields are: "
                f"{', '.join(CONTEXT_FIELDS)}."
            )
        cleaned: dict[str, str | None] = {}
        for name, value in fields.items():
            text = " ".join(value.split()) if value is not None else ""
            if len(text) > _MAX_CONTEXT:
                raise OptionError(
                    f"context field {name}: {len(text)} characters; keep it under {_MAX_CONTEXT}."
                )
            cleaned[name] = text or None
        with self._write() as conn:
            before = cycle_db.read_context(conn)
            changes = {
                n: v for n, v in cleaned.items() if getattr(before, n) != v
            }  # only real changes are written and audited
            for name, value in changes.items():
                cycle_db.write_context(conn, name, value)
            if changes:
                db.audit(
                    conn,
                    "context",
                    detail=cycle_db.describe(
                        {n: {"from": getattr(before, n), "to": v} for n, v in changes.items()}
                    ),
                )
            return cycle_db.read_context(conn)

    # -- membership ---------------------------------------------------------------------------
    def _wave_label(self, label: str) -> str:
        """A wave label as stored (case of the stored wave when there is one)."""
        text = db.check_label(label)
        for info in self.waves():
            if info.label.casefold() == text.casefold():
                return info.label
        return text

    def memberships(self) -> list[WaveMembership]:
        """Membership of every wave that has one, in wave order (stored waves by date first)."""
        with self._read() as conn:
            found = cycle_db.read_membership(conn)
        order = {w.label.casefold(): k for k, w in enumerate(self.waves())}
        return sorted(found, key=lambda m: (order.get(m.wave.casefold(), len(order)), m.set_at))

    def membership(self, wave: str) -> WaveMembership | None:
        """The membership of one wave, or ``None`` when none was given."""
        with self._read() as conn:
            found = cycle_db.read_membership(conn, db.check_label(wave))
        return found[0] if found else None

    def roster(self, wave: str) -> dict[str, str]:
        """The roster of one wave: pseudonym → subgroup (empty without a roster)."""
        with self._read() as conn:
            return cycle_db.read_roster(conn, db.check_label(wave))

    def set_members(self, wave: str, members: int | Mapping[str, int]) -> WaveMembership:
        """Store how many members were invited to a wave: one number, or per subgroup.

        Parameters
        ----------
        wave
            The wave label (it need not be imported yet).
        members
            A number (the whole group), or ``{subgroup: number}`` with the subgroup names the
            survey uses. People who answer but are not members (e.g. administrators who
            attend) are left out, so response rates count members only.

        Returns
        -------
        WaveMembership
            What is now stored (a roster given before is replaced; the audit trail keeps it).
        """
        label = self._wave_label(wave)
        counts = {"": members} if isinstance(members, int) else dict(members)
        for group, n in counts.items():
            if isinstance(n, bool) or not isinstance(n, int) or n < 0:
                raise OptionError(f"members of {group or 'the group'}: {n!r} is not a count.")
            if not isinstance(group, str) or (group == "" and len(counts) > 1):
                raise OptionError("every subgroup of the membership needs a name.")
        if sum(counts.values()) < 1:
            raise OptionError(f"wave {label!r}: the membership must have at least one member.")
        if "" not in counts:
            counts = self._as_answered(label, counts)
        with self._write() as conn:
            previous = cycle_db.read_membership(conn, label)
            cycle_db.replace_membership(conn, label, counts=counts)
            db.audit(
                conn,
                "members",
                wave=label,
                detail=cycle_db.describe(
                    {"counts": counts, "replaced": previous[0].kind if previous else None}
                ),
            )
            (stored,) = cycle_db.read_membership(conn, label)
        return stored

    def _as_answered(self, label: str, counts: dict[str, int]) -> dict[str, int]:
        """Members per subgroup under the names the wave's answers use (matched without regard
        to case), refused when a name is not a subgroup of the stored wave: its members would
        count as nobody's and its respondents as non-members. Unchecked before the wave is
        imported."""
        info = next((w for w in self.waves() if w.label == label), None)
        if info is None or not info.group_columns:
            return counts
        groups = self.load_wave(label).groups
        best: tuple[int, str, dict[str, str]] = (-1, "", {})
        for column in info.group_columns:
            values = {str(v).casefold(): str(v) for v in groups[column].dropna().unique()}
            found = sum(name.casefold() in values for name in counts)
            if found == len(counts):
                return {values[name.casefold()]: n for name, n in counts.items()}
            best = max(best, (found, column, values), key=lambda b: b[0])
        unknown = [name for name in counts if name.casefold() not in best[2]]
        known = sorted(best[2].values(), key=str.casefold)
        shown = ", ".join(known[:12]) + (f" and {len(known) - 12} more" if len(known) > 12 else "")
        raise OptionError(
            f"wave {label!r}: {', '.join(map(repr, unknown))} "
            f"{'is not a subgroup' if len(unknown) == 1 else 'are not subgroups'} of the "
            f"wave's answers (subgroup column {best[1]!r}: {shown or 'no values'}). Give the "
            "members per subgroup under the names the survey uses, or one number for the group."
        )

    def import_roster(
        self,
        wave: str,
        path: Path,
        *,
        id_column: str | None = None,
        group_column: str | None = None,
    ) -> RosterOutcome:
        """Store a wave's roster from a CSV/XLSX file, its ids pseudonymised with the project key.

        The ids are hashed exactly like survey ids, so members link to their answers (response
        rates, non-respondents, leavers and joiners between waves). Raw ids are never stored.

        Parameters
        ----------
        wave
            The wave label.
        path
            One member per row; the first row names the columns.
        id_column, group_column
            See :func:`cop_eval.ingest.registers.read_roster`.
        """
        from cop_eval.ingest.registers import read_roster
        from cop_eval.store.project import sha256_file

        label = self._wave_label(wave)
        roster = read_roster(path, self.key, id_column=id_column, group_column=group_column)
        from cop_eval.store.named_groups import refuse_roster_naming_groups

        refuse_roster_naming_groups(self, path, id_column)
        digest = sha256_file(path)
        with self._write() as conn:
            previous = cycle_db.read_membership(conn, label)
            if (
                previous
                and previous[0].source_sha256 == digest
                and cycle_db.read_roster(conn, label) == roster.members
            ):
                action = "unchanged"
            else:
                action = "replaced" if previous else "stored"
                cycle_db.replace_membership(
                    conn,
                    label,
                    roster=roster.members,
                    source_name=path.name,
                    source_sha256=digest,
                )
                db.audit(
                    conn,
                    "roster",
                    wave=label,
                    file_name=path.name,
                    file_sha256=digest,
                    detail=cycle_db.describe(
                        {
                            "members": len(roster.members),
                            "rows_read": roster.rows_read,
                            "rows_rejected": roster.rows_rejected,
                            "replaced": previous[0].kind if previous else None,
                        }
                    ),
                )
            (stored,) = cycle_db.read_membership(conn, label)
        if action != "unchanged":  # the members' names are redacted from comments
            self.comments.add_roster_names(path, id_column)
        verb = {"stored": "Stored", "replaced": "Replaced", "unchanged": "Unchanged:"}[action]
        groups = "" if not stored.by_subgroup else f" in {_plural(len(stored.counts), 'subgroup')}"
        return RosterOutcome(
            action=action,  # type: ignore[arg-type]
            membership=stored,
            rows_read=roster.rows_read,
            rows_rejected=roster.rows_rejected,
            rejected=roster.rejected,
            message=f"{verb} the roster of wave {label!r}: "
            f"{_plural(stored.total, 'member')}{groups} from {path.name}"
            + (
                f" ({_plural(roster.rows_rejected, 'row')} not used)"
                if roster.rows_rejected
                else ""
            )
            + ".",
        )

    # -- attendance ---------------------------------------------------------------------------
    def attendance(self) -> list[AttendanceRecord]:
        """Every attendance record, by meeting date (pseudonymised members)."""
        with self._read() as conn:
            return cycle_db.read_attendance(conn)

    def attendance_imports(self) -> list[AttendanceImport]:
        """The registers imported, oldest first."""
        with self._read() as conn:
            return cycle_db.read_attendance_imports(conn)

    def import_attendance(
        self,
        path: Path,
        *,
        id_column: str | None = None,
        date_column: str | None = None,
        attended_column: str | None = None,
        minutes_column: str | None = None,
        group_column: str | None = None,
        day_first: bool | None = None,
    ) -> AttendanceOutcome:
        """Store an attendance register (CSV/XLSX, long or wide), ids hashed on import.

        The register's records replace any stored records of the same meetings (a corrected
        register replaces the first one); the same file twice changes nothing. Options: see
        :func:`cop_eval.ingest.registers.read_register`.
        """
        from cop_eval.ingest.registers import read_register
        from cop_eval.store.project import sha256_file

        register = read_register(
            path,
            self.key,
            id_column=id_column,
            date_column=date_column,
            attended_column=attended_column,
            minutes_column=minutes_column,
            group_column=group_column,
            day_first=day_first,
        )
        digest = sha256_file(path)
        people = len({r.member for r in register.records})
        rows_accepted = register.rows_read - register.rows_rejected
        with self._write() as conn:
            same_file = cycle_db.read_attendance_imports(conn, digest)
            for earlier in same_file:
                if cycle_db.records_of(conn, earlier.id) == set(register.records):
                    return AttendanceOutcome(
                        action="unchanged",
                        stored=earlier,
                        people=people,
                        rejected=register.rejected,
                        warnings=register.warnings,
                        message=f"{path.name} is already stored (imported "
                        f"{earlier.imported_at:%Y-%m-%d %H:%M} UTC by {earlier.imported_by}); "
                        "nothing was changed.",
                    )
            stored, replaced = cycle_db.insert_attendance(
                conn,
                source_name=path.name,
                source_sha256=digest,
                rows_read=register.rows_read,
                rows_accepted=rows_accepted,
                rows_rejected=register.rows_rejected,
                records=register.records,
                supersedes=[earlier.id for earlier in same_file],
            )
            db.audit(
                conn,
                "attendance",
                file_name=path.name,
                file_sha256=digest,
                detail=cycle_db.describe(
                    {
                        "layout": register.layout,
                        "records": len(register.records),
                        "people": people,
                        "meetings": stored.meetings,
                        "replaced_meetings": replaced,
                        "rows_read": register.rows_read,
                        "rows_rejected": register.rows_rejected,
                    }
                ),
            )
        span = (
            f"{stored.first_meeting:%-d %b %Y} to {stored.last_meeting:%-d %b %Y}"
            if stored.first_meeting and stored.last_meeting
            else ""
        )
        again = f"; {_plural(replaced, 'meeting')} replaced" if replaced else ""
        return AttendanceOutcome(
            action="replaced" if replaced else "imported",
            stored=stored,
            people=people,
            replaced_meetings=replaced,
            rejected=register.rejected,
            warnings=register.warnings,
            message=f"Stored the attendance at {_plural(stored.meetings, 'meeting')} ({span}) "
            f"of {people} {'person' if people == 1 else 'people'} from {path.name}{again}.",
        )
