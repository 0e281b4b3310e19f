"""Column → item matching: by ``--mapping``, by item id, or by item text.

Platforms put the item wording in the header in many ways: exactly, after the question stem
("Question text - Statement", "Question text.Statement"), or in brackets ("Question [Statement]").
Texts are compared after :func:`normalise_text` (case, whitespace, punctuation, smart quotes).
Each item takes at most one column and each column at most one item; the strongest kind of match
wins (mapping, then id, then exact text, then bracketed text, then text at the end of the header).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import yaml

from cop_eval.errors import DataImportError, OptionError, action
from cop_eval.errors import option as mark
from cop_eval.instruments import CommentQuestion, Instrument, Item
from cop_eval.safe_yaml import YamlLimitError, load_yaml, read_text_file

__all__ = ["Match", "load_mapping", "match_columns", "normalise_text", "resolve_column"]

_QUOTES = str.maketrans({"‘": "'", "’": "'", "‚": "'", "‛": "'", "“": '"', "”": '"', "„": '"'})
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_BRACKETS = re.compile(r"\[([^\[\]]+)\]")


def normalise_text(text: str) -> str:
    """Fold a header or label for comparison.

    NFKC, smart quotes to plain, casefold, every run of punctuation/underscores/whitespace to one
    space, trimmed: ``"  I’m  happy—really! "`` → ``"i m happy really"``.
    """
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    folded = folded.replace("'", "")  # "don't" and "dont" are the same answer
    return _NON_WORD.sub(" ", folded).strip()


How = Literal["id", "text", "mapping", "position"]


@dataclass(frozen=True)
class Match:
    """Item ``item`` is read from column number ``column``."""

    item: str
    column: int
    how: How


def load_mapping(mapping: Path | Mapping[str, str] | None) -> dict[str, str]:
    """Read ``--mapping MAP.yaml``: a YAML mapping of item id → column header (see docs/import.md).

    Raises
    ------
    OptionError
        When the file is missing, not YAML, or not a flat mapping of text to text.
    """
    if mapping is None:
        return {}
    source = "the mapping"
    if isinstance(mapping, Path | str):
        path = Path(mapping)
        source = str(path)
        try:
            data = load_yaml(read_text_file(path), source)
        except YamlLimitError as exc:
            raise OptionError(str(exc)) from None
        except FileNotFoundError as exc:
            raise OptionError(f"{path}: mapping file not found; check the path.") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise OptionError(f"{path}: cannot read the mapping file ({exc}).") from exc
        except yaml.YAMLError as exc:
            raise OptionError(
                f"{path}: not valid YAML ({exc}). Write one line per item: "
                "'item_id: Column header'."
            ) from exc
    else:
        data = mapping
    if not isinstance(data, Mapping):
        raise OptionError(
            f"{source} must be a mapping of item id to column header "
            f"(one line per item: 'item_id: Column header'), got {type(data).__name__}."
        )
    out: dict[str, str] = {}
    for key, value in data.items():
        if not isinstance(value, str | int | float) or isinstance(value, bool):
            raise OptionError(
                f"{source}: item '{key}' must map to one column header (text), "
                f"got {type(value).__name__}."
            )
        out[str(key)] = str(value)
    return out


def resolve_column(
    wanted: str, names: Sequence[str], texts: Sequence[Sequence[str]] = ()
) -> int | None:
    """The column whose header (or one of its alternative texts) is ``wanted``.

    Exact header first, then case/space-insensitive, then normalised, then alternative texts.
    """
    if wanted in names:
        return list(names).index(wanted)
    key = " ".join(wanted.split()).casefold()
    for i, name in enumerate(names):
        if " ".join(name.split()).casefold() == key:
            return i
    norm = normalise_text(wanted)
    if not norm:
        return None
    for i, name in enumerate(names):
        if normalise_text(name) == norm:
            return i
    for i, alts in enumerate(texts):
        if any(normalise_text(alt) == norm for alt in alts):
            return i
    return None


def match_columns(
    instruments: Sequence[Instrument],
    names: Sequence[str],
    texts: Sequence[Sequence[str]],
    *,
    mapping: Mapping[str, str],
    excluded: set[int],
    source: str,
) -> tuple[list[Match], list[str]]:
    """Match every instrument item to at most one column.

    Parameters
    ----------
    names, texts
        Header name and alternative texts (question text, ImportId) per column.
    excluded
        Columns that are never items (id, group, platform metadata).

    Returns
    -------
    (matches, warnings)
        Matches in questionnaire order (items, then open questions); warnings for ambiguous
        text matches.
    """
    # Open questions (``comments:``) are matched exactly like items, after them.
    items: list[Item | CommentQuestion] = [
        *(item for instrument in instruments for item in instrument.items),
        *(comment for instrument in instruments for comment in instrument.comments),
    ]
    known = {item.id for item in items}
    unknown = sorted(set(mapping) - known)
    if unknown:
        raise OptionError(
            f"mapping: {', '.join(unknown)} {'is not an item' if len(unknown) == 1 else 'are not items'}"
            f" of the instrument(s) {', '.join(i.id for i in instruments)}; "
            f"the keys of a mapping are item ids (see {action('show')})."
        )
    taken: dict[int, str] = {}
    found: dict[str, Match] = {}
    for item_id, header in mapping.items():
        column = resolve_column(header, names, texts)
        if column is None:
            raise OptionError(
                f"mapping: column '{header}' for item {item_id} is not in {source}. "
                f"Columns are: {_list_columns(names)}."
            )
        if column in taken:
            raise OptionError(
                f"mapping: column '{header}' is mapped to both {taken[column]} and {item_id}; "
                "map each item to its own column."
            )
        taken[column] = item_id
        found[item_id] = Match(item_id, column, "mapping")
    columns = _Header(names, texts, [i for i in range(len(names)) if i not in excluded])
    warnings = columns.match(items, found, taken, source)
    order = {item.id: k for k, item in enumerate(items)}
    return sorted(found.values(), key=lambda m: order[m.item]), warnings


class _Header:
    """The header of the columns that may be items, normalised once for the matching rounds."""

    def __init__(
        self, names: Sequence[str], texts: Sequence[Sequence[str]], free: list[int]
    ) -> None:
        self.names, self.free = names, free
        self.norm_names = {i: normalise_text(names[i]) for i in free}
        self.norm_texts = {
            i: [normalise_text(t) for t in texts[i]] if i < len(texts) else [] for i in free
        }
        self.brackets = {
            i: [normalise_text(b) for s in (names[i], *texts[i]) for b in _BRACKETS.findall(s)]
            for i in free
        }

    def by_id(self, item_id: str) -> list[int]:
        key = item_id.casefold()
        exact = [i for i in self.free if self.names[i].strip().casefold() == key]
        return exact or [
            i for i in self.free if key in (b.replace(" ", "_") for b in self.brackets[i])
        ]

    def exact_text(self, text: str) -> list[int]:
        return [i for i in self.free if self.norm_names[i] == text or text in self.norm_texts[i]]

    def bracket_text(self, text: str) -> list[int]:
        return [i for i in self.free if text in self.brackets[i]]

    def suffix_text(self, text: str) -> list[int]:
        tail = " " + text
        return [
            i
            for i in self.free
            if self.norm_names[i].endswith(tail)
            or any(t.endswith(tail) for t in self.norm_texts[i])
        ]

    def match(
        self,
        items: Sequence[Item | CommentQuestion],
        found: dict[str, Match],
        taken: dict[int, str],
        source: str,
    ) -> list[str]:
        """Match the items not in ``found`` round by round (id, exact text, bracketed text,
        text at the end).

        Raises
        ------
        DataImportError
            When two columns could be one item: two found by the same rule, or one named like
            the item id beside one holding its text. Neither is chosen silently.
        """
        rounds: list[tuple[How, Callable[[str], list[int]]]] = [
            ("id", self.by_id),
            ("text", self.exact_text),
            ("text", self.bracket_text),
            ("text", self.suffix_text),
        ]
        for how, finder in rounds:
            for item in items:
                if item.id in found:
                    continue
                key = item.id if how == "id" else normalise_text(item.text or "")
                if not key:
                    continue
                cands = [c for c in finder(key) if c not in taken]
                if not cands:
                    continue
                if how == "id":
                    cands += [c for c in self.by_text(item) if c not in taken and c not in cands]
                if len(cands) > 1:
                    raise DataImportError(self._ambiguous(item, cands, how, source))
                taken[cands[0]] = item.id
                found[item.id] = Match(item.id, cands[0], how)
        return []

    def by_text(self, item: Item | CommentQuestion) -> list[int]:
        """Columns holding the item's wording, by any of the text rules."""
        text = normalise_text(item.text or "")
        if not text:
            return []
        out: list[int] = []
        for finder in (self.exact_text, self.bracket_text, self.suffix_text):
            out += [c for c in finder(text) if c not in out]
        return out

    def _ambiguous(
        self, item: Item | CommentQuestion, cands: list[int], how: How, source: str
    ) -> str:
        shown = " and ".join(repr(self.names[c]) for c in cands[:4])
        why = (
            "one is named like the item id, the other holds its text"
            if how == "id"
            else "both hold its text"
        )
        return (
            f"{source}: item {item.id} could be read from more than one column: {shown} "
            f"({why}). Say which with {mark('mapping', metavar='MAP.yaml')} (a line "
            f"'{item.id}: <column header>' in a mapping file, see docs/import.md), or remove the "
            "column that is not the answers."
        )


