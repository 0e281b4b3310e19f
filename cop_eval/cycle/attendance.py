"""Attendance between survey waves: rates per subgroup and band, retention, and scores by band.

The thesis behind the built-in instruments recommends evidence beyond the survey, attendance
records first (the "commitment" of le May's success factors is attendance and contribution).
A person's attendance rate in a period is the share of that period's meetings they attended,
out of the meetings the register expected them at. Periods run between survey waves: meetings
up to the first wave's date, then after each wave up to the next (inclusive), then since the
last wave.

Bands (of a person's rate in a period): regular (75% or more), occasional (25% to under 75%),
rare (under 25%).

Anonymity, as for survey figures: a subgroup's attendance, and the number of people in a band,
are hidden when they describe fewer people than the privacy policy's minimum group size, with
complementary suppression (:meth:`cop_eval.privacy.PrivacyPolicy.suppressed_groups`) so that a
hidden count cannot be worked out from the total.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.store.cycle_models import AttendanceRecord

__all__ = [
    "BANDS",
    "NOT_ON_ROSTER",
    "AttendanceSummary",
    "BandCount",
    "GroupAttendance",
    "Period",
    "PeriodAttendance",
    "band_of",
    "periods_between",
    "person_rates",
    "summarise_attendance",
]

#: (band, lowest rate in it, words); a person's band is the first whose lowest rate they reach.
BANDS: tuple[tuple[str, float, str], ...] = (
    ("regular", 0.75, "75% of meetings or more"),
    ("occasional", 0.25, "25% to under 75%"),
    ("rare", 0.0, "under 25%"),
)
#: The subgroup of people on the register but on no roster (and without a subgroup of their own).
NOT_ON_ROSTER = "not on a roster"


def band_of(rate: float) -> str:
    """The band of an attendance rate.

    Examples
    --------
    >>> band_of(15 / 17), band_of(5 / 17), band_of(0.2)
    ('regular', 'occasional', 'rare')
    """
    for name, lowest, _ in BANDS:
        if rate >= lowest:
            return name
    return BANDS[-1][0]


@dataclass(frozen=True, slots=True)
class Period:
    """Meetings after ``start`` (exclusive) up to ``end`` (inclusive); ``None``: open-ended.

    ``closes`` is the wave at the end of the period (``None`` for the period since the last).
    """

    label: str
    start: dt.date | None
    end: dt.date | None
    closes: str | None

    def holds(self, date: dt.date) -> bool:
        """Whether a meeting on ``date`` falls in the period."""
        return (self.start is None or date > self.start) and (self.end is None or date <= self.end)


def periods_between(waves: Sequence[tuple[str, dt.date | None]]) -> tuple[Period, ...]:
    """The periods between dated waves (in date order); undated waves are left out.

    Examples
    --------
    >>> [p.label for p in periods_between([("W1", dt.date(2025, 3, 15)), ("W2", dt.date(2025, 9, 15))])]
    ['up to W1', 'W1 to W2', 'since W2']
    """
    dated = sorted(((d, w) for w, d in waves if d is not None), key=lambda x: x[0])
    if not dated:
        return (Period("all meetings", None, None, None),)
    out = [Period(f"up to {dated[0][1]}", None, dated[0][0], dated[0][1])]
    for (d0, w0), (d1, w1) in itertools.pairwise(dated):
        out.append(Period(f"{w0} to {w1}", d0, d1, w1))
    out.append(Period(f"since {dated[-1][1]}", dated[-1][0], None, None))
    return tuple(out)


@dataclass(frozen=True, slots=True)
class BandCount:
    """People in one band; ``None`` when hidden."""

    band: str
    people: int | None
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class GroupAttendance:
    """One subgroup in one period; no numbers when ``suppressed``."""

    group: str
    people: int | None
    rate: float | None
    regular: float | None
    suppressed: bool = False
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PeriodAttendance:
    """Attendance in one period.

    ``rate``: the mean of people's attendance rates; ``retained``: of the people who attended
    at least once in the previous period, the share who attended at least once in this one.
    """

    period: Period
    meetings: int
    people: int
    rate: float | None
    bands: tuple[BandCount, ...]
    groups: tuple[GroupAttendance, ...]
    retained: float | None = None
    retained_of: int | None = None


@dataclass(frozen=True, slots=True)
class AttendanceSummary:
    """Attendance in every period with meetings, and over the whole register."""

    periods: tuple[PeriodAttendance, ...]
    overall: PeriodAttendance
    privacy: PrivacyPolicy


def person_rates(records: Sequence[AttendanceRecord], period: Period) -> dict[str, float]:
    """Each person's attendance rate in the period (people with a record there only)."""
    held: dict[str, list[bool]] = defaultdict(list)
    for r in records:
        if period.holds(r.meeting_date):
            held[r.member].append(r.attended)
    return {m: sum(v) / len(v) for m, v in held.items() if v}


