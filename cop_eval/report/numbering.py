"""Figure and table numbering within a section, and the per-wave table layout sections share."""

from __future__ import annotations

from dataclasses import dataclass, field

from cop_eval.report.facts import ReportFacts, WaveStat
from cop_eval.report.model import (
    Cell,
    Chart,
    Column,
    Figure,
    Row,
    Table,
)

__all__ = ["Numbering", "in_waves", "wave_stat_columns", "wave_stat_rows"]


def in_waves(facts: ReportFacts) -> str:
    """ "per wave", or "in <wave>" when the report has one wave only."""
    return "per wave" if len(facts.waves) > 1 else f"in {facts.waves[0]}"


@dataclass
class Numbering:
    """Hands out figure and table numbers within one section (``Figure 3.1``, ``Table 3.2``)."""

    section: int
    figures: int = 0
    tables: int = 0
    exports: int = 0
    refs: dict[str, tuple[str, str]] = field(default_factory=dict)

    def figure(
        self, name: str, title: str, chart: Chart, alt: str, caption: str | None = None
    ) -> Figure:
        """A new numbered figure, remembered under the logical ``name``."""
        self.figures += 1
        ident = f"fig-{self.section}-{self.figures}"
        number = f"Figure {self.section}.{self.figures}"
        self.refs.setdefault(name, (ident, number))
        return Figure(ident, number, title, chart, alt, caption)

    def table(
        self,
        name: str,
        title: str,
        columns: tuple[Column, ...],
        rows: tuple[Row, ...],
        caption: str | None = None,
        notes: tuple[str, ...] = (),
    ) -> Table:
        """A new numbered table, remembered under the logical ``name``."""
        self.tables += 1
        ident = f"tab-{self.section}-{self.tables}"
        number = f"Table {self.section}.{self.tables}"
        self.refs.setdefault(name, (ident, number))
        return Table(ident, number, title, columns, rows, caption, notes)

    def export_table(
        self,
        name: str,
        title: str,
        columns: tuple[Column, ...],
        rows: tuple[Row, ...],
        caption: str | None = None,
    ) -> Table:
        """A table that is exported (CSV/XLSX) but not printed: ``Export 5.1``."""
        self.exports += 1
        ident = f"exp-{self.section}-{self.exports}"
        number = f"Export {self.section}.{self.exports}"
        self.refs.setdefault(name, (ident, number))
        return Table(ident, number, title, columns, rows, caption, display=False)


def wave_stat_columns(first: str) -> tuple[Column, ...]:
    """Columns for a per-wave table of n, mean, SD and CI."""
    return (
        Column(first),
        Column("Wave"),
        Column("n", "int"),
        Column("Mean", "number"),
        Column("SD", "number"),
        Column("95% CI", "ci"),
    )


def wave_stat_rows(name: str, stats: tuple[WaveStat, ...], emphasis: bool = False) -> list[Row]:
    """Rows of a per-wave table: the name on the first row only; suppressed waves hidden."""
    rows = []
    for index, stat in enumerate(stats):
        label = Cell(name if index == 0 else "")
        if stat.suppressed:
            hidden = Cell.hidden()
            rows.append(Row((label, Cell(stat.label), hidden, hidden, hidden, hidden), emphasis))
            continue
        rows.append(
            Row(
                (
                    label,
                    Cell(stat.label),
                    Cell(stat.n),
                    Cell(stat.mean),
                    Cell(stat.sd),
                    Cell(lo=stat.lo, hi=stat.hi),
                ),
                emphasis,
            )
        )
    return rows
