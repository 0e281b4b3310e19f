"""Compare scale scores across survey waves: what changed, for whom, and whether it is real.

:func:`compare_waves` takes one :class:`~cop_eval.measure.scores.ScoreTable` per wave (time order) and
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
Anonymity (in the engine, before anything is computed or returned)
    One :class:`~cop_eval.privacy.PrivacyPolicy`, applied in :mod:`cop_eval.compare.anonymity`: a
    cell (wave summary or comparison, overall or per subgroup) that describes fewer than
    ``min_group_size`` respondents is a :class:`SuppressedCell`; within each subgroup family (one
    wave or wave pair, one scale) complementary suppression hides further groups, so no hidden
    group's n or mean can be recovered by subtracting the visible groups from the total.

Steps: :mod:`~cop_eval.compare.prepare` (arrays, person and group codes, wave pairs) →
:mod:`~cop_eval.compare.anonymity` (what is hidden) → :mod:`~cop_eval.compare.cells` /
:mod:`~cop_eval.compare.groups` / :mod:`~cop_eval.compare.trend` (the figures of the rest) →
:mod:`~cop_eval.compare.results` (the frozen result).
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence
from typing import Literal

import numpy as np

from cop_eval.compare import anonymity
from cop_eval.compare.cells import adjust, compare_pair, wave_stat
from cop_eval.compare.groups import group_comparison_cells, group_wave_cells
from cop_eval.compare.prepare import (
    NOT_STATED,
    Pair,
    Wave,
    check_instrument,
    group_codes,
    person_codes,
    resolve_pairs,
    wave_labels,
    wave_pairs,
)
from cop_eval.compare.results import (
    Cell,
    ComparedWave,
    ComparisonCell,
    ScaleComparison,
    SubgroupResult,
    SuppressedCell,
    WaveComparison,
)
from cop_eval.compare.trend import trend_for_scale
from cop_eval.errors import OptionError, option
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.stats.trend import TrendFit
from cop_eval.stats.verdict import ScaleDirection

__all__ = ["NOT_STATED", "compare_waves", "wave_pairs"]

Design = Literal["auto", "paired", "independent"]


def compare_waves(
    waves: Sequence[ScoreTable],
    *,
    labels: Sequence[str] | None = None,
    design: Design = "auto",
    group_column: str | None = None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    reliabilities: Mapping[str, float] | None = None,
    level: float = 0.95,
    withheld: Mapping[str, Collection[str]] | None = None,
) -> WaveComparison:
    """Compare every scale of one instrument across two or more waves.

    Parameters
    ----------
    waves
        One :class:`~cop_eval.measure.scores.ScoreTable` per wave, in time order, all of the same
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
    withheld
        ``{wave label: subgroups}`` the differencing rule hides (their members differ from a
        group a project already showed by 1 to N-1 people, :mod:`cop_eval.privacy.differencing`);
        they are hidden like small groups, with complementary suppression.

    Returns
    -------
    WaveComparison
        Frozen; ``to_dict()`` is the ``cop-eval compare --json`` contract. Cells describing
        fewer than ``privacy.min_group_size`` respondents, and complementary subgroup cells, are
        :class:`~cop_eval.compare.results.SuppressedCell` objects without numbers.

    Examples
    --------
    >>> import pandas as pd
    >>> from cop_eval.instruments import load_instrument
    >>> from cop_eval.measure.scores import ScoreTable
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
        raise OptionError(f"{option('design')} must be auto, paired or independent, got {design!r}")
    names_of_waves = wave_labels(waves, labels)
    scales = check_instrument(waves, names_of_waves)
    alphas = _reliabilities(reliabilities, scales)
    data, names = _arrays(waves, names_of_waves, scales, design, group_column)
    pairs = resolve_pairs(data, design, privacy)
    linked = design != "independent" and all(w.codes is not None for w in data)
    wave_cells = [_wave_cells(data, s, privacy, level) for s in range(len(scales))]
    instrument = waves[0].instrument
    directions = [instrument.scale(s).direction for s in scales]
    comparisons = _comparisons(data, pairs, scales, directions, alphas, privacy, level)
    trends: list[tuple[TrendFit | None, str | None]] = [
        trend_for_scale(data, s, linked, privacy) if len(data) >= 3 else (None, None)
        for s in range(len(scales))
    ]
    subgroups: list[tuple[SubgroupResult, ...]] = (
        _subgroups(data, pairs, directions, names, privacy, level, withheld or {})
        if group_column is not None
        else [() for _ in scales]
    )
    return WaveComparison(
        instrument=instrument.id,
        instrument_version=instrument.version,
        waves=tuple(
            ComparedWave(
                label,
                w.n,
                int(w.respondent_ids.notna().sum()) if w.respondent_ids is not None else 0,
            )
            for w, label in zip(waves, names_of_waves, strict=True)
        ),
        design=design,
        scales=tuple(
            ScaleComparison(
                scale=scale,
                label=instrument.scale(scale).label,
                direction=directions[s],
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
        notes=tuple(_notes(pairs, design, waves)),
    )


def _reliabilities(given: Mapping[str, float] | None, scales: Sequence[str]) -> dict[str, float]:
    alphas = dict(given or {})
    unknown = sorted(set(alphas) - set(scales))
    if unknown:
        raise OptionError(f"reliabilities given for unknown scale(s): {', '.join(unknown)}")
    return alphas


def _arrays(
    waves: Sequence[ScoreTable],
    labels: Sequence[str],
    scales: Sequence[str],
    design: Design,
    group_column: str | None,
) -> tuple[list[Wave], list[str]]:
    """Each wave's scores, person codes and group codes; the subgroup names."""
    codes = person_codes(waves, labels) if design != "independent" else [None] * len(waves)
    names: list[str] = []
    groups: list[np.ndarray | None] = [None] * len(waves)
    if group_column is not None:
        names, found = group_codes(waves, labels, group_column)
        groups = list(found)
    data = [
        Wave(label, np.asarray(w.scores.loc[:, list(scales)].to_numpy(dtype=np.float64)), c, g)
        for w, label, c, g in zip(waves, labels, codes, groups, strict=True)
    ]
    return data, names


def _notes(pairs: Sequence[Pair], design: Design, waves: Sequence[ScoreTable]) -> list[str]:
    notes = [p.note for p in pairs if p.note]
    if design == "independent" and any(w.respondent_ids is not None for w in waves):
        notes.append(
            "compared as independent samples as requested: respondent ids are not used, and "
            "people who answered two waves count in both samples"
        )
    return notes


def _wave_cells(data: Sequence[Wave], s: int, privacy: PrivacyPolicy, level: float) -> list[Cell]:
    """One scale's summary in every wave (hidden when too few scores)."""
    cells: list[Cell] = []
    for w in data:
        x = w.scores[:, s]
        reason = anonymity.wave_reason(privacy, int(np.isfinite(x).sum()))
        cells.append(SuppressedCell(w.label, reason) if reason else wave_stat(w.label, x, level))
    return cells


def _pair_arrays(data: Sequence[Wave], p: Pair, s: int) -> tuple[np.ndarray, np.ndarray]:
    xe, xl = data[p.earlier].scores[:, s], data[p.later].scores[:, s]
    if p.design == "paired":
        assert p.rows_earlier is not None and p.rows_later is not None
        xe, xl = xe[p.rows_earlier], xl[p.rows_later]
    return xe, xl


def _comparisons(
    data: Sequence[Wave],
    pairs: Sequence[Pair],
    scales: Sequence[str],
    directions: Sequence[ScaleDirection],
    alphas: Mapping[str, float],
    privacy: PrivacyPolicy,
    level: float,
) -> list[list[ComparisonCell]]:
    """[scale][pair]: every wave pair of every scale; Holm across scales within each pair."""
    labels = [w.label for w in data]
    out: list[list[ComparisonCell]] = [[] for _ in scales]
    for p in pairs:
        family: list[ComparisonCell] = []
        for s, scale in enumerate(scales):
            xe, xl = _pair_arrays(data, p, s)
            n_waves = [int(np.isfinite(data[k].scores[:, s]).sum()) for k in (p.earlier, p.later)]
            paired = p.design == "paired"
            n = int((np.isfinite(xe) & np.isfinite(xl)).sum()) if paired else sum(n_waves)
            reason = anonymity.comparison_reason(privacy, paired, n, n_waves)
            family.append(
                SuppressedCell(labels[p.earlier], reason, to_label=labels[p.later])
                if reason
                else compare_pair(p, labels, xe, xl, alphas.get(scale), level, directions[s])
            )
        for s, cell in enumerate(adjust(family, "holm")):
            out[s].append(cell)
    return out


def _subgroups(
    data: Sequence[Wave],
    pairs: Sequence[Pair],
    directions: Sequence[ScaleDirection],
    names: Sequence[str],
    privacy: PrivacyPolicy,
    level: float,
    withheld: Mapping[str, Collection[str]],
) -> list[tuple[SubgroupResult, ...]]:
    """Per scale, one result per subgroup; BH across the visible subgroup × scale grid per pair.
    ``withheld``: the groups of each wave the differencing rule hides."""
    labels = [w.label for w in data]
    n_scales = len(directions)
    held = [{k for k, n in enumerate(names) if n in withheld.get(w.label, ())} for w in data]
    g_waves = [
        [
            group_wave_cells(w.label, w.scores[:, s], w.groups, names, privacy, level, held[i])
            for i, w in enumerate(data)
            if w.groups is not None
        ]
        for s in range(n_scales)
    ]
    g_comps: list[list[list[ComparisonCell]]] = [
        [] for _ in range(n_scales)
    ]  # [scale][pair][group]
    for p in pairs:
        we, wl = data[p.earlier], data[p.later]
        assert we.groups is not None and wl.groups is not None
        grid: list[ComparisonCell] = []
        for s in range(n_scales):
            grid.extend(
                group_comparison_cells(
                    p, labels, we.scores[:, s], wl.scores[:, s], we.groups, wl.groups, names,
                    privacy, level, directions[s], held[p.earlier] | held[p.later],
                )
            )  # fmt: skip
        adjusted = adjust(grid, "bh")
        for s in range(n_scales):
            g_comps[s].append(adjusted[s * len(names) : (s + 1) * len(names)])
    return [
        tuple(
            SubgroupResult(
                group=name,
                waves=tuple(g_waves[s][k][gi] for k in range(len(data))),
                comparisons=tuple(g_comps[s][pi][gi] for pi in range(len(pairs))),
            )
            for gi, name in enumerate(names)
        )
        for s in range(n_scales)
    ]
