"""Scale scores of one instrument for one wave: :class:`ScoreTable` (made by
:func:`cop_eval.measure.scoring.score`)."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from cop_eval.instruments import Instrument
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.results import Result

__all__ = ["ScoreTable"]


@dataclass(frozen=True)
class ScoreTable(Result):
    """Scale scores (and classifications) of one instrument for one wave.

    Attributes
    ----------
    scores
        One float64 column per scale id (NaN where too few items were answered).
    classifications
        One column per continuum classification id, holding level ids (``None`` when not
        classified); no columns when the instrument declares none.
    respondent_ids, groups, wave
        Carried over from the :class:`ResponseSet`, aligned with ``scores``.
    privacy
        The anonymity rule of :meth:`to_dict` (the per-scale summary); the scores themselves are
        per person and are never published as they are.
    """

    instrument: Instrument
    scores: pd.DataFrame
    classifications: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondent_ids: pd.Series | None = None
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    wave: str | None = None
    privacy: PrivacyPolicy = DEFAULT_PRIVACY

    @property
    def n(self) -> int:
        """Number of respondents (rows), scored or not."""
        return len(self.scores)

    def to_frame(self) -> pd.DataFrame:
        """One row per respondent: ``respondent`` (pseudonym, when ids were read), the subgroup
        columns, one column per scale id, then one per continuum classification."""
        parts: list[pd.DataFrame | pd.Series] = []
        if self.respondent_ids is not None:
            parts.append(self.respondent_ids.reset_index(drop=True).rename("respondent"))
        parts.append(self.groups.reset_index(drop=True))
        parts.append(self.scores.reset_index(drop=True))
        parts.append(self.classifications.reset_index(drop=True))
        return pd.concat(parts, axis=1)

    def to_dict(self) -> dict[str, Any]:
        """``cop-eval score --json``: ``{"instrument", "wave", "n", "scales": [{"scale", "label",
        "method", "n", "mean", "sd"}]}``; a scale scored by too few respondents carries
        ``"suppressed": true`` and the reason instead of its figures."""
        scales: list[dict[str, Any]] = []
        for scale in self.instrument.scales:
            values = self.scores[scale.id].dropna()
            n = int(values.size)
            entry: dict[str, Any] = {
                "scale": scale.id,
                "label": scale.label,
                "method": scale.method,
            }
            if self.privacy.hides(n):
                entry.update(suppressed=True, reason=self.privacy.reason())
            else:
                entry.update(
                    n=n,
                    mean=float(values.mean()),
                    sd=float(values.std(ddof=1)) if n > 1 else math.nan,
                )
            scales.append(entry)
        return {
            "instrument": self.instrument.id,
            "instrument_version": self.instrument.version,
            "wave": self.wave,
            "n": self.n,
            "scales": scales,
        }
