"""The waves of a comparison as arrays: labels, checks, person and group codes, wave pairs.

The first step of :func:`cop_eval.compare.waves.compare_waves`: score tables in, :class:`Wave`
arrays and :class:`Pair` designs out (matched row positions for the paired design). Nothing here
computes a statistic or decides what is shown.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.compare import anonymity
from cop_eval.errors import CopEvalError, OptionError, option
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy

__all__ = [
    "NOT_STATED",
    "Pair",
    "Wave",
    "check_instrument",
    "group_codes",
    "person_codes",
    "resolve_pairs",
    "wave_labels",
    "wave_pairs",
]

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]

#: The subgroup of respondents without a value in the group column.
NOT_STATED = "(not stated)"


@dataclass(frozen=True)
class Wave:
    """One wave's arrays: scores (n × scales), person codes (-1 = no id) and group codes."""

    label: str
    scores: FloatArray
    codes: IntArray | None
    groups: IntArray | None


@dataclass(frozen=True)
class Pair:
    """A wave pair and how it is compared; matched row positions for the paired design."""

    earlier: int
    later: int
    design: Literal["paired", "independent"]
    rows_earlier: IntArray | None = None
    rows_later: IntArray | None = None
    matched: int | None = None
    attrition: int | None = None
    new_joiners: int | None = None
    note: str | None = None


def wave_pairs(n_waves: int) -> list[tuple[int, int]]:
    """Consecutive pairs, plus first → last when there are three or more waves."""
    pairs = [(k, k + 1) for k in range(n_waves - 1)]
    if n_waves >= 3:
        pairs.append((0, n_waves - 1))
    return pairs


def wave_labels(waves: Sequence[ScoreTable], labels: Sequence[str] | None) -> list[str]:
    """The given labels (one per wave, distinct), else each table's ``wave`` or "wave k"."""
    if labels is not None:
        out = [str(x) for x in labels]
        if len(out) != len(waves):
            raise OptionError(
                f"{len(out)} labels given for {len(waves)} waves; give one label per wave "
                f"({option('labels')})"
            )
    else:
        out = [w.wave or f"wave {k + 1}" for k, w in enumerate(waves)]
    dupes = sorted({x for x in out if out.count(x) > 1})
    if dupes:
        raise OptionError(
            f"wave labels must differ, but {', '.join(map(repr, dupes))} is used twice; "
            f"name the waves with {option('labels')}"
        )
    return out


def check_instrument(waves: Sequence[ScoreTable], labels: Sequence[str]) -> list[str]:
    """The scale ids to compare; every wave must be scored with the same instrument."""
    first = waves[0].instrument
    for wave, label in zip(waves[1:], labels[1:], strict=True):
        if wave.instrument.id != first.id:
            raise CopEvalError(
                f"wave {label!r} was scored with instrument {wave.instrument.id!r} but wave "
                f"{labels[0]!r} with {first.id!r}; compare waves of the same instrument"
            )
    scales = list(first.scale_ids)
    for wave, label in zip(waves, labels, strict=True):
        missing = [s for s in scales if s not in wave.scores.columns]
        if missing:
            raise CopEvalError(
                f"wave {label!r} has no scores for scale(s) {', '.join(missing)} of "
                f"{first.id!r}; score every wave with the same instrument version"
            )
    return scales


