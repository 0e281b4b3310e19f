"""What the board facts add to the other sections: detectability beside the changes, the status
rules in the methods, and recommendations from equity, value creation and sample size.

Pure functions of the facts, like :mod:`cop_eval.report.rules`; each recommendation names the
figure or table its evidence is in.
"""

from __future__ import annotations

import statistics

from cop_eval.report.facts import ReportFacts
from cop_eval.report.facts_board import BoardFacts, DetectableFact
from cop_eval.report.filters import fmt_int, fmt_number
from cop_eval.report.findings_board import largest_gaps
from cop_eval.report.model import Block, Bullets, Cell, Column, Recommendation, Row
from cop_eval.report.numbering import Numbering
from cop_eval.stats.power import required_n

__all__ = [
    "TARGET_EFFECT",
    "board_recommendations",
    "detectable_blocks",
    "methods_blocks",
]

#: The change the sample-size advice plans for: d = 0.3, between small (0.2) and medium (0.5).
TARGET_EFFECT = 0.3

_CLEAR = ("improved", "declined", "deteriorated", "increased", "decreased")


def _span(values: list[float], digits: int = 2, sep: str = " to ") -> str:
    lo, hi = min(values), max(values)
    if fmt_number(lo, digits) == fmt_number(hi, digits):
        return fmt_number(lo, digits)
    return f"{fmt_number(lo, digits)}{sep}{fmt_number(hi, digits)}"


def _by_pair(board: BoardFacts) -> dict[tuple[str, str], list[DetectableFact]]:
    pairs: dict[tuple[str, str], list[DetectableFact]] = {}
    for d in board.detectable:
        pairs.setdefault((d.from_label, d.to_label), []).append(d)
    return pairs


def _pair_row(found: list[DetectableFact]) -> Row:
    first = found[0]
    ns = [float(d.n) for d in found]
    n = (
        _span(ns, 0, "–")
        if first.design == "paired"
        else f"{_span(ns, 0, '–')} + {_span([float(d.n2 or 0) for d in found], 0, '–')}"
    )
    points = [d.points for d in found if d.points is not None]
    return Row(
        (
            Cell(f"{first.from_label} → {first.to_label}"),
            Cell("matched members" if first.design == "paired" else "independent samples"),
            Cell(n),
            Cell(("d_z = " if first.design == "paired" else "d = ") + _detect_span(found)),
            Cell(_span(points) if points else None),
            Cell(sum(1 for d in found if d.direction not in _CLEAR)),
        )
    )


def _detect_span(found: list[DetectableFact]) -> str:
    """The detectable effects of one wave pair, as the table and the advice print them."""
    return _span([d.effect for d in found])


def detectable_blocks(facts: ReportFacts, num: Numbering) -> list[Block]:
    """One row per wave pair (printed), and the figure per scale and pair (exported)."""
    board = facts.board
    if board is None or not board.detectable:
        return []
    table = num.export_table(
        "detectable",
        "The smallest change each comparison could detect (80% power, two-sided .05)",
        (
            Column("Scale"),
            Column("From"),
            Column("To"),
            Column("Design"),
            Column("n", "int"),
            Column("n (second wave)", "int"),
            Column("Smallest detectable (d)", "number"),
            Column("In points", "number"),
            Column("Verdict"),
        ),
        tuple(
            Row(
                (
                    Cell(d.scale_label),
                    Cell(d.from_label),
                    Cell(d.to_label),
                    Cell(d.design),
                    Cell(d.n),
                    Cell(d.n2),
                    Cell(d.effect),
                    Cell(d.points),
                    Cell(d.verdict),
                )
            )
            for d in board.detectable
        ),
    )
    pairs = _by_pair(board)
    shown = num.table(
        "detectable_pairs",
        "What the data could detect: the smallest change found with 80% power",
        (
            Column("Waves"),
            Column("Design"),
            Column("n"),
            Column("Smallest detectable change"),
            Column("In scale points"),
            Column("Scales with no clear change", "int"),
        ),
        tuple(_pair_row(found) for found in pairs.values()),
        caption="A two-sided t-test at α = .05 finds a change of this size or more with 80% "
        "power at that n (Cohen 1988; R's pwr): d_z for matched members, Cohen's d for "
        "independent samples; a range spans the scales. Where a scale shows no clear change, "
        "any change was smaller than this, or there was none. The figure for every scale and "
        f"comparison: {table.number}.",
    )
    return [shown, table]


