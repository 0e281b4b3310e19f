"""Survey scores by attendance: do the members who come regularly see the group differently?

Where the register's pseudonyms link to a wave's respondent ids (both hashed with the project
key), each respondent gets the attendance band of the period that ends at that wave: *regular*
(75% of the period's meetings or more) or *less often*. For each stage of the model the
respondents' stage scores are compared between the two (Welch's t-test: the difference and its
95% CI, :func:`cop_eval.stats.ttests.welch_test`); for an identity continuum, the share of
respondents at its strongest level (Newcombe's CI of the difference of two proportions,
:func:`cop_eval.stats.proportions.newcombe_diff_ci`).

This describes an association at one time, not an effect of attending (people who value the
group may attend more, or a subgroup may both attend less and score lower).

Anonymity: the regular, less-often and unlinked respondents are one family; a band with fewer
respondents than the minimum group size is hidden, with complementary suppression.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cop_eval.cycle.attendance import Period, band_of, person_rates
from cop_eval.instruments import ContinuumClassification
from cop_eval.measure.classification import stage_scores
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.stats.proportions import newcombe_diff_ci
from cop_eval.stats.ttests import welch_test
from cop_eval.store.cycle_models import AttendanceRecord

__all__ = ["LINK_BANDS", "AssociationRow", "AttendanceAssociation", "BandCell", "by_attendance"]

#: The two bands compared, and the respondents without an attendance record in the period.
LINK_BANDS = ("regular", "less often", "no record")


@dataclass(frozen=True, slots=True)
class BandCell:
    """A band's n and mean (or share); no numbers when ``suppressed``."""

    band: str
    n: int | None
    value: float | None
    suppressed: bool = False


@dataclass(frozen=True, slots=True)
class AssociationRow:
    """One measure by band: ``kind`` is ``mean`` (a stage score) or ``share`` (of a level).

    ``difference`` is regular minus less often, with its 95% CI (``lo``, ``hi``).
    """

    measure: str
    kind: str
    cells: tuple[BandCell, BandCell]
    difference: float | None
    lo: float | None
    hi: float | None
    stage: int | None = None


@dataclass(frozen=True, slots=True)
class AttendanceAssociation:
    """Scores of one wave by the attendance band of the period before it."""

    wave: str
    period: str
    counts: tuple[int | None, int | None, int | None]
    rows: tuple[AssociationRow, ...]


def _finite(value: float) -> float | None:
    return value if math.isfinite(value) else None


def _mean_row(
    name: str,
    stage: int,
    values: np.ndarray,
    bands: np.ndarray,
    hidden: frozenset[str],
    privacy: PrivacyPolicy,
) -> AssociationRow:
    groups = [values[(bands == b) & np.isfinite(values)] for b in LINK_BANDS[:2]]
    cells = []
    for band, x in zip(LINK_BANDS[:2], groups, strict=True):
        if band in hidden or privacy.hides(x.size):
            cells.append(BandCell(band, None, None, True))
        else:
            cells.append(BandCell(band, int(x.size), float(x.mean())))
    diff = lo = hi = None
    if not (cells[0].suppressed or cells[1].suppressed) and min(g.size for g in groups) >= 2:
        test = welch_test(groups[1], groups[0])  # regular - less often
        diff, lo, hi = _finite(test.mean_diff), _finite(test.ci[0]), _finite(test.ci[1])
    return AssociationRow(name, "mean", (cells[0], cells[1]), diff, lo, hi, stage)


def _share_row(
    name: str,
    strong: np.ndarray,
    classified: np.ndarray,
    bands: np.ndarray,
    hidden: frozenset[str],
    privacy: PrivacyPolicy,
) -> AssociationRow:
    cells, tallies = [], []
    for band in LINK_BANDS[:2]:
        mask = (bands == band) & classified
        n, k = int(mask.sum()), int((strong & mask).sum())
        tallies.append((k, n))
        if band in hidden or privacy.hides(n):
            cells.append(BandCell(band, None, None, True))
        else:
            cells.append(BandCell(band, n, k / n))
    diff = lo = hi = None
    if not (cells[0].suppressed or cells[1].suppressed):
        (k1, n1), (k2, n2) = tallies
        diff = k1 / n1 - k2 / n2
        lo, hi = (_finite(v) for v in newcombe_diff_ci(k1, n1, k2, n2))
    return AssociationRow(name, "share", (cells[0], cells[1]), diff, lo, hi)


def by_attendance(
    wave: str,
    period: Period,
    records: Sequence[AttendanceRecord],
    tables: Sequence[ScoreTable],
    *,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> AttendanceAssociation | None:
    """Stage scores (and the strong-identity share) of one wave by attendance band.

    Parameters
    ----------
    wave
        The wave's label.
    period
        The attendance period that ends at this wave.
    records
        The attendance register.
    tables
        The wave's score tables (one per instrument, same respondents); their
        ``respondent_ids`` link to the register.
    privacy
        The anonymity rule.

    Returns
    -------
    AttendanceAssociation or None
        ``None`` when the wave has no ids, or no respondent has a record in the period.
    """
    ids = tables[0].respondent_ids if tables else None
    if ids is None:
        return None
    rates = person_rates(records, period)
    bands = np.array(
        [
            ("regular" if band_of(rates[i]) == "regular" else "less often")
            if isinstance(i, str) and i in rates
            else "no record"
            for i in ids
        ],
        dtype=object,
    )
    counts = {b: int((bands == b).sum()) for b in LINK_BANDS}
    if counts["regular"] + counts["less often"] == 0:
        return None
    hidden = privacy.suppressed_groups(counts)
    shown = tuple(None if b in hidden and counts[b] else counts[b] for b in LINK_BANDS)
    rows: list[AssociationRow] = []
    staged = [t for t in tables if any(s.stage is not None for s in t.instrument.scales)]
    if staged:
        per_person = stage_scores(staged)
        for column in per_person.columns:
            stage = int(str(column).split("_")[1])
            values = per_person[column].to_numpy(dtype=np.float64)
            rows.append(_mean_row(f"stage {stage}", stage, values, bands, hidden, privacy))
    for table in tables:
        for rule in table.instrument.classification:
            if not isinstance(rule, ContinuumClassification):
                continue
            if rule.id not in table.classifications.columns:
                continue
            levels = table.classifications[rule.id].astype("object").to_numpy()
            classified = np.array([isinstance(v, str) and v != "" for v in levels])
            strong = np.array([v == rule.levels[-1].id for v in levels])
            name = f"{table.instrument.title}: {rule.levels[-1].label}"
            rows.append(_share_row(name, strong, classified, bands, hidden, privacy))
    return AttendanceAssociation(wave, period.label, shown, tuple(rows))  # type: ignore[arg-type]
