"""Answers → numeric codes, vectorised over distinct values.

A column is recoded once per *distinct* value (there are a handful in a Likert column, however
many respondents), then expanded with the column's dictionary indices. Every cell gets a status:

``ANSWERED``      a code of the item's response scale
``BLANK``         empty
``MISSING_LABEL`` an answer that means "no answer" ("Don't know", "Not applicable", "N/A")
``OUT_OF_RANGE``  a number that is not one of the scale's codes
``UNPARSEABLE``   text that is neither a number nor a label (formula-like text included: it is
                  compared as text and never evaluated)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from cop_eval.ingest.matching import normalise_text
from cop_eval.instruments import ResponseScale

__all__ = [
    "ANSWERED",
    "BLANK",
    "MISSING_LABEL",
    "OUT_OF_RANGE",
    "UNPARSEABLE",
    "Recoded",
    "recode_column",
]

ANSWERED, BLANK, MISSING_LABEL, OUT_OF_RANGE, UNPARSEABLE = 0, 1, 2, 3, 4

#: Answers that mean "no answer" on every platform, beside the instrument's own missing labels.
GENERIC_MISSING = frozenset(
    normalise_text(t)
    for t in (
        "N/A",
        "NA",
        "n.a.",
        "Not applicable",
        "Don't know",
        "Do not know",
        "Prefer not to say",
        "Prefer not to answer",
        "No answer",
        "Not answered",
        "Skipped",
    )
)
#: Numeric codes platforms write for "seen but not answered" (Qualtrics -99; SPSS exports often
#: declare them as user-missing, in which case pyreadstat already returns them as missing).
PLATFORM_MISSING_CODES = {"qualtrics": (-99.0,)}

_NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")
_NUM_LABEL = re.compile(r"^([+-]?\d+(?:[.,]\d+)?)\s*(?:[-–—=:.)]\s*|\s+)(\S.*)$")
_LABEL_NUM = re.compile(r"^([^=+@-].*\S)\s*[(\[]\s*(\d+)\s*[)\]]$")
#: Text a spreadsheet would take for a formula: compared as text, never interpreted.
_FORMULA_START = ("=", "+", "-", "@")


@dataclass(frozen=True)
class Recoded:
    """One column, recoded: float32 codes (NaN unless answered) and an int8 status per cell."""

    values: npt.NDArray[np.float32]
    status: npt.NDArray[np.int8]
    #: Codes were translated through value labels that disagree with the instrument's codes.
    translated: bool = False


class _ScaleLookup:
    def __init__(self, scale: ResponseScale, extra_missing: Mapping[str, None] | None = None):
        self.lo, self.hi = scale.min, scale.max
        self.labels = {normalise_text(text): code for code, text in scale.labels.items()}
        self.missing = {normalise_text(t) for t in scale.missing_labels} | set(GENERIC_MISSING)
        if extra_missing:
            self.missing |= {normalise_text(t) for t in extra_missing}
        self.missing.discard("")

    def number(self, value: float) -> tuple[float, int]:
        if value != value:
            return np.nan, BLANK
        if self.lo <= value <= self.hi and float(value).is_integer():
            return float(value), ANSWERED
        return np.nan, OUT_OF_RANGE

    def text(self, raw: str) -> tuple[float, int]:
        text = raw.strip()
        if not text:
            return np.nan, BLANK
        if _NUMBER.match(text):
            return self.number(float(text.replace(",", ".")))
        if text.startswith(_FORMULA_START):
            return np.nan, UNPARSEABLE
        norm = normalise_text(text)
        if norm in self.labels:
            return float(self.labels[norm]), ANSWERED
        if norm in self.missing:
            return np.nan, MISSING_LABEL
        for pattern, num_first in ((_NUM_LABEL, True), (_LABEL_NUM, False)):
            found = pattern.match(text)
            if not found:
                continue
            num_text, label = found.groups() if num_first else found.groups()[::-1]
            number = float(num_text.replace(",", "."))
            code = self.labels.get(normalise_text(label))
            if code is not None and (code == number or not (self.lo <= number <= self.hi)):
                return float(code), ANSWERED
            if normalise_text(label) in self.missing:
                return np.nan, MISSING_LABEL
            if code is None:
                return self.number(number)
            return np.nan, UNPARSEABLE  # the number and the label disagree
        return np.nan, UNPARSEABLE


def _as_array(column: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(column, pa.ChunkedArray):
        if pa.types.is_dictionary(column.type) and column.num_chunks > 1:
            column = column.unify_dictionaries()  # chunks read in parallel have their own
        return column.combine_chunks() if column.num_chunks != 1 else column.chunk(0)
    return column


def recode_column(
    column: pa.ChunkedArray | pa.Array,
    scale: ResponseScale,
    *,
    value_labels: Mapping[float, str] | None = None,
    missing_codes: tuple[float, ...] = (),
) -> Recoded:
    """Recode one item column against the item's response scale.

    Parameters
    ----------
    column
        The cells as read (numbers, text, or nulls).
    scale
        The item's response scale (codes ``min..max``, labels, missing labels).
    value_labels
        SPSS-style labels of the column's codes. Codes are used as they are when every code in
        the column is labelled with the instrument's label for the *same* code (or has no label);
        otherwise codes are translated through their labels (e.g. 0..4 labelled "Strongly
        disagree".."Strongly agree" for an instrument coded 1..5).
    missing_codes
        Numbers that mean "no answer" for this platform (e.g. Qualtrics ``-99``).
    """
    lookup = _ScaleLookup(scale)
    array = _as_array(column)
    n = len(array)
    if pa.types.is_null(array.type) or n == 0:
        return Recoded(np.full(n, np.nan, np.float32), np.full(n, BLANK, np.int8))
    if pa.types.is_dictionary(array.type) and pa.types.is_string(array.type.value_type):
        encoded = array  # already one entry per distinct text (pyarrow's auto_dict_encode)
    else:
        if pa.types.is_dictionary(array.type):
            array = array.cast(array.type.value_type)
        encoded = None
    numeric = pa.types.is_integer(array.type) or pa.types.is_floating(array.type)
    if encoded is None and numeric and not value_labels and not missing_codes:
        return _recode_numbers(array, lookup)
    if encoded is None:
        if numeric:
            array = pc.cast(array, pa.float64())
        elif not pa.types.is_string(array.type) and not pa.types.is_large_string(array.type):
            array = pc.cast(array, pa.string()) if not pa.types.is_binary(array.type) else array
        encoded = pc.dictionary_encode(array)
    dictionary = encoded.dictionary.to_pylist()
    table_values = np.empty(len(dictionary) + 1, np.float32)
    table_status = np.empty(len(dictionary) + 1, np.int8)
    translate, disagrees = (
        _label_translation(value_labels, lookup) if value_labels else (None, False)
    )
    for k, entry in enumerate(dictionary):
        if isinstance(entry, bytes):
            entry = entry.decode("utf-8", "replace")
        if isinstance(entry, float | int):
            if entry in missing_codes:
                value, status = np.nan, MISSING_LABEL
            elif translate is not None and entry in translate:
                value, status = translate[entry]
            else:
                value, status = lookup.number(float(entry))
        else:
            value, status = lookup.text(str(entry))
            if (
                status == OUT_OF_RANGE
                and missing_codes
                and float(str(entry).strip().replace(",", ".")) in missing_codes
            ):
                value, status = np.nan, MISSING_LABEL
        table_values[k], table_status[k] = value, status
    table_values[-1], table_status[-1] = np.nan, BLANK
    indices = encoded.indices.fill_null(len(dictionary)).to_numpy(zero_copy_only=False)
    return Recoded(table_values[indices], table_status[indices], translated=disagrees)


def _recode_numbers(array: pa.Array, lookup: _ScaleLookup) -> Recoded:
    if pa.types.is_signed_integer(array.type):
        recoded = _recode_integers(array, lookup)
        if recoded is not None:
            return recoded
    values = pc.cast(array, pa.float64()).to_numpy(zero_copy_only=False)
    blank = np.isnan(values)
    valid = (values >= lookup.lo) & (values <= lookup.hi) & (values == np.floor(values))
    status = np.where(valid, ANSWERED, np.where(blank, BLANK, OUT_OF_RANGE)).astype(np.int8)
    out = np.where(valid, values, np.nan).astype(np.float32)
    return Recoded(out, status)


def _recode_integers(array: pa.Array, lookup: _ScaleLookup) -> Recoded | None:
    """Integer cells through a table of the scale's codes (``None`` if its ends are not whole).

    The same result as the float path in two passes over small arrays: each cell is clipped to
    ``lo - 1 .. hi + 1`` (the two out-of-range slots) and looked up; nulls are blank.
    """
    if not (float(lookup.lo).is_integer() and float(lookup.hi).is_integer()):
        return None
    lo, hi = int(lookup.lo), int(lookup.hi)
    raw = array.fill_null(lo).to_numpy(zero_copy_only=False)
    if len(raw) and lo <= raw.min() and raw.max() <= hi:  # every answer in range: the usual
        return _in_range(array, raw)
    codes = np.arange(lo, hi + 1, dtype=np.float32)
    values = np.concatenate([[np.nan], codes, [np.nan, np.nan]]).astype(np.float32)
    status = np.full(len(values), ANSWERED, np.int8)
    status[[0, -2]], status[-1] = OUT_OF_RANGE, BLANK
    slot = np.clip(raw.astype(np.int64, copy=False), lo - 1, hi + 1) - (lo - 1)
    if array.null_count:
        slot[array.is_null().to_numpy(zero_copy_only=False)] = len(values) - 1
    return Recoded(values[slot], status[slot])


def _in_range(array: pa.Array, raw: npt.NDArray[np.integer[Any]]) -> Recoded:
    """Integer cells all within the scale (nulls filled in ``raw``): each code as it is,
    NaN and blank where null. One conversion and one pass over the validity bits."""
    values = raw.astype(np.float32)
    if not array.null_count:
        return Recoded(values, np.full(len(values), ANSWERED, np.int8))
    bits = np.frombuffer(array.buffers()[0], np.uint8)
    valid = np.unpackbits(bits, count=array.offset + len(array), bitorder="little")
    null = valid[array.offset :] == 0
    values[null] = np.nan
    return Recoded(values, np.where(null, np.int8(BLANK), np.int8(ANSWERED)))


def _label_translation(
    value_labels: Mapping[float, str], lookup: _ScaleLookup
) -> tuple[dict[float, tuple[float, int]] | None, bool]:
    """Codes → (value, status) through their labels.

    Returns ``(translation, disagrees)``: no translation when the labels belong to another scale
    (the codes are used as they are); ``disagrees`` when some label names another code of the
    instrument than the code it labels. Codes labelled as missing answers ("Don't know" = 9)
    are translated to missing without counting as a disagreement.
    """
    translated: dict[float, tuple[float, int]] = {}
    disagrees = False
    for code, label in value_labels.items():
        norm = normalise_text(str(label))
        if norm in lookup.labels:
            translated[float(code)] = (float(lookup.labels[norm]), ANSWERED)
            disagrees |= float(lookup.labels[norm]) != float(code)
        elif norm in lookup.missing:
            translated[float(code)] = (np.nan, MISSING_LABEL)
        else:
            return None, False  # labels of another scale: trust the codes
    return translated, disagrees
