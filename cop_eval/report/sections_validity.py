"""Appendix: "Do the scales measure the same thing in each wave and group?".

One part per questionnaire, from its :class:`~cop_eval.measure.validity_results.ValidityResult`:
the fit of the factor model (and of the configural, metric and scalar models) in a table, what
it means in plain words, the scales whose mean comparisons carry a caution, and — when the
sample is too small for a factor analysis — a plain statement of that and of the rule.
"""

from __future__ import annotations

from cop_eval.measure.validity import MIN_N, PER_PARAMETER
from cop_eval.measure.validity_results import FitIndices, InvarianceStep, ValidityResult
from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import Block, Bullets, Cell, Column, Paragraph, Row, Section
from cop_eval.report.numbering import Numbering

__all__ = ["STRUCTURE_TITLE", "VALIDITY_TITLE", "validity_section"]

VALIDITY_TITLE = "Do the scales measure the same thing in each wave and group?"
#: The title when there is nothing to compare (one wave, no subgroups): no invariance test.
STRUCTURE_TITLE = "Do the items group into the scales the questionnaire declares?"

_LEAD = (
    "Comparing a scale's mean between waves or groups assumes that the questionnaire measures "
    "the same thing each time. This appendix checks that with a confirmatory factor analysis "
    "(do the items group into the scales the questionnaire declares?) and, where there are "
    "several waves or groups, with measurement invariance tests: do the items relate to their "
    "scale in the same way (equal loadings, 'metric') and start from the same point (equal "
    "intercepts, 'scalar') each time? Only under scalar invariance does a change in the mean "
    "mean a change in what the scale measures."
)

_LEAD_ONE = (
    "A scale's score assumes that its items measure one thing together. This appendix checks "
    "that with a confirmatory factor analysis: do the items group into the scales the "
    "questionnaire declares? With two or more waves, or a subgroup column, it also tests "
    "whether the scales measure the same thing each time (measurement invariance), which "
    "comparing their means assumes."
)

_COLUMNS = (
    Column("Model"),
    Column("χ²", "number", decimals=1),
    Column("df", "int"),
    Column("CFI", "number", decimals=3),
    Column("TLI", "number", decimals=3),
    Column("RMSEA", "number", decimals=3),
    Column("90% CI", "ci", decimals=3),
    Column("SRMR", "number", decimals=3),
    Column("Change in CFI", "signed", decimals=3),
    Column("Change in RMSEA", "signed", decimals=3),
    Column("Same?"),
)


def _row(name: str, fit: FitIndices, step: InvarianceStep | None = None) -> Row:
    holds = "" if step is None or step.holds is None else ("yes" if step.holds else "no")
    return Row(
        (
            Cell(name),
            Cell(fit.chisq),
            Cell(fit.df),
            Cell(fit.cfi),
            Cell(fit.tli),
            Cell(fit.rmsea),
            Cell(lo=fit.rmsea_ci[0], hi=fit.rmsea_ci[1]),
            Cell(fit.srmr),
            Cell(None if step is None else step.delta_cfi),
            Cell(None if step is None else step.delta_rmsea),
            Cell(holds),
        ),
        emphasis=step is not None and step.holds is False,
    )


def _fit_words(fit: FitIndices) -> str:
    good = fit.cfi >= 0.95 and fit.rmsea <= 0.06 and fit.srmr <= 0.08
    fair = fit.cfi >= 0.90 and fit.rmsea <= 0.08
    verdict = (
        "fit the answers well"
        if good
        else "fit the answers acceptably"
        if fair
        else "do not fit the answers well: some items may belong to another scale, or to none"
    )
    return (
        f"The declared scales {verdict} (CFI {fit.cfi:.2f} and TLI {fit.tli:.2f}, where .90 is "
        f"usually taken as acceptable and .95 as good; RMSEA {fit.rmsea:.3f} and SRMR "
        f"{fit.srmr:.3f}, where .08 or less is acceptable)."
    )


