"""Sections 5 and 6 of the report: change across waves, and subgroups."""

from __future__ import annotations

from itertools import groupby

from cop_eval.report.facts import ReportFacts, ScaleResult
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    Heatmap,
    Paragraph,
    Row,
    Section,
    Table,
    TrendPanel,
    TrendPanels,
)
from cop_eval.report.numbering import Numbering

__all__ = ["HEATMAP_ROWS", "change_section", "subgroups_section"]

#: Subgroups per heatmap figure; longer lists continue in the next figure.
HEATMAP_ROWS = 25


# ---------------------------------------------------------------------------------------------
# 5 Change across waves
# ---------------------------------------------------------------------------------------------


def _trend_panel(scale: ScaleResult) -> TrendPanel:
    return TrendPanel(
        scale.label,
        tuple(w.label for w in scale.waves),
        tuple(w.mean for w in scale.waves),
        tuple(w.lo for w in scale.waves),
        tuple(w.hi for w in scale.waves),
        tuple(w.n for w in scale.waves),
    )


def change_section(facts: ReportFacts, num: Numbering) -> Section:
    """Means with CIs over time, comparisons with effect sizes and verdicts, reliable change."""
    title = "Change across waves"
    if len(facts.waves) < 2:
        return Section(
            "sec-change",
            num.section,
            title,
            (
                Paragraph(
                    "Only one wave was analysed, so there is no change to report. Run the "
                    "survey again in six to twelve months and pass both files.",
                    "note",
                ),
            ),
        )
    blocks: list[Block] = [
        Paragraph(
            "Each verdict combines how large a change is (the effect size) with how sure we can "
            "be that it is real (the p value after adjusting for the number of scales compared). "
            "A change can be statistically clear but too small to matter, or look large but rest "
            "on too few answers to tell.",
            "lead",
        )
    ]
    for (_, instrument_title), group in groupby(
        facts.scales, key=lambda s: (s.instrument_id, s.instrument_title)
    ):
        scales = [s for s in group if any(w.mean is not None for w in s.waves)]
        if not scales:
            continue
        blocks.append(
            num.figure(
                "trend",
                f"{instrument_title}: means per wave",
                TrendPanels(
                    tuple(_trend_panel(s) for s in scales), scales[0].scale_min, scales[0].scale_max
                ),
                alt=f"Line charts of the mean of each scale of {instrument_title} per wave "
                "with 95% confidence bands.",
                caption="Line: mean; band: 95% confidence interval; n below each wave.",
            )
        )
    effect_names = sorted({c.effect_name for s in facts.scales for c in s.comparisons})
    designs = sorted({c.design for s in facts.scales for c in s.comparisons})
    caption = (
        f"Design: {', '.join(designs) or '–'}. Effect size: {', '.join(effect_names) or '–'}. "
        "p adjusted with Holm's method across scales."
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
    columns = (
        Column("Scale"),
        Column("n", "int"),
        Column("Change", "signed"),
        Column("95% CI", "ci"),
        Column("Effect size", "signed"),
        Column("p (adj.)", "p"),
        Column("Verdict"),
    )
    headline = []
    for scale in facts.scales:
        change = scale.overall_change
        if change is not None:
            headline.append(
                Row(
                    (
                        Cell(scale.label),
                        Cell(change.n),
                        Cell(change.mean_diff),
                        Cell(lo=change.lo, hi=change.hi),
                        Cell(change.effect),
                        Cell(change.p_adjusted),
                        Cell(change.verdict),
                    )
                )
            )
    first, last = facts.waves[0], facts.waves[-1]
    if headline:
        blocks.append(
            num.table(
                "change_table",
                f"Change from {first} to {last} per scale",
                columns,
                tuple(headline),
                caption=caption,
            )
        )
        blocks.extend(Paragraph(note, "note") for note in facts.item_notes)
    else:
        blocks.append(
            Paragraph(
                f"No comparison between {first} and {last} can be shown: too few respondents "
                f"(fewer than {facts.min_group_size}) answered in one of the waves, or so few "
                "answered only one of them that their scores could be worked out from the wave "
                "means (anonymity rule).",
                "warning",
            )
        )
    every = [
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
    if len(facts.waves) > 2 and every:
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
            tuple(every),
            caption=caption,
        )
        blocks.append(table)
        blocks.append(
            Paragraph(
                f"Comparisons between consecutive waves are in the exported tables "
                f"({table.number}).",
                "note",
            )
        )
    if facts.trend_model:
        blocks.append(Paragraph(facts.trend_model, "note"))
    rc_rows = [
        Row(
            (
                Cell(s.label),
                Cell(s.reliable_change.n),
                Cell(s.reliable_change.improved),
                Cell(s.reliable_change.unchanged),
                Cell(s.reliable_change.deteriorated),
                Cell(s.reliable_change.reliability),
            )
        )
        for s in facts.scales
        if s.reliable_change is not None
    ]
    neutral_rc = [
        f"{s.label}: {s.reliable_change.increased} rose and {s.reliable_change.decreased} fell "
        "reliably"
        for s in facts.scales
        if s.reliable_change is not None
        and s.direction == "neutral"
        and s.reliable_change.increased is not None
    ]
    rc_caption = (
        "Jacobson-Truax reliable change index (|RCI| > 1.96) with the scale's observed "
        "reliability in the first wave. Improved and deteriorated follow each scale's direction."
    )
    if neutral_rc:
        rc_caption += " Neither direction is better on " + "; ".join(neutral_rc) + "."
    if rc_rows:
        blocks.append(
            num.table(
                "reliable_change",
                f"Reliable change among matched members, {first} to {last}",
                (
                    Column("Scale"),
                    Column("Matched", "int"),
                    Column("Improved", "int"),
                    Column("No reliable change", "int"),
                    Column("Deteriorated", "int"),
                    Column("Reliability used", "alpha"),
                ),
                tuple(rc_rows),
                caption=rc_caption,
            )
        )
    return Section("sec-change", num.section, title, tuple(blocks))


# ---------------------------------------------------------------------------------------------
# 6 Subgroups
# ---------------------------------------------------------------------------------------------


def subgroups_section(facts: ReportFacts, num: Numbering) -> Section:
    """Subgroup x scale heatmaps; suppressed cells are drawn as suppressed, never as numbers."""
    title = "Subgroups"
    sub = facts.subgroups
    if sub is None:
        return Section(
            "sec-subgroups",
            num.section,
            title,
            (
                Paragraph(
                    "No subgroup column was given (--group-column), so results are not "
                    "broken down by subgroup.",
                    "note",
                ),
            ),
        )
    blocks: list[Block] = [
        Paragraph(
            f"Mean scores per {sub.column} in {sub.wave}. To protect anonymity, no figure "
            f"describes fewer than {sub.min_group_size} respondents: smaller groups are shown as "
            "suppressed, and so is the next-smallest group, so that a hidden group cannot be "
            "worked out from the total."
            + (f" {sub.n_suppressed} group(s) are suppressed." if sub.n_suppressed else ""),
            "lead",
        )
    ]
    scale_min = min((s.scale_min for s in facts.scales), default=1.0)
    scale_max = max((s.scale_max for s in facts.scales), default=5.0)
    centre = (scale_min + scale_max) / 2
    chunks = [sub.rows[i : i + HEATMAP_ROWS] for i in range(0, len(sub.rows), HEATMAP_ROWS)]
    instrument_of = [key.split(".", 1)[0] for key in sub.scales]
    instruments = list(dict.fromkeys(instrument_of))
    titles = {s.instrument_id: s.instrument_title for s in facts.scales}
    for instrument in instruments:
        cols = [i for i, owner in enumerate(instrument_of) if owner == instrument]
        for part, chunk in enumerate(chunks):
            more = f" (part {part + 1} of {len(chunks)})" if len(chunks) > 1 else ""
            figure = num.figure(
                f"heatmap:{instrument}",
                f"{titles.get(instrument, instrument)} by {sub.column}{more}",
                Heatmap(
                    tuple(r.group for r in chunk),
                    tuple(sub.scale_labels[i] for i in cols),
                    tuple(tuple(None if r.suppressed else r.means[i] for i in cols) for r in chunk),
                    tuple(None if r.suppressed else r.n for r in chunk),
                    scale_min,
                    scale_max,
                    centre,
                ),
                alt=f"Heatmap of mean scores per {sub.column}; suppressed groups are grey.",
                caption="Blue: above the scale midpoint; orange: below. Grey hatched cells "
                "are suppressed.",
            )
            num.refs.setdefault("heatmap", (figure.id, figure.number))
            blocks.append(figure)
    blocks.append(_subgroup_table(facts, num))
    return Section("sec-subgroups", num.section, title, tuple(blocks))


def _subgroup_table(facts: ReportFacts, num: Numbering) -> Table:
    sub = facts.subgroups
    if sub is None:  # the caller checks; keeps mypy informed
        raise ValueError("no subgroup facts")
    columns = (
        Column(sub.column),
        Column("n", "int"),
        *tuple(Column(label, "number") for label in sub.scale_labels),
    )
    rows = [
        Row(
            (
                Cell(r.group),
                Cell.hidden() if r.suppressed else Cell(r.n),
                *tuple(Cell.hidden() if r.suppressed or v is None else Cell(v) for v in r.means),
            )
        )
        for r in sub.rows
    ]
    rows.append(
        Row(
            (Cell("All respondents"), Cell(None), *tuple(Cell(v) for v in sub.overall)),
            emphasis=True,
        )
    )
    return num.export_table("subgroup_table", f"Mean scores per {sub.column}", columns, tuple(rows))
