"""The header of an export, read: column names, the texts they may be matched on, the rows a
platform marks as its own test responses. Shared by the platform modules (``qualtrics``,
``surveymonkey``) and :mod:`cop_eval.ingest.layouts`."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = ["Layout", "PreviewRule", "index", "key", "one_row", "pad", "strip_tags"]


@dataclass(frozen=True)
class PreviewRule:
    """Rows whose value in ``column`` (normalised: stripped, casefolded) is in ``values`` are the
    platform's own test rows and are rejected with ``reason``."""

    column: int
    values: frozenset[str]
    reason: str
    #: Values that mark real responses; any other value is named in a warning (empty: no check).
    known: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Layout:
    """The header of an export, read."""

    format: str
    header_rows: int
    names: tuple[str, ...]
    texts: tuple[tuple[str, ...], ...]
    metadata: frozenset[int] = frozenset()
    preview: tuple[PreviewRule, ...] = ()
    warnings: tuple[str, ...] = field(default=())
    #: Values a platform writes in place of a respondent id (Microsoft Forms: "anonymous").
    placeholder_ids: frozenset[str] = frozenset()
    #: When the header looks like another layout than the one read: which, and the option to
    #: give (appended to the messages of a file that cannot be used as read).
    hint: str = ""


def key(text: str) -> str:
    """A header cell folded for lookups: whitespace runs to one space, casefolded."""
    return " ".join(text.split()).casefold()


def index(names: Sequence[str]) -> dict[str, int]:
    """Folded name → first column number."""
    out: dict[str, int] = {}
    for i, name in enumerate(names):
        out.setdefault(key(name), i)
    return out


def pad(record: Sequence[str], width: int) -> list[str]:
    """A record cut or padded with blanks to ``width`` cells."""
    return [*record[:width], *([""] * (width - len(record)))]


def one_row(
    fmt: str,
    records: Sequence[Sequence[str]],
    meta_names: set[str],
    *,
    meta_prefixes: tuple[str, ...] = (),
    placeholder_ids: frozenset[str] = frozenset(),
) -> Layout:
    """A layout with one header row; columns named in ``meta_names`` (or starting with one of
    ``meta_prefixes``) are platform metadata."""
    names = tuple(records[0]) if records else ()
    meta = frozenset(
        i for i, n in enumerate(names) if key(n) in meta_names or key(n).startswith(meta_prefixes)
    )
    return Layout(fmt, 1, names, tuple(() for _ in names), meta, placeholder_ids=placeholder_ids)


_TAG = re.compile(r"<[^<>]{1,200}>")


def strip_tags(text: str) -> str:
    """Header text without the HTML tags some platforms keep in question text."""
    return " ".join(_TAG.sub(" ", text).split()) if "<" in text else text
