"""Differencing between releases: two shown groups whose members differ by 1 to N-1 people.

Small-group suppression hides a group of fewer than N respondents in one table. It does not stop a
reader who has two tables: a team of 4 hidden under one grouping is recovered exactly when a
report by another grouping shows a group that is a shown group plus those 4 people (or plus one
of them): ``21 x mean(North) - 20 x mean(BIG)`` is the score of the one person in North who is
not in BIG. So every group a report shows is a *release* of a set of respondents, and a new
release is safe only if, against every earlier release of the same wave (any grouping, any
report, the total included), the people in one and not the other are none or at least N, both
ways. A release that fails is withheld (shown as suppressed), with the reason.

This module is the rule (pure: sets of member keys in, the groups to withhold out); the store
records what each report released (:mod:`cop_eval.store.releases`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

__all__ = [
    "DIFFERENCING_REASON",
    "WITHHELD_LABEL",
    "Release",
    "differencing_withheld",
    "unsafe_pair",
]

#: The label of a figure withheld by this rule (beside "hidden: fewer than 5").
WITHHELD_LABEL = "hidden: differs from an earlier report by too few"

#: The reason shown for a group withheld by this rule.
DIFFERENCING_REASON = (
    "withheld: its members differ from a group already shown by fewer respondents than the "
    "anonymity rule allows, so subtracting one from the other would reveal them"
)


@dataclass(frozen=True)
class Release:
    """A set of respondents whose figures were shown together.

    Parameters
    ----------
    wave
        The wave the figures describe (releases of different waves describe different answers).
    what
        Where it was shown, for the message (``"report 2026-03-01, site = North"``).
    members
        The respondents' keys (pseudonyms, or positions in the stored wave).
    """

    wave: str
    what: str
    members: frozenset[str]


def unsafe_pair(a: frozenset[str], b: frozenset[str], min_group_size: int) -> bool:
    """Whether showing both ``a`` and ``b`` reveals 1 to ``min_group_size - 1`` people.

    Examples
    --------
    >>> big = frozenset(f"p{i}" for i in range(20))
    >>> unsafe_pair(big, big | {"x"}, 5), unsafe_pair(big, big, 5)
    (True, False)
    >>> unsafe_pair(big, big | {"x", "y", "z", "v", "w"}, 5)
    False
    """
    if a == b:
        return False
    only_a = len(a - b)
    only_b = len(b - a)
    return 0 < only_a < min_group_size or 0 < only_b < min_group_size


def differencing_withheld(
    wave: str,
    groups: Mapping[str, frozenset[str]],
    earlier: Iterable[Release],
    min_group_size: int,
) -> dict[str, str]:
    """The groups of ``wave`` that must be withheld, each with the release it conflicts with.

    Parameters
    ----------
    wave
        The wave of ``groups``.
    groups
        The groups about to be shown (already past small-group suppression), by label.
    earlier
        What was shown before (any wave; only releases of ``wave`` are compared).
    min_group_size
        The anonymity threshold N.

    Returns
    -------
    dict
        ``{group: description of the earlier release}`` for each group to withhold.

    Examples
    --------
    >>> big = frozenset(f"p{i}" for i in range(20))
    >>> shown = [Release("w1", "report by team: BIG", big)]
    >>> differencing_withheld("w1", {"North": big | {"x"}, "South": frozenset("abcdef")}, shown, 5)
    {'North': 'report by team: BIG'}
    >>> differencing_withheld("w2", {"North": big | {"x"}}, shown, 5)
    {}
    """
    same_wave = [r for r in earlier if r.wave == wave]
    withheld: dict[str, str] = {}
    for label, members in groups.items():
        for release in same_wave:
            if unsafe_pair(members, release.members, min_group_size):
                withheld[label] = release.what
                break
    return withheld
