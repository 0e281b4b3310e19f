"""Exception hierarchy.

Every error a user can cause is a :class:`CopEvalError` (a ``ValueError``). Its message says what is
wrong, where (file, row, column, item id or key path) and how to fix it; the command line prints the
message and exits 1 without a traceback.
"""

from __future__ import annotations

from collections.abc import Sequence


class CopEvalError(ValueError):
    """Base class for every error caused by user input (data, instrument, options)."""


class InstrumentError(CopEvalError):
    """An instrument definition (YAML) is missing, unreadable or invalid.

    Parameters
    ----------
    source
        The file or built-in id the problems were found in.
    problems
        One line per problem, each naming its location (key path, item id).
    """

    def __init__(self, source: str, problems: Sequence[str]) -> None:
        self.source = source
        self.problems = tuple(problems)
        count = len(self.problems)
        head = f"{source}: {count} problem{'s' if count != 1 else ''} in the instrument definition:"
        super().__init__("\n".join([head, *(f"  - {p}" for p in self.problems)]))


class DataImportError(CopEvalError):
    """A survey export cannot be read or used at all (as opposed to rows that are rejected)."""


class OptionError(CopEvalError):
    """Options given together do not make sense (e.g. a column that does not exist)."""


class StoreError(CopEvalError):
    """A project store is missing, locked, corrupt or from a newer version of cop-eval."""
