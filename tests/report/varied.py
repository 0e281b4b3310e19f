"""Varied synthetic survey data for the report's consistency tests: a small instrument with scales
of every direction, waves with planted changes of every size and sign, and the report built from
them by the real pipeline (scoring, reliability, comparison, facts, composition)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from cop_eval.instruments import Instrument, parse_instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.model import ReportModel, Table
from cop_eval.responses import ImportReport, ResponseSet

#: (scale id, label, direction)
SCALES = (
    ("value", "Value of meetings", "higher_is_better"),
    ("voice", "Everyone has a voice", "higher_is_better"),
    ("learning", "Learning from peers", "higher_is_better"),
    ("strain", "Strain of taking part", "lower_is_better"),
    ("workload", "Workload from the group", "lower_is_better"),
    ("reliance", "Reliance on a central source", "neutral"),
)
ITEMS_PER_SCALE = 4
#: A scale: (id, label, direction), optionally with the stage of the three-stage model it measures.
ScaleSpec = tuple[str, str, str] | tuple[str, str, str, int]


def varied_instrument(scales: tuple[ScaleSpec, ...] = SCALES) -> Instrument:
    """A custom instrument (by default three higher-is-better, two lower-is-better and one
    neutral scale; a fourth element of a scale spec declares its stage)."""
    return parse_instrument(
        {
            "id": "varied_pulse",
            "version": "1.0.0",
            "title": "Varied pulse",
            "description": "A test instrument with scales of every direction.",
            "status": "custom",
            "sources": [{"citation": "Written for the cop-eval test suite"}],
            "license": {"status": "project-authored"},
            "response_scale": {
                "min": 1,
                "max": 5,
                "labels": {1: "Strongly disagree", 3: "Neither", 5: "Strongly agree"},
            },
            "items": [
                {"id": f"{spec[0]}_{k}", "text": f"{spec[1]} {k}", "scale": spec[0]}
                for spec in scales
                for k in range(1, ITEMS_PER_SCALE + 1)
            ],
            "scales": [
                {"id": spec[0], "label": spec[1], "direction": spec[2]}
                | ({"stage": spec[3]} if len(spec) > 3 else {})
                for spec in scales
            ],
        }
    )


@dataclass(frozen=True)
class Scenario:
    """One data set: people, waves, linked or not, and each scale's shift per wave (in points)."""

    seed: int
    n: int
    waves: int
    linked: bool
    shifts: tuple[float, ...]  # per scale, added once per wave
    dropout: float = 0.1
    sparse_scale: int | None = None  # answered by 3 people only after the first wave
    scales: tuple[ScaleSpec, ...] = SCALES


def _responses(sc: Scenario, instrument: Instrument) -> list[ResponseSet]:
    rng = np.random.default_rng(sc.seed)
    person = rng.normal(0, 0.5, sc.n)
    out = []
    for wave in range(sc.waves):
        keep = rng.random(sc.n) > (sc.dropout if wave else 0.0)
        data = {}
        for spec, shift in zip(sc.scales, sc.shifts, strict=True):
            sid = spec[0]
            base = 3.0 + person[keep] + shift * wave
            for k in range(1, ITEMS_PER_SCALE + 1):
                x = np.clip(np.rint(base + rng.normal(0, 0.7, keep.sum())), 1, 5)
                data[f"{sid}_{k}"] = x
        items = pd.DataFrame(data, dtype="float64")
        if wave and sc.sparse_scale is not None:
            sid = sc.scales[sc.sparse_scale][0]
            columns = [f"{sid}_{k}" for k in range(1, ITEMS_PER_SCALE + 1)]
            items.loc[items.index[3:], columns] = np.nan
        ids = pd.Series([f"p{i}" for i in np.flatnonzero(keep)]) if sc.linked else None
        out.append(
            ResponseSet(
                source=f"wave{wave + 1}.csv",
                instruments=(instrument,),
                items=items,
                report=ImportReport(
                    source=f"wave{wave + 1}.csv",
                    format="csv",
                    rows_read=len(items),
                    rows_accepted=len(items),
                ),
                respondent_ids=ids,
                wave=f"Wave {wave + 1}",
            )
        )
    return out


def varied_report(sc: Scenario, min_group_size: int = 5) -> ReportModel:
    """The board report of one scenario."""
    instrument = varied_instrument(sc.scales)
    return build_report_model(
        _responses(sc, instrument),
        [instrument],
        ReportOptions(privacy=PrivacyPolicy(min_group_size), date="1 January 2027"),
    )


def table(model: ReportModel, starts: str) -> Table | None:
    """The first table whose title starts with ``starts``."""
    return next((t for t in model.tables() if t.title.startswith(starts)), None)


SCENARIOS = (
    Scenario(1, 60, 2, True, (0.6, 0.0, 0.25, 0.6, -0.5, -0.6)),  # strain rises: deterioration
    Scenario(2, 60, 2, True, (0.0, 0.0, 0.0, 0.0, 0.0, 0.0)),  # nothing moves
    Scenario(3, 80, 3, True, (-0.3, 0.3, 0.0, -0.3, 0.3, 0.3)),  # mixed, three waves
    Scenario(4, 70, 2, False, (0.5, -0.5, 0.1, -0.5, 0.5, 0.0)),  # independent samples
    Scenario(5, 9, 2, True, (0.8, 0.8, 0.8, 0.8, 0.8, 0.8), dropout=0.0),  # few people
    Scenario(9, 12, 2, True, (0.8, 0.8, 0.8, 0.8, 0.8, 0.8), dropout=0.3),  # changes hidden
    Scenario(6, 120, 2, True, (0.08, -0.08, 0.12, 0.08, -0.1, 0.1)),  # tiny shifts, many people
    Scenario(7, 50, 3, False, (0.0, -0.4, -0.4, 0.4, 0.4, -0.4)),  # deteriorations everywhere
    Scenario(8, 40, 2, True, (0.3, 0.3, -0.3, -0.3, 0.3, 0.0), dropout=0.45),
    Scenario(10, 60, 2, True, (0.5, 0.0, 0.0, 0.0, 0.0, 0.0), sparse_scale=1),  # one scale hidden
)
