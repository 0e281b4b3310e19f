"""Which items each wave scored a scale from.

A question reworded between waves may match no column in one of them; that wave's scale is then
the mean of fewer items, and a comparison of it with another wave compares different item sets.
These helpers find such scales so that the comparison can say so beside the figure.
"""

from __future__ import annotations

from collections.abc import Sequence

from cop_eval.instruments import Instrument
from cop_eval.responses import ResponseSet

__all__ = ["items_scored", "scales_with_differing_items"]


def items_scored(responses: ResponseSet, instrument: Instrument) -> dict[str, tuple[str, ...]]:
    """Scale id → the items of that scale with at least one usable answer in ``responses``."""
    answered = {s.item for s in responses.report.items if s.answered > 0}
    return {
        scale: tuple(i.id for i in instrument.items_of(scale) if i.id in answered)
        for scale in instrument.scale_ids
    }


def scales_with_differing_items(
    waves: Sequence[ResponseSet], instrument: Instrument, labels: Sequence[str]
) -> dict[str, str]:
    """Scale id → a sentence naming the items each wave scored it from, for the scales whose
    item sets differ between waves (empty when every wave used the same items).

    Examples
    --------
    A wave whose export lacked ``sh_3`` gives
    ``{"sharing": "Sharing was scored from different items: W1 from sh_1, sh_2, sh_3; W2 from
    sh_1, sh_2 (missing: sh_3)."}``.
    """
    per_wave = [items_scored(w, instrument) for w in waves]
    notes: dict[str, str] = {}
    for scale in instrument.scale_ids:
        sets = [used[scale] for used in per_wave]
        if len(set(sets)) <= 1:
            continue
        every = [i.id for i in instrument.items_of(scale)]
        parts = []
        for label, used in zip(labels, sets, strict=True):
            lacking = [i for i in every if i not in used]
            parts.append(
                f"{label} from {', '.join(used) or 'no item'}"
                + (f" (missing: {', '.join(lacking)})" if lacking else "")
            )
        notes[scale] = (
            f"{instrument.scale(scale).label} was scored from different items: "
            + "; ".join(parts)
            + ". Its change compares different item sets: map the reworded question's column "
            "to its item for that wave (a mapping file, docs/import.md)."
        )
    return notes