def _list_columns(names: Sequence[str], limit: int = 40) -> str:
    shown = ", ".join(repr(n) for n in names[:limit])
    return shown + (f", ... ({len(names) - limit} more)" if len(names) > limit else "")


def require_column(
    wanted: str, names: Sequence[str], texts: Sequence[Sequence[str]], source: str, option: str
) -> int:
    """Resolve the id or a group column (``option`` names the parameter, e.g. ``"id_column"``);
    a missing column is a :class:`DataImportError` that lists the columns that do exist."""
    column = resolve_column(wanted, names, texts)
    if column is None:
        raise DataImportError(
            f"{source}: {mark(option)} '{wanted}' is not a column of this file. "
            f"Columns are: {_list_columns(names)}."
        )
    same = [i for i, name in enumerate(names) if _same_header(name, names[column])]
    if len(same) > 1:
        # Taking the first would silently drop the other column's values.
        raise DataImportError(
            f"{source}: {option} '{wanted}' names {len(same)} columns of this file (columns "
            f"{', '.join(str(i + 1) for i in same)}, all headed {names[column]!r}), so it is not "
            "clear which one holds the values. Rename the others in the file and import again."
        )
    return column


def _same_header(a: str, b: str) -> bool:
    return " ".join(a.split()).casefold() == " ".join(b.split()).casefold()
