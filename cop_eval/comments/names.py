"""Personal names in free text: from known lists, and a conservative capitalised-name heuristic.

Two sources, both run on the folded skeleton (:mod:`cop_eval.comments.folding`):

1. **Known names** (the project's roster, a names list the user gives): each name and each of
   its parts is found as a whole word in any case, with accents, look-alike letters and
   invisible characters folded (``priya``, ``PRIYA``, ``Рriya``, ``Pri\u200bya`` all match
   ``Priya``). A part that is also an everyday word (a stop word or a word of the sentiment
   lexicon: ``Will``, ``May``, ``Grace``) matches only when capitalised, or in the full name.
2. **The heuristic**, for names nobody listed. It only fires where a capitalised word is
   almost certainly a name: after a title (``Dr Okafor``), in a run of two or more capitalised
   words that are not everyday words (``Tomasz Nowak``), a capitalised word that is not an
   everyday word in the middle of a sentence, or one followed by a possessive ``'s`` anywhere.
   Words in the keep list, the vocabulary (instrument wording, subgroup names) and acronyms
   (``NHS``, ``CPD``) are never treated as names.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache

from cop_eval.comments.folding import Folded, fold

__all__ = ["NameFinder", "common_words", "find_known_names", "heuristic_names"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# A word; "O'Brien" and "Mary-Jane" are one word, the possessive in "Priya's" is not part of it.
_WORD = re.compile(r"[^\W\d_]+(?:['\-](?![sS]\b)[^\W\d_]+)*")
_TITLES = _words(
    """
    dr doctor mr mrs ms miss mx prof professor sir dame lord lady rev revd cllr
    """
)
# Everyday words that are also common first names or surnames in the UK, beyond the stop-word
# and sentiment lexicons below. They match a listed name only when capitalised.
_NAME_WORDS = _words(
    """
    will may mark grace hope joy faith rose lily ruby amber dawn summer april june august bill
    pat sue rob art don guy jack frank earl dean miles carol holly ivy iris heather daisy
    violet sky sunny chase hunter price king white green brown black young bell hall ward baker
    turner walker wright cook hill wood moore short long little small rich fox lamb bird swan
    stone waters banks field fields marsh bush rice reed gray grey golden sharp strong best
    page penny pearl crystal honey cooper fisher mason porter parker carter taylor archer
    bishop dean knight marshall lane street west north south east english french cole glass
    clay ash bay sam ray rosa ruth max sunday norman head love gold silver wolf hart
    """
)
# Capitalised words of ordinary workplace comments that are not names.
_WORKPLACE = _words(
    """
    monday tuesday wednesday thursday friday saturday sunday january february march april may
    june july august september october november december christmas easter covid teams zoom
    outlook excel word powerpoint sharepoint yammer slack whatsapp google microsoft linkedin
    moodle internet intranet email e-mail wifi ok okay hr od cpd nhs uk england wales scotland
    ireland britain british english welsh scottish irish london trust board council director
    directorate manager managers team group community practice professional development
    learning organisational organization organisation training trainers trainer quality
    assurance admin administration administrators strand strands member members meeting
    meetings session sessions workshop workshops forum network networks people function service
    services policy policies strategy leadership sponsor chair lead leads staff department
    """
)


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from cop_eval.comments.stop_words import ENGLISH_STOP_WORDS

    return ENGLISH_STOP_WORDS


@lru_cache(maxsize=1)
def _everyday_words() -> frozenset[str]:
    """Words too common to redact in lower case: stop words and VADER's rated words."""
    from cop_eval.comments.sentiment import lexicon_words

    return _stop_words() | lexicon_words()


@lru_cache(maxsize=1)
def common_words() -> frozenset[str]:
    """Everyday English words (lower case): stop words, VADER's lexicon and workplace words.

    A capitalised word in this set is not taken for a name by the heuristic.
    """
    from cop_eval.comments.sentiment import lexicon_words

    return _stop_words() | lexicon_words() | _NAME_WORDS | _WORKPLACE


def _key(word: str) -> str:
    return fold(word).text.casefold()


@lru_cache(maxsize=16)
def _vocabulary_keys(vocabulary: tuple[str, ...]) -> frozenset[str]:
    """The folded words of a vocabulary; cached, as a store builds a finder for each wave
    each time its redaction terms change, with the same instrument wording."""
    return frozenset(_key(w) for text in vocabulary for w in _WORD.findall(fold(text).text))


@dataclass(frozen=True)
class Token:
    """A word of the skeleton: its text and span."""

    text: str
    start: int
    end: int


def _tokens(skeleton: str) -> list[Token]:
    return [Token(m.group(), m.start(), m.end()) for m in _WORD.finditer(skeleton)]


def _sentence_start(skeleton: str, start: int) -> bool:
    before = skeleton[:start].rstrip(" \"'([{*-")
    return not before or before[-1] in ".!?:;\n\r"


def _capitalised(word: str) -> bool:
    return word[:1].isupper() and any(ch.islower() for ch in word[1:])


