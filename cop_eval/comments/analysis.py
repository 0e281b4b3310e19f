"""Analyse free-text answers: redact, code into themes, count per wave and subgroup, pick quotes.

``waves ─redact─▶ comments ─code─▶ themes ─count─▶ shares + Wilson CIs, Newcombe changes ─▶ quotes``

Anonymity is applied here, in the engine, once: a wave with fewer commenters than the comment
threshold shows nothing (no count, share, sentiment or quote); in the latest wave, subgroups under
the threshold are hidden with complementary suppression (:class:`cop_eval.privacy.PrivacyPolicy`)
and no quote is ever drawn from a hidden subgroup.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise

from cop_eval.comments.candidates import candidate_themes
from cop_eval.comments.codebook import Codebook, Theme, load_codebook
from cop_eval.comments.coding import Coder
from cop_eval.comments.redaction import RedactionRules, Redactor
from cop_eval.comments.released import comment_rule, withheld_groups
from cop_eval.comments.results import (
    CommentAnalysis,
    CommentWave,
    Quote,
    ThemeCell,
    ThemeChange,
    ThemeResult,
)
from cop_eval.comments.sentiment import compound
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.privacy.differencing import Release
from cop_eval.responses import ResponseSet
from cop_eval.stats.proportions import newcombe_diff_ci, wilson_ci

__all__ = ["Comment", "analyse_comments", "collect_comments", "shareable_comments"]

NO_GROUP = "(no answer)"
QUOTES_PER_THEME = 3
_QUOTE_CHARS = (25, 240)


@dataclass(frozen=True)
class Comment:
    """One redacted answer to an open question, with its wave, respondent row and subgroup."""

    key: str
    wave: str
    question: str
    row: int
    text: str
    group: str | None
    themes: tuple[str, ...] = ()
    sentiment: float = 0.0


def _hidden_reason(threshold: int, what: str) -> str:
    return f"fewer than {threshold} {what} wrote comments (anonymity rule for comments)"


def _comment_groups(privacy: PrivacyPolicy, counts: dict[str, int]) -> frozenset[str]:
    """Subgroups whose comments are withheld: under the comment threshold, and complementary."""
    return comment_rule(privacy).suppressed_groups(counts)


def collect_comments(
    waves: Sequence[ResponseSet],
    labels: Sequence[str],
    questions: Sequence[str],
    *,
    group_column: str | None = None,
    rules: RedactionRules | None = None,
) -> list[Comment]:
    """Every non-blank answer to ``questions``, redacted, in wave order.

    Texts from a file are as answered and texts from a store are already redacted; both are
    redacted here (redaction is idempotent), so nothing unredacted can pass.
    """
    out: list[Comment] = []
    for rs, label in zip(waves, labels, strict=True):
        vocabulary = [str(v) for c in rs.groups.columns for v in rs.groups[c].dropna().unique()]
        redactor = Redactor((rules or RedactionRules()).extended(vocabulary=vocabulary))
        groups = rs.groups[group_column].tolist() if group_column in rs.groups.columns else None
        for question in questions:
            if question not in rs.comments.columns:
                continue
            for row, value in enumerate(rs.comments[question].tolist()):
                if not (isinstance(value, str) and value.strip()):
                    continue
                group = groups[row] if groups is not None else None
                out.append(
                    Comment(
                        key=f"{label}/{question}/{row + 1}",
                        wave=label,
                        question=question,
                        row=row,
                        text=redactor(value.strip()).text,
                        group=None if group is None else str(group),
                    )
                )
    return out


def _cell(label: str, hits: list[Comment], total: list[Comment]) -> ThemeCell:
    lo, hi = wilson_ci(len(hits), len(total))
    mean = sum(c.sentiment for c in hits) / len(hits) if hits else None
    return ThemeCell(
        label=label,
        n=len(hits),
        total=len(total),
        share=len(hits) / len(total),
        ci=(lo, hi),
        sentiment=mean,
    )


def _quotes(theme: Theme, comments: list[Comment], used: set[str]) -> tuple[Quote, ...]:
    lo, hi = _QUOTE_CHARS
    fitting = [c for c in comments if lo <= len(c.text) <= hi and theme.id in c.themes]
    # Prefer comments not yet quoted, that this theme is first for, of a typical length.
    fitting.sort(
        key=lambda c: (c.text in used, c.themes[0] != theme.id, abs(len(c.text) - 90), c.key)
    )
    chosen: list[Quote] = []
    texts: set[str] = set()
    for c in fitting:
        if c.text in texts:
            continue
        chosen.append(Quote(key=c.key, text=c.text))
        texts.add(c.text)
        used.add(c.text)
        if len(chosen) == QUOTES_PER_THEME:
            break
    return tuple(chosen)


def _theme_result(
    theme: Theme,
    labels: Sequence[str],
    per_wave: dict[str, list[Comment]],
    visible: dict[str, bool],
    group_cells: dict[str, list[Comment]] | None,
    hidden_groups: Mapping[str, str],
    quotable: list[Comment],
    used: set[str],
    threshold: int,
) -> ThemeResult:
    cells: list[ThemeCell] = []
    for label in labels:
        comments = per_wave[label]
        if not visible[label]:
            cells.append(
                ThemeCell(label=label, suppressed=True, reason=_hidden_reason(threshold, "people"))
            )
            continue
        cells.append(_cell(label, [c for c in comments if theme.id in c.themes], comments))
    changes: list[ThemeChange] = []
    for a, b in pairwise(cells):
        if a.n is None or b.n is None or a.share is None or b.share is None:
            hidden = {
                "from": a.label,
                "to": b.label,
                "suppressed": True,
                "reason": "a wave is hidden",
            }
            changes.append(ThemeChange.model_validate(hidden))
            continue
        lo, hi = newcombe_diff_ci(b.n, b.total or 0, a.n, a.total or 0)
        change = {"from": a.label, "to": b.label, "diff": b.share - a.share, "ci": (lo, hi)}
        changes.append(ThemeChange.model_validate(change))
    groups: list[ThemeCell] = []
    if group_cells is not None:
        for name, comments in group_cells.items():
            if name in hidden_groups:
                groups.append(
                    ThemeCell(
                        label=name,
                        suppressed=True,
                        reason=hidden_groups[name],
                    )
                )
            else:
                groups.append(_cell(name, [c for c in comments if theme.id in c.themes], comments))
    latest = cells[-1]
    return ThemeResult(
        theme=theme.id,
        label=theme.label,
        definition=theme.definition,
        stage=theme.stage,
        factor=theme.factor,
        scales=theme.scales,
        n=latest.n,
        total=latest.total,
        share=latest.share,
        ci=latest.ci,
        sentiment=latest.sentiment,
        suppressed=latest.suppressed,
        reason=latest.reason,
        by_wave=tuple(cells),
        changes=tuple(changes),
        by_group=tuple(groups),
        quotes=() if latest.suppressed else _quotes(theme, quotable, used),
    )


def analyse_comments(
    waves: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    *,
    labels: Sequence[str] | None = None,
    codebook: Codebook | None = None,
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    rules: RedactionRules | None = None,
    candidates: bool = True,
    released: Sequence[Release] = (),
) -> CommentAnalysis:
    """Themes of the open answers of ``instruments`` in each wave, under the comment threshold.

    Parameters
    ----------
    waves
        One response set per wave, in time order (from files or a project).
    instruments
        Whose open questions (``comments:``) to analyse.
    labels
        Wave labels (default: each set's ``wave``, else "Wave 1", ...).
    codebook
        The themes (default: the built-in codebook).
    group_column
        A subgroup column read with the data, for theme shares per subgroup in the latest wave.
    privacy
        The anonymity rule: its comment threshold (default 10, never below the scale
        threshold) is the fewest commenters a figure or quote may come from.
    rules
        Names to redact and words to keep, besides the fixed patterns.
    candidates
        Suggest candidate themes from comments no theme caught.
    released
        What the project showed before (its ledger): a subgroup of the latest wave whose
        commenters differ from comments already shown by 1 to N-1 people is withheld too
        (:mod:`cop_eval.comments.released`).

    Returns
    -------
    CommentAnalysis

    Examples
    --------
    >>> result = analyse_comments([wave1, wave2], [load_instrument("le_may_success_factors")])  # doctest: +SKIP
    >>> [(t.theme, t.n) for t in result.themes][:2]  # doctest: +SKIP
    [('member_led_agenda', 9), ('leadership_sponsorship', 2)]
    """
    threshold = privacy.comment_threshold
    if not waves:
        raise OptionError("no waves to analyse")
    questions = tuple(c.id for inst in instruments for c in inst.comments)
    if not questions:
        raise OptionError(
            f"{', '.join(i.id for i in instruments)} ask no open questions (no 'comments:' in "
            "the instrument); choose an instrument with open questions, or add them to your own."
        )
    labels = list(labels or [rs.wave or f"Wave {k + 1}" for k, rs in enumerate(waves)])
    if group_column is not None:
        for rs, label in zip(waves, labels, strict=True):
            if group_column not in rs.groups.columns:
                raise OptionError(
                    f"{label}: no subgroup column {group_column!r} was read with this wave."
                )
    codebook = codebook or load_codebook()
    coder = Coder(codebook)
    comments = [
        _coded(c, coder)
        for c in collect_comments(waves, labels, questions, group_column=group_column, rules=rules)
    ]
    per_wave: dict[str, list[Comment]] = {label: [] for label in labels}
    for c in comments:
        per_wave[c.wave].append(c)
    people = {label: len({c.row for c in per_wave[label]}) for label in labels}
    visible = {label: people[label] >= threshold for label in labels}
    latest = labels[-1]
    group_cells: dict[str, list[Comment]] | None = None
    hidden: dict[str, str] = {}
    quotable = per_wave[latest] if visible[latest] else []
    if group_column is not None:
        group_cells = {}
        for c in per_wave[latest]:
            group_cells.setdefault(c.group or NO_GROUP, []).append(c)
        counts = {g: len({c.row for c in cs}) for g, cs in group_cells.items()}
        small = _hidden_reason(threshold, "people in this subgroup")
        args = (questions, group_column, counts, privacy, released, small, NO_GROUP)
        hidden = (
            withheld_groups(waves[-1], latest, *args)
            if visible[latest]
            else dict.fromkeys(counts, small)
        )
        quotable = [c for c in quotable if (c.group or NO_GROUP) not in hidden]
        group_cells = dict(sorted(group_cells.items()))
    used: set[str] = set()
    themes = tuple(
        _theme_result(t, labels, per_wave, visible, group_cells, hidden, quotable, used, threshold)
        for t in codebook.themes
    )
    wave_facts = tuple(
        _wave_fact(label, per_wave[label], people[label], visible[label], threshold)
        for label in labels
    )
    # Candidate themes come from the quotable comments only: their terms and examples must not
    # reveal a hidden subgroup or wave.
    uncoded = [c for c in quotable if not c.themes]
    return CommentAnalysis(
        instruments=tuple(i.id for i in instruments),
        questions=questions,
        question_texts=tuple(c.text for inst in instruments for c in inst.comments),
        codebook=codebook.id,
        threshold=threshold,
        group_column=group_column,
        waves=wave_facts,
        themes=themes,
        candidates=candidate_themes(uncoded, threshold) if candidates else (),
        hidden_groups=tuple(sorted(hidden)),
    )


def _coded(comment: Comment, coder: Coder) -> Comment:
    codes = coder(comment.text)
    return Comment(
        comment.key, comment.wave, comment.question, comment.row, comment.text, comment.group,
        tuple(c.theme for c in codes), compound(comment.text),
    )  # fmt: skip


def _wave_fact(
    label: str, comments: list[Comment], people: int, visible: bool, threshold: int
) -> CommentWave:
    if not visible:
        return CommentWave(label=label, suppressed=True, reason=_hidden_reason(threshold, "people"))
    return CommentWave(
        label=label,
        commenters=people,
        comments=len(comments),
        uncoded=sum(1 for c in comments if not c.themes),
        sentiment=sum(c.sentiment for c in comments) / len(comments) if comments else None,
    )


def shareable_comments(
    waves: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    codebook: Codebook,
    *,
    labels: Sequence[str] | None = None,
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    rules: RedactionRules | None = None,
) -> list[Comment]:
    """Redacted, automatically coded comments that may leave the store (e.g. a coding sheet).

    Only waves with at least the comment threshold of commenters; with ``group_column``, only
    subgroups at or above it in each wave (complementary suppression applies).
    """
    threshold = privacy.comment_threshold
    questions = tuple(c.id for inst in instruments for c in inst.comments)
    labels = list(labels or [rs.wave or f"Wave {k + 1}" for k, rs in enumerate(waves)])
    coder = Coder(codebook)
    found = collect_comments(waves, labels, questions, group_column=group_column, rules=rules)
    kept: list[Comment] = []
    for label in labels:
        wave = [_coded(c, coder) for c in found if c.wave == label]
        if len({c.row for c in wave}) < threshold:
            continue
        if group_column is not None:
            counts: dict[str, set[int]] = {}
            for c in wave:
                counts.setdefault(c.group or NO_GROUP, set()).add(c.row)
            hidden = _comment_groups(privacy, {g: len(r) for g, r in counts.items()})
            wave = [c for c in wave if (c.group or NO_GROUP) not in hidden]
        kept.extend(wave)
    return kept


def hidden_comment_groups(
    wave: ResponseSet, questions: Sequence[str], group_column: str, privacy: PrivacyPolicy
) -> frozenset[str]:
    """The subgroups of one wave whose comments are withheld (primary and complementary)."""
    groups = [NO_GROUP if g is None else str(g) for g in wave.groups[group_column].tolist()]
    present = [q for q in questions if q in wave.comments.columns]
    people: dict[str, int] = {}
    for row, group in enumerate(groups):
        if any(
            isinstance(t, str) and t.strip() for t in (wave.comments[q].iat[row] for q in present)
        ):
            people[group] = people.get(group, 0) + 1
    return _comment_groups(privacy, people)
