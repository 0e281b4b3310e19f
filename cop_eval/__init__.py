"""cop-eval: evaluate how well a Community of Practice is working.

Survey exports in; scored scales, reliability, wave-over-wave comparison and a board report out.
"""

from cop_eval.errors import CopEvalError, DataImportError, InstrumentError

__version__ = "0.1.0"

__all__ = ["CopEvalError", "DataImportError", "InstrumentError", "__version__"]
