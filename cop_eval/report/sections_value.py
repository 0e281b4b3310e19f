"""The value-creation section: Wenger, Trayner & de Laat's cycles read in order.

Where does value stop flowing? The first cycle whose mean is below the threshold (3.5 on 1-5,
nearer "agree" than "neither"), and, per wave, the share of members whose own value reaches each
cycle without a gap (:mod:`cop_eval.measure.value_flow`).
"""

from __future__ import annotations

from cop_eval.report.facts import ReportFacts
from cop_eval.report.facts_board import ValueFlowFacts
from cop_eval.report.filters import fmt_number, fmt_percent
from cop_eval.report.model import Block, Cell, Column, Paragraph, Row, Section, ValueCycle
from cop_eval.report.numbering import Numbering

__all__ = ["value_section", "value_sentence"]


def value_sentence(flow: ValueFlowFacts) -> str | None:
    """Where value stops flowing in the latest wave, in one or two sentences."""
    if not flow.waves:
        return None
    last = flow.waves[-1]
    labels = dict(zip(flow.scales, flow.labels, strict=True))
    steps = [
        f"{label.lower()} {fmt_number(mean)}"
        for label, mean in zip(flow.labels, last.means, strict=True)
        if mean is not None
    ]
    if last.stops_at is None:
        head = f"In {last.label} value flows through the whole cycle"
    else:
        index = flow.scales.index(last.stops_at)
        reach = last.reached[index - 1] / last.n_members if index > 0 else None
        head = f"In {last.label} value stops flowing at {labels[last.stops_at].lower()}"
        if index == 0:
            head += ": members do not yet find taking part worthwhile in itself"
        elif reach is not None:
            head += (
                f": members agree with the cycles before it, but only "
                f"{fmt_percent(last.reached[index] / last.n_members)} of them reach "
                f"{labels[last.stops_at].lower()} (against {fmt_percent(reach)} for "
                f"{labels[flow.scales[index - 1]].lower()})"
            )
    earlier = [w for w in flow.waves[:-1] if w.stops_at is not None]
    same = earlier and all(w.stops_at == last.stops_at for w in earlier)
    tail = " It stopped at the same cycle in every earlier wave." if same else ""
    return f"{head}. Means: {', '.join(steps)}.{tail}"


def value_section(facts: ReportFacts, num: Numbering) -> Section | None:
    """The cycle figure and a table of step means and reach per wave (``None``: not measured)."""
    board = facts.board
    flow = board.value_flow if board is not None else None
    if flow is None:
        return None
    title = "Value creation"
    lead = Paragraph(
        "Wenger, Trayner and de Laat describe the value a community creates as five cycles, each "
        "feeding the next: taking part is worthwhile (immediate value), members gain knowledge, "
        "contacts and confidence (potential value), they change their practice (applied value), "
        "the changes improve results (realised value), and the group rethinks what success is "
        "(reframing value). Reading the cycles in order shows where value stops flowing.",
        "lead",
    )
    if not flow.waves:
        return Section(
            "sec-value", num.section, title,
            (lead, Paragraph(f"Too few members answered the {flow.instrument_title} questions "
                             f"(fewer than {facts.min_group_size}) to show them.", "warning")),
        )  # fmt: skip
    last = flow.waves[-1]
    stop = flow.scales.index(last.stops_at) if last.stops_at else None
    blocks: list[Block] = [lead]
    sentence = value_sentence(flow)
    if sentence:
        blocks.append(Paragraph(sentence))
    figure = num.figure(
        "value_cycle",
        f"The value cycle, {last.label}",
        ValueCycle(
            flow.labels,
            last.means,
            flow.threshold,
            stop,
            tuple(w.label for w in flow.waves),
            tuple(tuple(r / w.n_members for r in w.reached) for w in flow.waves),
            tuple(w.n_members for w in flow.waves),
        ),
        alt="Five boxes for the cycles of value with their means, the first below "
        f"{fmt_number(flow.threshold)} marked; bars of the share of members reaching each cycle.",
        caption=f"Boxes: mean in {last.label}; the first cycle below {fmt_number(flow.threshold)} "
        "is marked. Bars: members whose own scores reach the cycle and every cycle before it.",
    )
    blocks.append(figure)
    columns = (
        Column("Cycle"),
        *(Column(f"Mean {w.label}", "number") for w in flow.waves),
        *(Column(f"Reach {w.label}", "percent") for w in flow.waves),
    )
    rows = tuple(
        Row(
            (
                Cell(label),
                *(Cell(w.means[i]) for w in flow.waves),
                *(Cell(w.reached[i] / w.n_members) for w in flow.waves),
            ),
            emphasis=stop == i,
        )
        for i, label in enumerate(flow.labels)
    )
    blocks.append(
        num.table(
            "value_table",
            "The cycles of value per wave",
            columns,
            rows,
            caption="Reach: the share of members whose scores are "
            f"{fmt_number(flow.threshold)} or more on this cycle and every cycle before it. The "
            "highlighted row is where value stops flowing in the latest wave.",
        )
    )
    return Section("sec-value", num.section, title, tuple(blocks))
