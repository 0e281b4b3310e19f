"""Sustainability risks: what could stop the group from lasting, by fixed rules, from the data.

The risks a board report in this field looks for (le May 2009; Griggs & Allen 2018; DIGEST §6),
each checked against the data and citing its figure:

1. **The weakest success factor** (le May), and whether it is moving — resources and
   infrastructure are what keep a group going once the first enthusiasm has passed.
2. **Falling enthusiasm or commitment**: a deterioration the verdict calls likely real, or a
   score below 3.5 ("agree" on average).
3. **Subgroups disengaging**: a subgroup reliably behind the rest on relevance, commitment or
   enthusiasm, or behind by 0.5 points or more, or with a gap that widened reliably.
4. **Dependence on a few leaders**: members say content is set by a few and a few carry the
   group (the ownership statements), while the collective agenda is weak.

A rule without the data it needs is skipped; when no rule fires the section says so.
"""

from __future__ import annotations

from dataclasses import dataclass

from cop_eval.report.facts import ReportFacts, ScaleResult
from cop_eval.report.filters import fmt_ci, fmt_number, fmt_percent, fmt_signed
from cop_eval.report.model import Block, Cell, Column, Paragraph, Row, Section, Table
from cop_eval.report.numbering import Numbering
from cop_eval.report.rules import GAP, WEAK

__all__ = ["Risk", "risk_section", "sustainability_risks"]

LE_MAY = "le_may_success_factors"
ENGAGEMENT = ("relevance", "commitment", "enthusiasm")


@dataclass(frozen=True)
class Risk:
    """One sustainability risk: what, the evidence in figures, how serious, where to look."""

    title: str
    evidence: str
    level: str
    ref: str | None


def _change_words(scale: ScaleResult) -> str:
    parts = []
    for c in scale.comparisons:
        if c.to_label != scale.waves[-1].label or c.mean_diff is None:
            continue
        sure = {
            "improved": "a likely real rise",
            "declined": "a likely real fall",
            "deteriorated": "a likely real fall",
        }.get(c.direction, "no clear change")
        parts.append(f"{fmt_signed(c.mean_diff)} since {c.from_label}, {sure}")
    return "; ".join(parts)


