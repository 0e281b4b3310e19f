"""Section 5 of the report: change across waves.

:func:`change_section` arranges, in order: the trend figures (means per wave with CIs), the
headline table (first to last wave, one row per scale), every comparison (exported when there
are three or more waves), the trend model's note, and the reliable-change table.
"""

from __future__ import annotations

from itertools import groupby

from cop_eval.report.facts import Comparison, ReportFacts, ScaleResult
from cop_eval.report.filters import fmt_number
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    Paragraph,
    Row,
    Section,
    Table,
    TrendPanel,
    TrendPanels,
)
from cop_eval.report.numbering import Numbering, in_waves
from cop_eval.report.sections_validity import VALIDITY_TITLE

__all__ = ["change_section"]

TITLE = "Change across waves"


def _trend_panel(scale: ScaleResult) -> TrendPanel:
    return TrendPanel(
        scale.label,
        tuple(w.label for w in scale.waves),
        tuple(w.mean for w in scale.waves),
        tuple(w.lo for w in scale.waves),
        tuple(w.hi for w in scale.waves),
        tuple(w.n for w in scale.waves),
    )


_BETTER = {"higher_is_better": "higher", "lower_is_better": "lower", "neutral": "neither"}


def _scale_means_table(facts: ReportFacts, num: Numbering) -> Table:
    """Every scale's mean in every wave, with its range and which way is better."""
    rows = []
    previous = None
    for scale in facts.scales:
        cells = [Cell.hidden() if w.suppressed else Cell(w.mean) for w in scale.waves]
        rows.append(
            Row(
                (
                    Cell(scale.instrument_title if scale.instrument_title != previous else ""),
                    Cell(scale.label),
                    Cell(f"{fmt_number(scale.scale_min, 0)}–{fmt_number(scale.scale_max, 0)}"),
                    Cell(_BETTER[scale.direction]),
                    *cells,
                )
            )
        )
        previous = scale.instrument_title
    one = len(facts.waves) == 1
    return num.table(
        "scale_means",
        f"Scale means in {facts.waves[0]}" if one else "Scale means per wave",
        (
            Column("Questionnaire"),
            Column("Scale"),
            Column("Range"),
            Column("Better"),
            *(Column(f"Mean {w}" if one else w, "number") for w in facts.waves),
        ),
        tuple(rows),
        caption="Range: the scale's lowest and highest possible score. Better: which direction "
        "is the good one (neither for a scale that describes a kind of group rather than a "
        f"quality). n, SD and 95% CI {in_waves(facts)} are in the exported tables.",
    )


def _single_wave(facts: ReportFacts, num: Numbering) -> Section:
    return Section(
        "sec-change",
        num.section,
        "Scale scores",
        (
            Paragraph(
                "Only one wave was analysed, so there is no change to report. Run the "
                "survey again in six to twelve months and pass both files.",
                "note",
            ),
            _scale_means_table(facts, num),
        ),
    )


def _trend_figures(facts: ReportFacts, num: Numbering) -> list[Block]:
    """Each scale's mean per wave with its 95% CI: one figure per instrument, and per range when
    its scales differ (a 0-6 sum is not drawn on a 1-5 axis)."""
    blocks: list[Block] = []
    for (_, instrument_title), group in groupby(
        facts.scales, key=lambda s: (s.instrument_id, s.instrument_title)
    ):
        scales = [s for s in group if any(w.mean is not None for w in s.waves)]
        ranges = list(dict.fromkeys((s.scale_min, s.scale_max, s.method) for s in scales))
        for lo, hi, method in ranges:
            panels = [s for s in scales if (s.scale_min, s.scale_max, s.method) == (lo, hi, method)]
            span = f" ({fmt_number(lo, 0)}–{fmt_number(hi, 0)})" if len(ranges) > 1 else ""
            what = "totals" if method == "sum" else "means"
            blocks.append(
                num.figure(
                    "trend",
                    f"{instrument_title}{span}: {what} per wave",
                    TrendPanels(
                        tuple(_trend_panel(s) for s in panels),
                        lo,
                        hi,
                        axis_label="Total score" if method == "sum" else "Mean score",
                    ),
                    alt=f"Line charts of the {what[:-1]} of each scale of {instrument_title} "
                    "per wave with 95% confidence bands.",
                    caption=f"Line: {what[:-1]}, with its value; band: 95% confidence interval; "
                    "dashed: the neutral middle of the scale; n below each wave.",
                )
            )
    return blocks


