"""Response rates per wave and subgroup, from the membership stored for each wave.

Membership is a number per subgroup, or a roster of pseudonymised members. With a roster and
respondent ids, respondents are matched to members: the response rate counts members only
(people who answer without being members, such as administrators who attend, are counted
apart), and consecutive rosters give leavers, joiners and retention. With numbers, respondents
are counted by the survey's subgroup answer; a subgroup without a number is not members.

Anonymity: a subgroup's figures (members, respondents, rate, leavers, joiners) are shown only
when at least the privacy policy's minimum group size of its people answered; the next-smallest
subgroup is hidden too when the hidden ones could be worked out from the total (complementary
suppression, :meth:`cop_eval.privacy.PrivacyPolicy.suppressed_groups`): the members' subgroups
against the members who answered, the other respondents' groups against the rest of the
responses (the wave's responses minus the members who answered, so that hiding a members'
subgroup would not protect it). A subgroup where nobody
answered shows its zero.

Respondents who are not members are counted apart, and their number is shown whatever its size:
it is the wave's responses minus the members who answered, both shown (they make the response
rate), so hiding it would hide nothing and say "suppressed" for a figure anyone can work out. For
the same reason a family whose only hidden subgroup would follow from the family's shown total
(one subgroup of non-members: all of them) shows it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

import pandas as pd

from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.responses import ResponseSet
from cop_eval.store.cycle_models import WaveMembership

__all__ = [
    "NOT_MEMBERS",
    "GroupParticipation",
    "Participation",
    "WaveParticipation",
    "participation",
]

#: The row of respondents who are not members (not on the roster, or a subgroup without a count).
NOT_MEMBERS = "not members"
_NO_GROUP = "(no group given)"


@dataclass(frozen=True, slots=True)
class GroupParticipation:
    """One subgroup in one wave; every number is ``None`` when ``suppressed``."""

    group: str
    members: int | None
    respondents: int | None
    rate: float | None = None
    left: int | None = None
    joined: int | None = None
    member_group: bool = True
    suppressed: bool = False
    reason: str | None = None

    @property
    def non_respondents(self) -> int | None:
        """Members who did not answer (``None`` for non-members and hidden subgroups)."""
        if self.members is None or self.respondents is None:
            return None
        return max(self.members - self.respondents, 0)


@dataclass(frozen=True, slots=True)
class WaveParticipation:
    """One wave: respondents, members and the response rate, with the subgroups.

    ``member_respondents`` are the respondents counted in ``rate`` (members who answered);
    ``not_members`` the others (``None`` when unknown or hidden). ``left``, ``joined`` and
    ``retained`` (the share of the previous roster still members) need rosters of both waves.
    """

    wave: str
    respondents: int
    members: int | None
    member_respondents: int | None
    not_members: int | None
    rate: float | None
    source: Literal["roster", "counts", "none"]
    groups: tuple[GroupParticipation, ...] = ()
    left: int | None = None
    joined: int | None = None
    retained: float | None = None
    notes: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Participation:
    """Participation in every wave."""

    waves: tuple[WaveParticipation, ...]
    group_column: str | None
    privacy: PrivacyPolicy

    @property
    def has_members(self) -> bool:
        """Whether any wave has a membership."""
        return any(w.members is not None for w in self.waves)

    @property
    def by_group(self) -> bool:
        """Whether any wave is broken down by subgroup."""
        return any(w.groups for w in self.waves)


def _groups_of(rs: ResponseSet, column: str | None) -> pd.Series | None:
    if column is None or column not in rs.groups.columns:
        return None
    values = rs.groups[column].astype("object")
    blank = values.isna() | (values.astype(str).str.strip() == "")
    return values.where(~blank, _NO_GROUP).astype(str)


def _linked(rs: ResponseSet) -> list[str] | None:
    if rs.respondent_ids is None:
        return None
    ids = [str(i) for i in rs.respondent_ids if isinstance(i, str) and i]
    return ids or None


@dataclass
class _Rows:
    """Members and respondents per subgroup before suppression."""

    members: dict[str, int | None]
    respondents: dict[str, int]
    left: dict[str, int] | None = None
    joined: dict[str, int] | None = None


def _roster_rows(
    roster: Mapping[str, str], ids: list[str], previous: Mapping[str, str] | None
) -> _Rows:
    members: dict[str, int | None] = dict(Counter(roster.values()))
    answered = Counter(roster[i] for i in set(ids) if i in roster)
    rows = _Rows(members, {g: answered.get(g, 0) for g in members})
    outside = len(set(ids) - set(roster))
    if outside:
        rows.members[NOT_MEMBERS] = None
        rows.respondents[NOT_MEMBERS] = outside
    if previous is not None:
        rows.left = dict(Counter(g for m, g in previous.items() if m not in roster))
        rows.joined = dict(Counter(g for m, g in roster.items() if m not in previous))
    return rows


def _count_rows(counts: Mapping[str, int], groups: pd.Series | None) -> _Rows:
    members: dict[str, int | None] = {g: int(n) for g, n in counts.items()}
    tally = Counter(groups) if groups is not None else Counter()
    respondents = {g: int(tally.get(g, 0)) for g in members}
    for group, n in tally.items():
        if group not in members:
            members[group] = None  # answered, but no members were given for it: not members
            respondents[group] = int(n)
    return _Rows(members, respondents)


def _hidden_in(family: dict[str, int], privacy: PrivacyPolicy) -> frozenset[str]:
    """The hidden subgroups of one family whose total is shown: none when a single one would
    be hidden (it is the total minus the shown ones, so hiding it protects nothing)."""
    hidden = privacy.suppressed_groups(family)
    return hidden if sum(1 for g in hidden if family[g] > 0) > 1 else frozenset()


def _suppress(rows: _Rows, privacy: PrivacyPolicy) -> tuple[GroupParticipation, ...]:
    counts = dict(rows.respondents)
    # Members' subgroups add up to the members who answered, and the other respondents to the
    # rest of the wave's responses: each family is protected against subtraction from its own
    # total (hiding a members' subgroup cannot protect a count of non-members, which is the
    # wave's responses minus the members who answered).
    member_counts = {g: n for g, n in counts.items() if rows.members.get(g) is not None}
    other_counts = {g: n for g, n in counts.items() if g not in member_counts}
    hidden = _hidden_in(member_counts, privacy) | _hidden_in(other_counts, privacy)
    primary = {g for g, n in counts.items() if n > 0 and privacy.hides(n)}
    out = []
    order = sorted(
        counts, key=lambda g: (rows.members.get(g) is None, g == _NO_GROUP, g.casefold())
    )
    for group in order:
        n, members = counts[group], rows.members.get(group)
        is_member = members is not None
        if group in hidden and n > 0:
            reason = privacy.reason(complementary=group not in primary)
            out.append(
                GroupParticipation(
                    group, None, None, member_group=is_member, suppressed=True, reason=reason
                )
            )
            continue
        out.append(
            GroupParticipation(
                group,
                members,
                n,
                rate=n / members if members else None,
                left=rows.left.get(group, 0) if rows.left is not None and is_member else None,
                joined=rows.joined.get(group, 0) if rows.joined is not None and is_member else None,
                member_group=is_member,
            )
        )
    return tuple(out)


def _wave(
    rs: ResponseSet,
    label: str,
    membership: WaveMembership | None,
    roster: Mapping[str, str] | None,
    previous: Mapping[str, str] | None,
    group_column: str | None,
    privacy: PrivacyPolicy,
) -> WaveParticipation:
    groups = _groups_of(rs, group_column)
    ids = _linked(rs)
    notes: list[str] = []
    if membership is None:
        rows = _Rows({}, dict(Counter(groups))) if groups is not None else None
        suppressed = _suppress(rows, privacy) if rows else ()
        return WaveParticipation(label, rs.n, None, None, None, None, "none", suppressed)
    if membership.kind == "roster" and roster and ids is not None:
        rows = _roster_rows(roster, ids, previous)
        member_respondents = sum(rows.respondents[g] for g in rows.respondents if g != NOT_MEMBERS)
        outside = rows.respondents.get(NOT_MEMBERS, 0)
        left = sum(rows.left.values()) if rows.left is not None else None
        joined = sum(rows.joined.values()) if rows.joined is not None else None
        retained = (len(previous) - (left or 0)) / len(previous) if previous else None
        by_group = membership.by_subgroup
        return WaveParticipation(
            label,
            rs.n,
            membership.total,
            member_respondents,
            outside,  # responses - members who answered: both are shown
            member_respondents / membership.total,
            "roster",
            _suppress(rows, privacy) if by_group else (),
            left,
            joined,
            retained,
        )
    if membership.kind == "roster" and ids is None:
        notes.append(
            f"{label}: the answers carry no respondent ids, so they cannot be matched to the "
            "roster; respondents are counted by their subgroup answer instead."
        )
    counts = membership.counts
    if membership.by_subgroup and groups is not None:
        rows = _count_rows(counts, groups)
        member_respondents = sum(
            n for g, n in rows.respondents.items() if rows.members.get(g) is not None
        )
        outside = rs.n - member_respondents
        table = _suppress(rows, privacy)
    else:
        member_respondents, outside, table = rs.n, 0, ()
        if membership.by_subgroup:
            notes.append(
                f"{label}: members are given per subgroup but the answers have no subgroup "
                "column, so the response rate counts every respondent as a member."
            )
    return WaveParticipation(
        label,
        rs.n,
        membership.total,
        member_respondents,
        outside,  # responses - members who answered: both are shown
        min(member_respondents / membership.total, 1.0) if membership.total else None,
        "counts",
        table,
        notes=tuple(notes),
    )


def participation(
    responses: Sequence[ResponseSet],
    labels: Sequence[str],
    memberships: Mapping[str, WaveMembership],
    rosters: Mapping[str, Mapping[str, str]],
    *,
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> Participation:
    """Members, respondents and response rates per wave and subgroup.

    Parameters
    ----------
    responses, labels
        The waves in time order and their labels.
    memberships
        Membership by wave label (compared without regard to case); waves without one get
        respondent counts only.
    rosters
        Roster (pseudonym → subgroup) by wave label, for memberships of kind ``roster``.
    group_column
        The survey's subgroup column (used with membership numbers per subgroup).
    privacy
        No subgroup figure describes fewer respondents than its minimum group size
        (complementary suppression applies).

    """
    by_label = {k.casefold(): v for k, v in memberships.items()}
    roster_by = {k.casefold(): v for k, v in rosters.items()}
    out = []
    previous: Mapping[str, str] | None = None
    for rs, label in zip(responses, labels, strict=True):
        membership = by_label.get(label.casefold())
        roster = roster_by.get(label.casefold()) if membership is not None else None
        out.append(_wave(rs, label, membership, roster, previous, group_column, privacy))
        previous = roster if membership is not None and membership.kind == "roster" else None
    return Participation(tuple(out), group_column, privacy)
