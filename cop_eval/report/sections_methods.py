"""The methods appendix: instruments, reliability, import, the mixed-model estimates, methods,
limitations and references — each sentence about a method the report actually used.

The statistical-methods bullets, the limitations and the references are built from the facts:
the effect size named is the one in the change table, the rank tests, the trend model and the
reliable change appear when they ran, and a reference is listed when the text cites it.
"""

from __future__ import annotations

from cop_eval.report.facts import ReliabilityFact, ReportFacts
from cop_eval.report.filters import ROUNDING_NOTE, fmt_number, fmt_signed
from cop_eval.report.model import (
    Block,
    Bullets,
    Cell,
    Column,
    Paragraph,
    Row,
    Section,
    Table,
)
from cop_eval.report.numbering import Numbering
from cop_eval.report.references import REFERENCES, STATUS_WORDS
from cop_eval.report.sections_factors import LE_MAY, MCDERMOTT

__all__ = ["REFERENCES", "STATUS_WORDS", "limitations", "methods", "methods_section", "references"]


def _designs(facts: ReportFacts) -> set[str]:
    return {c.design for s in facts.scales for c in s.comparisons}


def _comparing(facts: ReportFacts) -> tuple[list[str], list[str]]:
    """The sentences and references on comparing waves, for the designs used."""
    designs = _designs(facts)
    text, refs = [], []
    if "independent" in designs:
        text.append(
            "Waves without linked respondents are compared as independent samples: Welch's "
            "t-test, effect size Hedges' g (pooled SD, exact small-sample correction) with a "
            "noncentral-t 95% CI (Welch 1947; Hedges 1981)."
        )
        refs += ["welch", "hedges"]
    if "paired" in designs:
        text.append(
            "Members linked by a pseudonymised id are compared with a paired t-test on those who "
            "answered both waves; the effect size in the tables is d_av, the mean change divided "
            "by the mean of the two waves' SDs (Lakens 2013), and a change counts as likely "
            "real when the 95% CI of the mean change excludes zero."
        )
        refs.append("lakens")
    text.append(
        "Verdicts combine size and certainty: negligible below 0.2, small from 0.2, medium from "
        "0.5, large from 0.8 (Cohen 1988), likely real when the 95% interval excludes zero and "
        "Holm's adjusted p (across the scales of each comparison) is below .05 (Holm 1979). "
        "Improvement and deterioration follow each scale's declared direction."
    )
    refs += ["cohen", "holm"]
    text.append(
        "Rank-based checks (Wilcoxon signed-rank for paired, Mann-Whitney for independent "
        "samples; also in the comparison's JSON output) are computed as R's wilcox.test: the exact p "
        "below 50 observations without ties, otherwise the normal approximation with R's "
        "continuity correction (correct = TRUE) and tie correction (Wilcoxon 1945; Mann & "
        "Whitney 1947)."
    )
    refs += ["wilcoxon", "mann_whitney"]
    return text, refs


