"""Patterns of contact details and identifying numbers in free text, found in the folded skeleton.

Each pattern errs towards redacting: a comment that loses a number it did not need to lose is a
small cost; a phone number in a board report is not. Applied in the order of :data:`PATTERNS`;
a later pattern does not touch text an earlier one took.

- **email**: ``name@example.org``, and the disguised forms people type to dodge filters:
  ``name (at) example (dot) org``, ``name at example dot org``, spaces around ``@`` and dots.
- **url**: ``http(s)://...``, ``www....``, bare domains with a common top-level domain.
- **nhs_number**: ten digits grouped 3-3-4 (or run together) whose NHS check digit is valid.
- **phone**: runs of 9 to 15 digits with spaces, dots, dashes or brackets (UK and international
  forms, ``+44 (0)...``), and extensions (``ext 4321``).
- **staff_number**: a number after a cue (``staff no.``, ``employee ID``, ``payroll number``,
  ``ESR``), National Insurance numbers, codes of letters and five or more digits, and bare
  runs of six to eight digits.
- **postcode**: UK postcodes, in any case (``LS1 4AP``, ``ls14ap``).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

__all__ = ["PATTERNS", "Pattern", "nhs_check_digit_ok"]

_TLDS = (
    "com|org|net|edu|gov|mil|int|info|biz|io|co|me|uk|nhs|ac|sch|ie|eu|de|fr|nl|es|it|us|ca|au|"
    "nz|in|scot|wales|cymru|london|online|site|app|dev|ly|tv"
)
_AT = r"(?:\s*@\s*|\s*[(\[{<]\s*at\s*[)\]}>]\s*|\s+at\s+)"
_DOT = r"(?:\s*\.\s*|\s*[(\[{<]\s*dot\s*[)\]}>]\s*|\s+dot\s+)"
_PLAIN_AT_EMAIL = re.compile(
    r"[a-z0-9_%+'\-]+(?:\s*\.\s*[a-z0-9_%+'\-]+)*\s*@\s*"
    r"[a-z0-9\-]+(?:\s*\.\s*[a-z0-9\-]+)*\s*\.\s*[a-z]{2,}\b",
    re.IGNORECASE,
)
# The spelt-out forms need a known top-level domain, so that "meet at work dot" is left alone.
_SPELT_EMAIL = re.compile(
    rf"[a-z0-9_%+'\-]+(?:{_DOT}[a-z0-9_%+'\-]+)*{_AT}[a-z0-9\-]+(?:{_DOT}[a-z0-9\-]+)*"
    rf"{_DOT}(?:{_TLDS})\b",
    re.IGNORECASE,
)
_URL = re.compile(
    r"(?:(?:https?|ftp)\s*:\s*//|www\s*\.)[^\s<>\"]+"
    rf"|\b[a-z0-9](?:[a-z0-9\-]*[a-z0-9])?(?:\.[a-z0-9\-]+)*\.(?:{_TLDS})\b(?:/[^\s<>\"]*)?",
    re.IGNORECASE,
)
_NHS = re.compile(r"(?<![\d\w])\d{3}[ \-]?\d{3}[ \-]?\d{4}(?![\d\w])")
_PHONE = re.compile(
    r"(?<![\w+])(?:\+|00)?\(?\d[\d \-.()/]{7,}\d(?![\w])"
    r"|\b(?:ext|extn|extension|tel|x)\.?\s*:?\s*\d{3,6}\b",
    re.IGNORECASE,
)
_STAFF = re.compile(
    r"\b(?:staff|employee|payroll|assignment|personnel|badge|esr|employment)\s*"
    r"(?:number|no\.?|num\.?|#|id|ref(?:erence)?)?\s*(?:is\s*)?[:#]?\s*"
    r"(?P<value>[a-z]{0,3}-?\d{3,}[a-z]?)\b"
    r"|\b[a-z]{2}\s?\d{2}\s?\d{2}\s?\d{2}\s?[a-d]\b"  # National Insurance number
    r"|\b[a-z]{1,3}-?\d{5,}\b"
    r"|(?<![\d£$€.,])\b\d{6,8}\b(?![.,]\d)",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b(?:gir\s?0aa|[a-pr-uwyz][a-hk-y]?\d[a-z\d]?\s?\d[abd-hjlnp-uw-z]{2})\b", re.IGNORECASE
)


def nhs_check_digit_ok(digits: str) -> bool:
    """Whether ten digits form a valid NHS number (modulus 11 check digit).

    Examples
    --------
    >>> nhs_check_digit_ok("9434765919"), nhs_check_digit_ok("9434765918")
    (True, False)
    """
    if len(digits) != 10 or not digits.isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def _digits(text: str) -> str:
    return "".join(ch for ch in text if ch.isdigit())


def _is_nhs(text: str) -> bool:
    return nhs_check_digit_ok(_digits(text))


def _is_phone(text: str) -> bool:
    if text[:1].isalpha():  # "ext 4321", "tel: 4321"
        return True
    n = len(_digits(text))
    return 9 <= n <= 15


@dataclass(frozen=True)
class Pattern:
    """A kind of identifying text: its regex and an optional check of each match.

    When the regex has a group ``value`` and it matched, only that group is replaced (the cue
    "staff number" stays, the number goes).
    """

    kind: str
    regex: re.Pattern[str]
    accept: Callable[[str], bool] | None = None


PATTERNS: tuple[Pattern, ...] = (
    Pattern("email", _PLAIN_AT_EMAIL),
    Pattern("email", _SPELT_EMAIL),
    Pattern("url", _URL),
    Pattern("nhs_number", _NHS, _is_nhs),
    Pattern("phone", _PHONE, _is_phone),
    Pattern("staff_number", _STAFF),
    Pattern("postcode", _POSTCODE),
)
