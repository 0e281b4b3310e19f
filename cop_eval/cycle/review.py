"""Review and revise: did the scales an action targeted move after the wave it was agreed?

For every action agreed after a wave that is followed by a later one, each targeted scale (a
``stage:N`` target stands for every scale of that stage) is compared between the wave it was
agreed after and the latest wave, with the same engine as the report's change section
(:func:`cop_eval.compare.waves.compare_waves`: paired on matched respondents when ids link the
waves, Welch otherwise; Holm across the instrument's scales; the verdict combines the effect
size with its CI and follows the scale's direction).

This is an association in time, not proof that the action caused the change: other things
changed between the waves too, and a scale can move without any action.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Literal

from cop_eval.compare.results import PairComparison, SuppressedCell
from cop_eval.compare.waves import compare_waves
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.store.cycle_models import Action

__all__ = ["ActionReview", "Outcome", "TargetChange", "review_actions", "target_scales"]

Outcome = Literal[
    "improved",
    "deteriorated",
    "mixed",
    "no clear change",
    "too few to tell",
    "not yet",
    "no targets",
]
Moved = Literal["improved", "deteriorated", "changed", "no clear change", "too few to tell"]


@dataclass(frozen=True, slots=True)
class TargetChange:
    """The change of one targeted scale from the wave an action was agreed after to the latest.

    ``moved``: improved or deteriorated (a non-negligible change the verdict calls likely real,
    by the scale's direction), changed (likewise, on a neutral scale), no clear change, or too
    few to tell. No numbers when ``suppressed``.
    """

    key: str
    label: str
    instrument: str
    from_label: str
    to_label: str
    design: str | None
    n: int | None
    mean_from: float | None
    mean_to: float | None
    mean_diff: float | None
    lo: float | None
    hi: float | None
    verdict: str
    moved: Moved
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class ActionReview:
    """One action with the changes of its targets and the outcome in a word."""

    action: Action
    since: str
    to: str | None
    changes: tuple[TargetChange, ...]
    outcome: Outcome
    overdue: bool


def target_scales(target: str, tables: Sequence[ScoreTable]) -> list[tuple[str, str]]:
    """``(instrument_id, scale_id)`` pairs a target stands for among the tables' instruments."""
    instruments = {t.instrument.id: t.instrument for t in tables}.values()
    if target.startswith("stage:"):
        stage = int(target.split(":", 1)[1])
        return [(i.id, s.id) for i in instruments for s in i.scales if s.stage == stage]
    inst, _, scale = target.partition(".")
    return [(inst, scale) for i in instruments if i.id == inst and scale in i.scale_ids]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def moved(comparison: PairComparison) -> Moved:
    """What a comparison's verdict says about movement, by the scale's direction."""
    v = comparison.verdict
    if v.certainty in ("too few to tell", "cannot tell"):
        return "too few to tell"
    direction = {"decline": "deterioration"}.get(str(v.direction), str(v.direction))
    if v.certainty != "likely real" or v.magnitude in (None, "negligible"):
        return "no clear change"
    if direction == "improvement":
        return "improved"
    if direction == "deterioration":
        return "deteriorated"
    if direction in ("increase", "decrease"):
        return "changed"
    return "no clear change"


def _change(
    key: str, label: str, title: str, from_label: str, to_label: str, cell: object
) -> TargetChange:
    if not isinstance(cell, PairComparison):
        reason = cell.reason if isinstance(cell, SuppressedCell) else "not compared"
        return TargetChange(
            key,
            label,
            title,
            from_label,
            to_label,
            None,
            None,
            None,
            None,
            None,
            None,
            None,
            reason,
            "too few to tell",
            True,
        )
    t = cell.test
    mean_from = getattr(t, "mean_earlier", None)
    mean_to = getattr(t, "mean_later", None)
    return TargetChange(
        key,
        label,
        title,
        from_label,
        to_label,
        cell.design,
        cell.n,
        _finite(mean_from) if mean_from is not None else None,
        _finite(mean_to) if mean_to is not None else None,
        _finite(cell.mean_diff),
        _finite(t.ci[0]),
        _finite(t.ci[1]),
        cell.verdict.text,
        moved(cell),
    )


def _outcome(changes: Sequence[TargetChange]) -> Outcome:
    words = {c.moved for c in changes}
    if not changes:
        return "no targets"
    if "improved" in words and "deteriorated" in words:
        return "mixed"
    if "improved" in words:
        return "improved"
    if "deteriorated" in words:
        return "deteriorated"
    if words <= {"too few to tell"}:
        return "too few to tell"
    return "no clear change"


def _compare(
    tables: Mapping[str, Sequence[ScoreTable]],
    labels: Sequence[str],
    start: int,
    end: int,
    privacy: PrivacyPolicy,
    cache: dict[tuple[str, int], dict[str, object]],
    instrument: str,
) -> dict[str, object]:
    """Comparison cells of one instrument's scales, wave ``start`` → ``end`` (cached)."""
    if (instrument, start) not in cache:
        pair = [tables[instrument][start], tables[instrument][end]]
        result = compare_waves(pair, labels=[labels[start], labels[end]], privacy=privacy)
        cache[(instrument, start)] = {
            s.scale: s.comparisons[0] if s.comparisons else None for s in result.scales
        }
    return cache[(instrument, start)]


def review_actions(
    actions: Sequence[Action],
    tables: Mapping[str, Sequence[ScoreTable]],
    labels: Sequence[str],
    *,
    as_of: dt.date,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> tuple[ActionReview, ...]:
    """Each action with the change of its targeted scales since the wave it was agreed after.

    Parameters
    ----------
    actions
        The project's actions (dropped ones are reviewed too: their targets may still move).
    tables
        Score tables per instrument id, one per wave in ``labels`` order.
    labels
        The report's waves, in time order.
    as_of
        The date overdue actions are judged against (the report's date).
    privacy
        The anonymity rule for the comparisons.
    """
    folded = [label.casefold() for label in labels]
    cache: dict[tuple[str, int], dict[str, object]] = {}
    all_tables = [t[0] for t in tables.values() if t]
    out = []
    for action in actions:
        start = (
            folded.index(action.agreed_after.casefold())
            if (action.agreed_after.casefold() in folded)
            else None
        )
        end = len(labels) - 1
        if start is None or start >= end:
            out.append(
                ActionReview(
                    action,
                    action.agreed_after,
                    None,
                    (),
                    "not yet" if action.targets else "no targets",
                    action.overdue(as_of),
                )
            )
            continue
        changes = []
        seen: set[str] = set()
        for target in action.targets:
            for inst_id, scale_id in target_scales(target, all_tables):
                key = f"{inst_id}.{scale_id}"
                if key in seen:
                    continue
                seen.add(key)
                cells = _compare(tables, labels, start, end, privacy, cache, inst_id)
                instrument = tables[inst_id][0].instrument
                label = instrument.scale(scale_id).label
                changes.append(
                    _change(
                        key,
                        label,
                        instrument.title,
                        labels[start],
                        labels[end],
                        cells.get(scale_id),
                    )
                )
        out.append(
            ActionReview(
                action,
                labels[start],
                labels[end],
                tuple(changes),
                _outcome(changes),
                action.overdue(as_of),
            )
        )
    return tuple(out)