def methods_blocks(facts: ReportFacts) -> list[Block]:
    """The dashboard's status rules (and the "Other" rule, if declared), for the methods."""
    board = facts.board
    if board is None:
        return []
    items = list(board.rules)
    if board.merge_rule:
        items.append(board.merge_rule)
    items.append(
        "Equity: each subgroup's mean against the mean of everyone else (Welch's t-test and "
        "95% CI), Benjamini-Hochberg across the subgroups × scales of each questionnaire and "
        "wave; a gap is reliable when its adjusted p is below .05. The heatmaps colour each "
        "subgroup's difference from everyone's mean. Whether a gap moved: a random-intercept "
        "model (exact REML) fitted to the subgroup and to the rest, the change in the gap "
        "from the first to the last wave with a Wald z test, Benjamini-Hochberg adjusted."
    )
    return [Bullets(tuple(items), heading="Dashboard status rules, equity and detectability")]


def _next_wave(board: BoardFacts, refs: dict[str, tuple[str, str]]) -> Recommendation | None:
    pairs = _by_pair(board)
    if not pairs or "change_table" not in refs:
        return None
    (a, b), found = list(pairs.items())[-1]
    paired = found[0].design == "paired"
    need = required_n(TARGET_EFFECT, design="paired" if paired else "independent")
    have = int(statistics.median(d.n for d in found))
    if have >= need:
        return None
    name = "d_z" if paired else "d"
    who = "members answering both waves" if paired else "respondents in each wave"
    ref = refs.get("detectable_pairs", refs["change_table"])
    return Recommendation(
        title="Plan the next survey for enough responses",
        action=f"Aim for at least {fmt_int(need)} {who} next time (now {fmt_int(have)}): "
        "give time in a meeting to complete it, remind members twice, and keep the respondent "
        "id so that waves can be matched.",
        why=f"From {a} to {b} only changes of {name} = {_detect_span(found)} or more could be "
        f"detected; a small-to-medium change (d = {TARGET_EFFECT}) needs about "
        f"{fmt_int(need)} {who} to be found with 80% power.",
        refs=(ref[0],),
        ref_labels=(ref[1],),
        priority="low",
    )


def board_recommendations(
    facts: ReportFacts, refs: dict[str, tuple[str, str]]
) -> list[Recommendation]:
    """Recommendations from the equity gaps, the value cycle and the sample size."""
    board = facts.board
    if board is None:
        return []
    out: list[Recommendation] = []
    reliable = largest_gaps(board, reliable_only=True)
    behind = [
        g
        for g in reliable
        if g.direction != "neutral" and (g.gap < 0) == (g.direction == "higher_is_better")
    ]
    if behind and "equity" in refs:
        g = behind[0]
        ref = refs.get(f"equity:{g.scale_key.split('.', 1)[0]}", refs["equity"])
        out.append(
            Recommendation(
                title=f"Close the gap for {g.group} on {g.scale_label.lower()}",
                action=f"Ask {g.group} what would make the group work for them, plan the next "
                "cycle's topics with them, and check the gap again at the next survey.",
                why=f"{g.group} score {fmt_number(g.mean_group)} on {g.scale_label.lower()} "
                f"against {fmt_number(g.mean_rest)} for everyone else, a reliable gap.",
                refs=(ref[0],),
                ref_labels=(ref[1],),
                priority="high",
            )
        )
    flow = board.value_flow
    last = flow.waves[-1] if flow and flow.waves else None
    if flow is not None and last is not None and last.stops_at and "value_cycle" in refs:
        label = dict(zip(flow.scales, flow.labels, strict=True))[last.stops_at]
        ref = refs["value_cycle"]
        out.append(
            Recommendation(
                title=f"Help value flow on to {label.lower()}",
                action="End each session with what members will try in their own work, and "
                "start the next with what happened when they did; collect one example a "
                "quarter of a change and its result to share.",
                why=f"Value stops flowing at {label.lower()} in {last.label}: members value "
                "taking part but the cycle does not carry on from there.",
                refs=(ref[0],),
                ref_labels=(ref[1],),
                priority="medium",
                stage=3,
            )
        )
    rec = _next_wave(board, refs)
    if rec is not None:
        out.append(rec)
    return out
