"""Names to redact from a roster: its name columns, and the names inside its e-mail addresses.

A roster's ids are pseudonymised before storage, so the names a comment might mention are taken
from the file when it is imported and kept only as sealed redaction terms
(:meth:`cop_eval.store.comments.CommentStore.add_terms`): ``priya.shah@example.org`` gives
"Priya Shah"; columns headed Name, Full name, First name, Surname, ... give their values.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

__all__ = ["NAME_COLUMNS", "name_from_id", "names_in_roster"]

#: Column headings (any case) whose values are people's names.
NAME_COLUMNS = frozenset(
    {"name", "full name", "first name", "firstname", "forename", "given name", "surname",
     "last name", "lastname", "family name", "member", "member name", "display name"}
)  # fmt: skip
_SPLIT = re.compile(r"[._\-+]+")


def name_from_id(identifier: str) -> str | None:
    """The name inside an id: the words of an e-mail's local part, or a name typed as the id.

    Examples
    --------
    >>> name_from_id("priya.shah@example.org"), name_from_id("Tomasz Nowak"), name_from_id("E1234")
    ('Priya Shah', 'Tomasz Nowak', None)
    """
    text = identifier.strip()
    if "@" in text:
        words = [w for w in _SPLIT.split(text.split("@", 1)[0]) if w.isalpha() and len(w) > 1]
        return " ".join(w.capitalize() for w in words) or None
    words = text.split()
    if words and all(re.fullmatch(r"[^\W\d_]+(?:['\-][^\W\d_]+)*", w) for w in words):
        return text
    return None


def names_in_roster(path: Path, id_column: str | None = None) -> list[str]:
    """Every name a roster file holds (see the module notes), without duplicates."""
    from cop_eval.ingest.lists import find_column, read_list_table
    from cop_eval.ingest.registers import ID_CANDIDATES

    table = read_list_table(path)
    found: list[str] = []
    index = find_column(table, id_column, "the member ids", ID_CANDIDATES, required=False)
    if index is not None:
        found += [n for v in table.column(index) if v and (n := name_from_id(str(v)))]
    for k, header in enumerate(table.names):
        if " ".join(str(header).split()).casefold() in NAME_COLUMNS:
            found += [str(v).strip() for v in table.column(k) if v and str(v).strip()]
    return _unique(found)


def _unique(names: Iterable[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for name in names:
        if name.casefold() not in seen:
            seen.add(name.casefold())
            out.append(name)
    return out
