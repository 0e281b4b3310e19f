"""Section 8 of the report: methods and data quality (instruments, reliability, import, methods,
limitations, references)."""

from __future__ import annotations

from cop_eval.report.facts import ReliabilityFact, ReportFacts
from cop_eval.report.model import (
    Block,
    Bullets,
    Cell,
    Column,
    Row,
    Section,
    Table,
)
from cop_eval.report.numbering import Numbering

__all__ = ["LIMITATIONS", "METHODS", "REFERENCES", "methods_section"]


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
    "Three or more waves: a linear mixed model with a random intercept per respondent, wave as "
    "a categorical effect, fitted by REML computed exactly (the estimates of R's nlme::lme); a "
    "fit without an optimum is reported as such.",
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
