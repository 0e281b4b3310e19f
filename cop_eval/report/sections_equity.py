"""The equity section: each subgroup against the rest of the group, and whether gaps move.

Per questionnaire, a heatmap of the latest wave's subgroup means coloured by their difference
from everyone's mean (blue better, orange worse, following each scale's direction; a neutral
scale uncoloured), with an "All" row and ◆ on gaps to the rest that are reliable after the
Benjamini–Hochberg adjustment; then the largest gaps with their CIs, and how they moved from the
first wave (:func:`cop_eval.compare.equity.equity_gaps`). Hidden groups are drawn as suppressed.
"""

from __future__ import annotations

import math

from cop_eval.compare.grouping import TOTAL_LABEL
from cop_eval.report.facts import ReportFacts
from cop_eval.report.facts_board import BoardFacts, EquityFacts, GapFact
from cop_eval.report.filters import ROUNDING_NOTE, fmt_number
from cop_eval.report.findings_board import largest_gaps
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    GapHeatmap,
    Paragraph,
    Row,
    Section,
    Table,
)
from cop_eval.report.numbering import Numbering

__all__ = ["EQUITY_ROWS", "GAP_TABLE_ROWS", "equity_section"]

#: At most this many subgroups per heatmap; longer lists are shared out evenly over as few
#: figures as that allows (28 groups: two figures of 14, which fit on one page together).
EQUITY_ROWS = 20
#: The printed table of gaps lists the reliable ones and the largest others, up to this many.
GAP_TABLE_ROWS = 12


def _oriented(value: float | None, direction: str) -> float | None:
    if value is None or direction == "neutral":
        return None
    return -value if direction == "lower_is_better" else value


def _reasons(facts: ReportFacts) -> dict[str, str | None]:
    """Why each hidden subgroup is hidden (the subgroup means' own reasons)."""
    sub = facts.subgroups
    return {} if sub is None else {r.group: r.reason for r in sub.rows if r.suppressed}


def _heatmaps(equity: EquityFacts, num: Numbering, reasons: dict[str, str | None]) -> list[Block]:
    blocks: list[Block] = []
    count = len(equity.groups)
    parts = max(1, math.ceil(count / EQUITY_ROWS))
    size = math.ceil(count / parts) if count else 0
    chunks = [range(i, min(i + size, count)) for i in range(0, count, size)] if size else [range(0)]
    for part, rows in enumerate(chunks):
        more = f" (part {part + 1} of {len(chunks)})" if len(chunks) > 1 else ""
        all_gaps = tuple(0.0 if d != "neutral" else None for d in equity.directions)
        figure = num.figure(
            f"equity:{equity.instrument_id}",
            f"{equity.instrument_title} by {equity.column}, {equity.wave}{more}",
            GapHeatmap(
                (TOTAL_LABEL, *(equity.groups[i] for i in rows)),
                equity.scale_labels,
                (equity.overall, *(tuple(c.mean for c in equity.cells[i]) for i in rows)),
                (
                    tuple(
                        None if v is None else g
                        for v, g in zip(equity.overall, all_gaps, strict=True)
                    ),
                    *(
                        tuple(
                            _oriented(c.gap_to_overall, d)
                            for c, d in zip(equity.cells[i], equity.directions, strict=True)
                        )
                        for i in rows
                    ),
                ),
                (
                    tuple(False for _ in equity.scales),
                    *(tuple(c.reliable for c in equity.cells[i]) for i in rows),
                ),
                (equity.overall_n, *(equity.group_n[i] for i in rows)),
                row_notes=(None, *(reasons.get(equity.groups[i]) for i in rows)),
                row_n_min=(
                    (equity.overall_n_min, *(equity.group_n_min[i] for i in rows))
                    if equity.group_n_min
                    else ()
                ),
            ),
            alt=f"Heatmap of mean scores per {equity.column} for {equity.instrument_title}, "
            "coloured by the difference from everyone's mean; hidden groups are grey.",
            caption=(
                f"Numbers, colours, ◆ and hatching as in {num.refs['equity'][1]}."
                if "equity" in num.refs
                else "Number: the subgroup's mean. Colour: its difference from everyone's mean "
                "(blue better, orange worse; a neutral scale is not coloured). ◆ and a frame: "
                "the gap to the rest of the group is reliable (Welch test, Benjamini-Hochberg "
                "across subgroups × scales). Grey hatched: hidden (anonymity rule)."
            ),
        )
        num.refs.setdefault("equity", (figure.id, figure.number))
        # The names the recommendation rules look the subgroup figures up by.
        num.refs.setdefault(f"heatmap:{equity.instrument_id}", (figure.id, figure.number))
        num.refs.setdefault("heatmap", (figure.id, figure.number))
        blocks.append(figure)
    return blocks