def methods(facts: ReportFacts) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The statistical-methods bullets and the keys of the references they cite."""
    sums = any(s.method == "sum" for s in facts.scales)
    text = [
        "Scale scores: the mean of a member's answered items"
        + (" (for a summed scale, the total, prorated when an item is missing)" if sums else "")
        + "; reverse-keyed items are scored as min + max − answer, using the questionnaire's "
        "declared range; a score needs the share of the scale's items the questionnaire sets "
        '(half by default). "Don\'t know" and "Not applicable" count as missing.',
        "Reliability: Cronbach's alpha from pairwise-complete item covariances with Feldt's 95% "
        "CI, and McDonald's omega total from a one-factor (minimum-residual) model, as R's psych "
        "package computes them (Cronbach 1951; Feldt, Woodruff & Salih 1987; McDonald 1999; "
        "Revelle 2022). Omega does not flip items: it equals psych::omega(x, nfactors = 1, "
        "flip = FALSE); only the questionnaire's reverse keys reverse an item.",
    ]
    refs = ["cronbach", "feldt", "mcdonald", "revelle"]
    if len(facts.waves) > 1:
        more, cited = _comparing(facts)
        text += more
        refs += cited
    if any(s.trend_estimates for s in facts.scales):
        text.append(
            "Three or more waves: a linear mixed model with a random intercept per respondent, "
            "wave as a categorical effect, fitted by exact restricted maximum likelihood "
            "(REML; Patterson & Thompson 1971), as R's nlme::lme(score ~ factor(wave), "
            "random = ~1 | id); the estimates are in the table of this appendix."
        )
        refs.append("patterson")
    if any(s.reliable_change is not None for s in facts.scales):
        text.append(
            "Individual change: the Jacobson-Truax reliable change index, |RCI| > 1.96, among "
            f"members who answered both {facts.waves[0]} and {facts.waves[-1]}, with each "
            f"scale's observed alpha in {facts.waves[0]} (Jacobson & Truax 1991). Improved "
            "and deteriorated follow the scale's direction."
        )
        refs.append("jacobson")
    if facts.identity:
        latest = facts.identity[-1]
        cut = latest.threshold if latest.threshold is not None else 3.5
        moved = ", ".join(fmt_number(t) for t, _ in latest.sensitivity)
        text.append(
            "Identity classification (McDermott continuum): each member at the endorsed level "
            f"(mean of at least {fmt_number(cut)}) they agree with most; not classified when "
            "they endorse none, two equally, or gave the same answer to every item. The group is "
            "at the median member's level, too close to call when the 95% Wilson interval "
            "(Wilson 1927) of the share at or below a boundary between levels includes 50%"
            + (f", and is shown with the cut-off at {moved}" if moved else "")
            + "."
        )
        refs.append("wilson")
    text.append("Rounding: " + ROUNDING_NOTE[0].lower() + ROUNDING_NOTE[1:])
    text.append(
        "Anonymity: "
        + f"no figure describes a group of fewer than {facts.min_group_size} respondents, and "
        "the next-smallest group is hidden too (complementary suppression). Respondent ids are "
        "replaced by keyed hashes."
    )
    return tuple(text), tuple(refs)


def limitations(facts: ReportFacts) -> tuple[str, ...]:
    """The limitations that apply to this report's questionnaires and data."""
    out = [
        "Volunteer bias: members who answer may be the most engaged; low response rates make "
        "results look better than they are.",
        "Leader-led surveys: when the group's own leaders run the survey, members may answer "
        "more favourably than they would to an independent evaluator.",
    ]
    seed = [i.title for i in facts.instruments if i.status == "seed-derived"]
    if seed:
        out.append(
            "Seed-derived questionnaires (" + "; ".join(seed) + "): the cop-eval project wrote "
            "the items from published frameworks; they are not yet psychometrically validated, "
            "and their reliability is observed in this sample only."
        )
    custom = [i.title for i in facts.instruments if i.status == "custom"]
    if custom:
        out.append(
            "Custom questionnaires (" + "; ".join(custom) + "): written by their users and not "
            "validated; their reliability is observed in this sample only."
        )
    out += [
        "Small groups: with few respondents, confidence intervals are wide and changes must be "
        "large to be detected; the verdicts say when a sample is too small to tell.",
        "Self-report: scores describe members' perceptions, not observed behaviour or outcomes.",
    ]
    return tuple(out)


def references(facts: ReportFacts, cited: tuple[str, ...]) -> tuple[str, ...]:
    """The frameworks behind the report's questionnaires, then the methods cited, once each."""
    keys: list[str] = []
    if facts.stages:
        keys.append("griggs")
    ids = {i.id for i in facts.instruments}
    if LE_MAY in ids:
        keys.append("le_may")
    if MCDERMOTT in ids:
        keys.append("mcdermott")
    keys += [k for k in cited if k not in keys]
    return tuple(REFERENCES[k] for k in keys)


def _instruments_table(facts: ReportFacts, num: Numbering) -> Table:
    statuses = list(dict.fromkeys(i.status for i in facts.instruments))
    return num.table(
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
        caption="Status: " + "; ".join(STATUS_WORDS.get(s, s) for s in statuses) + ".",
    )


