"""Sections 5, 6 and 8 of the report: change across waves, subgroups, methods and data quality."""

from __future__ import annotations

from itertools import groupby

from cop_eval.report.compose import Numbering
from cop_eval.report.facts import ReliabilityFact, ReportFacts, ScaleResult
from cop_eval.report.model import (
    Block,
    Bullets,
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

__all__ = ["HEATMAP_ROWS", "change_section", "methods_section", "subgroups_section"]

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
        scales = list(group)
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
    blocks.append(
        num.table(
            "change_table",
            f"Change from {first} to {last} per scale",
            columns,
            tuple(headline),
            caption=caption,
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
                caption="Jacobson-Truax reliable change index (|RCI| > 1.96) with the scale's "
                "observed reliability in the first wave.",
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
            blocks.append(
                num.figure(
                    "heatmap",
                    f"{titles.get(instrument, instrument)} by {sub.column}{more}",
                    Heatmap(
                        tuple(r.group for r in chunk),
                        tuple(sub.scale_labels[i] for i in cols),
                        tuple(
                            tuple(None if r.suppressed else r.means[i] for i in cols) for r in chunk
                        ),
                        tuple(None if r.suppressed else r.n for r in chunk),
                        scale_min,
                        scale_max,
                        centre,
                    ),
                    alt=f"Heatmap of mean scores per {sub.column}; suppressed groups are grey.",
                    caption="Blue: above the scale midpoint; orange: below. Grey hatched cells "
                    "are suppressed.",
                )
            )
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


# ---------------------------------------------------------------------------------------------
# 8 Methods and data quality
# ---------------------------------------------------------------------------------------------

METHODS = (
    "Scale scores: the mean of a member's answered items (reverse-keyed items scored as "
    "min + max − answer, using the questionnaire's declared range); a score needs at least half "
    'of the scale\'s items. "Don\'t know" and "Not applicable" count as missing.',
    "Reliability: Cronbach's alpha from pairwise-complete item covariances with Feldt's 95% CI, "
    "and McDonald's omega total from a one-factor model (Cronbach 1951; Feldt, Woodruff & "
    "Salih 1987; McDonald 1999), as in R's psych package (Revelle).",
    "Comparing waves: without a respondent id, waves are independent samples (Welch's t-test, "
    "Hedges' g); with a pseudonymised id, matched members are compared with a paired t-test "
    "(d_z). Several scales: Holm's adjustment; subgroup heatmaps: Benjamini-Hochberg.",
    "Three or more waves: a linear mixed model with a random intercept per respondent "
    "(REML), wave as a categorical effect; convergence is checked and reported.",
    "Individual change: the Jacobson-Truax reliable change index (Jacobson & Truax 1991).",
    "Anonymity: no figure describes fewer than the minimum group size; the next-smallest group "
    "is hidden too (complementary suppression). Respondent ids are replaced by keyed hashes.",
)

LIMITATIONS = (
    "Volunteer bias: members who answer may be the most engaged; low response rates make "
    "results look better than they are.",
    "Leader-led surveys: when the group's own leaders run the survey, members may answer more "
    "favourably than they would to an independent evaluator.",
    "Seed-derived questionnaires: items written from published frameworks (the model for "
    "professional groups, le May's success factors, McDermott's continuum) are not yet "
    "psychometrically validated; their reliability is observed in this sample only.",
    "Small groups: with few respondents, confidence intervals are wide and changes must be large "
    "to be detected; the verdicts say when a sample is too small to tell.",
    "Self-report: scores describe members' perceptions, not observed behaviour or outcomes.",
)

REFERENCES = (
    "Griggs, V. and Allen, J. (2018). The value of an HR professional group for organizational "
    "learning. International Journal of HRD Practice, Policy and Research 3(1), 43-57.",
    "le May, A. (ed.) (2009). Communities of Practice in Health and Social Care. Wiley-Blackwell.",
    "McDermott, R. (1999). Learning across teams. Knowledge Management Review 8, 32-36.",
    "Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests. "
    "Psychometrika 16, 297-334.",
    "Feldt, L. S., Woodruff, D. J. and Salih, F. A. (1987). Statistical inference for "
    "coefficient alpha. Applied Psychological Measurement 11, 93-103.",
    "Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian "
    "Journal of Statistics 6, 65-70.",
    "Jacobson, N. S. and Truax, P. (1991). Clinical significance: a statistical approach to "
    "defining meaningful change. Journal of Consulting and Clinical Psychology 59, 12-19.",
)


def methods_section(facts: ReportFacts, num: Numbering) -> Section:
    """Instruments and their status, reliability, import summary, methods, limitations."""
    blocks: list[Block] = []
    blocks.append(
        num.table(
            "instruments",
            "Questionnaires used",
            (
                Column("Questionnaire"),
                Column("Version"),
                Column("Status"),
                Column("Items", "int"),
                Column("Scales", "int"),
                Column("Source"),
            ),
            tuple(
                Row(
                    (
                        Cell(i.title),
                        Cell(i.version),
                        Cell(i.status),
                        Cell(i.n_items),
                        Cell(i.n_scales),
                        Cell(i.citation),
                    )
                )
                for i in facts.instruments
            ),
            caption="Status: validated (published evidence of validity), adapted (a validated "
            "instrument changed for this use), seed-derived (written by the cop-eval project "
            "from a published framework; not validated).",
        )
    )
    if facts.reliability:
        blocks.append(_reliability_summary(facts, num))
        detail = num.export_table(
            "reliability_detail",
            "Reliability per scale and wave, with confidence intervals",
            (
                Column("Questionnaire"),
                Column("Scale"),
                Column("Wave"),
                Column("n", "int"),
                Column("Items", "int"),
                Column("α", "alpha"),
                Column("95% CI", "ci"),
                Column("ω total", "alpha"),
                Column("Published α", "alpha"),
                Column("Published source"),
            ),
            tuple(
                Row(
                    (
                        Cell(f.instrument_title),
                        Cell(f.scale_label),
                        Cell(f.wave),
                        Cell(f.n),
                        Cell(f.n_items),
                        Cell(f.alpha),
                        Cell(lo=f.alpha_lo, hi=f.alpha_hi),
                        Cell(f.omega),
                        Cell(f.published_alpha),
                        Cell(f.published_source),
                    )
                )
                for f in facts.reliability
            ),
        )
        blocks.append(detail)
    if facts.imports:
        blocks.append(
            num.table(
                "imports",
                "What was read from each file",
                (
                    Column("Wave"),
                    Column("File"),
                    Column("Format"),
                    Column("Rows", "int"),
                    Column("Accepted", "int"),
                    Column("Rejected", "int"),
                    Column("Items not found", "int"),
                    Column("Unusable answers", "int"),
                    Column("Straight-liners", "int"),
                ),
                tuple(
                    Row(
                        (
                            Cell(f.wave),
                            Cell(f.source),
                            Cell(f.format),
                            Cell(f.rows_read),
                            Cell(f.rows_accepted),
                            Cell(f.rows_rejected),
                            Cell(f.unmatched_items),
                            Cell(f.value_problems),
                            Cell(f.straight_liners),
                        )
                    )
                    for f in facts.imports
                ),
                caption="Run `cop-eval check FILE --instrument ID` for the row-by-row details.",
            )
        )
    warnings = tuple(facts.warnings)
    if warnings:
        blocks.append(Bullets(warnings, "Data-quality warnings"))
    blocks.append(Bullets(METHODS, "Statistical methods"))
    blocks.append(Bullets(LIMITATIONS, "Limitations"))
    blocks.append(Bullets(REFERENCES, "References"))
    return Section(
        "sec-methods", num.section, "Methods and data quality", tuple(blocks), appendix=True
    )


def _reliability_summary(facts: ReportFacts, num: Numbering) -> Table:
    """One row per scale: alpha in each wave, omega in the latest, the published alpha."""
    waves = facts.waves
    by_scale: dict[tuple[str, str], dict[str, ReliabilityFact]] = {}
    for fact in facts.reliability:
        by_scale.setdefault((fact.instrument_title, fact.scale_label), {})[fact.wave] = fact
    rows = []
    previous = None
    for (instrument, scale), per_wave in by_scale.items():
        latest = next((per_wave[w] for w in reversed(waves) if w in per_wave), None)
        rows.append(
            Row(
                (
                    Cell(instrument if instrument != previous else ""),
                    Cell(scale),
                    Cell(latest.n_items if latest else None),
                    *(Cell(per_wave[w].alpha if w in per_wave else None) for w in waves),
                    Cell(latest.omega if latest else None),
                    Cell(
                        latest.published_alpha if latest else None,
                        note=latest.published_source if latest else None,
                    ),
                )
            )
        )
        previous = instrument
    return num.table(
        "reliability",
        "Reliability per scale: Cronbach's α per wave, beside published values",
        (
            Column("Questionnaire"),
            Column("Scale"),
            Column("Items", "int"),
            *(Column(f"α {w}", "alpha") for w in waves),
            Column(f"ω total {waves[-1]}", "alpha"),
            Column("Published α", "alpha"),
        ),
        tuple(rows),
        caption="α below .70 means the items may not measure one thing well enough to add up; "
        "such scales are listed in the data-quality warnings. No published value exists for "
        "seed-derived questionnaires. Confidence intervals are in the exported tables.",
    )