def _change_caption(facts: ReportFacts) -> str:
    """Design, effect size, adjustment and the scales whose direction is not higher-is-better."""
    designs = sorted({c.design for s in facts.scales for c in s.comparisons})
    caption = (
        f"Design: {', '.join(designs) or '–'}. Effect size: {effect_names(facts)} "
        "(see Methods). p adjusted with Holm's method across scales."
    )
    lower = [s.label for s in facts.scales if s.direction == "lower_is_better"]
    neutral = [s.label for s in facts.scales if s.direction == "neutral"]
    if lower:
        caption += f" Lower is better for {', '.join(lower)}: a fall there is an improvement."
    if neutral:
        caption += (
            f" Neither direction is better for {', '.join(neutral)}: its verdicts say increase "
            "or decrease."
        )
    return caption


#: How the effect sizes are named in tables and text.
EFFECT_NAMES = {"d_av": "d_av", "hedges_g": "Hedges' g"}


def effect_names(facts: ReportFacts) -> str:
    """The effect size(s) the change tables show, by name ("d_av", "Hedges' g")."""
    found = sorted({c.effect_name for s in facts.scales for c in s.comparisons if c.effect_name})
    return " or ".join(EFFECT_NAMES.get(n, n) for n in found) or "–"


def _since_previous(scale: ScaleResult, previous: str, last: str) -> Comparison | None:
    return next(
        (c for c in scale.comparisons if (c.from_label, c.to_label) == (previous, last)), None
    )


def _headline_table(facts: ReportFacts, num: Numbering, caption: str) -> Block:
    """First to last wave, one row per scale, with the change since the previous wave beside it
    (three or more waves); a warning when no comparison may be shown."""
    first, last = facts.waves[0], facts.waves[-1]
    previous = facts.waves[-2] if len(facts.waves) > 2 else None
    rows = []
    for scale in facts.scales:
        change = scale.overall_change
        if change is None:
            continue
        recent = _since_previous(scale, previous, last) if previous else None
        since = (
            (
                Cell(recent.mean_diff) if recent else Cell(None),
                Cell(recent.verdict) if recent else Cell("–"),
            )
            if previous
            else ()
        )
        rows.append(
            Row(
                (
                    Cell(
                        scale.label,
                        note="measured differently: see caution" if scale.caution else None,
                    ),
                    *since,
                    Cell(change.n),
                    Cell(change.mean_diff),
                    Cell(lo=change.lo, hi=change.hi),
                    Cell(change.effect),
                    Cell(change.p_adjusted),
                    Cell(change.verdict),
                )
            )
        )
    if not rows:
        return Paragraph(
            f"No comparison between {first} and {last} can be shown: too few respondents "
            f"(fewer than {facts.min_group_size}) answered in one of the waves, or so few "
            "answered only one of them that their scores could be worked out from the wave "
            "means (anonymity rule).",
            "warning",
        )
    recent_columns = (
        (Column(f"Since {previous}", "signed"), Column(f"Verdict since {previous}"))
        if previous
        else ()
    )
    columns = (
        Column("Scale"),
        *recent_columns,
        Column("n", "int"),
        Column(f"Since {first}" if previous else "Change", "signed"),
        Column("95% CI", "ci"),
        Column(f"Effect size ({effect_names(facts)})", "signed"),
        Column("p (adj.)", "p"),
        Column(f"Verdict since {first}" if previous else "Verdict"),
    )
    title = (
        f"Change from {first} to {last} per scale, and since {previous}"
        if previous
        else f"Change from {first} to {last} per scale"
    )
    return num.table(
        "change_table",
        title,
        columns,
        tuple(rows),
        caption=caption,
        notes=tuple(
            f"Caution, {s.label}: {s.caution} (Appendix: {VALIDITY_TITLE})."
            for s in facts.scales
            if s.caution and s.overall_change is not None
        ),
    )