def _gap_cells(g: GapFact, since: str | None) -> tuple[Cell, ...]:
    cells = (
        Cell(g.group),
        Cell(g.scale_label, note=g.instrument_title),
        Cell(g.n_group),
        Cell(g.mean_group),
        Cell(g.mean_rest),
        Cell(g.gap),
        Cell(lo=g.lo, hi=g.hi),
        Cell(g.p_adjusted),
        Cell("yes" if g.reliable else "no"),
    )
    return cells if since is None else (*cells, Cell(since))


def _trend_words(board: BoardFacts) -> dict[tuple[str, str], str]:
    out: dict[tuple[str, str], str] = {}
    for e in board.equity:
        for t in e.trends:
            word = "widened" if t.widening else "narrowed"
            sure = "" if t.reliable else ", not clear"
            out[(t.scale_key, t.group)] = f"{word} {fmt_number(abs(t.change))}{sure}"
    return out


_GAP_COLUMNS: tuple[Column, ...] = (
    Column("Subgroup"),
    Column("Scale"),
    Column("n", "int"),
    Column("Mean", "number"),
    Column("Everyone else", "number"),
    Column("Gap", "signed"),
    Column("95% CI", "ci"),
    Column("p (adj.)", "p"),
    Column("Reliable"),
)


def _tables(board: BoardFacts, num: Numbering) -> list[Block]:
    trends = _trend_words(board) if board.previous else None
    columns: tuple[Column, ...] = _GAP_COLUMNS
    if trends is not None:
        columns = (*columns, Column(f"Since {board.first or board.previous}"))
    ranked = largest_gaps(board)
    shown = [g for g in ranked if g.reliable]
    shown += [g for g in ranked if not g.reliable][: max(0, GAP_TABLE_ROWS - len(shown))]
    blocks: list[Block] = []
    if shown:
        rows = tuple(
            Row(
                _gap_cells(g, None if trends is None else trends.get((g.scale_key, g.group), "–")),
                emphasis=g.reliable,
            )
            for g in shown
        )
        blocks.append(
            num.table(
                "equity_table",
                f"The largest gaps to the rest of the group, {board.latest}",
                columns,
                rows,
                caption="Gap: the subgroup's mean minus everyone else's, with Welch's 95% CI; "
                "p adjusted with Benjamini-Hochberg across the subgroups × scales of each "
                "questionnaire; reliable: adjusted p below .05. Since: how the gap changed "
                "from the first wave, from a random-intercept model fitted to the subgroup and "
                "to the rest (allowing for who answered each wave). " + ROUNDING_NOTE,
            )
        )
    every = sorted(
        (g for e in board.equity for g in e.gaps), key=lambda g: (g.wave, g.scale_key, g.group)
    )
    if every:
        blocks.append(
            num.export_table(
                "equity_all",
                "Every gap to the rest of the group, every wave",
                (Column("Wave"), *_GAP_COLUMNS),
                tuple(Row((Cell(g.wave), *_gap_cells(g, None))) for g in every),
            )
        )
    return blocks


