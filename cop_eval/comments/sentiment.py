"""Sentiment of a comment with VADER, a lexicon and rule method that ships its lexicon.

VADER (Hutto & Gilbert 2014) scores a text from a lexicon of about 7,500 rated words with rules
for negation ("not helpful"), intensifiers ("very"), contrast ("but") and punctuation; its
``compound`` score lies in [-1, 1]. No model is downloaded: the lexicon is a file inside the
``vaderSentiment`` package. Scores are a rough guide to tone, not a measurement: VADER was
built on social-media text, and sarcasm or domain words ("challenge" in "peer challenge") can
mislead it, so the report shows them only beside the themes and never alone.

References
----------
1. Hutto, C.J. & Gilbert, E.E. (2014). VADER: A parsimonious rule-based model for sentiment
   analysis of social media text. Proceedings of ICWSM-14.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache
from typing import Any, Literal

__all__ = ["POSITIVE", "Tone", "compound", "lexicon_words", "tone"]

#: VADER's usual cut-offs: compound >= 0.05 positive, <= -0.05 negative, else neutral.
POSITIVE = 0.05
Tone = Literal["positive", "neutral", "negative"]


@lru_cache(maxsize=1)
def _analyser() -> Any:
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=1)
def lexicon_words() -> frozenset[str]:
    """The single words of VADER's lexicon (lower case)."""
    return frozenset(w for w in _analyser().lexicon if w.isalpha())


def compound(text: str) -> float:
    """VADER's compound score of a text, in [-1, 1].

    Examples
    --------
    >>> compound("The sessions are really useful") > 0.05
    True
    >>> compound("There is never enough time, which is frustrating") < -0.05
    True
    """
    return float(_analyser().polarity_scores(text)["compound"])


def tone(score: float) -> Tone:
    """``positive``, ``neutral`` or ``negative`` by VADER's cut-offs (±0.05)."""
    if score >= POSITIVE:
        return "positive"
    if score <= -POSITIVE:
        return "negative"
    return "neutral"


def compounds(texts: Iterable[str]) -> list[float]:
    """:func:`compound` of each text."""
    return [compound(t) for t in texts]
