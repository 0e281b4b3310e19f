"""Text that identifies a person, found in places that are not free-text answers.

An answer cell holding an e-mail address or a phone number (typed into a rating question) is
listed in the import report as an unusable value; a subgroup column holding e-mail addresses
would print them as group names. Both use the contact-detail patterns of the comment redaction
(:mod:`cop_eval.comments.patterns`): e-mails (also spelt out), URLs, NHS numbers, phone numbers,
staff numbers and postcodes.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import partial

from cop_eval.comments.patterns import PATTERNS, Pattern

__all__ = ["IDENTIFYING_KINDS", "looks_identifying", "redact_identifiers"]

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
