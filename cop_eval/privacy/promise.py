"""What the anonymity rule promises, in one sentence that every output prints the same way.

The PDF report (cover and methods), the web pages and the JSON outputs use
:func:`anonymity_promise`, so the promise a reader sees is exactly what the engine does
(:class:`~cop_eval.privacy.policy.PrivacyPolicy`).
"""

from __future__ import annotations

__all__ = ["PROTECTS_SMALLER", "TOO_FEW", "anonymity_promise", "hidden_label"]

#: Label of a figure hidden because it describes too few people: ``TOO_FEW.format(n=5)``.
TOO_FEW = "hidden: fewer than {n}"
#: Label of a figure hidden so that a smaller hidden one cannot be worked out by subtraction.
PROTECTS_SMALLER = "hidden: protects a smaller group"


def anonymity_promise(min_group_size: int) -> str:
    """The promise, worded as precisely as the rule is applied.

    Examples
    --------
    >>> anonymity_promise(5)[:63]
    'No figure describes a group of fewer than 5 respondents: a wave'
    """
    n = min_group_size
    return (
        f"No figure describes a group of fewer than {n} respondents: a wave, subgroup or scale "
        f"answered by fewer than {n} is hidden, and so is any figure from which a hidden one "
        "could be worked out by subtraction. Counts within a group that is shown (how many "
        f"members are at one level, or changed reliably) can be smaller than {n}."
    )


def hidden_label(min_group_size: int, *, complementary: bool) -> str:
    """Why a figure is hidden, in a few words: too few people, or protecting a smaller group."""
    return PROTECTS_SMALLER if complementary else TOO_FEW.format(n=min_group_size)
