"""The profile and identity section: a profile rule's scorecard (le May's success factors, or a
user's own profile) and a continuum's classification (McDermott's identity strength).

Each part appears only when its instrument is in the report; the section's title follows.
"""

from __future__ import annotations

from cop_eval.report.facts import IdentityWave, ReportFacts, ScaleResult
from cop_eval.report.filters import fmt_number
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    DotPlot,
    Paragraph,
    Row,
    Section,
    Series,
    StackedBars,
)
from cop_eval.report.numbering import Numbering, in_waves, wave_stat_columns, wave_stat_rows

__all__ = ["LE_MAY", "MCDERMOTT", "factors_section", "factors_title", "has_factors"]

LE_MAY = "le_may_success_factors"
MCDERMOTT = "mcdermott_identity_strength"


def _profile_scales(facts: ReportFacts) -> list[ScaleResult]:
    if facts.factor_instrument is None:
        return []
    wanted = set(facts.factor_scales)
    return [
        s
        for s in facts.scales
        if s.instrument_id == facts.factor_instrument and s.scale_id in wanted
    ]


def has_factors(facts: ReportFacts) -> bool:
    """Whether the report has a profile or a continuum to show."""
    return bool(_profile_scales(facts) or facts.identity)


def factors_title(facts: ReportFacts) -> str:
    """The section's title, after what it shows."""
    profile = None
    if _profile_scales(facts):
        profile = "Success factors" if facts.factor_instrument == LE_MAY else facts.factor_label
    if profile and facts.identity:
        return f"{profile} and identity strength"
    return profile or ("Identity strength" if facts.identity else "Profile")


def _series(scales: list[ScaleResult], waves: tuple[str, ...]) -> tuple[Series, ...]:
    out = []
    for wave in waves:
        stats = [next((w for w in s.waves if w.label == wave), None) for s in scales]
        out.append(
            Series(
                wave,
                tuple(w.mean if w else None for w in stats),
                tuple(w.lo if w else None for w in stats),
                tuple(w.hi if w else None for w in stats),
                n=max((w.n for w in stats if w and w.n), default=None),
            )
        )
    return tuple(out)


def _axis_label(scale: ScaleResult) -> str:
    if scale.low_label and scale.high_label:
        return (
            f"Mean ({fmt_number(scale.scale_min, 0)} = {scale.low_label.lower()}, "
            f"{fmt_number(scale.scale_max, 0)} = {scale.high_label.lower()})"
        )
    return "Mean score"


def _profile_blocks(facts: ReportFacts, num: Numbering) -> list[Block]:
    scales = _profile_scales(facts)
    if not scales:
        return []
    le_may = facts.factor_instrument == LE_MAY
    noun = "factor" if le_may else "scale"
    weakest = next((s.label for s in scales if s.scale_id == facts.factor_weakest), None)
    strongest = next((s.label for s in scales if s.scale_id == facts.factor_strongest), None)
    lead = (
        "le May's seven success factors for communities of practice: membership, commitment, "
        "relevance, enthusiasm, infrastructure, skills and resources."
        if le_may
        else f"{facts.factor_label}: " + ", ".join(s.label for s in scales) + "."
    )
    first = scales[0]
    blocks: list[Block] = [
        Paragraph(lead, "lead"),
        num.figure(
            "scorecard",
            f"{'Success-factor scorecard' if le_may else facts.factor_label} {in_waves(facts)}",
            DotPlot(
                tuple(s.label for s in scales),
                _series(scales, facts.waves),
                first.scale_min,
                first.scale_max,
                _axis_label(first),
                highlight=weakest,
                reference=(first.scale_min + first.scale_max) / 2,
            ),
            alt=f"Dot plot of the {len(scales)} {noun}s {in_waves(facts)}.",
            caption="Dots: means; lines: 95% confidence intervals; the dashed line marks "
            f"the scale's midpoint. The weakest {noun} in the latest wave is in orange.",
        ),
    ]
    if weakest or strongest:
        tie = f" (a tie: the margin to the next {noun} is small)" if facts.factor_tie else ""
        blocks.append(
            Paragraph(
                f"In {facts.waves[-1]} the strongest {noun} is {strongest or '–'} and the "
                f"weakest is {weakest or '–'}{tie}."
            )
        )
    rows: list[Row] = []
    for scale in scales:
        rows.extend(wave_stat_rows(scale.label, scale.waves))
    blocks.append(
        num.table(
            "scorecard_table",
            f"{'Success factors' if le_may else facts.factor_label} {in_waves(facts)}",
            wave_stat_columns("Factor" if le_may else "Scale"),
            tuple(rows),
        )
    )
    return blocks


