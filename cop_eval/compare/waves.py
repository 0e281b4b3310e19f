"""Compare scale scores across survey waves: what changed, for whom, and whether it is real.

:func:`compare_waves` takes one :class:`~cop_eval.responses.ScoreTable` per wave (time order) and
returns a frozen :class:`~cop_eval.compare.results.WaveComparison`. Rules (STATISTICS.md):

Design, per wave pair (consecutive pairs, and first → last when there are three or more waves)
    ``paired`` on matched respondents when both waves carry respondent ids. ``design="auto"``
    pairs when at least ``min_group_size`` ids appear in both waves, and otherwise falls back to
    ``independent`` with a note; ``"paired"`` insists (ids are then required); ``"independent"``
    never pairs. Paired: t-test, Wilcoxon signed-rank check, d_z (CI) and d_av, reliable change
    when the scale's reliability is given. Independent: Welch t, Mann–Whitney check, Hedges' g
    (CI). Holm adjustment across scales within each wave pair.
Trend (three or more waves)
    ``score ~ C(wave)`` with a random intercept per respondent (:func:`cop_eval.stats.trend.fit_trend`)
    when every wave carries ids and the design is not forced independent; respondents without a
    match stay in as single observations. Without ids: OLS (documented in the result's note).
    Skipped, with a reason, when a wave has fewer than ``min_group_size`` scores.
Subgroups (``group_column``)
    The same per-wave summaries and comparisons per subgroup; respondents with no group value form
    the group ``"(not stated)"``. A paired comparison groups matched respondents by their group in
    the *earlier* wave. Benjamini–Hochberg across the visible subgroup × scale grid of each wave
    pair. No reliable change or trend per subgroup.
Anonymity (in the engine, before anything is returned)
    A cell (wave summary or comparison, overall or per subgroup) that describes fewer than
    ``min_group_size`` respondents is replaced by a :class:`SuppressedCell`; within each subgroup
    family (one wave or wave pair, one scale) complementary suppression hides further groups with
    :func:`cop_eval.privacy.suppressed_groups`, so no hidden group's n or mean can be recovered by
    subtracting the visible groups from the total.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Literal

import numpy as np
import numpy.typing as npt
import pandas as pd

from cop_eval.compare.cells import (
    Pair,
    Wave,
    adjust,
    compare_pair,
    group_comparison_cells,
    group_wave_cells,
    trend_for_scale,
    wave_stat,
)
from cop_eval.compare.results import (
    Cell,
    ComparisonCell,
    ScaleComparison,
    SubgroupResult,
    SuppressedCell,
    WaveComparison,
    WaveInfo,
)
from cop_eval.errors import CopEvalError, OptionError
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY, RESIDUAL_REASON, PrivacyPolicy

__all__ = ["NOT_STATED", "compare_waves", "wave_pairs"]

IntArray = npt.NDArray[np.int64]
FloatArray = npt.NDArray[np.float64]

#: The subgroup of respondents without a value in the group column.
NOT_STATED = "(not stated)"


def wave_pairs(n_waves: int) -> list[tuple[int, int]]:
    """Consecutive pairs, plus first → last when there are three or more waves."""
    pairs = [(k, k + 1) for k in range(n_waves - 1)]
    if n_waves >= 3:
        pairs.append((0, n_waves - 1))
    return pairs


def _labels(waves: Sequence[ScoreTable], labels: Sequence[str] | None) -> list[str]:
    if labels is not None:
        out = [str(x) for x in labels]
        if len(out) != len(waves):
            raise OptionError(
                f"{len(out)} labels given for {len(waves)} waves; give one label per data file "
                "(--labels L1,L2,...)"
            )
    else:
        out = [w.wave or f"wave {k + 1}" for k, w in enumerate(waves)]
    dupes = sorted({x for x in out if out.count(x) > 1})
    if dupes:
        raise OptionError(
            f"wave labels must differ, but {', '.join(map(repr, dupes))} is used twice; "
            "name the waves with --labels L1,L2,..."
        )
    return out


def _check_instrument(waves: Sequence[ScoreTable], labels: Sequence[str]) -> list[str]:
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


def _person_codes(waves: Sequence[ScoreTable], labels: Sequence[str]) -> list[IntArray | None]:
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
                "a paired comparison needs one row per person: remove the duplicates (see "
                "`cop-eval check`) or compare with --design independent"
            )
        out.append(codes)
    return out


def _group_codes(
    waves: Sequence[ScoreTable], labels: Sequence[str], column: str
) -> tuple[list[str], list[IntArray]]:
    values: list[pd.Series] = []
    for wave, label in zip(waves, labels, strict=True):
        if column not in wave.groups.columns:
            have = ", ".join(map(str, wave.groups.columns)) or "none"
            raise OptionError(
                f"wave {label!r} has no subgroup column {column!r} (subgroup columns read: "
                f"{have}); name it with --group-column when importing every wave"
            )
        series = wave.groups[column].astype("object")
        series = series.where(series.notna() & (series.astype(str).str.strip() != ""), NOT_STATED)
        values.append(series.astype(str))
    names = sorted(set().union(*(set(v.unique()) for v in values)))
    index = pd.Index(names)
    return names, [np.asarray(index.get_indexer(v), dtype=np.int64) for v in values]


def _resolve_pairs(data: Sequence[Wave], design: str, privacy: PrivacyPolicy) -> list[Pair]:
    pairs: list[Pair] = []
    for a, b in wave_pairs(len(data)):
        wa, wb = data[a], data[b]
        linked = wa.codes is not None and wb.codes is not None
        if design == "paired" and not linked:
            missing = wa.label if wa.codes is None else wb.label
            raise OptionError(
                f"--design paired needs respondent ids in every wave, but wave {missing!r} has "
                "none; name the id column with --id-column, or use --design independent"
            )
        if not linked or design == "independent":
            pairs.append(Pair(a, b, "independent", None, None, None, None, None, None))
            continue
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
        if design == "auto" and privacy.hides(matched):
            note = (
                f"only {matched} respondent(s) of {wa.label!r} were found in {wb.label!r} "
                f"(fewer than {privacy.min_group_size}): compared as independent samples"
            )
            pairs.append(Pair(a, b, "independent", None, None, None, None, None, note))
            continue
        pairs.append(Pair(a, b, "paired", rows_a, rows_b, matched, attrition, joiners, None))
    return pairs


def compare_waves(
    waves: Sequence[ScoreTable],
    *,
    labels: Sequence[str] | None = None,
    design: Literal["auto", "paired", "independent"] = "auto",
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    reliabilities: Mapping[str, float] | None = None,
    level: float = 0.95,
) -> WaveComparison:
    """Compare every scale of one instrument across two or more waves.

    Parameters
    ----------
    waves
        One :class:`~cop_eval.responses.ScoreTable` per wave, in time order, all of the same
        instrument. ``respondent_ids`` (pseudonymised) link people across waves.
    labels
        Wave labels (default: each table's ``wave``, else "wave 1", "wave 2", ...).
    design
        ``"auto"``: paired on matched respondents when both waves of a pair have ids and at least
        ``privacy.min_group_size`` people answered both, independent otherwise. ``"paired"`` requires
        ids; ``"independent"`` never pairs.
    group_column
        A column of the tables' ``groups`` to break results down by (role, strand, ...).
    privacy
        The anonymity rule (:class:`~cop_eval.privacy.PrivacyPolicy`; default: no figure
        describes fewer than 5 respondents, with complementary suppression).
    reliabilities
        ``{scale id: observed alpha}`` for the Jacobson–Truax reliable change index (paired
        comparisons only), used for every wave pair; scales without an entry get no reliable
        change. The command line and the report pass each scale's alpha in the first wave.
    level
        Confidence level of every interval.

    Returns
    -------
    WaveComparison
        Frozen; ``to_json_dict()`` is the ``cop-eval compare --json`` contract. Cells describing
        fewer than ``privacy.min_group_size`` respondents, and complementary subgroup cells, are
        :class:`~cop_eval.compare.results.SuppressedCell` objects without numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> from cop_eval.responses import ScoreTable
    >>> inst = load_instrument("reflection")
    >>> def table(shift):
    ...     scores = pd.DataFrame({s: [2.0 + shift + 0.1 * (i % 7) for i in range(40)]
    ...                            for s in inst.scale_ids})
    ...     ids = pd.Series([f"p_{i}" for i in range(40)])
    ...     return ScoreTable(inst, scores, respondent_ids=ids)
    >>> result = compare_waves([table(0.0), table(0.5)], labels=["before", "after"])
    >>> c = result.scales[0].comparisons[0]
    >>> c.design, c.n, round(c.mean_diff, 2)
    ('paired', 40, 0.5)
    """
    if len(waves) < 2:
        raise OptionError(f"compare needs at least two waves, got {len(waves)}")
    if design not in ("auto", "paired", "independent"):
        raise OptionError(f"--design must be auto, paired or independent, got {design!r}")
    wave_labels = _labels(waves, labels)
    instrument = waves[0].instrument
    scales = _check_instrument(waves, wave_labels)
    reliabilities = dict(reliabilities or {})
    unknown = sorted(set(reliabilities) - set(scales))
    if unknown:
        raise OptionError(f"reliabilities given for unknown scale(s): {', '.join(unknown)}")
    codes = _person_codes(waves, wave_labels) if design != "independent" else [None] * len(waves)
    names: list[str] = []
    group_codes: list[IntArray | None] = [None] * len(waves)
    if group_column is not None:
        names, gc = _group_codes(waves, wave_labels, group_column)
        group_codes = list(gc)
    data = [
        Wave(
            label,
            np.asarray(w.scores.loc[:, scales].to_numpy(dtype=np.float64)),
            c,
            g,
        )
        for w, label, c, g in zip(waves, wave_labels, codes, group_codes, strict=True)
    ]
    pairs = _resolve_pairs(data, design, privacy)
    notes = [p.note for p in pairs if p.note]
    if design == "independent" and any(w.respondent_ids is not None for w in waves):
        notes.append(
            "compared as independent samples as requested: respondent ids are not used, and "
            "people who answered two waves count in both samples"
        )
    linked = design != "independent" and all(c is not None for c in codes)
    primary = privacy.reason()

    # Top level: per-wave summaries, comparisons (Holm across scales per pair), trend.
    wave_cells: list[list[Cell]] = []
    for s in range(len(scales)):
        row: list[Cell] = []
        for w in data:
            stat = wave_stat(w.label, w.scores[:, s], level)
            row.append(SuppressedCell(w.label, primary) if privacy.hides(stat.n) else stat)
        wave_cells.append(row)
    comparisons: list[list[ComparisonCell]] = [[] for _ in scales]
    for p in pairs:
        family: list[ComparisonCell] = []
        for s, scale in enumerate(scales):
            xe, xl = data[p.earlier].scores[:, s], data[p.later].scores[:, s]
            if p.design == "paired":
                assert p.rows_earlier is not None and p.rows_later is not None
                xe, xl = xe[p.rows_earlier], xl[p.rows_later]
            c = compare_pair(
                p,
                wave_labels,
                xe,
                xl,
                reliabilities.get(scale),
                level,
                instrument.scale(scale).direction,
            )
            small = privacy.hides(c.n if p.design == "paired" else min(c.n_from, c.n_to))
            reason = primary
            if not small and p.design == "paired":
                # People outside the pairs could be worked out from the two wave means.
                outside = [
                    int(np.isfinite(data[k].scores[:, s]).sum()) - c.n for k in (p.earlier, p.later)
                ]
                small = privacy.residual_recoverable(outside)
                reason = RESIDUAL_REASON
            family.append(
                SuppressedCell(wave_labels[p.earlier], reason, to_label=wave_labels[p.later])
                if small
                else c
            )
        for s, cell in enumerate(adjust(family, "holm")):
            comparisons[s].append(cell)
    trends = [
        trend_for_scale(data, s, linked, privacy) if len(data) >= 3 else (None, None)
        for s in range(len(scales))
    ]

    # Subgroups: suppression per family, BH across the visible subgroup x scale grid per pair.
    subgroups: list[tuple[SubgroupResult, ...]] = [() for _ in scales]
    if group_column is not None:
        g_waves = [
            [
                group_wave_cells(w.label, w.scores[:, s], w.groups, names, privacy, level)
                for w in data
                if w.groups is not None
            ]
            for s in range(len(scales))
        ]
        g_comps: list[list[list[ComparisonCell]]] = [[] for _ in scales]  # [scale][pair][group]
        for p in pairs:
            grid: list[ComparisonCell] = []
            for s in range(len(scales)):
                we, wl = data[p.earlier], data[p.later]
                assert we.groups is not None and wl.groups is not None
                grid.extend(
                    group_comparison_cells(
                        p,
                        wave_labels,
                        we.scores[:, s],
                        wl.scores[:, s],
                        we.groups,
                        wl.groups,
                        names,
                        privacy,
                        level,
                        instrument.scale(scales[s]).direction,
                    )
                )
            adjusted = adjust(grid, "bh")
            for s in range(len(scales)):
                g_comps[s].append(adjusted[s * len(names) : (s + 1) * len(names)])
        subgroups = [
            tuple(
                SubgroupResult(
                    group=name,
                    waves=tuple(g_waves[s][k][gi] for k in range(len(data))),
                    comparisons=tuple(g_comps[s][pi][gi] for pi in range(len(pairs))),
                )
                for gi, name in enumerate(names)
            )
            for s in range(len(scales))
        ]

    return WaveComparison(
        instrument=instrument.id,
        instrument_version=instrument.version,
        waves=tuple(
            WaveInfo(
                label,
                w.n,
                int(w.respondent_ids.notna().sum()) if w.respondent_ids is not None else 0,
            )
            for w, label in zip(waves, wave_labels, strict=True)
        ),
        design=design,
        scales=tuple(
            ScaleComparison(
                scale=scale,
                label=instrument.scale(scale).label,
                direction=instrument.scale(scale).direction,
                waves=tuple(wave_cells[s]),
                comparisons=tuple(comparisons[s]),
                trend=trends[s][0],
                trend_note=trends[s][1],
                subgroups=subgroups[s],
            )
            for s, scale in enumerate(scales)
        ),
        group_column=group_column,
        privacy=privacy,
        notes=tuple(notes),
    )
