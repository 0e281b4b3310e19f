"""The differencing rule for comments: which commenters each output shows, checked and recorded.

Theme counts and shares of two groups of commenters that differ by 1 to N-1 people give away
those people's themes by subtraction, as scale means do (:mod:`cop_eval.privacy.differencing`).
A comment figure describes the people who *wrote* comments, so a comment release is the set of
commenters it counts, kept in the project's ledger under the wave's name followed by
:data:`COMMENTS`: comment releases are compared with comment releases only (a group's scale means
and its comments' themes are different answers, and nothing is learned by subtracting one from
the other). N is the comment threshold.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cop_eval.comments.results import CommentAnalysis
from cop_eval.privacy import PrivacyPolicy
from cop_eval.privacy.differencing import WITHHELD_LABEL, Release, differencing_withheld
from cop_eval.responses import ResponseSet
from cop_eval.store.releases import member_keys

__all__ = [
    "COMMENTS",
    "comment_releases",
    "comment_rule",
    "commenters",
    "comments_wave",
    "conflicting_groups",
    "withheld_groups",
]

#: What follows a wave's name in the ledger for the commenters of that wave.
COMMENTS = " (comments)"


def comments_wave(rs: ResponseSet, label: str) -> str:
    """The ledger's name for the comments of a wave: its stored label and :data:`COMMENTS`."""
    return f"{rs.wave or label}{COMMENTS}"


def _group_of(value: object, no_group: str) -> str:
    if value is None:  # as collect_comments names a comment's group
        return no_group
    return str(value) or no_group


def commenters(
    rs: ResponseSet, questions: Iterable[str], column: str | None, no_group: str
) -> dict[str | None, frozenset[str]]:
    """The member keys of the wave's commenters: everyone (key ``None``) and, with ``column``,
    each subgroup (respondents without a value under ``no_group``)."""
    present = [q for q in questions if q in rs.comments.columns]
    keys = member_keys(rs.respondent_ids, rs.n)
    groups = rs.groups[column].tolist() if column in rs.groups.columns else None
    found: dict[str | None, set[str]] = {None: set()}
    for row in range(rs.n):
        if not any(
            isinstance(t, str) and t.strip() for t in (rs.comments[q].iat[row] for q in present)
        ):
            continue
        found[None].add(keys[row])
        if groups is not None:
            found.setdefault(_group_of(groups[row], no_group), set()).add(keys[row])
    return {g: frozenset(m) for g, m in found.items()}


def conflicting_groups(
    rs: ResponseSet,
    label: str,
    questions: Sequence[str],
    column: str,
    shown: Iterable[str],
    released: Sequence[Release],
    threshold: int,
    no_group: str,
) -> dict[str, str]:
    """Of the ``shown`` subgroups of one wave, those whose commenters differ from a comment
    release of the ledger by 1 to ``threshold - 1`` people, each with that release."""
    if not released:
        return {}
    sets = commenters(rs, questions, column, no_group)
    wanted = {g: sets[g] for g in shown if g in sets}
    return differencing_withheld(comments_wave(rs, label), wanted, released, threshold)


def comment_releases(
    waves: Sequence[ResponseSet],
    labels: Sequence[str],
    analysis: CommentAnalysis,
    what: str,
    no_group: str,
) -> list[Release]:
    """What ``analysis`` shows, to record: the commenters of each shown wave and of each shown
    subgroup of the latest wave."""
    shown_groups: Mapping[str, bool] = {
        cell.label: not cell.suppressed for t in analysis.themes for cell in t.by_group
    }
    out: list[Release] = []
    for index, (rs, label, fact) in enumerate(zip(waves, labels, analysis.waves, strict=True)):
        if fact.suppressed:
            continue
        latest = index == len(waves) - 1
        column = analysis.group_column if latest else None
        sets = commenters(rs, analysis.questions, column, no_group)
        wave = comments_wave(rs, label)
        out.append(Release(wave, f"{what}: comments of everyone", sets[None]))
        for group, shown in sorted(shown_groups.items()) if latest else ():
            if shown and group in sets:
                out.append(Release(wave, f"{what}: comments of {column} = {group}", sets[group]))
    return out


def comment_rule(privacy: PrivacyPolicy) -> PrivacyPolicy:
    """The anonymity rule of comments: the comment threshold for groups and complementary
    suppression as ``privacy`` has it."""
    threshold = privacy.comment_threshold
    return PrivacyPolicy(threshold, threshold, complementary=privacy.complementary)


def withheld_groups(
    rs: ResponseSet,
    label: str,
    questions: Sequence[str],
    column: str,
    counts: dict[str, int],
    privacy: PrivacyPolicy,
    released: Sequence[Release],
    small: str,
    no_group: str,
) -> dict[str, str]:
    """The subgroups of one wave whose comments are withheld, each with its reason: the comment
    threshold (``small``; primary and complementary) and the differencing rule (``released``:
    the ledger), with the groups it withholds protected in turn by complementary suppression."""
    rule = comment_rule(privacy)
    hidden = rule.suppressed_groups(counts)
    differ = conflicting_groups(
        rs, label, questions, column, set(counts) - hidden, released, rule.min_group_size, no_group
    )
    if differ:
        hidden = rule.suppressed_groups(counts, also_hidden=hidden | set(differ))
    return {g: WITHHELD_LABEL if g in differ else small for g in sorted(hidden)}
