"""Scale scores of one instrument for one wave: :class:`ScoreTable` (made by
:func:`cop_eval.measure.scoring.score`)."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from cop_eval.instruments import Instrument

__all__ = ["ScoreTable"]


@dataclass(frozen=True)
class ScoreTable:
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
    """

    instrument: Instrument
    scores: pd.DataFrame
    classifications: pd.DataFrame = field(default_factory=pd.DataFrame)
    respondent_ids: pd.Series | None = None
    groups: pd.DataFrame = field(default_factory=pd.DataFrame)
    wave: str | None = None

    @property
    def n(self) -> int:
        """Number of respondents (rows), scored or not."""
        return len(self.scores)
