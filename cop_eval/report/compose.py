"""Compose the report: :class:`~cop_eval.report.facts.ReportFacts` → :class:`ReportModel`.

One function per section (:mod:`~cop_eval.report.sections_dashboard`,
:mod:`~cop_eval.report.sections_profile`, :mod:`~cop_eval.report.sections_factors`,
:mod:`~cop_eval.report.sections_change`, :mod:`~cop_eval.report.sections_equity`,
:mod:`~cop_eval.report.sections_value`, :mod:`~cop_eval.report.sections_risks`,
:mod:`~cop_eval.report.sections_methods`, and for the evaluation cycle
:mod:`~cop_eval.report.sections_cycle` and :mod:`~cop_eval.report.sections_review`); each
arranges facts into tables, chart specs and sentences. A section appears when the report has
its content, and sections are numbered in order from 2 (:func:`_section_order`). The dashboard,
the summary (section 1) and the recommendations are written last, because they point to the
figures and tables of the other sections.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Callable

from cop_eval.privacy import anonymity_promise
from cop_eval.report.build_quality import RELIABILITY_TABLE
from cop_eval.report.compose_board import (
    board_recommendations,
    detectable_blocks,
    methods_blocks,
)
from cop_eval.report.facts import ReportFacts
from cop_eval.report.findings import STAGE_NAMES, key_messages, recommendations
from cop_eval.report.findings_board import equity_messages
from cop_eval.report.model import (
    Block,
    Bullets,
    Highlight,
    Highlights,
    KeyMessage,
    KeyMessages,
    Paragraph,
    Recommendation,
    Recommendations,
    ReportMeta,
    ReportModel,
    Section,
)
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_change import change_section
from cop_eval.report.sections_comments import comments_section_of
from cop_eval.report.sections_cycle import context_section
from cop_eval.report.sections_dashboard import dashboard_section
from cop_eval.report.sections_equity import equity_section
from cop_eval.report.sections_factors import LE_MAY, MCDERMOTT, factors_section, has_factors
from cop_eval.report.sections_methods import methods_section
from cop_eval.report.sections_profile import participation_section, stages_section
from cop_eval.report.sections_review import plan_text, review_messages, review_section
from cop_eval.report.sections_risks import risk_section
from cop_eval.report.sections_validity import validity_section
from cop_eval.report.sections_value import value_section

__all__ = ["compose_report"]


# ---------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------


def _contents(facts: ReportFacts) -> str:
    """What the report covers, in words, from what it contains."""
    parts = []
    if facts.stages:
        parts.append("the stages of the model for professional groups")
    profile_titles = {i.id: i.title for i in facts.instruments}
    if facts.factor_instrument == LE_MAY:
        parts.append("le May's success factors")
    elif facts.factor_label:
        parts.append(facts.factor_label.lower())
    if facts.identity:
        parts.append("the strength of its identity (McDermott's continuum)")
    shown = {LE_MAY, MCDERMOTT, facts.factor_instrument}
    staged = {s.instrument_id for s in facts.scales if s.stage is not None}
    others = [
        profile_titles[i.id] for i in facts.instruments if i.id not in shown and i.id not in staged
    ]
    if others:
        parts.append("the scales of " + "; ".join(others))
    if len(facts.waves) > 1:
        parts.append("change between survey waves")
    if facts.subgroups is not None:
        parts.append("differences between subgroups")
    listed = ", ".join(parts[:-1]) + (" and " if len(parts) > 1 else "") + parts[-1]
    return (
        "This report evaluates how well the community of practice works, from its members' "
        f"survey answers: {listed}. It ends with recommendations for the group's next review."
    )


def _key_messages(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> tuple[KeyMessage, ...]:
    """The summary's key messages, with the largest equity gaps after the first three (at
    least one, and two when the summary has room: six messages in all)."""
    found = list(key_messages(facts, refs))
    if facts.board is not None:
        gaps = equity_messages(facts.board, refs)
        found[3:3] = gaps[: max(1, 6 - len(found))]
    return tuple(found)


def _participation_highlights(facts: ReportFacts, wave: str, responses: int) -> list[Highlight]:
    """Responses and the response rate, worded so the two tiles agree: when some respondents
    are not members, the rate's tile says how many members answered (the table's "Answered")
    and the responses' tile says that the total includes people outside the membership."""
    rate = facts.latest_response_rate()
    answered = facts.latest_members_answered() if rate is not None else None
    others = answered is not None and answered < responses
    detail = "including people who are not members" if others else None
    items = [Highlight(f"Responses in {wave}", responses, "int", detail)]
    if rate is not None:
        said = f"{answered} of {rate[1]} members answered" if others else f"of {rate[1]} members"
        items.append(Highlight("Response rate", rate[0], "percent", said))
    return items