def _reliability_detail(facts: ReportFacts, num: Numbering) -> Table:
    return num.export_table(
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


def _imports_table(facts: ReportFacts, num: Numbering) -> Table:
    return num.table(
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
        caption="The import check of each file lists the rows and answers in detail.",
    )


def _trend_table(facts: ReportFacts, num: Numbering) -> Table | None:
    """The mixed-model estimates: each later wave against the first, one row per scale."""
    modelled = [s for s in facts.scales if s.trend_estimates]
    if not modelled:
        return None
    later = [wave for wave, _, _ in modelled[0].trend_estimates]
    rows = []
    previous = None
    for scale in modelled:
        by_wave = {wave: (b, se) for wave, b, se in scale.trend_estimates}
        cells = []
        for wave in later:
            b, se = by_wave.get(wave, (None, None))
            text = f"{fmt_signed(b)} ({fmt_number(se)})" if b is not None else "–"
            cells.append(Cell(text))
        rows.append(
            Row(
                (
                    Cell(scale.instrument_title if scale.instrument_title != previous else ""),
                    Cell(scale.label),
                    *cells,
                    Cell("yes" if scale.trend_converged else "no"),
                )
            )
        )
        previous = scale.instrument_title
    return num.table(
        "trend_estimates",
        f"Mixed-model estimates: change from {facts.waves[0]}",
        (
            Column("Questionnaire"),
            Column("Scale"),
            *(Column(wave) for wave in later),
            Column("Converged"),
        ),
        tuple(rows),
        caption="Fixed effect of each later wave against the first, in score points, with its "
        "standard error in brackets, from the random-intercept model (REML).",
    )


def methods_section(facts: ReportFacts, num: Numbering) -> Section:
    """Instruments and their status, reliability, import summary, the trend estimates, methods,
    limitations and references."""
    blocks: list[Block] = [_instruments_table(facts, num)]
    if facts.reliability:
        blocks += [_reliability_summary(facts, num), _reliability_detail(facts, num)]
    if facts.imports:
        blocks.append(_imports_table(facts, num))
    trend = _trend_table(facts, num)
    if trend is not None:
        blocks.append(trend)
    if facts.warnings:
        blocks.append(
            Paragraph(
                "Data-quality warnings are listed once, in the 'Read with care' box of the "
                "executive summary (Section 1).",
                "note",
            )
        )
    text, cited = methods(facts)
    blocks.append(Bullets(text, "Statistical methods"))
    blocks.append(Bullets(limitations(facts), "Limitations"))
    blocks.append(Bullets(references(facts, cited), "References"))
    return Section(
        "sec-methods", num.section, "Methods and data quality", tuple(blocks), appendix=True
    )


def _alpha_cell(fact: ReliabilityFact | None) -> Cell:
    """Alpha with its 95% interval (Feldt), printed ".85 [.78, .90]"; blank when not scored."""
    if fact is None:
        return Cell(None)
    return Cell(fact.alpha, lo=fact.alpha_lo, hi=fact.alpha_hi)


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
                    *(_alpha_cell(per_wave.get(w)) for w in waves),
                    Cell(latest.omega if latest else None),
                    Cell(
                        latest.published_alpha if latest else None,
                        note=latest.published_source if latest else None,
                    ),
                )
            )
        )
        previous = instrument
    published = any(f.published_alpha is not None for f in facts.reliability)
    return num.table(
        "reliability",
        "Reliability per scale: Cronbach's α "
        + ("per wave" if len(waves) > 1 else f"in {waves[0]}")
        + ", beside published values",
        (
            Column("Questionnaire"),
            Column("Scale"),
            Column("Items", "int"),
            *(Column(f"α {w}", "alpha") for w in waves),
            Column(f"ω total {waves[-1]}", "alpha"),
            Column("Published α", "alpha"),
        ),
        tuple(rows),
        caption="Each α with its 95% confidence interval (Feldt) in brackets. α below .70 means "
        "the items may not measure one thing well enough to add up; an α whose interval reaches "
        ".70 is uncertain rather than low. Such scales are "
        "listed in the 'Read with care' box (Section 1)."
        + ("" if published else " No published value exists for these questionnaires."),
    )
