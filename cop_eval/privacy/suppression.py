"""Small-group suppression: which cells must be hidden, primary and complementary."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from cop_eval.errors import CopEvalError

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE",
    "RESIDUAL_REASON",
    "residual_recoverable",
    "suppressed_groups",
    "suppression_reason",
]

#: The smallest group any figure may describe (STATISTICS.md, "Anonymity").
DEFAULT_MIN_GROUP_SIZE = 5


def suppressed_groups(
    counts: Mapping[str, int],
    min_size: int = DEFAULT_MIN_GROUP_SIZE,
    also_hidden: Iterable[str] = (),
) -> frozenset[str]:
    """Groups whose figures must be hidden, primary and complementary.

    Parameters
    ----------
    counts
        Respondents per group in one cell family (e.g. one wave and scale). Include *every*
        group that makes up the published total, also people without a group value (as their
        own key), so that subtraction from the total is accounted for.
    min_size
        The smallest group a figure may describe.
    also_hidden
        Groups hidden for another reason (e.g. :func:`residual_recoverable`); complementary
        suppression protects them like small groups.

    Returns
    -------
    frozenset of str
        Primary suppression: every group with fewer than ``min_size`` respondents. Complementary
        suppression: while the hidden groups could be recovered from the total by subtraction
        (exactly one hidden group with respondents, or hidden groups that together have fewer
        than ``min_size``), the smallest visible group (ties broken by name) is hidden too.
        Afterwards ``total - sum(visible)`` only reveals a combination of at least two groups
        with at least ``min_size`` respondents together, or nothing.

    Examples
    --------
    >>> sorted(suppressed_groups({"HR": 40, "Finance": 3, "IT": 12, "Legal": 25}, 5))
    ['Finance', 'IT']
    >>> sorted(suppressed_groups({"HR": 40, "IT": 12}, 5))
    []
    """
    if min_size < 1:
        raise CopEvalError(f"the minimum group size must be at least 1, got {min_size}")
    for group, n in counts.items():
        if n < 0:
            raise ValueError(f"group {group!r} has a negative count ({n})")
    hidden = {g for g, n in counts.items() if n < min_size} | (set(also_hidden) & set(counts))
    while True:
        occupied = [g for g in hidden if counts[g] > 0]
        if not occupied:
            break
        hidden_total = sum(counts[g] for g in occupied)
        if len(occupied) >= 2 and hidden_total >= min_size:
            break
        candidates = sorted((counts[g], g) for g in counts if g not in hidden and counts[g] > 0)
        if not candidates:
            break
        hidden.add(candidates[0][1])
    return frozenset(hidden)


#: Shown in place of a paired comparison hidden by :func:`residual_recoverable`.
RESIDUAL_REASON = (
    "hidden so that the few respondents who answered only one of the two waves cannot be worked "
    "out from the wave means (anonymity rule)"
)


def residual_recoverable(residuals: Iterable[int], min_size: int = DEFAULT_MIN_GROUP_SIZE) -> bool:
    """Whether a paired comparison would give away the respondents outside the pairs.

    A paired change (mean difference over the matched people) shown beside each wave's mean
    (over everyone who answered it) lets a reader work out the sum of the scores of the people
    who are not in the pairs: with ``n`` pairs, ``n_later * mean_later - n * (mean_earlier +
    change)`` is the later wave's extra people minus the earlier wave's extra people. When all
    of one wave's people are matched, that is the total of the other wave's extra people alone,
    so one new joiner's score can be read exactly.

    Parameters
    ----------
    residuals
        The number of people in each wave's figure who are not in the pairs (earlier, later).
    min_size
        The smallest group a figure may describe.

    Returns
    -------
    bool
        True when the people outside the pairs are a single set of 1 to ``min_size - 1`` people,
        or several sets with fewer than ``min_size`` together (the same test as complementary
        suppression in :func:`suppressed_groups`): the comparison must then be hidden.

    Examples
    --------
    >>> residual_recoverable([0, 1], 5), residual_recoverable([0, 0], 5)
    (True, False)
    >>> residual_recoverable([6, 0], 5), residual_recoverable([2, 3], 5), residual_recoverable([1, 2], 5)
    (False, False, True)
    """
    occupied = [r for r in residuals if r > 0]
    if not occupied:
        return False
    if len(occupied) == 1:
        return occupied[0] < min_size
    return sum(occupied) < min_size


def suppression_reason(min_size: int, *, complementary: bool) -> str:
    """The plain-English reason shown in place of a hidden cell."""
    if complementary:
        return (
            "hidden so that a smaller hidden group cannot be worked out by subtraction "
            "(complementary suppression)"
        )
    return f"fewer than {min_size} respondents (anonymity rule)"