def _summary_section(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> Section:
    part = facts.participation
    waves = ", ".join(facts.waves)
    items = [Highlight("Survey waves", len(facts.waves), "int", waves)]
    if part is not None and part.responses:
        items.extend(_participation_highlights(facts, part.waves[-1], part.responses[-1]))
    if facts.weakest_stage is not None:
        items.append(
            Highlight(
                "Weakest stage",
                None,
                "text",
                STAGE_NAMES.get(facts.weakest_stage),
                f"Stage {facts.weakest_stage}",
            )
        )
    blocks: list[Block] = [
        Paragraph(_contents(facts), "lead"),
        Highlights(tuple(items)),
        KeyMessages((*_key_messages(facts, refs), *review_messages(facts.cycle, refs))),
    ]
    if facts.warnings:
        table = refs["reliability"][1] if "reliability" in refs else RELIABILITY_TABLE
        said = tuple(w.replace(RELIABILITY_TABLE, table) for w in facts.warnings)
        blocks.append(Bullets(said, "Read with care", style="warning"))
    return Section("sec-summary", 1, "Executive summary", tuple(blocks))


def _recommendations_section(
    facts: ReportFacts, refs: dict[str, tuple[str, str]], number: int
) -> Section:
    cycle = (
        'In the model for professional groups, the cycle closes with "review and revise": '
        "the group looks at what it has learnt about itself and changes how it works. "
        if facts.stages
        else ""
    )
    blocks: list[Block] = [
        Paragraph(
            cycle + "These recommendations follow from the findings by fixed rules; each names "
            "the figure or table it comes from. Discuss them with members rather than adopting "
            "them as they stand.",
            "lead",
        ),
        Recommendations(_all_recommendations(facts, refs)),
    ]
    title = "Recommendations: review and revise" if facts.stages else "Recommendations"
    return Section("sec-recommendations", number, title, tuple(blocks))


def _extended(section: Section, blocks: list[Block]) -> Section:
    return dataclasses.replace(section, blocks=(*section.blocks, *blocks)) if blocks else section


_ORDER = {"high": 0, "medium": 1, "low": 2}


def _planned(facts: ReportFacts, rec: Recommendation) -> Recommendation:
    """The recommendation with the action the group already agreed on it (the project's action
    plan: its status line, owner, due date and success measure), so that the report does not
    recommend it as if new; blank lines to fill in otherwise."""
    cycle = facts.cycle
    plan = cycle.plan_for(rec.title) if cycle is not None and cycle.has_actions else None
    if cycle is None or plan is None:
        return rec
    return dataclasses.replace(
        rec,
        plan=plan_text(plan, cycle.as_of),
        owner=plan.owner or None,
        due=plan.due.strftime("%-d %B %Y") if plan.due else None,
        success_measure=plan.success_measure or None,
    )


def _all_recommendations(
    facts: ReportFacts, refs: dict[str, tuple[str, str]]
) -> tuple[Recommendation, ...]:
    """The rules' and the board pages' recommendations, most urgent first, each with its plan."""
    found = [*recommendations(facts, refs), *board_recommendations(facts, refs)]
    keep = [r for r in found if r.title != "Keep the cycle going"] if len(found) > 1 else found
    ordered = sorted(keep, key=lambda r: _ORDER[r.priority])
    return tuple(_planned(facts, r) for r in ordered)


Builder = Callable[[ReportFacts, Numbering], "Section | None"]


def _change_with_power(facts: ReportFacts, num: Numbering) -> Section:
    """The change section, closed by what the data could detect."""
    return _extended(change_section(facts, num), detectable_blocks(facts, num))


def _methods_with_rules(facts: ReportFacts, num: Numbering) -> Section:
    """The methods, with the dashboard's status rules (and the "Other" rule)."""
    return _extended(methods_section(facts, num), methods_blocks(facts))


def _shown_date(text: str | None) -> str | None:
    """An ISO date as the cover prints dates (15 March 2025); other text as given."""
    if not text:
        return None
    try:
        return dt.date.fromisoformat(text).strftime("%-d %B %Y")
    except ValueError:
        return text


def _section_order(
    facts: ReportFacts, refs: dict[str, tuple[str, str]]
) -> list[tuple[str, Builder | None]]:
    """The sections after the summary, in order, as the content has them; numbered from 2.

    The stage profile appears when a scale declares a stage, the profile/identity section when
    a profile or continuum rule is in the report. With the evaluation cycle (a project's
    context, membership, attendance and actions) the report gains "Purpose and context" after
    the summary and "Review and revise: the actions agreed" before the recommendations. The
    recommendations (``None`` here) are written after the others, because they point to their
    figures and tables. A builder that returns ``None`` (value creation when it was not
    measured) takes no number.
    """
    cycle = facts.cycle
    order: list[tuple[str, Builder | None]] = []
    if cycle is not None:
        order.append(("context", lambda f, n: context_section(cycle, n)))
    order.append(("participation", participation_section))
    if facts.stages:
        order.append(("stages", stages_section))
    if has_factors(facts):
        order.append(("factors", factors_section))
    order += [
        ("change", _change_with_power),
        ("subgroups", equity_section),
        ("value", value_section),
        ("risks", lambda f, n: risk_section(f, n, refs)),
    ]
    comments = facts.comments
    if comments is not None and comments.waves:
        order.append(("comments", lambda f, n: comments_section_of(comments, n, f.coding)))
    if cycle is not None:
        order.append(("review", lambda f, n: review_section(cycle, n, f.waves)))
    order += [
        ("recommendations", None),
        ("methods", _methods_with_rules),
        ("validity", validity_section),
    ]
    return order


def compose_report(facts: ReportFacts) -> ReportModel:
    """Arrange the facts into the sections of the board report.

    The dashboard ("At a glance", unnumbered) comes first, then the numbered sections (the
    last one: the validity appendix).

    Examples
    --------
    >>> model = compose_report(facts)  # doctest: +SKIP
    >>> [s.title for s in model.sections][:2]  # doctest: +SKIP
    ['At a glance', 'Executive summary']
    """
    refs: dict[str, tuple[str, str]] = {}
    body: dict[int, Section] = {}
    number = 2
    recommendations_number = 0
    for name, build in _section_order(facts, refs):
        if build is None:
            recommendations_number, number = number, number + 1
            continue
        num = Numbering(number)
        section = build(facts, num)
        if section is None:
            continue
        body[number], number = section, number + 1
        refs.update({k: v for k, v in num.refs.items() if k not in refs})
        if name == "methods":
            refs["status_rules"] = (section.id, f"Section {section.number}")
    for section in body.values():
        refs.setdefault(section.id, (section.id, f"Section {section.number}"))
    number = recommendations_number
    refs["recommendations"] = ("sec-recommendations", f"Section {number}")
    body[number] = _recommendations_section(facts, refs, number)
    refs["summary"] = ("sec-summary", "Section 1")
    dashboard = dashboard_section(facts, refs)
    sections = (
        *((dashboard,) if dashboard is not None else ()),
        _summary_section(facts, refs),
        *(body[n] for n in sorted(body)),
    )
    waves = len(facts.waves)
    meta = ReportMeta(
        title=facts.title,
        subtitle=f"Survey results, {waves} wave{'s' if waves != 1 else ''}: "
        + (facts.waves[0] if waves == 1 else f"{facts.waves[0]} to {facts.waves[-1]}"),
        organisation=facts.organisation,
        date=facts.date,
        waves=facts.waves,
        instruments=tuple(i.title for i in facts.instruments),
        min_group_size=facts.min_group_size,
        generator=facts.generator,
        wave_dates=tuple(_shown_date(d) for d in facts.wave_dates),
        anonymity=anonymity_promise(facts.min_group_size),
    )
    return ReportModel(meta, sections, facts.warnings)
