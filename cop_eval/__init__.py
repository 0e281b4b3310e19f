"""cop-eval: evaluate how well a Community of Practice is working.

Survey exports in; scored scales, reliability, wave-over-wave comparison and a board report out.
The same steps as the command line, for a notebook (docs/python.md walks through a session)::

    import cop_eval as ce

    inst = ce.load_instrument("le_may_success_factors")
    wave1 = ce.read_responses("wave1.csv", inst, id_column="email", key=b"...")
    ce.reliability(wave1).to_frame()
    ce.compare_waves([wave1, wave2]).to_frame()
    ce.validity([wave1, wave2]).to_frame()
    ce.write_report(ce.build_report([wave1, wave2]), "report.pdf")

Every result is frozen, with ``to_frame()`` (a tidy pandas table) and ``to_dict()`` (the command
line's ``--json`` object). Names are imported on first use, so ``import cop_eval`` stays fast.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from cop_eval.errors import CopEvalError, DataImportError, InstrumentError, OptionError, StoreError

__version__ = "0.1.0"

#: public name -> the module that defines it.
_WHERE = {
    "load_instrument": "cop_eval.instruments",
    "Instrument": "cop_eval.instruments",
    "read_responses": "cop_eval.api",
    "score": "cop_eval.api",
    "reliability": "cop_eval.api",
    "compare_waves": "cop_eval.api",
    "build_report": "cop_eval.api",
    "at_a_glance": "cop_eval.api",
    "write_report": "cop_eval.api",
    "Project": "cop_eval.store",
    "PrivacyPolicy": "cop_eval.privacy",
    "ResponseSet": "cop_eval.responses",
    "ImportReport": "cop_eval.responses",
    "ScoreTable": "cop_eval.measure.scores",
    "ReliabilityResult": "cop_eval.measure.reliability_results",
    "WaveComparison": "cop_eval.compare.results",
    "ReportModel": "cop_eval.report.model",
    "ReportOptions": "cop_eval.report.options",
    "Result": "cop_eval.results",
    "sample_data_dir": "cop_eval.demo",
    "validity": "cop_eval.api",
    "ValidityResult": "cop_eval.measure.validity_results",
}

__all__ = [
    "CopEvalError",
    "DataImportError",
    "ImportReport",
    "Instrument",
    "InstrumentError",
    "OptionError",
    "PrivacyPolicy",
    "Project",
    "ReliabilityResult",
    "ReportModel",
    "ReportOptions",
    "ResponseSet",
    "Result",
    "ScoreTable",
    "StoreError",
    "ValidityResult",
    "WaveComparison",
    "__version__",
    "at_a_glance",
    "build_report",
    "compare_waves",
    "load_instrument",
    "read_responses",
    "reliability",
    "sample_data_dir",
    "score",
    "validity",
    "write_report",
]

if TYPE_CHECKING:
    from cop_eval.api import (
        at_a_glance,
        build_report,
        compare_waves,
        read_responses,
        reliability,
        score,
        validity,
        write_report,
    )
    from cop_eval.compare.results import WaveComparison
    from cop_eval.demo import sample_data_dir
    from cop_eval.instruments import Instrument, load_instrument
    from cop_eval.measure.reliability_results import ReliabilityResult
    from cop_eval.measure.scores import ScoreTable
    from cop_eval.measure.validity_results import ValidityResult
    from cop_eval.privacy import PrivacyPolicy
    from cop_eval.report.model import ReportModel
    from cop_eval.report.options import ReportOptions
    from cop_eval.responses import ImportReport, ResponseSet
    from cop_eval.results import Result
    from cop_eval.store import Project


def __getattr__(name: str) -> Any:
    where = _WHERE.get(name)
    if where is None:
        raise AttributeError(f"module 'cop_eval' has no attribute {name!r}")
    value = getattr(import_module(where), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