def _instrument_blocks(title: str, result: ValidityResult, num: Numbering) -> list[Block]:
    blocks: list[Block] = []
    assert result.fit is not None
    inv = result.invariance
    rows: list[Row] = []
    if inv is None or inv.configural is None:
        rows.append(_row("One model for everyone" if inv is None else "All pooled", result.fit))
    else:
        rows.append(_row("Configural", inv.configural.fit))
        for name, step in (("Metric", inv.metric), ("Scalar", inv.scalar)):
            if step is not None:
                rows.append(_row(name, step.fit, step))
        if inv.partial is not None:
            rows.append(
                _row(
                    f"Partial ({', '.join(inv.partial.freed)} free)",
                    inv.partial.fit,
                    inv.partial,
                )
            )
    blocks.append(
        num.table(
            f"validity_fit_{result.instrument}",
            f"{title}: how well the declared scales fit (n = {result.n})",
            _COLUMNS,
            tuple(rows),
            caption="Configural: the same scales in each; metric: equal loadings as well; "
            "scalar: equal intercepts as well; partial: scalar with the intercepts named free. "
            "Maximum likelihood, "
            + (
                "full-information (everyone who answered something)"
                if result.missing == "fiml"
                else "respondents who answered every item"
            )
            + "; indices as lavaan 0.6 computes them. Change: against the model above. "
            + ("" if inv is None else inv.criteria),
        )
    )
    blocks.append(Paragraph(_fit_words(result.fit)))
    if inv is not None:
        blocks.append(
            Paragraph(inv.decision_text, "body" if inv.decision == "scalar" else "warning")
        )
        notes = [*inv.notes]
    else:
        notes = []
    flagged = [c for c in result.factor_correlations if c.flag]
    if flagged:
        pairs = sorted({f"{c.a} and {c.b}" for c in flagged})
        notes.append(
            f"Hard to tell apart (factor correlation or HTMT above .85): {'; '.join(pairs)}. "
            "Treat such scales as one when reading the results."
        )
    weak = sorted({f"{e.item} ({e.scale})" for e in result.loadings if abs(e.std) < 0.4})
    if weak:
        notes.append(
            f"Items that say little about their scale (standardised loading below .40): "
            f"{', '.join(weak)}."
        )
    cautions = [f"{s.label}: {s.caution}." for s in result.scales if s.caution]
    if cautions:
        blocks.append(Bullets(tuple(cautions), "Compare these means with caution"))
    notes += [*result.notes, *result.left_out]
    if notes:
        blocks.append(Bullets(tuple(notes), "Notes"))
    blocks.append(
        num.export_table(
            f"validity_loadings_{result.instrument}",
            f"{title}: standardised loadings",
            (Column("Group"), Column("Scale"), Column("Item"), Column("Loading", "signed")),
            tuple(
                Row((Cell(e.group), Cell(e.scale), Cell(e.item), Cell(e.std)))
                for e in result.loadings
            ),
        )
    )
    return blocks


def _refused_blocks(refused: list[tuple[str, ValidityResult]], num: Numbering) -> list[Block]:
    return [
        Paragraph(
            "Not checked: too few respondents for a factor analysis. cop-eval fits one only "
            f"with at least {MIN_N} respondents and at least {PER_PARAMETER} per free parameter "
            "of the model (its loadings, residual variances and factor variances and "
            "covariances; Bentler and Chou 1987); with fewer, the results would be unstable "
            "and could mislead. The means in this report are compared without this check, as "
            "most survey reports are, so small differences should not be over-read.",
            "warning",
        ),
        num.table(
            "validity_refused",
            "Questionnaires not checked, and the sample each would need",
            (
                Column("Questionnaire"),
                Column("Respondents usable", "int"),
                Column("Needed per sample", "int"),
            ),
            tuple(
                Row((Cell(title), Cell(result.n), Cell(result.n_required)))
                for title, result in refused
            ),
            caption="Usable: respondents who answered every item of the questionnaire's "
            "scales (all waves together). With several waves, each wave needs the number shown.",
        ),
    ]


def validity_section(facts: ReportFacts, num: Numbering) -> Section:
    """The appendix: one part per questionnaire checked; one table for those too small.

    Its title and lead speak of waves and groups only when there are some to compare (two or
    more waves, or an invariance test across subgroups)."""
    compared = len(facts.waves) > 1 or any(r.invariance is not None for r in facts.validity)
    blocks: list[Block] = [Paragraph(_LEAD if compared else _LEAD_ONE, "lead")]
    titles = {i.id: i.title for i in facts.instruments}
    refused = []
    for result in facts.validity:
        title = titles.get(result.instrument, result.instrument)
        if result.fitted:
            blocks += _instrument_blocks(title, result, num)
        else:
            refused.append((title, result))
    if refused:
        blocks += _refused_blocks(refused, num)
    if not facts.validity:
        blocks.append(Paragraph("No questionnaire was checked.", "note"))
    title = VALIDITY_TITLE if compared else STRUCTURE_TITLE
    return Section("sec-validity", num.section, title, tuple(blocks), appendix=True)
