"""Findings of the board pages: the largest equity gaps as key messages, and change tones.

Pure functions of the board facts. A gap is reported as the subgroup against everyone else;
"worse" and "better" follow the scale's direction (a neutral scale's gap is only "higher" or
"lower"). The largest *reliable* gaps (Benjamini–Hochberg adjusted p below .05) become key
messages; when none is reliable, the largest gap is still named, with its CI, as not clear.
"""

from __future__ import annotations

from collections.abc import Mapping

from cop_eval.report.facts_board import BoardFacts, ChangeFact, GapFact, GapTrendFact
from cop_eval.report.filters import fmt_ci, fmt_number, fmt_p, fmt_signed
from cop_eval.report.model import KeyMessage, Tone

__all__ = [
    "MAX_GAP_MESSAGES",
    "equity_messages",
    "gap_sentence",
    "largest_gaps",
    "tone_of",
    "trend_sentence",
]

#: At most this many equity key messages.
MAX_GAP_MESSAGES = 2


def tone_of(change: ChangeFact | None) -> Tone:
    """positive / negative for a likely real improvement / deterioration; neutral otherwise."""
    if change is None:
        return "neutral"
    if change.direction == "improved":
        return "positive"
    if change.direction in ("declined", "deteriorated"):
        return "negative"
    return "neutral"


def _worse(gap: GapFact) -> bool | None:
    if gap.direction == "neutral":
        return None
    return gap.gap > 0 if gap.direction == "lower_is_better" else gap.gap < 0


def largest_gaps(board: BoardFacts, *, reliable_only: bool = False) -> list[GapFact]:
    """The latest wave's gaps, largest first (reliable ones before the rest)."""
    gaps = [g for e in board.equity for g in e.gaps if g.wave == board.latest]
    if reliable_only:
        gaps = [g for g in gaps if g.reliable]
    return sorted(gaps, key=lambda g: (not g.reliable, -abs(g.gap)))


def gap_sentence(gap: GapFact) -> str:
    """``Trainers score 2.79 on Relevance against 4.04 for everyone else: ...``."""
    worse = _worse(gap)
    word = "higher" if gap.gap > 0 else "lower"
    judged = "" if worse is None else (", worse" if worse else ", better")
    ci = fmt_ci(gap.lo, gap.hi)
    sure = (
        f"a reliable gap (p adjusted {fmt_p(gap.p_adjusted)})"
        if gap.reliable
        else f"not clear after adjusting for the number of comparisons (p adjusted "
        f"{fmt_p(gap.p_adjusted)})"
    )
    return (
        f"{gap.group} (n = {gap.n_group}) score {fmt_number(gap.mean_group)} on {gap.scale_label} "
        f"[{gap.instrument_title}] against {fmt_number(gap.mean_rest)} for everyone else: "
        f"{fmt_signed(gap.gap)} points {word}{judged} (95% CI {ci}), {sure}."
    )


def trend_sentence(trend: GapTrendFact) -> str:
    """Whether a subgroup's gap widened or narrowed since the first wave, in the words of the
    equity table's "Since" column (the model's CI and p are in the exported tables)."""
    word = "widened" if trend.widening else "narrowed"
    sure = (
        "reliably, allowing for who answered each wave"
        if trend.reliable
        else "not clear, allowing for who answered each wave"
    )
    return f"Since {trend.from_label} the gap {word} by {fmt_number(abs(trend.change))} ({sure})."


def _trend_of(board: BoardFacts, gap: GapFact) -> GapTrendFact | None:
    return next(
        (
            t
            for e in board.equity
            for t in e.trends
            if (t.scale_key, t.group) == (gap.scale_key, gap.group)
        ),
        None,
    )


def equity_messages(board: BoardFacts, refs: Mapping[str, tuple[str, str]]) -> list[KeyMessage]:
    """The largest reliable gaps as key messages (or the largest gap, as not clear), each
    pointing to its questionnaire's heatmap."""
    if "equity" not in refs or not board.equity:
        return []
    chosen = largest_gaps(board, reliable_only=True)[:MAX_GAP_MESSAGES]
    if not chosen:
        chosen = largest_gaps(board)[:1]
    out = []
    for gap in chosen:
        trend = _trend_of(board, gap)
        text = gap_sentence(gap) + (f" {trend_sentence(trend)}" if trend is not None else "")
        worse = _worse(gap)
        tone: Tone = (
            "neutral"
            if not gap.reliable or worse is None
            else ("negative" if worse else "positive")
        )
        headline = "Largest equity gap" if gap.reliable else "Largest gap between subgroups"
        ref = refs.get(f"equity:{gap.scale_key.split('.', 1)[0]}", refs["equity"])
        out.append(KeyMessage(headline, text, ref[0], ref[1], tone))
    return out
