"""Participation and subgroup facts: responses per wave and subgroup (with small-cell suppression),
membership sizes, and subgroup x scale cells of the latest wave.

Suppression: :meth:`cop_eval.privacy.PrivacyPolicy.suppressed_groups` (primary and complementary)
for counts;
:func:`cop_eval.compare.groups.group_wave_cells` for scale cells.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np
import pandas as pd

from cop_eval.compare.grouping import distinct_from_reserved, refuse_identifying_groups
from cop_eval.compare.groups import group_wave_cells
from cop_eval.errors import OptionError, option
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy, hidden_label
from cop_eval.privacy.differencing import WITHHELD_LABEL, Release, differencing_withheld
from cop_eval.report.facts import ParticipationFacts, SubgroupFacts, SubgroupRow
from cop_eval.responses import ResponseSet
from cop_eval.store.releases import member_keys

__all__ = [
    "NO_GROUP",
    "group_members",
    "group_values",
    "members_of",
    "participation_facts",
    "report_releases",
    "subgroup_facts",
]

#: The subgroup label for respondents without a value in the group column.
NO_GROUP = "(no group given)"


def _finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else float(value)


def group_values(rs: ResponseSet, column: str, index: int, label: str) -> pd.Series:
    if column not in rs.groups.columns:
        available = ", ".join(map(str, rs.groups.columns)) or "(none read)"
        raise OptionError(
            f"{option('group_column', column)}: not found in wave {index + 1} ({label}, "
            f"{rs.source}); group columns read: {available}. Read every wave with the same "
            f"subgroup column ({option('group_columns')})."
        )
    raw = rs.groups[column]
    codes, uniques = pd.factorize(raw, use_na_sentinel=True)
    if len(uniques) and all(type(u) is str for u in uniques):
        # Text (as read from files): each distinct value is named once and the names are
        # gathered, instead of text operations on every row. Missing values: the last name.
        distinct = pd.Series([*uniques, None], dtype="object")
        refuse_identifying_groups(distinct, column)
        named = _named(distinct)
        out = named.take(codes)  # code -1 (missing): the last row, None -> NO_GROUP
        out.index, out.name = raw.index, raw.name
        return out
    refuse_identifying_groups(raw, column)
    return _named(raw.astype("object"))


def _named(values: pd.Series) -> pd.Series:
    """Group names: reserved names marked, missing and blank values as :data:`NO_GROUP`."""
    values = distinct_from_reserved(values)
    return values.where(values.notna() & (values.astype(str).str.strip() != ""), NO_GROUP).astype(
        str
    )


# ---------------------------------------------------------------------------------------------
# Participation
# ---------------------------------------------------------------------------------------------


def members_of(
    members: int | Mapping[str, int] | None, labels: tuple[str, ...], responses: list[int]
) -> tuple[tuple[int | None, ...], dict[str, int]]:
    if members is None:
        return tuple(None for _ in labels), {}
    if isinstance(members, Mapping):
        per_group = {str(k): int(v) for k, v in members.items()}
        if any(v < 1 for v in per_group.values()):
            raise OptionError(f"{option('members')}: every subgroup size must be at least 1")
        total = sum(per_group.values())
    else:
        per_group, total = {}, int(members)
        if total < 1:
            raise OptionError(f"{option('members')} must be at least 1, got {total}")
    for label, n in zip(labels, responses, strict=True):
        if n > total:
            raise OptionError(
                f"{option('members', total)}: wave {label} has {n} responses, more than the membership; "
                "give the number of members invited to the survey"
            )
    return tuple(total for _ in labels), per_group


def participation_facts(
    responses: Sequence[ResponseSet],
    labels: tuple[str, ...],
    group_column: str | None,
    privacy: PrivacyPolicy,
    members: int | Mapping[str, int] | None,
    matched: tuple[tuple[str, str, int], ...],
    design: str,
    released: Sequence[Release] = (),
) -> ParticipationFacts:
    """Responses per wave and subgroup, small groups suppressed (primary and complementary).

    ``released``: what earlier reports of the project showed (:class:`Release`); a subgroup
    whose members differ from one of them by 1 to N-1 respondents is withheld too (the
    differencing rule, :mod:`cop_eval.privacy.differencing`), and listed in ``withheld``.
    """
    counts_per_wave = [rs.n for rs in responses]
    member_counts, per_group = members_of(members, labels, counts_per_wave)
    groups: list[str] = []
    table: list[dict[str, int | None]] = []
    reasons: list[dict[str, str]] = []
    withheld: list[tuple[str, str, str]] = []
    if group_column is not None:
        for index, (rs, label) in enumerate(zip(responses, labels, strict=True)):
            values = group_values(rs, group_column, index, label)
            tally = values.value_counts()
            counts: dict[str, int] = {str(k): int(v) for k, v in tally.items()}
            hidden = privacy.suppressed_groups(counts)
            if released:
                shown = group_members(rs, values, set(counts) - hidden)
                conflicts = differencing_withheld(
                    wave_key(rs, label), shown, released, privacy.min_group_size
                )
                withheld += [(label, g, what) for g, what in sorted(conflicts.items())]
                hidden = privacy.suppressed_groups(counts, also_hidden=hidden | set(conflicts))
            table.append({g: (None if g in hidden else n) for g, n in counts.items()})
            differs = {g for w, g, _ in withheld if w == label}
            reasons.append(
                {
                    g: WITHHELD_LABEL
                    if g in differs
                    else hidden_label(privacy.min_group_size, complementary=not privacy.hides(n))
                    for g, n in counts.items()
                    if g in hidden
                }
            )
            groups.extend(g for g in counts if g not in groups)
        groups.sort(key=lambda g: (g == NO_GROUP, g.casefold()))
    # A group absent from a wave has 0 responses there; a hidden count is None.
    group_counts = tuple(tuple(wave.get(g, 0) for wave in table) for g in groups)
    group_hidden = tuple(tuple(wave.get(g) for wave in reasons) for g in groups)
    return ParticipationFacts(
        waves=labels,
        responses=tuple(counts_per_wave),
        members=member_counts,
        group_column=group_column,
        groups=tuple(groups),
        group_counts=group_counts,
        group_members=tuple(per_group.get(g) for g in groups) if per_group else (),
        group_hidden=group_hidden,
        matched=matched,
        design="paired" if design == "paired" else "independent",
        withheld=tuple(withheld),
    )


def wave_key(rs: ResponseSet, label: str) -> str:
    """The wave a release describes: the stored wave's label (the report may rename it)."""
    return str(rs.wave or label)


