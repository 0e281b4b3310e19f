"""The validity appendix's facts: one factor analysis (and invariance test) per instrument.

Several waves are compared as groups; one wave with a subgroup column, its subgroups. A scale
whose scalar invariance fails gets a ``caution`` on its :class:`ScaleResult`, which the change
table and the summary carry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.measure.validity import validity
from cop_eval.measure.validity_results import ValidityResult
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.report.facts import ScaleResult
from cop_eval.responses import ResponseSet

__all__ = ["validity_facts", "with_cautions"]


def validity_facts(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    labels: Sequence[str],
    group_column: str | None,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
) -> tuple[ValidityResult, ...]:
    """One :func:`~cop_eval.measure.validity.validity` result per instrument (listwise)."""
    results = []
    for instrument in instruments:
        try:
            if len(responses) > 1:
                results.append(validity(list(responses), instrument, labels=list(labels)))
            else:
                results.append(
                    validity(
                        responses[0], instrument, labels=list(labels), group_column=group_column
                    )
                )
        except OptionError:
            continue  # no scale with two answered items: nothing to analyse
    return tuple(results)


def with_cautions(
    scales: Sequence[ScaleResult], results: Sequence[ValidityResult]
) -> list[ScaleResult]:
    """The scales, each with the caution its instrument's validity result gives it."""
    cautions = {(r.instrument, s.scale): s.caution for r in results for s in r.scales if s.caution}
    return [
        dataclasses.replace(s, caution=cautions[(s.instrument_id, s.scale_id)])
        if (s.instrument_id, s.scale_id) in cautions
        else s
        for s in scales
    ]
