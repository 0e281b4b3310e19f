"""The validity appendix's facts: one factor analysis (and invariance test) per instrument.

Several waves are compared as groups; one wave with a subgroup column, its subgroups (unless the
differencing rule withholds one of them: then everyone is fitted as one group). A scale whose scalar invariance fails gets a ``caution`` on its
:class:`ScaleResult`, which the change table and the summary carry.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Collection, Mapping, Sequence

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
    withheld: Mapping[str, Collection[str]] | None = None,
) -> tuple[ValidityResult, ...]:
    """One :func:`~cop_eval.measure.validity.validity` result per instrument (listwise);
    ``withheld``: the subgroups of each wave the differencing rule hides; when it hides any,
    there is no comparison across subgroups (the fits of the others, beside everyone's, would
    let the hidden ones' be worked out, as complementary suppression would hide them)."""
    if len(responses) == 1 and (withheld or {}).get(labels[0]):
        group_column = None  # everyone as one group: no subgroup's fit beside the others'
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
