"""Agreement between two codings of the same comments: Cohen's kappa per theme, with its CI.

Each theme is a yes/no code per comment; kappa compares two coders (or a coder and the automatic
coding) over the comments both coded (:func:`cop_eval.stats.kappa.cohen_kappa`, equal to R
``psych::cohen.kappa``). Landis & Koch's words are given as a guide only.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

from pydantic import Field

from cop_eval.comments.codebook import Codebook
from cop_eval.comments.results import CommentsModel
from cop_eval.errors import OptionError
from cop_eval.stats.kappa import cohen_kappa

__all__ = ["Agreement", "ThemeAgreement", "coding_agreement", "kappa_words"]


def kappa_words(kappa: float) -> str:
    """Landis & Koch (1977): slight, fair, moderate, substantial, almost perfect agreement."""
    if not math.isfinite(kappa):
        return "not defined (neither coder varies)"
    for bound, words in (
        (0.0, "poor"),
        (0.2, "slight"),
        (0.4, "fair"),
        (0.6, "moderate"),
        (0.8, "substantial"),
    ):
        if kappa <= bound:
            return words
    return "almost perfect"


class ThemeAgreement(CommentsModel):
    """Kappa of one theme: both coders' yes/no over the comments both coded."""

    theme: str
    n: int
    first_yes: int
    second_yes: int
    agreement: float = Field(description="share of comments on which the two agree")
    kappa: float | None
    ci: tuple[float, float] | None
    words: str


class Agreement(CommentsModel):
    """Per-theme agreement of two codings."""

    first: str
    second: str
    n: int = Field(description="comments coded by both")
    themes: tuple[ThemeAgreement, ...]


def coding_agreement(
    first: Mapping[str, Sequence[str]],
    second: Mapping[str, Sequence[str]],
    codebook: Codebook,
    *,
    names: tuple[str, str] = ("first coder", "second coder"),
) -> Agreement:
    """Cohen's kappa per theme between two codings (comment id → theme ids).

    Raises
    ------
    OptionError
        When no comment was coded by both.
    """
    shared = sorted(set(first) & set(second))
    if not shared:
        raise OptionError(
            f"{names[0]} and {names[1]} coded no comment in common; code the same sheet twice."
        )
    themes = []
    for theme in codebook.theme_ids:
        a = [int(theme in first[k]) for k in shared]
        b = [int(theme in second[k]) for k in shared]
        result = cohen_kappa(a, b)
        defined = math.isfinite(result.kappa)
        themes.append(
            ThemeAgreement(
                theme=theme,
                n=len(shared),
                first_yes=sum(a),
                second_yes=sum(b),
                agreement=result.observed,
                kappa=result.kappa if defined else None,
                ci=result.ci if defined else None,
                words=kappa_words(result.kappa),
            )
        )
    return Agreement(first=names[0], second=names[1], n=len(shared), themes=tuple(themes))