def _every_comparison(facts: ReportFacts, num: Numbering, caption: str) -> list[Block]:
    """Every wave pair (three or more waves): an exported table and a pointer to it."""
    rows = [
        Row(
            (
                Cell(scale.instrument_title),
                Cell(scale.label),
                Cell(c.from_label),
                Cell(c.to_label),
                Cell(c.design),
                Cell(c.n),
                Cell(c.mean_diff),
                Cell(lo=c.lo, hi=c.hi),
                Cell(c.effect_name),
                Cell(c.effect),
                Cell(c.p),
                Cell(c.p_adjusted),
                Cell(c.verdict),
            )
        )
        for scale in facts.scales
        for c in scale.comparisons
    ]
    if len(facts.waves) <= 2 or not rows:
        return []
    table = num.export_table(
        "all_comparisons",
        "Every comparison between waves",
        (
            Column("Questionnaire"),
            Column("Scale"),
            Column("From"),
            Column("To"),
            Column("Design"),
            Column("n", "int"),
            Column("Change", "signed"),
            Column("95% CI", "ci"),
            Column("Effect size measure"),
            Column("Effect size", "signed"),
            Column("p", "p"),
            Column("p (adj.)", "p"),
            Column("Verdict"),
        ),
        tuple(rows),
        caption=caption,
    )
    pointer = Paragraph(
        f"Comparisons between consecutive waves are in the exported tables ({table.number}).",
        "note",
    )
    return [table, pointer]


def _reliable_change_table(facts: ReportFacts, num: Numbering) -> Table | None:
    """Jacobson-Truax counts among matched members, first to last wave."""
    with_rc = [(s, s.reliable_change) for s in facts.scales if s.reliable_change is not None]
    if not with_rc:
        return None
    rows = [
        Row(
            (
                Cell(s.label),
                Cell(rc.n),
                Cell(rc.improved),
                Cell(rc.unchanged),
                Cell(rc.deteriorated),
                Cell(rc.reliability),
            )
        )
        for s, rc in with_rc
    ]
    neutral = [
        f"{s.label}: {rc.increased} rose and {rc.decreased} fell reliably"
        for s, rc in with_rc
        if s.direction == "neutral" and rc.increased is not None
    ]
    caption = (
        "Jacobson-Truax reliable change index (|RCI| > 1.96) with the scale's observed "
        "reliability in the first wave. Improved and deteriorated follow each scale's direction."
    )
    if neutral:
        caption += " Neither direction is better on " + "; ".join(neutral) + "."
    return num.table(
        "reliable_change",
        f"Reliable change among matched members, {facts.waves[0]} to {facts.waves[-1]}",
        (
            Column("Scale"),
            Column("Matched", "int"),
            Column("Improved", "int"),
            Column("No reliable change", "int"),
            Column("Deteriorated", "int"),
            Column("Reliability used", "alpha"),
        ),
        tuple(rows),
        caption=caption,
    )


def change_section(facts: ReportFacts, num: Numbering) -> Section:
    """Means with CIs over time, comparisons with effect sizes and verdicts, reliable change."""
    if len(facts.waves) < 2:
        return _single_wave(facts, num)
    blocks: list[Block] = [
        Paragraph(
            "Each verdict combines how large a change is (the effect size) with how sure we can "
            "be that it is real (the p value after adjusting for the number of scales compared). "
            "A change can be statistically clear but too small to matter, or look large but rest "
            "on too few answers to tell.",
            "lead",
        ),
        *_trend_figures(facts, num),
    ]
    caption = _change_caption(facts)
    headline = _headline_table(facts, num, caption)
    blocks.append(headline)
    if isinstance(headline, Table):
        # A scale scored from different items in different waves: said under the table.
        blocks.extend(Paragraph(note, "note") for note in facts.item_notes)
    blocks.append(_scale_means_table(facts, num))
    blocks.extend(_every_comparison(facts, num, caption))
    if facts.trend_model:
        blocks.append(Paragraph(facts.trend_model, "note"))
    reliable = _reliable_change_table(facts, num)
    if reliable is not None:
        blocks.append(reliable)
    return Section("sec-change", num.section, TITLE, tuple(blocks))
