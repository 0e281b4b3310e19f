"""Survey import: export files in, a validated :class:`~cop_eval.responses.ResponseSet` out.

One module per container (``csv_source``, ``excel_source``, ``spss_source``; chosen by
``sources``), platform header layouts in ``layouts``, column matching in ``matching``, answer
recoding in ``recode``, the report in ``report``; the pipeline is :func:`read_responses`
(``reader``). See docs/import.md.
"""

from cop_eval.ingest.layouts import FORMATS
from cop_eval.ingest.matching import load_mapping, normalise_text
from cop_eval.ingest.reader import read_responses
from cop_eval.ingest.report import MAX_PROBLEMS_PER_ITEM
from cop_eval.ingest.sources import open_source

__all__ = [
    "FORMATS",
    "MAX_PROBLEMS_PER_ITEM",
    "load_mapping",
    "normalise_text",
    "open_source",
    "read_responses",
]
