"""The anonymity rule as one value: :class:`PrivacyPolicy`.

Every output that shows figures about people (compare, report, web pages, the CLI tables, comments)
takes one policy and asks it the same questions: is this count too small
(:meth:`PrivacyPolicy.hides`), which subgroups must be hidden, the small ones and the ones that would
give them away by subtraction (:meth:`PrivacyPolicy.suppressed_groups`), would a paired change give
away the people outside the pairs (:meth:`PrivacyPolicy.residual_recoverable`), and what to say in
place of a hidden figure (:meth:`PrivacyPolicy.reason`). STATISTICS.md, "Anonymity".
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from cop_eval.errors import OptionError

__all__ = [
    "DEFAULT_MIN_COMMENT_GROUP_SIZE",
    "DEFAULT_MIN_GROUP_SIZE",
    "DEFAULT_PRIVACY",
    "RESIDUAL_REASON",
    "PrivacyPolicy",
]

#: The smallest group any figure may describe (STATISTICS.md, "Anonymity").
DEFAULT_MIN_GROUP_SIZE = 5

#: The smallest group whose free-text comments may be shown.
DEFAULT_MIN_COMMENT_GROUP_SIZE = 10

#: Shown in place of a paired comparison hidden by :meth:`PrivacyPolicy.residual_recoverable`.
RESIDUAL_REASON = (
    "hidden so that the few respondents who answered only one of the two waves cannot be worked "
    "out from the wave means (anonymity rule)"
)

_COMPLEMENTARY_REASON = (
    "hidden so that a smaller hidden group cannot be worked out by subtraction "
    "(complementary suppression)"
)


@dataclass(frozen=True)
class PrivacyPolicy:
    """Which figures about people may be shown.

    Parameters
    ----------
    min_group_size
        The scale threshold: no figure (count, mean, comparison, reliability) describes fewer
        respondents. Default 5; large public-sector surveys use 10 or 11.
    min_comment_group_size
        The comment threshold: free-text comments are shown only for groups at least this large.
        Default: 10, or ``min_group_size`` when that is larger; never below ``min_group_size``.
    complementary
        Also hide what would let a hidden figure be worked out by subtraction: the next-smallest
        subgroup when one is hidden, and a paired change when the few respondents outside the
        pairs would follow from the wave means. On by default; turn it off only for figures
        that do not describe people.
    floor
        The lowest ``min_group_size`` this policy may be changed to with
        :meth:`with_min_group_size` (a project's own threshold is the floor a page may raise
        but never lower). Default 1, the smallest threshold that means anything.

    Raises
    ------
    OptionError
        A threshold below 1, a floor above the threshold, or a comment threshold below the
        scale threshold.

    Examples
    --------
    >>> policy = PrivacyPolicy()
    >>> policy.min_group_size, policy.min_comment_group_size, policy.hides(4), policy.hides(5)
    (5, 10, True, False)
    >>> PrivacyPolicy(11).min_comment_group_size
    11
    >>> sorted(policy.suppressed_groups({"HR": 40, "Finance": 3, "IT": 12, "Legal": 25}))
    ['Finance', 'IT']
    """

    min_group_size: int = DEFAULT_MIN_GROUP_SIZE
    min_comment_group_size: int | None = None
    complementary: bool = True
    floor: int = 1

    def __post_init__(self) -> None:
        for name in ("min_group_size", "floor"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise OptionError(f"the {_WORDS[name]} must be a whole number, got {value!r}")
        if self.floor < 1:
            raise OptionError(f"the {_WORDS['floor']} must be at least 1, got {self.floor}")
        if self.min_group_size < self.floor:
            raise OptionError(
                f"the minimum group size must be at least {self.floor}, got {self.min_group_size}"
                + (" (the floor of this project's anonymity rule)" if self.floor > 1 else "")
            )
        comments = self.min_comment_group_size
        if comments is None:
            comments = max(DEFAULT_MIN_COMMENT_GROUP_SIZE, self.min_group_size)
            object.__setattr__(self, "min_comment_group_size", comments)
        elif isinstance(comments, bool) or not isinstance(comments, int):
            raise OptionError(
                f"the {_WORDS['min_comment_group_size']} must be a whole number, got {comments!r}"
            )
        elif comments < self.min_group_size:
            raise OptionError(
                f"the minimum group size for comments ({comments}) cannot be below the minimum "
                f"group size for figures ({self.min_group_size}); give at least "
                f"{self.min_group_size}"
            )

    @property
    def comment_threshold(self) -> int:
        """``min_comment_group_size`` as an ``int`` (it is always set after construction)."""
        assert self.min_comment_group_size is not None
        return self.min_comment_group_size

    # -- changing the policy -----------------------------------------------------------------

    def with_min_group_size(self, size: int) -> PrivacyPolicy:
        """The same policy with another scale threshold, never below :attr:`floor`.

        The comment threshold is kept, and raised to the new scale threshold when below it.

        Examples
        --------
        >>> PrivacyPolicy(floor=5).with_min_group_size(11).min_group_size
        11
        >>> PrivacyPolicy(floor=5).with_min_group_size(3)
        Traceback (most recent call last):
        ...
        cop_eval.errors.OptionError: the minimum group size must be at least 5, got 3 (the floor of this project's anonymity rule)
        """
        comments = max(self.comment_threshold, size) if isinstance(size, int) else None
        return dataclasses.replace(self, min_group_size=size, min_comment_group_size=comments)

    # -- the rule ------------------------------------------------------------------------------

    def hides(self, n: int) -> bool:
        """Whether a figure describing ``n`` respondents must be hidden (``n < min_group_size``)."""
        return n < self.min_group_size

    def hides_comments(self, n: int) -> bool:
        """Whether the comments of a group of ``n`` respondents must be withheld."""
        return n < self.comment_threshold

    def suppressed_groups(
        self, counts: Mapping[str, int], also_hidden: Iterable[str] = ()
    ) -> frozenset[str]:
        """Groups whose figures must be hidden, primary and complementary.

        Parameters
        ----------
        counts
            Respondents per group in one cell family (e.g. one wave and scale). Include *every*
            group that makes up the published total, also people without a group value (as their
            own key), so that subtraction from the total is accounted for.
        also_hidden
            Groups hidden for another reason (e.g. :meth:`residual_recoverable`); complementary
            suppression protects them like small groups.

        Returns
        -------
        frozenset of str
            Primary suppression: every group with fewer than ``min_group_size`` respondents.
            Complementary suppression (when :attr:`complementary`): while the hidden groups could
            be recovered from the total by subtraction (exactly one hidden group with
            respondents, or hidden groups that together have fewer than ``min_group_size``), the
            smallest visible group (ties broken by name) is hidden too. Afterwards
            ``total - sum(visible)`` only reveals a combination of at least two groups with at
            least ``min_group_size`` respondents together, or nothing.

        Examples
        --------
        >>> policy = PrivacyPolicy(5)
        >>> sorted(policy.suppressed_groups({"HR": 40, "IT": 12}))
        []
        >>> sorted(policy.suppressed_groups({"A": 3, "B": 4, "C": 50}))
        ['A', 'B']
        >>> sorted(PrivacyPolicy(5, complementary=False).suppressed_groups({"A": 3, "C": 50}))
        ['A']
        """
        for group, n in counts.items():
            if n < 0:
                raise ValueError(f"group {group!r} has a negative count ({n})")
        size = self.min_group_size
        hidden = {g for g, n in counts.items() if n < size} | (set(also_hidden) & set(counts))
        while self.complementary:
            occupied = [g for g in hidden if counts[g] > 0]
            if not occupied:
                break
            if len(occupied) >= 2 and sum(counts[g] for g in occupied) >= size:
                break
            candidates = sorted((counts[g], g) for g in counts if g not in hidden and counts[g] > 0)
            if not candidates:
                break
            hidden.add(candidates[0][1])
        return frozenset(hidden)

    def residual_recoverable(self, residuals: Iterable[int]) -> bool:
        """Whether a paired comparison would give away the respondents outside the pairs.

        A paired change (mean difference over the matched people) shown beside each wave's mean
        (over everyone who answered it) lets a reader work out the sum of the scores of the
        people who are not in the pairs: with ``n`` pairs, ``n_later * mean_later - n *
        (mean_earlier + change)`` is the later wave's extra people minus the earlier wave's
        extra people. When all of one wave's people are matched, that is the total of the other
        wave's extra people alone, so one new joiner's score can be read exactly.

        Parameters
        ----------
        residuals
            The number of people in each wave's figure who are not in the pairs (earlier, later).

        Returns
        -------
        bool
            True when the people outside the pairs are a single set of 1 to
            ``min_group_size - 1`` people, or several sets with fewer than ``min_group_size``
            together (the same test as complementary suppression in :meth:`suppressed_groups`):
            the comparison must then be hidden. Always False when :attr:`complementary` is off.

        Examples
        --------
        >>> policy = PrivacyPolicy(5)
        >>> policy.residual_recoverable([0, 1]), policy.residual_recoverable([0, 0])
        (True, False)
        >>> [policy.residual_recoverable(r) for r in ([6, 0], [2, 3], [1, 2])]
        [False, False, True]
        """
        if not self.complementary:
            return False
        occupied = [r for r in residuals if r > 0]
        if not occupied:
            return False
        if len(occupied) == 1:
            return occupied[0] < self.min_group_size
        return sum(occupied) < self.min_group_size

    def reason(self, *, complementary: bool = False) -> str:
        """The plain-English reason shown in place of a hidden figure.

        Examples
        --------
        >>> PrivacyPolicy(11).reason()
        'fewer than 11 respondents (anonymity rule)'
        """
        if complementary:
            return _COMPLEMENTARY_REASON
        return f"fewer than {self.min_group_size} respondents (anonymity rule)"

    def to_dict(self) -> dict[str, object]:
        """``{"min_group_size", "min_comment_group_size", "complementary", "floor"}``."""
        return {
            "min_group_size": self.min_group_size,
            "min_comment_group_size": self.comment_threshold,
            "complementary": self.complementary,
            "floor": self.floor,
        }


_WORDS = {
    "min_group_size": "minimum group size",
    "min_comment_group_size": "minimum group size for comments",
    "floor": "lowest allowed minimum group size (floor)",
}

#: The rule every output follows unless told otherwise.
DEFAULT_PRIVACY = PrivacyPolicy()
