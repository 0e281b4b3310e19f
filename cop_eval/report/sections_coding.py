"""Agreement of two coders in "What members said": Cohen's kappa per theme, with its n.

Comments coded by hand (the coding sheet, ``comments export`` / ``import``, or the web app's
Coding by hand page) by two people give their agreement beyond chance per theme
(:func:`cop_eval.comments.agreement.coding_agreement`, equal to R ``psych::cohen.kappa``). The
section states how many comments both coded and the median kappa over the themes either coder
used, and lists each such theme's kappa with its 95% interval; themes neither coder used have
no kappa (nothing varies) and are only counted.
"""

from __future__ import annotations

import statistics
from collections.abc import Mapping

from cop_eval.comments.agreement import Agreement, ThemeAgreement, kappa_words
from cop_eval.report.model import Block, Cell, Column, Paragraph, Row
from cop_eval.report.numbering import Numbering

__all__ = ["coding_blocks", "coding_sentence", "used_themes"]


def _columns(agreement: Agreement) -> tuple[Column, ...]:
    return (
        Column("Theme"),
        Column(f"Coded yes ({agreement.first} / {agreement.second})"),
        Column("Agree", "percent"),
        Column("Kappa", "number"),
        Column("95% CI", "ci"),
        Column("Reading"),
    )


def used_themes(agreement: Agreement) -> list[ThemeAgreement]:
    """The themes at least one coder gave some comment, that have a kappa."""
    return [t for t in agreement.themes if t.kappa is not None and t.first_yes + t.second_yes]


def coding_sentence(agreement: Agreement) -> str:
    """What the report says about the two codings (its numbers are the table's)."""
    used = used_themes(agreement)
    head = (
        f"{agreement.first} and {agreement.second} each coded the same {agreement.n} comments "
        "by hand."
    )
    if not used:
        return f"{head} Neither used a theme that varies, so there is no kappa to give."
    median = statistics.median(t.kappa for t in used if t.kappa is not None)
    unused = len(agreement.themes) - len(used)
    return (
        f"{head} Their agreement beyond chance (Cohen's kappa) has a median of {median:.2f} "
        f"over the {len(used)} themes either of them used ({kappa_words(median)} agreement, "
        "Landis and Koch's words, a guide only)"
        + (f"; {unused} themes neither used have no kappa." if unused else ".")
        + " A kappa well below that of the other themes marks a theme whose definition the "
        "coders read differently: worth discussing before its share is relied on."
    )


def coding_blocks(
    agreement: Agreement | None, labels: Mapping[str, str], num: Numbering
) -> list[Block]:
    """The paragraph and the per-theme table (none without a second coder)."""
    if agreement is None:
        return []
    used = used_themes(agreement)
    blocks: list[Block] = [Paragraph(coding_sentence(agreement))]
    if not used:
        return blocks
    rows = tuple(
        Row(
            (
                Cell(labels.get(t.theme, t.theme)),
                Cell(f"{t.first_yes} / {t.second_yes}"),
                Cell(t.agreement),
                Cell(t.kappa),
                Cell(lo=t.ci[0], hi=t.ci[1]) if t.ci is not None else Cell(""),
                Cell(t.words),
            )
        )
        for t in used
    )
    caption = (
        f"Comments coded by both {agreement.first} and {agreement.second}: n = {agreement.n}. "
        "Kappa is 1 for full agreement and 0 for agreement no better than chance; the 95% "
        "interval is the large-sample one of Fleiss, Cohen and Everitt (1969), as in R's "
        "psych::cohen.kappa. A theme given to one or two comments has a kappa near 0 however "
        "often the coders agree: too rare to judge."
    )
    blocks.append(
        num.table(
            "coding_agreement",
            "Agreement of two coders per theme (Cohen's kappa)",
            _columns(agreement),
            rows,
            caption=caption,
        )
    )
    return blocks
