"""Automatic coding: a comment gets a theme when one of the theme's phrases occurs in it.

Comments and phrases are compared as sequences of word stems (the Snowball English stemmer, a
light, rule-based stemmer: "reflecting", "reflection" and "reflect" share the stem ``reflect``;
no model is downloaded). A phrase matches where its stems occur consecutively in the comment;
an ``exclude`` phrase of the theme vetoes it. Redaction markers (``[name]``) are not words.
Every code records the phrase that gave it, so a reader can see why a comment got its theme.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from cop_eval.comments.codebook import Codebook, Theme

__all__ = ["Code", "Coder", "stems"]

_MARKER = re.compile(r"\[[A-Za-z ]+\]")
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


_LOCAL = threading.local()


def _stemmer() -> Any:
    """This thread's stemmer: a snowball stemmer keeps its word in itself, so two threads (the
    web app's pages and its background work) sharing one garble each other's stems."""
    found = getattr(_LOCAL, "stemmer", None)
    if found is None:
        import snowballstemmer

        found = _LOCAL.stemmer = snowballstemmer.stemmer("english")
    return found


def stems(text: str) -> tuple[str, ...]:
    """The word stems of a text, lower case, without redaction markers.

    Examples
    --------
    >>> stems("Reflecting on the sessions' reflections [name] said")
    ('reflect', 'on', 'the', 'session', 'reflect', 'said')
    """
    words = _WORD.findall(_MARKER.sub(" ", text).casefold().replace("’", "'"))
    return tuple(_stemmer().stemWords([w.removesuffix("'s") for w in words]))


def _contains(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    size = len(needle)
    if size == 0 or size > len(haystack):
        return False
    first = needle[0]
    return any(
        haystack[i] == first and haystack[i : i + size] == needle
        for i in range(len(haystack) - size + 1)
    )


@dataclass(frozen=True)
class Code:
    """A theme given to a comment, and the phrase that gave it."""

    theme: str
    phrase: str


class Coder:
    """Codes comments with a codebook (phrases are stemmed once).

    Examples
    --------
    >>> from cop_eval.comments.codebook import load_codebook
    >>> coder = Coder(load_codebook())
    >>> [c.theme for c in coder("Never enough time to reflect after the sessions")]
    ['time_to_reflect']
    """

    def __init__(self, codebook: Codebook) -> None:
        self.codebook = codebook
        self._rules: list[
            tuple[Theme, list[tuple[str, tuple[str, ...]]], list[tuple[str, ...]]]
        ] = [
            (
                theme,
                [(p, stems(p)) for p in theme.include],
                [stems(p) for p in theme.exclude],
            )
            for theme in codebook.themes
        ]

    def __call__(self, text: str) -> tuple[Code, ...]:
        """The themes of one comment, in codebook order."""
        words = stems(text)
        present = set(words)  # most phrases fail on their first stem: skip them at once
        codes = []
        for theme, include, exclude in self._rules:
            if any(e[0] in present and _contains(words, e) for e in exclude if e):
                continue
            for phrase, needle in include:
                if needle and needle[0] in present and _contains(words, needle):
                    codes.append(Code(theme.id, phrase))
                    break
        return tuple(codes)

    def code_all(self, texts: Iterable[str]) -> list[tuple[Code, ...]]:
        """:meth:`__call__` for each text."""
        return [self(t) for t in texts]

    def theme_ids(self, codes: Sequence[Code]) -> tuple[str, ...]:
        """The theme ids of a comment's codes."""
        return tuple(c.theme for c in codes)