def _weakest_factor(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> list[Risk]:
    if facts.factor_weakest is None:
        return []
    scale = facts.scale(f"{LE_MAY}.{facts.factor_weakest}")
    latest = scale.latest if scale else None
    if scale is None or latest is None or latest.mean is None:
        return []
    change = _change_words(scale)
    level = "high" if latest.mean < WEAK else "watch"
    ref = refs.get("scorecard")
    return [
        Risk(
            f"Weakest success factor: {scale.label.lower()}",
            f"{scale.label} is the weakest of le May's success factors "
            f"({fmt_number(latest.mean)} in {latest.label}"
            + (f"; {change}" if change else "")
            + "). Without it the group depends on goodwill alone.",
            level,
            ref[1] if ref else None,
        )
    ]


def _engagement(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> list[Risk]:
    out = []
    ref = refs.get("scorecard")
    for name in ("enthusiasm", "commitment"):
        scale = facts.scale(f"{LE_MAY}.{name}")
        latest = scale.latest if scale else None
        if scale is None or latest is None or latest.mean is None:
            continue
        fell = [c for c in scale.comparisons if c.direction in ("declined", "deteriorated")]
        if not fell and latest.mean >= WEAK:
            continue
        change = _change_words(scale)
        out.append(
            Risk(
                f"{'Falling' if fell else 'Low'} {name}",
                f"{scale.label} {fmt_number(latest.mean)} in {latest.label}"
                + (f" ({change})" if change else "")
                + (
                    "."
                    if fell
                    else f": below {fmt_number(WEAK)}, members do not agree on "
                    "average that they are engaged."
                ),
                "high" if fell else "medium",
                ref[1] if ref else None,
            )
        )
    return out


def _disengaging(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> list[Risk]:
    board = facts.board
    if board is None:
        return []
    out = []
    ref = refs.get(f"equity:{LE_MAY}") or refs.get("equity")
    widening = {
        (t.scale_key, t.group): t
        for e in board.equity
        for t in e.trends
        if t.reliable and t.widening
    }
    for e in board.equity:
        if e.instrument_id != LE_MAY:
            continue
        for g in e.gaps:
            if g.wave != board.latest or g.scale_key.split(".", 1)[1] not in ENGAGEMENT:
                continue
            behind = g.gap <= -GAP or (g.reliable and g.gap < 0)
            trend = widening.get((g.scale_key, g.group))
            if not (behind or (trend is not None and trend.change < 0)):
                continue
            sure = "reliable" if g.reliable else "not clear after adjustment"
            extra = (
                f"; the gap widened reliably since {trend.from_label} ({fmt_signed(trend.gap_first)}"
                f" then)"
                if trend is not None
                else ""
            )
            out.append(
                Risk(
                    f"{g.group} behind on {g.scale_label.lower()}",
                    f"{g.group} {fmt_number(g.mean_group)} against {fmt_number(g.mean_rest)} for "
                    f"everyone else ({fmt_signed(g.gap)}, 95% CI {fmt_ci(g.lo, g.hi)}, {sure})"
                    f"{extra}.",
                    "high" if g.reliable or trend is not None else "medium",
                    ref[1] if ref else None,
                )
            )
    return out


def _few_leaders(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> list[Risk]:
    board = facts.board
    agenda = facts.scale("strategic_direction_ownership.collective_agenda")
    sponsor = facts.scale("strategic_direction_ownership.sponsorship")
    a = agenda.latest if agenda else None
    s = sponsor.latest if sponsor else None
    if a is None or a.mean is None or a.mean >= WEAK:
        return []
    items = {i.item_id: i for i in board.items} if board else {}
    few = items.get("sdo_collective_agenda_3")
    carried = items.get("sdo_sponsorship_4")
    say = items.get("sdo_collective_agenda_2")
    parts = [f"collective agenda {fmt_number(a.mean)}"]
    if s is not None and s.mean is not None:
        parts.append(f"sponsorship {fmt_number(s.mean)}")
    for item, words in (
        (few, "agree that content is decided by a small number of people"),
        (carried, "agree that someone takes clear responsibility for keeping the group going"),
        (say, "feel they have a say in what is discussed"),
    ):
        if item is not None:
            parts.append(f"{fmt_percent(item.agree)} {words}")
    strong_lead = s is not None and s.mean is not None and s.mean >= WEAK
    ref = refs.get("stage_profile")
    return [
        Risk(
            "Dependence on a few leaders",
            f"In {a.label}: {'; '.join(parts)}. "
            + (
                "Leadership is strong but members are passive: if the few who set the agenda "
                "step back, the group may not carry on."
                if strong_lead
                else "Members do not share in setting the agenda."
            ),
            "high" if strong_lead and few is not None and few.agree >= 0.4 else "medium",
            ref[1] if ref else None,
        )
    ]


def sustainability_risks(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> list[Risk]:
    """Every rule's risks, in the order of the rules."""
    return [
        *_weakest_factor(facts, refs),
        *_engagement(facts, refs),
        *_disengaging(facts, refs),
        *_few_leaders(facts, refs),
    ]


#: The questionnaires the rules read; without either, the report has no risks section.
RISK_INSTRUMENTS = (LE_MAY, "strategic_direction_ownership")


def risk_section(
    facts: ReportFacts, num: Numbering, refs: dict[str, tuple[str, str]]
) -> Section | None:
    """The risks as a table (risk, evidence, level, where); ``None`` when the report has none
    of the questionnaires the rules read (le May's factors, strategic direction and
    ownership)."""
    if not any(i.id in RISK_INSTRUMENTS for i in facts.instruments):
        return None
    title = "Sustainability risks"
    risks = sustainability_risks(facts, refs)
    blocks: list[Block] = [
        Paragraph(
            "What could stop the group from lasting? Four risks are checked by fixed rules: the "
            "weakest success factor and its trend, falling enthusiasm or commitment, subgroups "
            "falling behind on relevance, commitment or enthusiasm, and dependence on a few "
            "leaders. Each cites the figure it comes from.",
            "lead",
        )
    ]
    if not risks:
        blocks.append(Paragraph("None of the rules found a risk in this data.", "note"))
        return Section("sec-risks", num.section, title, tuple(blocks))
    table: Table = num.table(
        "risks",
        f"Sustainability risks, {facts.waves[-1]}",
        (Column("Risk"), Column("What the data show"), Column("Level"), Column("See")),
        tuple(
            Row(
                (Cell(r.title), Cell(r.evidence), Cell(r.level), Cell(r.ref or "–")),
                emphasis=r.level == "high",
            )
            for r in risks
        ),
        caption="Level: high when the evidence is clear (a reliable gap or change, or a weak "
        "score with most members agreeing it is so); medium when it is below the thresholds "
        "but not clear; watch when it is the weakest but not weak.",
    )
    blocks.append(table)
    return Section("sec-risks", num.section, title, tuple(blocks))
