"""cop-eval: evaluate how well a Community of Practice is working.

Survey exports in; scored scales, reliability, wave-over-wave comparison and a board report out.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from cop_eval.errors import CopEvalError, DataImportError, InstrumentError

if TYPE_CHECKING:
    from cop_eval.measure.validity import validity
    from cop_eval.measure.validity_results import ValidityResult

__version__ = "0.1.0"

#: public names imported on first use, so ``import cop_eval`` (and the light commands) does
#: not pay for scipy and statsmodels.
_LAZY: dict[str, str] = {
    "validity": "cop_eval.measure.validity",
    "ValidityResult": "cop_eval.measure.validity_results",
}

__all__ = [
    "CopEvalError",
    "DataImportError",
    "InstrumentError",
    "ValidityResult",
    "__version__",
    "validity",
]


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'cop_eval' has no attribute {name!r}")