def group_members(
    rs: ResponseSet, values: pd.Series, wanted: Iterable[str]
) -> dict[str, frozenset[str]]:
    """The member keys of each wanted group (pseudonyms, or row positions without ids)."""
    keys = np.asarray(member_keys(rs.respondent_ids, rs.n), dtype=object)
    labels = values.to_numpy(dtype=object)
    return {g: frozenset(keys[labels == g].tolist()) for g in wanted}


def report_releases(
    responses: Sequence[ResponseSet], participation: ParticipationFacts, what: str
) -> list[Release]:
    """What a report shows, to record in the project: everyone in each wave, and each shown
    subgroup of each wave (``what`` names the report, e.g. ``"report 2026-03-01"``)."""
    releases: list[Release] = []
    column = participation.group_column
    for index, (rs, label) in enumerate(zip(responses, participation.waves, strict=True)):
        wave = wave_key(rs, label)
        everyone = frozenset(member_keys(rs.respondent_ids, rs.n))
        releases.append(Release(wave, f"{what}: all respondents", everyone))
        if column is None:
            continue
        shown = [
            g
            for g, counts in zip(participation.groups, participation.group_counts, strict=True)
            if (counts[index] or 0) > 0
        ]
        values = group_values(rs, column, index, label)
        for group, members in group_members(rs, values, shown).items():
            releases.append(Release(wave, f"{what}: {column} = {group}", members))
    return releases


# ---------------------------------------------------------------------------------------------
# Subgroups (latest wave)
# ---------------------------------------------------------------------------------------------


def subgroup_facts(
    tables: list[ScoreTable],
    rs: ResponseSet,
    label: str,
    group_column: str,
    privacy: PrivacyPolicy,
    participation: ParticipationFacts,
    overall_means: Mapping[str, float | None],
) -> SubgroupFacts:
    """Subgroup x scale means in the latest wave; ``overall_means`` by ``instrument.scale`` key."""
    values = group_values(rs, group_column, len(participation.waves) - 1, label)
    codes, uniques = pd.factorize(values, sort=True)
    names = [str(n) for n in uniques]
    keys: list[str] = []
    scale_labels: list[str] = []
    overall: list[float | None] = []
    columns = []
    for table in tables:
        for scale in table.instrument.scales:
            x = table.scores[scale.id].to_numpy(dtype=np.float64)
            keys.append(f"{table.instrument.id}.{scale.id}")
            scale_labels.append(scale.label)
            overall.append(overall_means.get(keys[-1]))
            cells = group_wave_cells(label, x, codes.astype(np.int64), names, privacy, 0.95)
            columns.append({name: cell for name, cell in zip(names, cells, strict=True)})
    latest_counts = {
        g: counts[-1]
        for g, counts in zip(participation.groups, participation.group_counts, strict=True)
    }
    latest_reasons = {
        g: why[-1] if why else None
        for g, why in zip(participation.groups, participation.group_hidden, strict=False)
    }
    rows = []
    for name in participation.groups:
        if name not in names:
            continue
        n = latest_counts.get(name)
        means: list[float | None] = []
        for column in columns:
            cell = column[name]
            means.append(_finite(getattr(cell, "mean", None)) if n is not None else None)
        rows.append(
            SubgroupRow(
                name,
                n,
                tuple(means),
                suppressed=n is None,
                reason=latest_reasons.get(name) if n is None else None,
            )
        )
    return SubgroupFacts(
        column=group_column,
        wave=label,
        scales=tuple(keys),
        scale_labels=tuple(scale_labels),
        rows=tuple(rows),
        overall=tuple(overall),
        min_group_size=privacy.min_group_size,
        n_suppressed=sum(1 for r in rows if r.suppressed),
    )
