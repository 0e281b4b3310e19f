"""The one base of the library's results: :class:`Result`.

Every result an analysis returns (:class:`~cop_eval.responses.ResponseSet`,
:class:`~cop_eval.measure.scores.ScoreTable`, :class:`~cop_eval.measure.reliability_results.ReliabilityResult`,
:class:`~cop_eval.compare.results.WaveComparison`,
:class:`~cop_eval.measure.validity_results.ValidityResult`, and the parts they are made of) derives
from it and is frozen (a ``@dataclass(frozen=True)``, or a pydantic model with ``frozen=True``;
``tests/test_api.py`` checks every subclass), with

- ``to_dict()``: plain JSON-ready data; for a whole result exactly the object the command line
  prints with ``--json`` (the contract in the README: keys are added, never removed or renamed);
- ``to_frame()``: a tidy pandas table (one row per observation, one column per variable).

Figures hidden by the anonymity rule are absent from both (see :mod:`cop_eval.privacy`).
"""

from __future__ import annotations

import math
from abc import ABC, abstractmethod
from typing import Any

import pandas as pd

__all__ = ["Result"]


class Result(ABC):
    """Base class of every result: frozen, with ``to_dict()`` and ``to_frame()``.

    Subclasses are frozen dataclasses or frozen pydantic models and define :meth:`to_dict`;
    :meth:`to_frame` defaults to one row holding the scalar entries of :meth:`to_dict` (pairs
    such as ``ci`` become ``ci_low``/``ci_high``).
    """

    __slots__ = ()

    @abstractmethod
    def to_dict(self) -> dict[str, Any]:
        """JSON-ready data (the command line's ``--json`` object for a whole result)."""

    def to_frame(self) -> pd.DataFrame:
        """A one-row table of the scalar entries of :meth:`to_dict`."""
        return pd.DataFrame([flat_row(self.to_dict())])


def flat_row(data: dict[str, Any]) -> dict[str, Any]:
    """The scalar entries of ``data``; ``[low, high]`` pairs become ``<key>_low``/``<key>_high``,
    ``None`` becomes NaN for numbers' sake; nested objects and longer lists are left out."""
    row: dict[str, Any] = {}
    for key, value in data.items():
        if isinstance(value, list | tuple):
            if len(value) == 2 and all(_number(v) for v in value):
                row[f"{key}_low"], row[f"{key}_high"] = (_nan(v) for v in value)
            continue
        if isinstance(value, dict):
            continue
        row[key] = value
    return row


def _number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and not isinstance(value, bool))


def _nan(value: object) -> float:
    return math.nan if value is None else float(value)  # type: ignore[arg-type]
