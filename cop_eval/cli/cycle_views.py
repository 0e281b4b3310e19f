"""Terminal tables and JSON of the attendance summary; hidden cells stay hidden.

A suppressed figure prints as ``hidden`` in a table and as ``null`` with ``"suppressed": true``
in JSON: the summaries arrive from :mod:`cop_eval.cycle` with no number in those places.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from rich.table import Table
from rich.text import Text

from cop_eval.cycle.attendance import BANDS, AttendanceSummary, PeriodAttendance

__all__ = ["attendance_json", "attendance_tables"]

HIDDEN = Text("hidden", style="dim")


def _pct(value: float | None) -> Text | str:
    return HIDDEN if value is None else f"{100 * value:.0f}%"


def _count(value: int | None) -> Text | str:
    return HIDDEN if value is None else str(value)


def _period_json(p: PeriodAttendance) -> dict[str, Any]:
    return {
        "period": p.period.label,
        "from": p.period.start.isoformat() if p.period.start else None,
        "to": p.period.end.isoformat() if p.period.end else None,
        "closes_wave": p.period.closes,
        "meetings": p.meetings,
        "people": p.people,
        "rate": p.rate,
        "retained": p.retained,
        "retained_of": p.retained_of,
        "bands": [dataclasses.asdict(b) for b in p.bands],
        "groups": [dataclasses.asdict(g) for g in p.groups],
    }


def attendance_json(summary: AttendanceSummary) -> dict[str, Any]:
    """``{"min_group_size", "bands", "periods": [...], "overall": {...}}``."""
    return {
        "min_group_size": summary.privacy.min_group_size,
        "bands": [{"band": b, "from_rate": lo, "words": w} for b, lo, w in BANDS],
        "periods": [_period_json(p) for p in summary.periods],
        "overall": _period_json(summary.overall),
    }


def attendance_tables(summary: AttendanceSummary) -> list[Table]:
    """One table of the periods, one of the subgroups per period."""
    periods = Table(title="Attendance per period between survey waves", title_justify="left")
    for name in (
        "period",
        "meetings",
        "people",
        "mean rate",
        *(b for b, _, _ in BANDS),
        "retained",
    ):
        periods.add_column(name, justify="left" if name == "period" else "right")
    for p in (*summary.periods, summary.overall):
        retained = "-" if p.retained is None else f"{100 * p.retained:.0f}% of {p.retained_of}"
        periods.add_row(
            Text(p.period.label, style="bold" if p is summary.overall else ""),
            str(p.meetings),
            str(p.people),
            _pct(p.rate),
            *(_count(b.people) for b in p.bands),
            retained,
        )
    tables = [periods]
    if any(p.groups for p in summary.periods):
        groups = Table(title="Attendance per subgroup", title_justify="left")
        for name in ("period", "subgroup", "people", "mean rate", "regular"):
            groups.add_column(name, justify="left" if name in ("period", "subgroup") else "right")
        for p in (*summary.periods, summary.overall):
            for k, g in enumerate(p.groups):
                groups.add_row(
                    Text(p.period.label if k == 0 else ""),
                    Text(g.group),
                    _count(g.people),
                    _pct(g.rate),
                    _pct(g.regular),
                )
        tables.append(groups)
    return tables