def _level_cells(wave: IdentityWave) -> tuple[Cell, ...]:
    lows = wave.share_lo or tuple(None for _ in wave.shares)
    highs = wave.share_hi or tuple(None for _ in wave.shares)
    return tuple(
        Cell(share, lo=lo, hi=hi) for share, lo, hi in zip(wave.shares, lows, highs, strict=True)
    )


def _identity_table(facts: ReportFacts, num: Numbering) -> Block:
    levels = facts.identity[0].levels
    rows = tuple(
        Row(
            (
                Cell(w.label),
                Cell(w.n_classified),
                *_level_cells(w),
                Cell(w.n_unclassified),
                Cell(w.group_text or w.group_level),
            )
        )
        for w in facts.identity
    )
    notes = tuple(
        f"Not classified in {w.label}: "
        + "; ".join(f"{n} {why}" for why, n in w.not_classified)
        + "."
        for w in facts.identity
        if w.not_classified
    )
    return num.table(
        "identity_table",
        "Members classified at each level of the identity continuum",
        (
            Column("Wave"),
            Column("Classified", "int"),
            *(Column(level, "percent") for level in levels),
            Column("Not classified", "int"),
            Column("Group level"),
        ),
        rows,
        caption="Shares of the classified members, each with its 95% Wilson interval in "
        "brackets. The group is classified at the median member's level; too close to call "
        "when the intervals do not separate the levels either side of the median.",
        notes=notes,
    )


def _sensitivity_table(facts: ReportFacts, num: Numbering) -> Block | None:
    latest = facts.identity[-1]
    if not latest.sensitivity or latest.threshold is None:
        return None
    cuts = sorted([latest.threshold, *(t for t, _ in latest.sensitivity)])
    rows = []
    for w in facts.identity:
        at = dict(w.sensitivity)
        if w.threshold is not None:
            at[w.threshold] = w.group_text or (w.group_level or "–")
        rows.append(Row((Cell(w.label), *(Cell(at.get(c, "–")) for c in cuts))))
    return num.table(
        "identity_sensitivity",
        "The group's level with the cut-off moved",
        (Column("Wave"), *(Column(f"Cut-off {fmt_number(c)}") for c in cuts)),
        tuple(rows),
        caption=f"The report's cut-off is {fmt_number(latest.threshold)}; the same rule applied "
        "with lower and higher cut-offs shows whether the cut-off decides the group's level.",
    )


def _identity_blocks(facts: ReportFacts, num: Numbering) -> list[Block]:
    if not facts.identity:
        return []
    latest = facts.identity[-1]
    cut = fmt_number(latest.threshold) if latest.threshold is not None else "the cut-off"
    blocks: list[Block] = [
        Paragraph(
            "McDermott's continuum describes how strongly members identify with the group: an "
            "interest group (members come for the same information), a network (members share "
            "insights and learn from each other) or a community of practice (members share "
            "practice and identity). Each member is classified at the level whose statements "
            f"they agree with most, among those they agree with on average (a mean of at least "
            f"{cut})."
        ),
        num.figure(
            "identity",
            "Identity strength: members classified at each level",
            StackedBars(
                tuple(w.label for w in facts.identity),
                latest.levels,
                tuple(w.shares for w in facts.identity),
                tuple(w.n_classified for w in facts.identity),
                axis_label="Share of classified members",
            ),
            alt="Stacked bars of the share of classified members at each level, "
            f"{in_waves(facts)}.",
            caption="Members who endorse no level, endorse two levels equally, gave the same "
            "answer to every item, or did not answer are not classified (Table notes).",
        ),
        _identity_table(facts, num),
    ]
    verdict = (
        f"In {latest.label} the group is classified as {latest.group_level}."
        if latest.group_clear and latest.group_level
        else f"In {latest.label} the group's level is {latest.group_text}: the answers do not "
        "separate these levels."
    )
    blocks.append(Paragraph(verdict))
    sensitivity = _sensitivity_table(facts, num)
    if sensitivity is not None:
        blocks.append(sensitivity)
    return blocks


def factors_section(facts: ReportFacts, num: Numbering) -> Section:
    """The profile rule's scorecard and the continuum's classification, as present."""
    blocks = [*_profile_blocks(facts, num), *_identity_blocks(facts, num)]
    if not blocks:
        blocks.append(
            Paragraph("No profile or identity questionnaire was included in this survey.", "note")
        )
    return Section("sec-factors", num.section, factors_title(facts), tuple(blocks))