def _means_export(board: BoardFacts, num: Numbering, reasons: dict[str, str | None]) -> Table:
    """Every subgroup's mean on every scale (the heatmaps' numbers), hidden cells suppressed."""
    column = board.equity[0].column
    groups = list(dict.fromkeys(g for e in board.equity for g in e.groups))
    columns = (
        Column(column),
        Column("n", "int"),
        *(Column(label, "number") for e in board.equity for label in e.scale_labels),
    )
    rows = [
        Row(
            (
                Cell(TOTAL_LABEL),
                Cell(board.equity[0].overall_n),
                *(Cell(v) for e in board.equity for v in e.overall),
            ),
            emphasis=True,
        )
    ]
    for group in groups:
        sizes = [e.group_n[e.groups.index(group)] for e in board.equity if group in e.groups]
        size = next((n for n in sizes if n is not None), None)
        cells: list[Cell] = [
            Cell(group),
            Cell(size) if size is not None else Cell.hidden(reasons.get(group)),
        ]
        for e in board.equity:
            line = e.cells[e.groups.index(group)] if group in e.groups else None
            for k in range(len(e.scales)):
                cell = line[k] if line is not None else None
                hidden = cell is None or cell.suppressed or cell.mean is None
                cells.append(Cell.hidden() if hidden else Cell(cell.mean))  # type: ignore[union-attr]
        rows.append(Row(tuple(cells)))
    return num.export_table(
        "subgroup_table", f"Mean scores per {column}, {board.latest}", columns, tuple(rows)
    )


def _withheld_note(facts: ReportFacts) -> list[Block]:
    """The subgroups the differencing rule withheld, and why (none: no note)."""
    withheld = facts.participation.withheld if facts.participation else ()
    if not withheld:
        return []
    listed = "; ".join(f"{group} in {wave} (against {what})" for wave, group, what in withheld)
    return [
        Paragraph(
            f"{len(withheld)} group(s) are withheld because their members differ from a group "
            f"an earlier report of this project showed by 1 to {facts.min_group_size - 1} "
            f"respondents, so subtracting one from the other would reveal those people: {listed}.",
            "note",
        )
    ]


def equity_section(facts: ReportFacts, num: Numbering) -> Section:
    """Heatmaps against the overall mean, the largest gaps with CIs, and how gaps moved."""
    title = "Equity between subgroups"
    board = facts.board
    if board is None or not board.equity:
        return Section(
            "sec-subgroups",
            num.section,
            title,
            (
                Paragraph(
                    "No subgroup column was given (--group-column), so results are not "
                    "compared between subgroups.",
                    "note",
                ),
            ),
        )
    column = board.equity[0].column
    hidden = max(e.n_hidden for e in board.equity)
    lead = (
        f"Does the group work equally well for everyone? Each {column} is compared with the "
        "rest of the group on every scale, and each cell of the heatmaps is coloured by how far "
        "the subgroup's mean is from everyone's mean, so that the colour says at a glance who is "
        f"better or worse served. To protect anonymity, a group of fewer than "
        f"{facts.min_group_size} respondents is hidden, and so is the "
        "next-smallest group, so that the hidden one cannot be worked out from the total; each "
        "hidden group is labelled with the reason."
        + (f" {hidden} group{'s are' if hidden != 1 else ' is'} hidden." if hidden else "")
    )
    blocks: list[Block] = [Paragraph(lead, "lead")]
    if board.merge_rule:
        blocks.append(Paragraph(board.merge_rule, "note"))
    reasons = _reasons(facts)
    for equity in board.equity:
        blocks.extend(_heatmaps(equity, num, reasons))
    blocks.extend(_tables(board, num))
    blocks.extend(_withheld_note(facts))
    blocks.append(_means_export(board, num, reasons))
    return Section("sec-subgroups", num.section, title, tuple(blocks))
