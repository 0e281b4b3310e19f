"""Fold free text for matching, keeping the way back to the original characters.

Redaction must see through disguises: ``Ｐriya`` (full-width), ``Рriya`` (Cyrillic Р), ``Pri\u200bya``
(a zero-width space), ``Siân`` against a list that says ``Sian``, ``07700 900 123`` typed with
Arabic-Indic digits or a non-breaking hyphen. :func:`fold` turns a text into a *skeleton* in which
each of these is plain ASCII-like Latin, and records for every skeleton character the original
character it came from, so that a match found in the skeleton is replaced in the original text.

The look-alike table follows the Unicode confusables data (UTS #39, ``confusables.txt``) for the
Cyrillic, Greek and other letters that look like Latin letters in common fonts; compatibility
forms (full-width, mathematical alphanumerics, ligatures) are handled by NFKD.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

__all__ = ["Folded", "fold"]

# Letters of other scripts that render like a Latin letter (Unicode confusables, "MA" table).
_LOOK_ALIKES = {
    # Cyrillic
    "а": "a", "в": "b", "е": "e", "ё": "e", "һ": "h", "і": "i", "ї": "i", "ј": "j", "к": "k",
    "м": "m", "н": "h", "о": "o", "р": "p", "с": "c", "т": "t", "у": "y", "х": "x", "ѕ": "s",
    "ԁ": "d", "ԛ": "q", "ԝ": "w", "ɡ": "g", "ӏ": "l",
    "А": "A", "В": "B", "Е": "E", "Ё": "E", "Н": "H", "І": "I", "Ї": "I", "Ј": "J", "К": "K",
    "М": "M", "О": "O", "Р": "P", "С": "C", "Т": "T", "У": "Y", "Х": "X", "Ѕ": "S", "Ԁ": "D",
    "Ԛ": "Q", "Ԝ": "W", "Ү": "Y", "Ӏ": "I",
    # Greek
    "α": "a", "ε": "e", "ι": "i", "κ": "k", "ν": "v", "ο": "o", "ρ": "p", "τ": "t", "υ": "u",
    "χ": "x", "γ": "y",
    "Α": "A", "Β": "B", "Ε": "E", "Ζ": "Z", "Η": "H", "Ι": "I", "Κ": "K", "Μ": "M", "Ν": "N",
    "Ο": "O", "Ρ": "P", "Τ": "T", "Υ": "Y", "Χ": "X",
    # Latin letters that stand in for others, and Armenian/Cherokee look-alikes
    "ı": "i", "ȷ": "j", "ſ": "s", "ℓ": "l", "օ": "o", "ս": "u", "ց": "g", "Ꭺ": "A", "Ꮯ": "C",
    # punctuation used inside addresses and numbers
    "‐": "-", "‑": "-", "‒": "-", "–": "-", "—": "-", "―": "-", "−": "-", "﹘": "-",
    "‘": "'", "’": "'", "‛": "'", "ʼ": "'", "′": "'", "`": "'",
    "。": ".", "｡": ".", "·": ".", "•": ".", "∙": ".", "⋅": ".",
    "\u00a0": " ", "\u2007": " ", "\u202f": " ", "\u3000": " ", "\t": " ",
}  # fmt: skip


@dataclass(frozen=True)
class Folded:
    """A skeleton of a text and, for each of its characters, the index of the original one."""

    text: str
    origin: tuple[int, ...]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original ``[start, end)`` span of the skeleton span ``[start, end)``."""
        return self.origin[start], self.origin[end - 1] + 1


def _fold_char(ch: str) -> str:
    if ch in _LOOK_ALIKES:
        return _LOOK_ALIKES[ch]
    category = unicodedata.category(ch)
    if category in ("Cf", "Mn", "Me", "Cc") and ch not in "\n\r":
        return ""  # zero-width spaces, joiners, soft hyphens, combining marks
    if category == "Nd":
        return str(unicodedata.decimal(ch))
    if ch.isascii():
        return ch
    out = []
    for part in unicodedata.normalize("NFKD", ch):
        if unicodedata.category(part) in ("Mn", "Me"):
            continue
        part = _LOOK_ALIKES.get(part, part)
        if unicodedata.category(part) == "Nd":
            part = str(unicodedata.decimal(part))
        out.append(part)
    return "".join(out)


def fold(text: str) -> Folded:
    """The matching skeleton of ``text``, with the original index of each character.

    Case is kept (the name heuristic needs it); accents, compatibility forms, look-alike
    letters of other scripts, invisible characters and non-ASCII digits, dashes and spaces are
    folded.

    Examples
    --------
    >>> fold("Ｓiân\u200b Рatel").text
    'Sian Patel'
    >>> folded = fold("Ｓiân\u200b Рatel")
    >>> folded.span(5, 10)
    (6, 11)
    """
    chars: list[str] = []
    origin: list[int] = []
    for index, ch in enumerate(text):
        folded = _fold_char(ch)
        chars.append(folded)
        origin.extend([index] * len(folded))
    return Folded("".join(chars), tuple(origin))