class NameFinder:
    """Finds names in skeletons, from known names and (optionally) the heuristic.

    Parameters
    ----------
    names
        Known names ("Priya Shah", "Dafydd"), from a roster or a names list.
    keep
        Words the heuristic must leave alone (it flagged them wrongly), in any case.
    vocabulary
        Further words that are not names (instrument wording, subgroup labels).
    heuristic
        Whether to use the capitalised-name heuristic.
    """

    def __init__(
        self,
        names: Iterable[str] = (),
        *,
        keep: Iterable[str] = (),
        vocabulary: Iterable[str] = (),
        heuristic: bool = True,
    ) -> None:
        common = common_words()
        everyday = _everyday_words()
        self.keep = frozenset(_key(w) for text in keep for w in _WORD.findall(fold(text).text))
        vocab = _vocabulary_keys(tuple(vocabulary))
        self.known = common | vocab
        # Words that are never part of a name, even next to one ("The", "Teams", "Reflection").
        self.never = _stop_words() | _WORKPLACE | vocab | self.keep
        self.heuristic = heuristic
        full: set[str] = set()
        anycase: set[str] = set()
        capital_only: set[str] = set()
        for name in names:
            parts = [_key(p) for p in _WORD.findall(fold(name).text) if len(p) >= 2]
            parts = [p for p in parts if p not in _TITLES]
            if not parts:
                continue
            full.add(" ".join(parts))
            for part in parts:
                (capital_only if part in everyday else anycase).add(part)
        self.full = frozenset(full)
        self.anycase = frozenset(anycase)
        self.capital_only = frozenset(capital_only - anycase)
        self.longest = max((len(f.split()) for f in full), default=0)

    def find(self, folded: Folded) -> list[tuple[int, int, str]]:
        """Spans ``(start, end, rule)`` of names in the skeleton."""
        tokens = _tokens(folded.text)
        spans = find_known_names(self, tokens)
        if self.heuristic:
            taken = {
                i
                for i, _ in enumerate(tokens)
                if any(s <= tokens[i].start < e for s, e, _r in spans)
            }
            spans += heuristic_names(self, folded.text, tokens, taken)
        return spans


def find_known_names(finder: NameFinder, tokens: list[Token]) -> list[tuple[int, int, str]]:
    """Listed names: full names first (longest first), then single parts."""
    spans: list[tuple[int, int, str]] = []
    used: set[int] = set()
    keys = [t.text.casefold() for t in tokens]
    for size in range(finder.longest, 1, -1):
        for i in range(len(tokens) - size + 1):
            if any(j in used for j in range(i, i + size)):
                continue
            if " ".join(keys[i : i + size]) in finder.full:
                spans.append((tokens[i].start, tokens[i + size - 1].end, "names list"))
                used.update(range(i, i + size))
    for i, token in enumerate(tokens):
        if i in used:
            continue
        key = keys[i]
        if key in finder.anycase or (key in finder.capital_only and _capitalised(token.text)):
            spans.append((token.start, token.end, "names list"))
    return spans


def _candidate(finder: NameFinder, token: Token) -> bool:
    key = token.text.casefold()
    if not _capitalised(token.text) or len(token.text) < 2:
        return False
    if key in finder.keep or key in finder.known or key in _TITLES:
        return False
    if key.endswith("s") and (key[:-1] in finder.known or key[:-1] in finder.keep):
        return False  # "Mondays", "Trainers"
    # "O'Brien", "Mary-Jane": judge by the parts
    parts = [p for p in re.split(r"['\-]", key) if len(p) > 1]
    return bool(parts) and not all(p in finder.known for p in parts)


def heuristic_names(
    finder: NameFinder, skeleton: str, tokens: list[Token], taken: set[int]
) -> list[tuple[int, int, str]]:
    """Names found by the capitalised-name heuristic (see the module notes).

    A run of candidate words (capitalised, not everyday words) is a name when it follows a
    title, has two or more words, is followed by ``'s``, or stands inside a sentence. The run
    then takes in capitalised neighbours that could be part of a name ("Rachel Turner": Turner
    is an everyday word, but not next to Rachel).
    """
    spans: list[tuple[int, int, str]] = []
    flags = [i not in taken and _candidate(finder, t) for i, t in enumerate(tokens)]

    def joins(left: int, right: int) -> bool:
        return _adjacent(skeleton, tokens[left], tokens[right])

    def neighbour(k: int) -> bool:
        token = tokens[k]
        key = token.text.casefold()
        return (
            k not in taken
            and _capitalised(token.text)
            and key not in finder.never
            and key not in _TITLES
        )

    for k in range(1, len(tokens)):
        after_title = tokens[k - 1].text.casefold() in _TITLES and _adjacent(
            skeleton, tokens[k - 1], tokens[k], allow_dot=True
        )
        flags[k] = flags[k] or (after_title and neighbour(k))
    i = 0
    while i < len(tokens):
        if not flags[i]:
            i += 1
            continue
        j = i
        while j + 1 < len(tokens) and flags[j + 1] and joins(j, j + 1):
            j += 1
        first, last = i, j
        titled = (
            i > 0
            and tokens[i - 1].text.casefold() in _TITLES
            and _adjacent(skeleton, tokens[i - 1], tokens[i], allow_dot=True)
        )
        if titled:
            rule = "after a title"
        elif j > i:
            rule = "capitalised words"
        elif skeleton[tokens[j].end : tokens[j].end + 2].casefold() == "'s":
            rule = "before 's"
        elif not _sentence_start(skeleton, tokens[i].start):
            rule = "capitalised word"
        else:
            i = j + 1
            continue
        while last + 1 < len(tokens) and joins(last, last + 1) and neighbour(last + 1):
            last += 1
        while not titled and first > 0 and joins(first - 1, first) and neighbour(first - 1):
            first -= 1
        spans.append((tokens[first].start, tokens[last].end, f"heuristic: {rule}"))
        i = last + 1
    return spans


def _adjacent(skeleton: str, left: Token, right: Token, *, allow_dot: bool = False) -> bool:
    gap = skeleton[left.end : right.start]
    return gap == " " or (allow_dot and gap in (". ", "."))
