"""Subgroup values of a wave, and the declared rule that merges small subgroups into "Other".

Anonymity hides every subgroup with fewer than ``min_group_size`` respondents, and complementary
suppression then hides the next-smallest too; in a group with three strands, two of them small,
only one strand would be left to report on. :func:`merge_small_groups` is the alternative a
report can declare: every subgroup that has 1 to ``min_group_size - 1`` respondents in *any* of
the waves is reported together with the others like it as one group, "Other", in every wave (so
that the groups are the same at every wave and trends stay comparable). "Other" is then an
ordinary subgroup: it is shown when it has enough respondents and hidden, like any other group,
when it has not.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.errors import OptionError

__all__ = [
    "DEFAULT_OTHER_LABEL",
    "NOT_STATED",
    "RESERVED_LABELS",
    "TOTAL_LABEL",
    "GroupMerge",
    "distinct_from_reserved",
    "group_series",
    "merge_small_groups",
    "refuse_identifying_groups",
    "refuse_named_groups",
]

#: The label of the merged group.
DEFAULT_OTHER_LABEL = "Other"
#: The subgroup of respondents without a value in the group column (as in compare_waves).
NOT_STATED = "(not stated)"
#: The row of every respondent together, beside the subgroups (reports, web filters).
TOTAL_LABEL = "All respondents"
#: Labels the product gives to rows that are not a subgroup of the data.
RESERVED_LABELS = (TOTAL_LABEL, NOT_STATED, "(no group given)")
_RESERVED = frozenset(" ".join(label.split()).casefold() for label in RESERVED_LABELS)


def distinct_from_reserved(values: pd.Series) -> pd.Series:
    """Subgroup values, with one that reads as a product label marked as a subgroup.

    A group named "All respondents" in the data would otherwise sit beside the total of
    everyone under the same name (and "(not stated)" beside the respondents without a value),
    so a reader could not tell them apart: it becomes "All respondents (subgroup)".

    Examples
    --------
    >>> distinct_from_reserved(pd.Series(["HR", "all  Respondents"])).tolist()
    ['HR', 'all  Respondents (subgroup)']
    """
    if not values.notna().any():  # an empty column (pandas' text has no .str of no text)
        return values
    text = values.astype(str)
    folded = text.str.split().str.join(" ").str.casefold()
    clash = folded.isin(_RESERVED) & values.notna()
    if not clash.any():
        return values
    return values.where(~clash, text + " (subgroup)")


def refuse_identifying_groups(values: pd.Series, column: str) -> None:
    """Refuse a subgroup column whose values look like personal identifiers (e-mails, phone
    or NHS numbers): they would be printed as group names, even of a hidden group.

    Raises
    ------
    OptionError
        Naming the column and the kind of identifier, never the value.
    """
    from cop_eval.privacy.identifiers import looks_identifying

    distinct = [str(v) for v in pd.unique(values.dropna().astype(str))]
    kind = looks_identifying(distinct)
    if kind is not None:
        raise OptionError(
            f"subgroup column {column!r} holds values that look like personal identifiers "
            f"({kind.replace('_', ' ')}s), which would be printed as group names; a subgroup "
            "column must hold categories such as team, site or role. Choose another column."
        )


def refuse_named_groups(
    groups: pd.DataFrame,
    names: Iterable[str],
    rows: Sequence[int] | npt.NDArray[np.int64] | None,
    where: str,
    fix: str = "leave this column out of the subgroup columns, or replace the names by the "
    "team's name in the file",
) -> None:
    """Refuse subgroup columns whose values are people's names (``names``: the roster's names
    and the names a project redacts; compared by NFKC and case folding): they would be printed
    as group names, even of a hidden group.

    Raises
    ------
    OptionError
        Naming the column, how many values are names and the first row with one (``rows``: the
        file's row numbers), never the name.
    """
    from cop_eval.privacy.identifiers import name_key, roster_named

    names = list(names)
    if not names:
        return
    for column in groups.columns:
        values = groups[column]
        distinct = [str(v) for v in pd.unique(values.dropna().astype(str))]
        found = roster_named(distinct, names)
        if not found:
            continue
        keys = {name_key(v) for v in found}
        cells = values.tolist()
        first = next(i for i, v in enumerate(cells) if v is not None and name_key(str(v)) in keys)
        row = (
            f" (first in row {int(rows[first])})" if rows is not None and len(rows) > first else ""
        )
        raise OptionError(
            f"{where}: subgroup column {str(column)!r} holds {len(found)} value(s) that are the "
            f"names of people on the project's roster or among its names to redact{row}; they "
            "would be printed as group names, even of a hidden group. A subgroup column must "
            f"hold categories such as team, site or role: {fix}."
        )


def group_series(groups: pd.DataFrame, column: str, wave: str) -> pd.Series:
    """The subgroup of each respondent as text; a blank value is the group ``"(not stated)"``."""
    if column not in groups.columns:
        have = ", ".join(map(str, groups.columns)) or "none"
        raise OptionError(
            f"wave {wave!r} has no subgroup column {column!r} (subgroup columns read: {have}); "
            "name it as the group column when reading every wave"
        )
    refuse_identifying_groups(groups[column], column)
    series = distinct_from_reserved(groups[column].astype("object"))
    blank = series.isna() | (series.astype(str).str.strip() == "")
    return series.where(~blank, NOT_STATED).astype(str)


@dataclass(frozen=True)
class GroupMerge:
    """Which subgroups were merged into which label (empty when none was small)."""

    label: str
    merged: tuple[str, ...]
    min_group_size: int

    def apply(self, values: pd.Series) -> pd.Series:
        """Replace each merged subgroup's name by the merged label."""
        if not self.merged:
            return values
        return values.where(~values.isin(self.merged), self.label)

    def describe(self) -> str:
        """The rule in one sentence, for the report's methods."""
        rule = (
            f"Subgroups with fewer than {self.min_group_size} respondents in any wave are "
            f'reported together as "{self.label}"'
        )
        if not self.merged:
            return rule + " (no subgroup was that small)."
        return rule + f": {', '.join(self.merged)}."


def merge_small_groups(
    counts_per_wave: Sequence[Mapping[str, int]],
    min_group_size: int,
    label: str = DEFAULT_OTHER_LABEL,
) -> GroupMerge:
    """The declared merge rule: subgroups small in any wave become one group, ``label``.

    Every subgroup with 1 to ``min_group_size - 1`` respondents in any wave is merged. While
    the merged group itself is still that small in some wave, the smallest remaining subgroup
    (fewest respondents in its smallest wave; ties by name) joins it too — the subgroup that
    complementary suppression would otherwise hide — unless only one subgroup would be left.

    Parameters
    ----------
    counts_per_wave
        Respondents per subgroup, one mapping per wave (a subgroup absent from a wave may be left
        out or given 0: absence is not smallness).
    min_group_size
        The anonymity threshold.
    label
        The merged group's name (default "Other"). A subgroup that already has this name is
        merged into it.

    Returns
    -------
    GroupMerge
        Apply it to each wave's subgroup values with :meth:`GroupMerge.apply`.

    Examples
    --------
    >>> merge = merge_small_groups([{"HR": 20, "Admin": 3, "QA": 4}, {"HR": 21, "QA": 6}], 5)
    >>> merge.merged
    ('Admin', 'QA')
    >>> merge.apply(pd.Series(["HR", "QA", "Admin"])).tolist()
    ['HR', 'Other', 'Other']
    >>> merge_small_groups([{"HR": 20, "OD": 12, "QA": 5, "Admin": 3}], 5).merged
    ('Admin', 'QA')
    """
    if min_group_size < 1:
        raise OptionError(f"the minimum group size must be at least 1, got {min_group_size}")
    label = label.strip()
    if not label:
        raise OptionError("the label of the merged small groups must not be empty")
    waves = [{str(g): int(n) for g, n in counts.items()} for counts in counts_per_wave]
    names = sorted({g for counts in waves for g, n in counts.items() if n > 0})
    merged = {g for counts in waves for g, n in counts.items() if 0 < n < min_group_size}
    if merged and label in names:
        merged.add(label)

    def still_small() -> bool:
        totals = [sum(counts.get(g, 0) for g in merged) for counts in waves]
        return any(0 < t < min_group_size for t in totals)

    while merged and still_small():
        rest = [g for g in names if g not in merged]
        if len(rest) <= 1:
            break
        smallest = min(rest, key=lambda g: (min(c.get(g, 0) or 10**12 for c in waves), g))
        merged.add(smallest)
    return GroupMerge(label, tuple(sorted(merged - {label})), min_group_size)
