"""Report facts: the results the report needs, arranged as plain frozen values.

:func:`cop_eval.report.build.build_report_model` turns the statistics modules' results (pandas
frames, pydantic models) into these facts; :func:`cop_eval.report.compose.compose_report` and the
rules in :mod:`cop_eval.report.findings` turn facts into the report. Nothing here computes: each
value is copied from a result. Suppressed values are ``None`` with ``suppressed=True`` where it
matters, so later stages cannot show a number for a group below the minimum size.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from cop_eval.comments.agreement import Agreement
from cop_eval.comments.results import CommentAnalysis
from cop_eval.report.facts_board import BoardFacts
from cop_eval.stats.verdict import ScaleDirection

if TYPE_CHECKING:
    from cop_eval.measure.validity_results import ValidityResult
    from cop_eval.report.build_cycle import CycleFacts

__all__ = [
    "Comparison",
    "IdentityWave",
    "ImportFact",
    "InstrumentFact",
    "ParticipationFacts",
    "ReliabilityFact",
    "ReliableChangeFact",
    "ReportFacts",
    "ScaleResult",
    "StageResult",
    "SubgroupFacts",
    "SubgroupRow",
    "WaveStat",
]

#: What a headline change amounts to. ``improved`` / ``deteriorated`` on a scale with a good
#: direction, ``increased`` / ``decreased`` on a neutral one: only for a change that is not
#: negligible and that the verdict calls likely real. ``no_change``: negligible, or none;
#: ``unclear``: could be chance, too few to tell, or cannot tell.
Direction = Literal["improved", "deteriorated", "increased", "decreased", "no_change", "unclear"]


@dataclass(frozen=True, slots=True)
class WaveStat:
    """n, mean, SD and 95% CI of one scale (or stage) in one wave.

    ``suppressed``: the wave had fewer respondents than the minimum group size; no numbers.
    """

    label: str
    n: int | None
    mean: float | None
    sd: float | None = None
    lo: float | None = None
    hi: float | None = None
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class Comparison:
    """One wave-to-wave comparison of a scale, with its plain-English verdict."""

    from_label: str
    to_label: str
    design: Literal["paired", "independent"]
    n: int
    mean_diff: float | None
    lo: float | None
    hi: float | None
    p: float | None
    p_adjusted: float | None
    effect_name: str
    effect: float | None
    verdict: str
    direction: Direction
    change: str = "none"  # the verdict's word: improvement, deterioration, increase, decrease


@dataclass(frozen=True, slots=True)
class ReliableChangeFact:
    """Jacobson-Truax reliable change counts among matched members (first to last wave).

    ``improved`` / ``deteriorated`` follow the scale's direction (``None`` on a neutral scale);
    ``increased`` / ``decreased`` are the same counts by sign.
    """

    from_label: str
    to_label: str
    n: int
    improved: int | None
    unchanged: int | None
    deteriorated: int | None
    reliability: float
    increased: int | None = None
    decreased: int | None = None


@dataclass(frozen=True, slots=True)
class ScaleResult:
    """One scale of one instrument across waves.

    ``direction`` is the scale's declared direction (higher_is_better, lower_is_better or
    neutral), which the verdicts, the summary and the colours follow. ``scale_min`` /
    ``scale_max`` are the scale's own range (a sum of two 0-3 items runs 0-6);
    ``low_label`` / ``high_label`` the answer labels at its ends (mean scales only).
    """

    instrument_id: str
    instrument_title: str
    scale_id: str
    label: str
    stage: int | None
    scale_min: float
    scale_max: float
    waves: tuple[WaveStat, ...]
    comparisons: tuple[Comparison, ...] = ()
    trend: str | None = None
    reliable_change: ReliableChangeFact | None = None
    direction: ScaleDirection = "higher_is_better"
    #: set when scalar invariance fails for the scale (see the validity appendix)
    caution: str | None = None
    method: str = "mean"
    low_label: str | None = None
    high_label: str | None = None
    #: Mixed-model trend (three or more waves): ``(wave, estimate, SE)`` per later wave against
    #: the first, and whether the fit converged (``None``: no model).
    trend_estimates: tuple[tuple[str, float | None, float | None], ...] = ()
    trend_converged: bool | None = None

    @property
    def key(self) -> str:
        """``instrument_id.scale_id``."""
        return f"{self.instrument_id}.{self.scale_id}"

    @property
    def latest(self) -> WaveStat | None:
        """The last wave with a mean."""
        with_mean = [w for w in self.waves if w.mean is not None]
        return with_mean[-1] if with_mean else None

    @property
    def overall_change(self) -> Comparison | None:
        """The comparison of the first with the last wave (the headline change)."""
        if not self.comparisons or len(self.waves) < 2:
            return None
        first, last = self.waves[0].label, self.waves[-1].label
        for comparison in self.comparisons:
            if comparison.from_label == first and comparison.to_label == last:
                return comparison
        return self.comparisons[-1]


@dataclass(frozen=True, slots=True)
class StageResult:
    """One stage of the professional-group model across waves (from the stage profile)."""

    stage: int
    name: str
    scales: tuple[str, ...]
    waves: tuple[WaveStat, ...]


@dataclass(frozen=True, slots=True)
class IdentityWave:
    """McDermott continuum in one wave: members per level, the group's level and its uncertainty.

    ``shares`` are of the classified members, with 95% Wilson intervals ``share_lo``/``share_hi``
    (proportions 0..1). ``group_level`` is the median member's level (a label); ``group_text``
    says it in words, "too close to call (...)" when the data do not separate the levels
    (``group_clear`` False). ``not_classified`` counts the reasons, in words; ``sensitivity``
    gives the group's level in words at other cut-offs, ``(threshold, text)``.
    """

    label: str
    n_classified: int
    n_unclassified: int
    levels: tuple[str, ...]
    counts: tuple[int, ...]
    shares: tuple[float, ...]
    group_level: str | None
    share_lo: tuple[float | None, ...] = ()
    share_hi: tuple[float | None, ...] = ()
    group_text: str = ""
    group_clear: bool = True
    not_classified: tuple[tuple[str, int], ...] = ()
    threshold: float | None = None
    sensitivity: tuple[tuple[float, str], ...] = ()


@dataclass(frozen=True, slots=True)
class SubgroupRow:
    """One subgroup: its size (``None`` when suppressed) and its mean per scale."""

    group: str
    n: int | None
    means: tuple[float | None, ...]
    suppressed: bool = False
    reason: str | None = None  # why a suppressed row is hidden


@dataclass(frozen=True, slots=True)
class SubgroupFacts:
    """Subgroup x scale means in one wave; suppressed rows/cells carry no numbers."""

    column: str
    wave: str
    scales: tuple[str, ...]
    scale_labels: tuple[str, ...]
    rows: tuple[SubgroupRow, ...]
    overall: tuple[float | None, ...]
    min_group_size: int
    n_suppressed: int


@dataclass(frozen=True, slots=True)
class ParticipationFacts:
    """Responses per wave (and subgroup), response rates and matching across waves."""

    waves: tuple[str, ...]
    responses: tuple[int, ...]
    members: tuple[int | None, ...]
    group_column: str | None = None
    groups: tuple[str, ...] = ()
    group_counts: tuple[tuple[int | None, ...], ...] = ()
    group_members: tuple[int | None, ...] = ()
    matched: tuple[tuple[str, str, int], ...] = ()
    design: Literal["paired", "independent"] = "independent"
    #: Parallel to ``group_counts``: why a hidden count is hidden (``None`` when shown).
    group_hidden: tuple[tuple[str | None, ...], ...] = ()
    #: Subgroups withheld by the differencing rule: (wave, group, the earlier release).
    withheld: tuple[tuple[str, str, str], ...] = ()

    def withheld_by_wave(self) -> dict[str, set[str]]:
        """The groups the differencing rule withholds, by wave label."""
        out: dict[str, set[str]] = {}
        for wave, group, _ in self.withheld:
            out.setdefault(wave, set()).add(group)
        return out


@dataclass(frozen=True, slots=True)
class ReliabilityFact:
    """Observed reliability of a scale in one wave, beside the published value."""

    instrument_title: str
    scale_label: str
    wave: str
    n: int
    n_items: int
    alpha: float | None
    alpha_lo: float | None
    alpha_hi: float | None
    omega: float | None
    published_alpha: float | None = None
    published_source: str | None = None
    warnings: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class InstrumentFact:
    """What an instrument is and where it comes from."""

    id: str
    title: str
    version: str
    status: str
    n_items: int
    n_scales: int
    citation: str
    licence: str


@dataclass(frozen=True, slots=True)
class ImportFact:
    """The import report of one wave, in numbers."""

    wave: str
    source: str
    format: str
    rows_read: int
    rows_accepted: int
    rows_rejected: int
    unmatched_items: int
    value_problems: int
    straight_liners: int
    partial_responses: int
    duplicate_ids: int


@dataclass(frozen=True, slots=True)
class ReportFacts:
    """Everything the report shows, as arranged results."""

    title: str
    organisation: str | None
    waves: tuple[str, ...]
    min_group_size: int
    instruments: tuple[InstrumentFact, ...]
    scales: tuple[ScaleResult, ...]
    stages: tuple[StageResult, ...] = ()
    weakest_stage: int | None = None
    weakest_stage_margin: float | None = None
    factor_weakest: str | None = None
    factor_strongest: str | None = None
    factor_tie: bool = False
    factor_instrument: str | None = None
    factor_label: str | None = None
    factor_scales: tuple[str, ...] = ()
    identity: tuple[IdentityWave, ...] = ()
    subgroups: SubgroupFacts | None = None
    participation: ParticipationFacts | None = None
    reliability: tuple[ReliabilityFact, ...] = ()
    imports: tuple[ImportFact, ...] = ()
    trend_model: str | None = None
    comments: CommentAnalysis | None = None
    #: Two coders' agreement on the comments they coded by hand (Cohen's kappa per theme).
    coding: Agreement | None = None
    warnings: tuple[str, ...] = ()
    #: Scales some wave scored from other items than the rest (one sentence each).
    item_notes: tuple[str, ...] = ()
    cycle: CycleFacts | None = None
    date: str = ""
    generator: str = "cop-eval"
    #: factor structure and invariance per instrument (the validity appendix)
    validity: tuple[ValidityResult, ...] = ()
    board: BoardFacts | None = None

    def latest_response_rate(self) -> tuple[float, int] | None:
        """The latest wave's response rate and number of members.

        From the project's membership when the cycle gives one for that wave (members who
        answered, over members), else responses over the ``members`` option.
        """
        if self.cycle is not None and self.cycle.participation is not None:
            latest = self.cycle.participation.waves[-1]
            if latest.rate is not None and latest.members:
                return latest.rate, latest.members
        part = self.participation
        if part is not None and part.members and part.members[-1]:
            return part.responses[-1] / part.members[-1], part.members[-1]
        return None

    wave_dates: tuple[str | None, ...] = ()

    def latest_members_answered(self) -> int | None:
        """How many of the latest wave's respondents are members (the numerator of
        :meth:`latest_response_rate`), when the project's membership gives it."""
        if self.cycle is not None and self.cycle.participation is not None:
            return self.cycle.participation.waves[-1].member_respondents
        return None

    def scale(self, key: str) -> ScaleResult | None:
        """The scale with this ``instrument_id.scale_id`` key, if reported."""
        for scale in self.scales:
            if scale.key == key:
                return scale
        return None
