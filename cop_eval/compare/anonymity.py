"""What a wave comparison may show: the anonymity rule, applied in one place.

Every decision :func:`cop_eval.compare.waves.compare_waves` takes about hiding is made here, from
counts, before any figure is computed, by asking the one
:class:`~cop_eval.privacy.PrivacyPolicy` it was given:

- a wave summary or a comparison describing fewer than ``min_group_size`` respondents is hidden;
- a paired change is hidden when the few respondents outside the pairs would follow from the two
  wave means (:meth:`~cop_eval.privacy.PrivacyPolicy.residual_recoverable`);
- within each subgroup family (one wave or wave pair, one scale) complementary suppression hides
  further groups, so that no hidden group can be recovered from the total by subtraction;
- the paired design needs at least ``min_group_size`` matched people (else independent samples);
- the trend model needs at least ``min_group_size`` scores in every wave.

The functions return the reason each hidden cell gets (``None``: shown).
"""

from __future__ import annotations

from collections.abc import Collection, Sequence

import numpy as np
import numpy.typing as npt

from cop_eval.privacy import RESIDUAL_REASON, PrivacyPolicy
from cop_eval.privacy.differencing import WITHHELD_LABEL

__all__ = [
    "comparison_reason",
    "group_reasons",
    "independent_group_reasons",
    "paired_group_reasons",
    "too_few_matched",
    "trend_reason",
    "wave_reason",
]

IntArray = npt.NDArray[np.int64]


def wave_reason(privacy: PrivacyPolicy, n: int) -> str | None:
    """Why a wave summary of ``n`` scores is hidden, or ``None``."""
    return privacy.reason() if privacy.hides(n) else None


def comparison_reason(
    privacy: PrivacyPolicy, paired: bool, n: int, n_waves: Sequence[int]
) -> str | None:
    """Why a top-level comparison is hidden, or ``None``.

    ``n`` is the number of pairs (paired) and ``n_waves`` the scores in each wave's summary; an
    independent comparison describes both samples, a paired one the pairs and, through the wave
    means, the people outside them.
    """
    if privacy.hides(n if paired else min(n_waves)):
        return privacy.reason()
    if paired and privacy.residual_recoverable([k - n for k in n_waves]):
        return RESIDUAL_REASON
    return None


def group_reasons(
    privacy: PrivacyPolicy,
    counts: IntArray,
    names: Sequence[str],
    also: Sequence[int] = (),
    withheld: Collection[int] = (),
) -> dict[int, str]:
    """Hidden group index -> reason, primary and complementary (``also``: hidden already, for
    the residual rule, and protected like a small group; ``withheld``: hidden by the
    differencing rule, :mod:`cop_eval.privacy.differencing`)."""
    hidden = privacy.suppressed_groups(
        {names[g]: int(counts[g]) for g in range(len(names))},
        also_hidden=[names[g] for g in (*also, *withheld)],
    )
    return {
        g: WITHHELD_LABEL
        if g in withheld
        else RESIDUAL_REASON
        if g in also and not privacy.hides(int(counts[g]))
        else privacy.reason(complementary=not privacy.hides(int(counts[g])))
        for g in range(len(names))
        if names[g] in hidden
    }


def paired_group_reasons(
    privacy: PrivacyPolicy,
    paired: IntArray,
    stayed: IntArray,
    n_earlier: IntArray,
    n_later: IntArray,
    names: Sequence[str],
    withheld: Collection[int] = (),
) -> dict[int, str]:
    """Hidden groups of a paired subgroup family (``withheld``: see :func:`group_reasons`).

    ``paired`` counts each group's pairs (grouped by the earlier wave), ``stayed`` the pairs
    still in the group in the later wave, ``n_earlier``/``n_later`` each group's scores in the
    two wave summaries. The people of a group's wave cells who are not in its pairs (in the
    later wave, also pairs that moved to another group) would be given away by the wave means
    when few.
    """
    residual = [
        k
        for k in range(len(names))
        if privacy.residual_recoverable(
            [
                int(n_earlier[k] - paired[k]),
                int(n_later[k] - stayed[k] + paired[k] - stayed[k]),
            ]
        )
    ]
    return group_reasons(privacy, paired, names, residual, withheld)


def independent_group_reasons(
    privacy: PrivacyPolicy,
    n_earlier: IntArray,
    n_later: IntArray,
    names: Sequence[str],
    withheld: Collection[int] = (),
) -> dict[int, str]:
    """Hidden groups of an independent subgroup family: hidden in either wave's family
    (``withheld``: see :func:`group_reasons`)."""
    hidden = group_reasons(privacy, n_earlier, names, (), withheld)
    for k, reason in group_reasons(privacy, n_later, names, (), withheld).items():
        hidden.setdefault(k, reason)
    return hidden


def too_few_matched(privacy: PrivacyPolicy, matched: int, earlier: str, later: str) -> str | None:
    """The note when too few people answered both waves to pair them (``None``: pair them)."""
    if not privacy.hides(matched):
        return None
    return (
        f"only {matched} respondent(s) of {earlier!r} were found in {later!r} "
        f"(fewer than {privacy.min_group_size}): compared as independent samples"
    )


def trend_reason(
    privacy: PrivacyPolicy, labels: Sequence[str], counts: Sequence[int]
) -> str | None:
    """Why no trend model is fitted (a wave with too few scores), or ``None``."""
    short = [label for label, n in zip(labels, counts, strict=True) if privacy.hides(n)]
    if not short:
        return None
    return (
        f"no trend model: wave(s) {', '.join(short)} have fewer than {privacy.min_group_size} "
        "scores (anonymity rule)"
    )
