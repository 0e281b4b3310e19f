"""Instrument definitions: the schema (pydantic), the loader and the built-in library.

An instrument is data, not code: a YAML file that lists items, the scales they score into, the
response scale, provenance and licence, and optional classification rules (e.g. McDermott's identity
continuum). :func:`load_instrument` takes a built-in id (``le_may_success_factors``) or a path, and
turns every problem in the file into one :class:`~cop_eval.errors.InstrumentError` that lists each
problem with its location.

Nothing here reverses items automatically: keying is declared per item (``reverse: true``) and applied
against the declared response scale, never the data's range.
"""

from cop_eval.instruments.loader import (
    builtin_instrument_ids,
    instruments_dir,
    load_builtin_instruments,
    load_instrument,
    load_instruments,
    parse_instrument,
)
from cop_eval.instruments.schema import (
    ClassificationLevel,
    CommentQuestion,
    ContinuumClassification,
    Instrument,
    Item,
    License,
    ProfileClassification,
    PublishedReliability,
    ResponseScale,
    Scale,
    Source,
    StatusRules,
)

__all__ = [
    "ClassificationLevel",
    "CommentQuestion",
    "ContinuumClassification",
    "Instrument",
    "Item",
    "License",
    "ProfileClassification",
    "PublishedReliability",
    "ResponseScale",
    "Scale",
    "Source",
    "StatusRules",
    "builtin_instrument_ids",
    "instruments_dir",
    "load_builtin_instruments",
    "load_instrument",
    "load_instruments",
    "parse_instrument",
]
