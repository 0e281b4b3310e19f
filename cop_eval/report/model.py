"""The report model: a frozen, typed description of everything the board report shows.

The model holds plain values only (strings, numbers, tuples, frozen dataclasses) — no pandas, no
HTML, no formatting. :mod:`cop_eval.report.build` fills it from results; the templates format it
with the filters in :mod:`cop_eval.report.filters`; :mod:`cop_eval.report.charts` draws the chart
specs. Numbers stay unrounded here so that exports keep full precision.

Anonymity is enforced in the model too: a :class:`Cell` marked ``suppressed`` cannot carry a value,
and a :class:`Heatmap` cell that is suppressed cannot carry a number, so no template can show one.
Every :class:`KeyMessage` and :class:`Recommendation` names the figure or table it comes from, and
:class:`ReportModel` checks that those ids exist.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Literal

from cop_eval.report.specs import (
    Chart,
    CycleDiagram,
    DotPlot,
    GapHeatmap,
    Heatmap,
    Series,
    StackedBars,
    TrendPanel,
    TrendPanels,
    ValueCycle,
)

__all__ = [
    "Block",
    "Bullets",
    "Cell",
    "Chart",
    "Column",
    "CycleDiagram",
    "Dashboard",
    "DotPlot",
    "Figure",
    "GapHeatmap",
    "Heatmap",
    "Highlight",
    "Highlights",
    "KeyMessage",
    "KeyMessages",
    "Paragraph",
    "Recommendation",
    "Recommendations",
    "ReportMeta",
    "ReportModel",
    "Row",
    "Section",
    "Series",
    "StackedBars",
    "StatusLine",
    "Table",
    "TrendPanel",
    "TrendPanels",
    "ValueCycle",
]

CellKind = Literal["text", "int", "number", "percent", "ci", "p", "signed", "alpha"]
Tone = Literal["positive", "negative", "neutral", "action"]


# ---------------------------------------------------------------------------------------------
# Tables
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Column:
    """A table column: its heading and how its cells are formatted.

    ``kind`` picks the filter: ``text`` as is, ``int`` a count, ``number`` a decimal with
    ``decimals`` places (default 2; 0 for percentages), ``percent`` a proportion 0..1 shown as %, ``ci`` an interval from the
    cell's ``lo``/``hi``, ``p`` a p value, ``signed`` a difference with its sign, ``alpha`` a
    reliability coefficient without the leading zero.
    """

    label: str
    kind: CellKind = "text"
    decimals: int | None = None
    unit: str | None = None


@dataclass(frozen=True, slots=True)
class Cell:
    """One table value. ``suppressed`` cells carry no value (anonymity rule)."""

    value: str | float | int | None = None
    lo: float | None = None
    hi: float | None = None
    suppressed: bool = False
    note: str | None = None

    def __post_init__(self) -> None:
        if self.suppressed and (
            self.value is not None or self.lo is not None or self.hi is not None
        ):
            raise ValueError("a suppressed cell must not carry a value")

    @classmethod
    def hidden(cls, note: str | None = None) -> Cell:
        """A suppressed cell."""
        return cls(suppressed=True, note=note)


@dataclass(frozen=True, slots=True)
class Row:
    """A table row; ``emphasis`` marks a total or a highlighted row."""

    cells: tuple[Cell, ...]
    emphasis: bool = False


@dataclass(frozen=True, slots=True)
class Table:
    """A numbered table (``id`` is the anchor, ``number`` e.g. ``"Table 2.1"``).

    ``display=False`` marks a table that is exported (CSV/XLSX) but not printed, because a figure
    shows the same values (e.g. the subgroup heatmap).
    """

    id: str
    number: str
    title: str
    columns: tuple[Column, ...]
    rows: tuple[Row, ...]
    caption: str | None = None
    notes: tuple[str, ...] = ()
    display: bool = True
    kind: Literal["table"] = "table"

    def __post_init__(self) -> None:
        for index, row in enumerate(self.rows):
            if len(row.cells) != len(self.columns):
                raise ValueError(
                    f"{self.id}: row {index} has {len(row.cells)} cells for "
                    f"{len(self.columns)} columns"
                )


@dataclass(frozen=True, slots=True)
class Figure:
    """A numbered figure: a chart spec, its title, caption and a text alternative."""

    id: str
    number: str
    title: str
    chart: Chart
    alt: str
    caption: str | None = None
    kind: Literal["figure"] = "figure"


# ---------------------------------------------------------------------------------------------
# Text blocks
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Paragraph:
    """Running text. ``style``: body, lead (larger), note (small print) or warning (boxed)."""

    text: str
    style: Literal["body", "lead", "note", "warning"] = "body"
    kind: Literal["paragraph"] = "paragraph"


@dataclass(frozen=True, slots=True)
class Bullets:
    """A bulleted list with an optional heading."""

    items: tuple[str, ...]
    heading: str | None = None
    style: Literal["", "warning"] = ""
    kind: Literal["bullets"] = "bullets"


@dataclass(frozen=True, slots=True)
class KeyMessage:
    """One executive-summary message, traceable to the figure or table it comes from."""

    headline: str
    text: str
    ref: str
    ref_label: str
    tone: Tone = "neutral"


@dataclass(frozen=True, slots=True)
class KeyMessages:
    """The executive summary's key messages."""

    items: tuple[KeyMessage, ...]
    kind: Literal["key_messages"] = "key_messages"


