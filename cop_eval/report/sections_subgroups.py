"""Section 6 of the report: subgroups (heatmaps of subgroup x scale means in the latest wave)."""

from __future__ import annotations

from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    Heatmap,
    Paragraph,
    Row,
    Section,
    Table,
)
from cop_eval.report.numbering import Numbering

__all__ = ["HEATMAP_ROWS", "subgroups_section"]

#: Subgroups per heatmap figure; longer lists continue in the next figure.
HEATMAP_ROWS = 25


# ---------------------------------------------------------------------------------------------
# 6 Subgroups
# ---------------------------------------------------------------------------------------------


def subgroups_section(facts: ReportFacts, num: Numbering) -> Section:
    """Subgroup x scale heatmaps; suppressed cells are drawn as suppressed, never as numbers."""
    title = "Subgroups"
    sub = facts.subgroups
    if sub is None:
        return Section(
            "sec-subgroups",
            num.section,
            title,
            (
                Paragraph(
                    "No subgroup column was given (--group-column), so results are not "
                    "broken down by subgroup.",
                    "note",
                ),
            ),
        )
    hidden = (
        f" {sub.n_suppressed} group{'s are' if sub.n_suppressed != 1 else ' is'} hidden."
        if sub.n_suppressed
        else ""
    )
    blocks: list[Block] = [
        Paragraph(
            f"Mean scores per {sub.column} in {sub.wave}. To protect anonymity, a group of fewer "
            f"than {sub.min_group_size} respondents is hidden, and so is the next-smallest "
            "group, so that the hidden one cannot be worked out from the total; each hidden "
            f"group is labelled with the reason.{hidden}",
            "lead",
        ),
        *_heatmaps(facts, num),
    ]
    blocks.append(_subgroup_table(facts, num))
    return Section("sec-subgroups", num.section, title, tuple(blocks))


def _heatmaps(facts: ReportFacts, num: Numbering) -> list[Block]:
    """One heatmap per instrument (and per 25 subgroups), coloured by each scale's direction."""
    sub = facts.subgroups
    if sub is None:
        return []
    by_key = {s.key: s for s in facts.scales}
    chunks = [sub.rows[i : i + HEATMAP_ROWS] for i in range(0, len(sub.rows), HEATMAP_ROWS)]
    instrument_of = [key.split(".", 1)[0] for key in sub.scales]
    titles = {s.instrument_id: s.instrument_title for s in facts.scales}
    blocks: list[Block] = []
    for instrument in dict.fromkeys(instrument_of):
        cols = [i for i, owner in enumerate(instrument_of) if owner == instrument]
        scales = [by_key[sub.scales[i]] for i in cols]
        directions = tuple(s.direction for s in scales)
        caption = "Blue: better than the scale's midpoint; orange: worse"
        if "lower_is_better" in directions:
            caption += " (on a lower-is-better scale a low score is better)"
        if "neutral" in directions:
            caption += "; grey shades: a scale on which neither direction is better"
        for part, chunk in enumerate(chunks):
            more = f" (part {part + 1} of {len(chunks)})" if len(chunks) > 1 else ""
            figure = num.figure(
                f"heatmap:{instrument}",
                f"{titles.get(instrument, instrument)} by {sub.column}{more}",
                Heatmap(
                    tuple(r.group for r in chunk),
                    tuple(sub.scale_labels[i] for i in cols),
                    tuple(tuple(None if r.suppressed else r.means[i] for i in cols) for r in chunk),
                    tuple(None if r.suppressed else r.n for r in chunk),
                    min(s.scale_min for s in scales),
                    max(s.scale_max for s in scales),
                    (scales[0].scale_min + scales[0].scale_max) / 2,
                    column_directions=directions,
                    column_ranges=tuple((s.scale_min, s.scale_max) for s in scales),
                    row_notes=tuple(r.reason if r.suppressed else None for r in chunk),
                ),
                alt=f"Heatmap of mean scores per {sub.column}; hidden groups are grey.",
                caption=caption + ". Grey hatched cells are hidden (anonymity rule).",
            )
            num.refs.setdefault("heatmap", (figure.id, figure.number))
            blocks.append(figure)
    return blocks


def _subgroup_table(facts: ReportFacts, num: Numbering) -> Table:
    sub = facts.subgroups
    if sub is None:  # the caller checks; keeps mypy informed
        raise ValueError("no subgroup facts")
    columns = (
        Column(sub.column),
        Column("n", "int"),
        *tuple(Column(label, "number") for label in sub.scale_labels),
    )
    rows = [
        Row(
            (
                Cell(r.group),
                Cell.hidden(r.reason) if r.suppressed else Cell(r.n),
                *tuple(Cell.hidden() if r.suppressed or v is None else Cell(v) for v in r.means),
            )
        )
        for r in sub.rows
    ]
    rows.append(
        Row(
            (Cell("All respondents"), Cell(None), *tuple(Cell(v) for v in sub.overall)),
            emphasis=True,
        )
    )
    return num.export_table("subgroup_table", f"Mean scores per {sub.column}", columns, tuple(rows))
