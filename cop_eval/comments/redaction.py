"""Redaction of free-text comments: what identifies a person is replaced before anything is shown.

``"Thanks to Priya Shah (priya.shah@example.org, 07700 900123)"`` becomes
``"Thanks to [name] ([email], [phone])"``. Contact details and identifying numbers are found by
the patterns of :mod:`cop_eval.comments.patterns`, names by :mod:`cop_eval.comments.names` (known
names from the roster and the user's list, and a conservative heuristic). Everything is matched in
a folded skeleton of the text (:mod:`cop_eval.comments.folding`), so look-alike letters,
full-width forms, invisible characters and lower-case names do not slip through.

Redaction is idempotent (redacting a redacted text changes nothing) and only ever adds markers,
so a text redacted again with more names loses more, never less.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Literal

from cop_eval.comments.folding import fold
from cop_eval.comments.names import NameFinder
from cop_eval.comments.patterns import PATTERNS

__all__ = ["MARKERS", "Redacted", "Redaction", "RedactionRules", "Redactor", "redact"]

Kind = Literal["name", "email", "url", "phone", "nhs_number", "staff_number", "postcode"]

#: What replaces each kind of redacted text.
MARKERS: dict[str, str] = {
    "name": "[name]",
    "email": "[email]",
    "url": "[url]",
    "phone": "[phone]",
    "nhs_number": "[NHS number]",
    "staff_number": "[staff number]",
    "postcode": "[postcode]",
}
_MARKER_WORDS = ("name", "email", "url", "phone", "NHS number", "staff number", "postcode")
_URL_TAIL = ".,;:!?)]}'\""


@dataclass(frozen=True)
class Redaction:
    """One replaced span: its kind, the rule that found it, and where it was in the original."""

    kind: Kind
    rule: str
    start: int
    end: int


@dataclass(frozen=True)
class Redacted:
    """A redacted text and what was replaced (positions refer to the original text)."""

    text: str
    redactions: tuple[Redaction, ...] = ()

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds replaced, in text order."""
        return tuple(r.kind for r in self.redactions)


@dataclass(frozen=True)
class RedactionRules:
    """What to redact besides the fixed patterns.

    Attributes
    ----------
    names
        Names to redact wherever they appear (a roster, the user's names list).
    keep
        Words the name heuristic flagged wrongly and must leave alone ("Teams", a place).
        Listed names are redacted even when kept.
    vocabulary
        Texts whose words are never names (instrument wording, subgroup labels).
    heuristic
        Use the capitalised-name heuristic (default true).
    """

    names: tuple[str, ...] = ()
    keep: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = field(default=())
    heuristic: bool = True

    def extended(
        self, *, names: Iterable[str] = (), keep: Iterable[str] = (), vocabulary: Iterable[str] = ()
    ) -> RedactionRules:
        """These rules with more names, kept words and vocabulary."""
        return RedactionRules(
            names=(*self.names, *names),
            keep=(*self.keep, *keep),
            vocabulary=(*self.vocabulary, *vocabulary),
            heuristic=self.heuristic,
        )


class Redactor:
    """Redacts many texts with one set of rules (the name lists are compiled once)."""

    def __init__(self, rules: RedactionRules | None = None) -> None:
        self.rules = rules or RedactionRules()
        self._names = NameFinder(
            self.rules.names,
            keep=self.rules.keep,
            vocabulary=(*self.rules.vocabulary, *_MARKER_WORDS),
            heuristic=self.rules.heuristic,
        )

    def __call__(self, text: str) -> Redacted:
        """Redact one text."""
        folded = fold(text)
        skeleton = folded.text
        found: list[tuple[int, int, str, str]] = []  # skeleton start, end, kind, rule
        for pattern in PATTERNS:
            for match in pattern.regex.finditer(skeleton):
                has_value = "value" in pattern.regex.groupindex and match.group("value")
                start, end = match.span("value") if has_value else match.span()
                if pattern.kind == "url":
                    while end > start and skeleton[end - 1] in _URL_TAIL:
                        end -= 1
                if end <= start or _inside_marker(skeleton, start, end):
                    continue
                if pattern.accept is not None and not pattern.accept(skeleton[start:end]):
                    continue
                found.append((start, end, pattern.kind, "pattern"))
        for start, end, rule in self._names.find(folded):
            if not _inside_marker(skeleton, start, end):
                found.append((start, end, "name", rule))
        spans = _merge_names(_first_wins(found), skeleton)
        out: list[str] = []
        redactions: list[Redaction] = []
        cursor = 0
        for start, end, kind, rule in spans:
            lo, hi = folded.span(start, end)
            out.append(text[cursor:lo])
            out.append(MARKERS[kind])
            redactions.append(Redaction(kind, rule, lo, hi))  # type: ignore[arg-type]
            cursor = hi
        out.append(text[cursor:])
        return Redacted("".join(out), tuple(redactions))


def _inside_marker(skeleton: str, start: int, end: int) -> bool:
    """Whether a span lies inside a marker left by an earlier redaction (idempotence)."""
    left = skeleton.rfind("[", 0, start + 1)
    if left < 0:
        return False
    right = skeleton.find("]", left)
    return right >= end - 1 and skeleton[left : right + 1] in MARKERS.values()


def _first_wins(found: list[tuple[int, int, str, str]]) -> list[tuple[int, int, str, str]]:
    """Non-overlapping spans: patterns in their order first, then names; sorted by position."""
    chosen: list[tuple[int, int, str, str]] = []
    for span in found:
        if all(span[1] <= c[0] or span[0] >= c[1] for c in chosen):
            chosen.append(span)
    return sorted(chosen)


def _merge_names(
    spans: list[tuple[int, int, str, str]], skeleton: str
) -> list[tuple[int, int, str, str]]:
    """One ``[name]`` for a first name and surname found by different rules ("Priya O'Neill")."""
    out: list[tuple[int, int, str, str]] = []
    for span in spans:
        if out and span[2] == out[-1][2] == "name" and skeleton[out[-1][1] : span[0]] == " ":
            last = out[-1]
            rule = last[3] if last[3] == span[3] else f"{last[3]}; {span[3]}"
            out[-1] = (last[0], span[1], "name", rule)
        else:
            out.append(span)
    return out


def redact(text: str, rules: RedactionRules | None = None) -> Redacted:
    """Redact one comment.

    Parameters
    ----------
    text
        The comment as answered.
    rules
        Names to redact, words to keep, vocabulary (see :class:`RedactionRules`).

    Returns
    -------
    Redacted
        The text with ``[name]``, ``[email]``, ``[url]``, ``[phone]``, ``[NHS number]``,
        ``[staff number]`` and ``[postcode]`` in place of what they replace.

    Examples
    --------
    >>> redact("Ask Dr Okafor (okafor@example.org) or call 07700 900123").text
    'Ask Dr [name] ([email]) or call [phone]'
    >>> redact("thanks priya!", RedactionRules(names=("Priya Shah",))).text
    'thanks [name]!'
    """
    return Redactor(rules)(text)
