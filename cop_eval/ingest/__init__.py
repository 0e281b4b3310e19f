"""Survey import: export files in, a validated :class:`~cop_eval.tables.ResponseSet` out.

One module per container (``csv_source``, ``excel_source``, ``spss_source``), platform header
layouts in ``layouts``, column matching in ``matching``, answer recoding in ``recode``; the
pipeline is :func:`read_responses`. See docs/import.md.
"""

from cop_eval.ingest.layouts import FORMATS
from cop_eval.ingest.matching import load_mapping, normalise_text
from cop_eval.ingest.reader import MAX_PROBLEMS_PER_ITEM, open_source, read_responses

__all__ = [
    "FORMATS",
    "MAX_PROBLEMS_PER_ITEM",
    "load_mapping",
    "normalise_text",
    "open_source",
    "read_responses",
]