def person_codes(waves: Sequence[ScoreTable], labels: Sequence[str]) -> list[IntArray | None]:
    """Integer person codes shared across waves (-1 for a row without an id)."""
    present = [w.respondent_ids for w in waves]
    if all(s is None for s in present):
        return [None] * len(waves)
    pooled = pd.concat([s.astype("object") for s in present if s is not None], ignore_index=True)
    all_codes, _ = pd.factorize(pooled, use_na_sentinel=True)
    out: list[IntArray | None] = []
    start = 0
    for ids, label in zip(present, labels, strict=True):
        if ids is None:
            out.append(None)
            continue
        codes = np.asarray(all_codes[start : start + len(ids)], dtype=np.int64)
        start += len(ids)
        linked = codes[codes >= 0]
        if linked.size and int(np.bincount(linked).max()) > 1:
            dup = pd.Series(linked).duplicated(keep=False)
            count = int(pd.Series(linked)[dup].nunique())
            example = str(
                pooled.iloc[int(np.flatnonzero(all_codes == linked[dup.to_numpy()][0])[0])]
            )
            raise CopEvalError(
                f"wave {label!r}: {count} respondent id(s) occur more than once (e.g. {example}); "
                "a paired comparison needs one row per person: remove the duplicates (the import "
                f"report lists them) or compare with {option('design', 'independent')}"
            )
        out.append(codes)
    return out


def group_codes(
    waves: Sequence[ScoreTable], labels: Sequence[str], column: str
) -> tuple[list[str], list[IntArray]]:
    """The subgroup names (sorted; blanks are :data:`NOT_STATED`) and each wave's group codes."""
    values: list[pd.Series] = []
    for wave, label in zip(waves, labels, strict=True):
        if column not in wave.groups.columns:
            have = ", ".join(map(str, wave.groups.columns)) or "none"
            raise OptionError(
                f"wave {label!r} has no subgroup column {column!r} (subgroup columns read: "
                f"{have}); read every wave with it as a subgroup column "
                f"({option('group_columns')})"
            )
        series = wave.groups[column].astype("object")
        series = series.where(series.notna() & (series.astype(str).str.strip() != ""), NOT_STATED)
        values.append(series.astype(str))
    names = sorted(set().union(*(set(v.unique()) for v in values)))
    index = pd.Index(names)
    return names, [np.asarray(index.get_indexer(v), dtype=np.int64) for v in values]


def _match(wa: Wave, wb: Wave) -> tuple[IntArray, IntArray, int, int]:
    """Matched row positions in both waves, attrition and new joiners."""
    assert wa.codes is not None and wb.codes is not None
    size = int(max(wa.codes.max(initial=-1), wb.codes.max(initial=-1))) + 1
    pos_b = np.full(size, -1, dtype=np.int64)
    has_b = wb.codes >= 0
    pos_b[wb.codes[has_b]] = np.flatnonzero(has_b)
    rows_a = np.flatnonzero(wa.codes >= 0)
    partner = pos_b[wa.codes[rows_a]]
    hit = partner >= 0
    rows_a, rows_b = rows_a[hit], partner[hit]
    matched = int(rows_a.size)
    attrition = int(np.count_nonzero(wa.codes >= 0)) - matched
    joiners = int(np.count_nonzero(has_b)) - matched
    return rows_a, rows_b, attrition, joiners


def resolve_pairs(data: Sequence[Wave], design: str, privacy: PrivacyPolicy) -> list[Pair]:
    """How each wave pair is compared (``design`` auto, paired or independent)."""
    pairs: list[Pair] = []
    for a, b in wave_pairs(len(data)):
        wa, wb = data[a], data[b]
        linked = wa.codes is not None and wb.codes is not None
        if design == "paired" and not linked:
            missing = wa.label if wa.codes is None else wb.label
            raise OptionError(
                f"{option('design', 'paired')} needs respondent ids in every wave, but wave "
                f"{missing!r} has none; name the id column ({option('id_column')}) when reading "
                f"it, or use {option('design', 'independent')}"
            )
        if not linked or design == "independent":
            pairs.append(Pair(a, b, "independent"))
            continue
        rows_a, rows_b, attrition, joiners = _match(wa, wb)
        matched = int(rows_a.size)
        note = anonymity.too_few_matched(privacy, matched, wa.label, wb.label)
        if design == "auto" and note is not None:
            pairs.append(Pair(a, b, "independent", note=note))
            continue
        pairs.append(Pair(a, b, "paired", rows_a, rows_b, matched, attrition, joiners))
    return pairs
