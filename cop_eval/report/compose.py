"""Compose the report: :class:`~cop_eval.report.facts.ReportFacts` → :class:`ReportModel`.

One function per section (in :mod:`~cop_eval.report.sections_profile`,
:mod:`~cop_eval.report.sections_change`, :mod:`~cop_eval.report.sections_subgroups`,
:mod:`~cop_eval.report.sections_methods`, and for the evaluation cycle
:mod:`~cop_eval.report.sections_cycle` and :mod:`~cop_eval.report.sections_review`); each
arranges facts into tables, chart specs and sentences. Sections are numbered in order from 2
(:func:`_section_order`). The summary (section 1) and the recommendations are written last,
because they point to the figures and tables of the other sections.
"""

from __future__ import annotations

from collections.abc import Callable

from cop_eval.report.facts import ReportFacts
from cop_eval.report.findings import STAGE_NAMES, key_messages, recommendations
from cop_eval.report.model import (
    Block,
    Highlight,
    Highlights,
    KeyMessages,
    Paragraph,
    Recommendations,
    ReportMeta,
    ReportModel,
    Section,
)
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_change import change_section
from cop_eval.report.sections_comments import comments_section_of
from cop_eval.report.sections_cycle import context_section
from cop_eval.report.sections_methods import methods_section
from cop_eval.report.sections_profile import (
    factors_section,
    participation_section,
    stages_section,
)
from cop_eval.report.sections_review import review_messages, review_section
from cop_eval.report.sections_subgroups import subgroups_section
from cop_eval.report.sections_validity import validity_section

__all__ = ["compose_report"]


# ---------------------------------------------------------------------------------------------
# Putting it together
# ---------------------------------------------------------------------------------------------


def _summary_section(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> Section:
    part = facts.participation
    items = [Highlight("Survey waves", len(facts.waves), "int", ", ".join(facts.waves))]
    if part is not None and part.responses:
        items.append(Highlight(f"Responses in {part.waves[-1]}", part.responses[-1], "int"))
        rate = facts.latest_response_rate()
        if rate is not None:
            items.append(Highlight("Response rate", rate[0], "percent", f"of {rate[1]} members"))
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
        Paragraph(
            "This report evaluates how well the community of practice works, from its members' "
            "survey answers: the three stages of the model for professional groups, le May's "
            "success factors, the strength of its identity, change between survey waves, and "
            "differences between subgroups. It ends with recommendations for the group's next "
            '"review and revise" cycle.',
            "lead",
        ),
        Highlights(tuple(items)),
        KeyMessages((*key_messages(facts, refs), *review_messages(facts.cycle, refs))),
    ]
    return Section("sec-summary", 1, "Executive summary", tuple(blocks))


def _recommendations_section(
    facts: ReportFacts, refs: dict[str, tuple[str, str]], number: int
) -> Section:
    blocks: list[Block] = [
        Paragraph(
            'In the model for professional groups, the cycle closes with "review and revise": '
            "the group looks at what it has learnt about itself and changes how it works. These "
            "recommendations follow from the findings by fixed rules; each names the figure or "
            "table it comes from. Discuss them with members rather than adopting them as they "
            "stand.",
            "lead",
        ),
        Recommendations(recommendations(facts, refs)),
    ]
    return Section(
        "sec-recommendations", number, "Recommendations: review and revise", tuple(blocks)
    )


SectionBuilder = Callable[[ReportFacts, Numbering], Section]


def _section_order(facts: ReportFacts) -> list[tuple[str, SectionBuilder | None]]:
    """The sections after the summary, in order; numbered from 2 as they come.

    With the evaluation cycle (a project's context, membership, attendance and actions) the
    report gains "Purpose and context" after the summary and "Review and revise: the actions
    agreed" before the recommendations. The recommendations (``None`` here) are written after
    the others, because they point to their figures and tables.
    """
    cycle = facts.cycle
    order: list[tuple[str, SectionBuilder | None]] = []
    if cycle is not None:
        order.append(("context", lambda f, n: context_section(cycle, n)))
    order += [
        ("participation", participation_section),
        ("stages", stages_section),
        ("factors", factors_section),
        ("change", change_section),
        ("subgroups", subgroups_section),
    ]
    comments = facts.comments
    if comments is not None and comments.waves:
        order.append(("comments", lambda f, n: comments_section_of(comments, n)))
    if cycle is not None:
        order.append(("review", lambda f, n: review_section(cycle, n, f.waves)))
    order += [
        ("recommendations", None),
        ("methods", methods_section),
        ("validity", validity_section),
    ]
    return order


def compose_report(facts: ReportFacts) -> ReportModel:
    """Arrange the facts into the sections of the board report (9: the validity appendix).

    Examples
    --------
    >>> model = compose_report(facts)  # doctest: +SKIP
    >>> [s.title for s in model.sections][:2]  # doctest: +SKIP
    ['Executive summary', 'Participation']
    """
    refs: dict[str, tuple[str, str]] = {}
    order = _section_order(facts)
    numbers = {name: k for k, (name, _) in enumerate(order, start=2)}
    body: dict[int, Section] = {}
    for name, build in order:
        if build is None:
            continue
        num = Numbering(numbers[name])
        body[num.section] = build(facts, num)
        refs.update({k: v for k, v in num.refs.items() if k not in refs})
    number = numbers["recommendations"]
    refs["recommendations"] = ("sec-recommendations", f"Section {number}")
    body[number] = _recommendations_section(facts, refs, number)
    refs["summary"] = ("sec-summary", "Section 1")
    sections = (_summary_section(facts, refs), *(body[n] for n in sorted(body)))
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
    )
    return ReportModel(meta, sections, facts.warnings)