def _subgroups(
    records: Sequence[AttendanceRecord],
    period: Period,
    rosters: Mapping[str, Mapping[str, str]],
    order: Sequence[str],
) -> dict[str, str]:
    """Each person's subgroup: the register's own, else the roster of the wave closing the
    period (or the nearest earlier roster), else :data:`NOT_ON_ROSTER`."""
    own = {r.member: r.subgroup for r in records if period.holds(r.meeting_date) and r.subgroup}
    waves = list(order)
    start = waves.index(period.closes) if period.closes in waves else len(waves) - 1
    candidates = [waves[k] for k in range(start, -1, -1)]
    candidates += [w for w in waves[start + 1 :]]
    out: dict[str, str] = {}
    for member in {r.member for r in records if period.holds(r.meeting_date)}:
        if member in own:
            out[member] = str(own[member])
            continue
        found = next((rosters[w][member] for w in candidates if member in rosters.get(w, {})), None)
        out[member] = found if found else NOT_ON_ROSTER
    return out


def _bands(rates: Mapping[str, float], privacy: PrivacyPolicy) -> tuple[BandCount, ...]:
    counts = {name: 0 for name, _, _ in BANDS}
    for rate in rates.values():
        counts[band_of(rate)] += 1
    hidden = privacy.suppressed_groups(counts)
    return tuple(
        BandCount(b, None, True) if b in hidden and counts[b] > 0 else BandCount(b, counts[b])
        for b in counts
    )


def _groups(
    rates: Mapping[str, float], groups: Mapping[str, str], privacy: PrivacyPolicy
) -> tuple[GroupAttendance, ...]:
    members: dict[str, list[float]] = defaultdict(list)
    for member, rate in rates.items():
        members[groups.get(member, NOT_ON_ROSTER)].append(rate)
    if set(members) == {NOT_ON_ROSTER}:
        return ()
    counts = {g: len(v) for g, v in members.items()}
    hidden = privacy.suppressed_groups(counts)
    out = []
    for group in sorted(counts, key=lambda g: (g == NOT_ON_ROSTER, g.casefold())):
        if group in hidden:
            complementary = not privacy.hides(counts[group])
            reason = (
                privacy.reason(complementary=True)
                if complementary
                else f"fewer than {privacy.min_group_size} people (anonymity rule)"
            )
            out.append(GroupAttendance(group, None, None, None, True, reason))
            continue
        values = members[group]
        regular = sum(1 for v in values if band_of(v) == "regular") / len(values)
        out.append(GroupAttendance(group, len(values), sum(values) / len(values), regular))
    return tuple(out)


def _period(
    records: Sequence[AttendanceRecord],
    period: Period,
    rosters: Mapping[str, Mapping[str, str]],
    order: Sequence[str],
    previous_attenders: set[str] | None,
    privacy: PrivacyPolicy,
) -> tuple[PeriodAttendance, set[str]]:
    rates = person_rates(records, period)
    meetings = len({r.meeting_date for r in records if period.holds(r.meeting_date)})
    attenders = {r.member for r in records if period.holds(r.meeting_date) and r.attended}
    retained = retained_of = None
    if previous_attenders:
        retained_of = len(previous_attenders)
        retained = len(previous_attenders & attenders) / retained_of
    groups = _subgroups(records, period, rosters, order)
    return (
        PeriodAttendance(
            period,
            meetings,
            len(rates),
            sum(rates.values()) / len(rates) if rates else None,
            _bands(rates, privacy),
            _groups(rates, groups, privacy),
            retained,
            retained_of,
        ),
        attenders,
    )


def summarise_attendance(
    records: Sequence[AttendanceRecord],
    waves: Sequence[tuple[str, dt.date | None]],
    rosters: Mapping[str, Mapping[str, str]] | None = None,
    *,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> AttendanceSummary:
    """Attendance per period between waves, per subgroup and band, with retention.

    Parameters
    ----------
    records
        The attendance register (pseudonymised).
    waves
        ``(label, date)`` of the survey waves; periods run between their dates.
    rosters
        Roster per wave label (pseudonym → subgroup), for people whose register row has no
        subgroup.
    privacy
        No subgroup or band count describes fewer people than its minimum group size
        (complementary suppression applies).
    """
    rosters = rosters or {}
    order = [w for w, _ in sorted(((w, d) for w, d in waves if d), key=lambda x: x[1])]
    out = []
    previous: set[str] | None = None
    for period in periods_between(waves):
        if not any(period.holds(r.meeting_date) for r in records):
            previous = None
            continue
        summary, previous = _period(records, period, rosters, order, previous, privacy)
        out.append(summary)
    whole = Period("all meetings", None, None, order[-1] if order else None)
    overall, _ = _period(records, whole, rosters, order, None, privacy)
    return AttendanceSummary(tuple(out), overall, privacy)
