"""The scale scores of a results page: n, mean, SD and 95% CI per wave, as report tables."""

from __future__ import annotations

from collections.abc import Sequence

from cop_eval.report.facts import ReportFacts, WaveStat
from cop_eval.report.model import Cell, Column, Row, Table

__all__ = ["SCORE_COLUMNS", "scale_score_tables"]

SCORE_COLUMNS = (
    Column("Scale"),
    Column("Wave"),
    Column("n", "int"),
    Column("Mean", "number"),
    Column("SD", "number"),
    Column("95% CI", "ci"),
)


def _score_rows(name: str, stats: Sequence[WaveStat]) -> list[Row]:
    rows = []
    for index, stat in enumerate(stats):
        label = Cell(name if index == 0 else "")
        if stat.suppressed:
            hidden = Cell.hidden()
            rows.append(Row((label, Cell(stat.label), hidden, hidden, hidden, hidden)))
        else:
            rows.append(
                Row(
                    (
                        label,
                        Cell(stat.label),
                        Cell(stat.n),
                        Cell(stat.mean),
                        Cell(stat.sd),
                        Cell(lo=stat.lo, hi=stat.hi),
                    )
                )
            )
    return rows


def scale_score_tables(facts: ReportFacts) -> tuple[Table, ...]:
    """One table of scale scores (n, mean, SD, 95% CI per wave) per instrument.

    The values are the report facts' own (suppressed waves carry no numbers); this only lays
    them out as report tables, so they are formatted and hidden like every other table.
    """
    by_instrument: dict[str, list[Row]] = {}
    titles: dict[str, str] = {}
    for scale in facts.scales:
        titles[scale.instrument_id] = scale.instrument_title
        by_instrument.setdefault(scale.instrument_id, []).extend(
            _score_rows(scale.label, scale.waves)
        )
    return tuple(
        Table(
            id=f"scores-{ident}",
            number=f"Scores {index}",
            title=titles[ident],
            columns=SCORE_COLUMNS,
            rows=tuple(rows),
        )
        for index, (ident, rows) in enumerate(by_instrument.items(), start=1)
    )