@dataclass(frozen=True, slots=True)
class Highlight:
    """A headline figure on the summary page (e.g. responses in the latest wave)."""

    label: str
    value: float | int | None
    value_kind: Literal["int", "number", "percent", "text"] = "int"
    detail: str | None = None
    text: str | None = None


@dataclass(frozen=True, slots=True)
class Highlights:
    """A row of headline figures."""

    items: tuple[Highlight, ...]
    kind: Literal["highlights"] = "highlights"


@dataclass(frozen=True, slots=True)
class Recommendation:
    """A rule-based recommendation: what to do, why (the finding), and where the finding is.

    ``plan`` is the action the group already agreed on it, when the project records one
    (owner, due date, status), so that the report does not recommend it as if new.
    ``owner``, ``due`` and ``success_measure`` come from the project's action plan when an action
    was made from this recommendation; ``None`` prints a blank line to fill in.
    """

    title: str
    action: str
    why: str
    refs: tuple[str, ...]
    ref_labels: tuple[str, ...]
    priority: Literal["high", "medium", "low"] = "medium"
    stage: int | None = None
    plan: str | None = None
    owner: str | None = None
    due: str | None = None
    success_measure: str | None = None


@dataclass(frozen=True, slots=True)
class Recommendations:
    """The recommendations, framed as the model's "review and revise" step."""

    items: tuple[Recommendation, ...]
    kind: Literal["recommendations"] = "recommendations"


Status = Literal["strength", "watch", "concern", "none"]


@dataclass(frozen=True, slots=True)
class StatusLine:
    """One dashboard line: latest mean, % favourable (CI), changes, status and its reason.

    ``previous_tone`` / ``first_tone``: ``positive`` (a likely real improvement), ``negative``
    (a likely real deterioration) or ``neutral`` (anything else, including an increase or
    decrease on a neutral scale). A ``suppressed`` line carries no numbers.
    """

    label: str
    mean: float | None
    favourable: float | None
    favourable_lo: float | None
    favourable_hi: float | None
    previous: float | None
    previous_tone: Tone
    first: float | None
    first_tone: Tone
    status: Status
    reason: str
    ref: str | None = None
    ref_label: str | None = None
    suppressed: bool = False

    def __post_init__(self) -> None:
        if self.suppressed and any(
            v is not None for v in (self.mean, self.favourable, self.previous, self.first)
        ):
            raise ValueError("a suppressed dashboard line must not carry a value")


@dataclass(frozen=True, slots=True)
class Dashboard:
    """The one-page status of every stage, factor and identity level (grouped lines)."""

    id: str
    title: str
    latest: str
    previous: str | None
    first: str | None
    groups: tuple[tuple[str, tuple[StatusLine, ...]], ...]
    caption: str | None = None
    kind: Literal["dashboard"] = "dashboard"

    def lines(self) -> tuple[StatusLine, ...]:
        """Every line, in order."""
        return tuple(line for _, lines in self.groups for line in lines)


Block = (
    Paragraph | Bullets | Table | Figure | KeyMessages | Highlights | Recommendations | Dashboard
)


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered report section (``id`` is the anchor the table of contents links to)."""

    id: str
    number: int
    title: str
    blocks: tuple[Block, ...]
    appendix: bool = False
    page_break: bool = True


@dataclass(frozen=True, slots=True)
class ReportMeta:
    """Cover-page facts."""

    title: str
    subtitle: str
    organisation: str | None
    date: str
    waves: tuple[str, ...]
    instruments: tuple[str, ...]
    min_group_size: int
    generator: str
    wave_dates: tuple[str | None, ...] = ()
    anonymity: str = ""


@dataclass(frozen=True, slots=True)
class ReportModel:
    """The whole report. Validates that ids are unique and that every reference resolves."""

    meta: ReportMeta
    sections: tuple[Section, ...]
    warnings: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        ids: set[str] = set()
        for section in self.sections:
            for ident in (section.id, *(getattr(b, "id", None) for b in section.blocks)):
                if ident is None:
                    continue
                if ident in ids:
                    raise ValueError(f"duplicate id in report: {ident}")
                ids.add(ident)
        for ref in self.references():
            if ref not in ids:
                raise ValueError(f"reference to unknown figure or table: {ref}")

    def section(self, ident: str) -> Section:
        """The section with this id (``"sec-summary"``, ``"sec-dashboard"``, ...).

        Raises
        ------
        KeyError
            When the report has no such section.
        """
        for section in self.sections:
            if section.id == ident:
                return section
        raise KeyError(f"the report has no section {ident!r}")

    def blocks(self) -> Iterator[Block]:
        """Every block, in reading order."""
        for section in self.sections:
            yield from section.blocks

    def tables(self) -> tuple[Table, ...]:
        """Every table, in reading order (what the exports write)."""
        return tuple(b for b in self.blocks() if isinstance(b, Table))

    def figures(self) -> tuple[Figure, ...]:
        """Every figure, in reading order."""
        return tuple(b for b in self.blocks() if isinstance(b, Figure))

    def references(self) -> tuple[str, ...]:
        """Ids that key messages and recommendations point to."""
        refs: list[str] = []
        for block in self.blocks():
            if isinstance(block, KeyMessages):
                refs.extend(m.ref for m in block.items)
            elif isinstance(block, Recommendations):
                for rec in block.items:
                    refs.extend(rec.refs)
            elif isinstance(block, Dashboard):
                refs.extend(line.ref for line in block.lines() if line.ref)
        return tuple(refs)
