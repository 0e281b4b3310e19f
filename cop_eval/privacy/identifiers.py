"""Text that identifies a person, found in places that are not free-text answers.

An answer cell holding an e-mail address or a phone number (typed into a rating question) is
listed in the import report as an unusable value; a subgroup column holding e-mail addresses
would print them as group names. Both use the contact-detail patterns of the comment redaction
(:mod:`cop_eval.comments.patterns`): e-mails (also spelt out), URLs, NHS numbers, phone numbers,
staff numbers and postcodes.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import partial

from cop_eval.comments.patterns import PATTERNS, Pattern

__all__ = [
    "IDENTIFYING_KINDS",
    "looks_identifying",
    "name_key",
    "redact_identifiers",
    "roster_named",
]

#: The kinds that make a group value personal (a postcode or a URL can name a site).
IDENTIFYING_KINDS = frozenset({"email", "phone", "nhs_number"})


def redact_identifiers(text: str) -> str:
    """``text`` with contact details and identifying numbers (not links) replaced by ``[kind]``.

    Examples
    --------
    >>> redact_identifiers("see jo.bloggs@example.org or 07700 900123")
    'see [email] or [phone]'
    >>> redact_identifiers("4")
    '4'
    """
    for pattern in PATTERNS:
        if pattern.kind != "url":  # a link names a page, not a person (and formulas hold links)
            text = pattern.regex.sub(partial(_replace, pattern), text)
    return text


def _replace(pattern: Pattern, match: re.Match[str]) -> str:
    found = match.group(0)
    if pattern.accept is not None and not pattern.accept(found):
        return found
    return f"[{pattern.kind}]"


def looks_identifying(values: Iterable[str]) -> str | None:
    """The kind of personal identifier some value is (``"email"``), or ``None``.

    Examples
    --------
    >>> looks_identifying(["Nurses", "jane.doe@nhs.net"]), looks_identifying(["Site A", "3"])
    ('email', None)
    """
    for value in values:
        for pattern in PATTERNS:
            if pattern.kind not in IDENTIFYING_KINDS:
                continue
            match = pattern.regex.search(value)
            if match and (pattern.accept is None or pattern.accept(match.group(0))):
                return pattern.kind
    return None


def name_key(text: str) -> str:
    """A name as compared with a roster: NFKC, case folded, spaces collapsed.

    Examples
    --------
    >>> name_key("  PRIYA   Shah "), name_key("Ｐｒｉｙａ Shah") == name_key("priya shah")
    ('priya shah', True)
    """
    return " ".join(unicodedata.normalize("NFKC", text).casefold().split())


def roster_named(values: Iterable[str], names: Iterable[str]) -> list[str]:
    """The ``values`` that are a person's name from ``names`` (a roster's names, or the names a
    project redacts), compared by :func:`name_key`.

    Examples
    --------
    >>> roster_named(["North", "priya  SHAH", "Team B"], ["Priya Shah", "Tomasz Nowak"])
    ['priya  SHAH']
    """
    known = {name_key(n) for n in names if name_key(n)}
    return [v for v in values if name_key(v) in known] if known else []
