"""Facts for the board pages: dashboard rows, equity gaps, the value cycle, ownership items.

Filled by :func:`cop_eval.report.build_board.board_facts` from the statistics modules' results
(nothing here computes); read by the dashboard, equity, value-creation and sustainability
sections. Hidden figures are ``None`` with ``suppressed=True``, so no later stage can show them.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "BoardFacts",
    "ChangeFact",
    "DashboardRow",
    "DetectableFact",
    "EquityCell",
    "EquityFacts",
    "GapFact",
    "GapTrendFact",
    "ItemShare",
    "ValueFlowFacts",
    "ValueFlowWave",
]


@dataclass(frozen=True, slots=True)
class ChangeFact:
    """A change between two waves: the difference, what it amounts to, and the verdict."""

    from_label: str
    to_label: str
    diff: float | None
    direction: str
    verdict: str
    design: str = "independent"
    n: int | None = None


@dataclass(frozen=True, slots=True)
class DashboardRow:
    """One line of the dashboard: a stage, a success factor, an identity level, a value cycle."""

    group: str
    key: str
    label: str
    direction: str
    n: int | None
    mean: float | None
    favourable: float | None
    favourable_lo: float | None
    favourable_hi: float | None
    previous: ChangeFact | None
    first: ChangeFact | None
    status: str
    reason: str
    ref: str | None = None
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class EquityCell:
    """One subgroup × scale cell of the equity heatmap (latest wave); hidden: no numbers."""

    mean: float | None
    gap_to_overall: float | None
    reliable: bool = False
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class GapFact:
    """A subgroup's gap to the rest of the group on one scale in one wave (group − rest)."""

    instrument_title: str
    scale_key: str
    scale_label: str
    direction: str
    group: str
    wave: str
    n_group: int
    n_rest: int
    mean_group: float
    mean_rest: float
    gap: float
    lo: float | None
    hi: float | None
    p_adjusted: float | None
    reliable: bool


@dataclass(frozen=True, slots=True)
class GapTrendFact:
    """How a subgroup's gap moved from the first to the last wave (mixed model, Wald z)."""

    scale_key: str
    scale_label: str
    direction: str
    group: str
    from_label: str
    to_label: str
    gap_first: float
    gap_last: float
    change: float
    lo: float
    hi: float
    p_adjusted: float
    reliable: bool
    widening: bool


@dataclass(frozen=True, slots=True)
class EquityFacts:
    """Equity for one instrument: the latest wave's heatmap grid, gaps and gap trends."""

    instrument_id: str
    instrument_title: str
    column: str
    wave: str
    groups: tuple[str, ...]
    group_n: tuple[int | None, ...]
    scales: tuple[str, ...]
    scale_labels: tuple[str, ...]
    directions: tuple[str, ...]
    cells: tuple[tuple[EquityCell, ...], ...]
    overall: tuple[float | None, ...]
    overall_n: int | None
    gaps: tuple[GapFact, ...]
    trends: tuple[GapTrendFact, ...]
    n_hidden: int
    #: The smallest n of each group's (and everyone's) scales, when its scales were answered by
    #: different numbers of people (``group_n`` and ``overall_n`` are the largest): the heatmap
    #: prints "n = 7–8", so that every gap's own n (Table 7.1, the summary) lies within it.
    group_n_min: tuple[int | None, ...] = ()
    overall_n_min: int | None = None


@dataclass(frozen=True, slots=True)
class ValueFlowWave:
    """The value cycle in one wave: step means, members reaching each step, where it stops."""

    label: str
    n_members: int
    means: tuple[float | None, ...]
    reached: tuple[int, ...]
    stops_at: str | None


@dataclass(frozen=True, slots=True)
class ValueFlowFacts:
    """The value-creation cycle read in order, per wave (waves with too few members left out)."""

    instrument_title: str
    scales: tuple[str, ...]
    labels: tuple[str, ...]
    threshold: float
    waves: tuple[ValueFlowWave, ...]


@dataclass(frozen=True, slots=True)
class ItemShare:
    """The share of respondents agreeing with one statement in the latest wave."""

    item_id: str
    text: str
    n: int
    agree: float
    lo: float
    hi: float


@dataclass(frozen=True, slots=True)
class DetectableFact:
    """The smallest change a comparison could detect with 80% power (two-sided α = .05).

    ``effect`` is d_z (paired: ``n`` matched pairs) or Cohen's d (independent: ``n`` and ``n2``
    respondents); ``points`` the same on the scale (times the SD of the differences, or the
    pooled SD).
    """

    scale_key: str
    scale_label: str
    from_label: str
    to_label: str
    design: str
    n: int
    n2: int | None
    effect: float
    points: float | None
    verdict: str
    direction: str


@dataclass(frozen=True, slots=True)
class BoardFacts:
    """Everything the board pages need beyond the per-scale facts."""

    latest: str
    previous: str | None
    first: str | None
    dashboard: tuple[DashboardRow, ...]
    rules: tuple[str, ...]
    equity: tuple[EquityFacts, ...] = ()
    merge_rule: str | None = None
    value_flow: ValueFlowFacts | None = None
    items: tuple[ItemShare, ...] = ()
    detectable: tuple[DetectableFact, ...] = ()
    rules_summary: str | None = None
