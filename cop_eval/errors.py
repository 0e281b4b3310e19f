"""Exception hierarchy, and how messages name the caller's options.

Every error a user can cause is a :class:`CopEvalError` (a ``ValueError``). Its message says what is
wrong, where (file, row, column, item id or key path) and how to fix it; the command line prints the
message and exits 1 without a traceback.

Messages speak the library's language: an option is named with :func:`option`, which reads as
the Python parameter (``id_column``, ``design='independent'``) in ``str(error)``, and as the
command-line option (``--id-column``, ``--design independent``) when the command line renders the
same error with :meth:`CopEvalError.render`. ``error.options`` lists the parameters a message
names, for a caller that wants to point at its own inputs (a form field, a flag).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

__all__ = [
    "CopEvalError",
    "DataImportError",
    "InstrumentError",
    "OptionError",
    "StoreError",
    "action",
    "option",
    "python_term",
    "render",
]

_MARK, _VALUE, _METAVAR = "\x1f", "\x1e", "\x1d"
_MARKED = re.compile(
    f"{_MARK}([A-Za-z_][A-Za-z0-9_]*)(?:([{_VALUE}{_METAVAR}])([^{_MARK}]*))?{_MARK}"
)

#: ``term(name, value, metavar)``: how an option is written in a message (``value`` ``None``:
#: the name only; ``metavar``: what a command line shows after its flag, e.g. ``MAP.yaml``).
Term = Callable[[str, "str | None", "str | None"], str]


def option(name: str, value: object = None, *, metavar: str | None = None) -> str:
    """Name a parameter (and optionally its value) inside a message.

    ``metavar`` is shown by the command line only (``--mapping MAP.yaml``); the library's text
    names the parameter alone (``mapping``).

    Examples
    --------
    >>> str(OptionError(f"give {option('labels')}, or use {option('design', 'independent')}"))
    "give labels, or use design='independent'"
    """
    if value is None and metavar is None:
        return f"{_MARK}{name}{_MARK}"
    kind, text = (_VALUE, str(value)) if value is not None else (_METAVAR, str(metavar))
    for char in (_MARK, _VALUE, _METAVAR):
        text = text.replace(char, "")
    return f"{_MARK}{name}{kind}{text}{_MARK}"


def action(name: str, value: object = None) -> str:
    """Name a thing to do in a message (``"init"``, ``"check"``, ``"waves"``): the library's text
    names the Python call, the command line its command."""
    return option(f"{_ACTION}{name}", value)


_ACTION = "do_"

#: What the library's text says for an :func:`action` (``{}``: its value).
PYTHON_ACTIONS = {
    "init": "Project.create({!r})",
    "waves": "Project.waves()",
    "check": "the import report (ResponseSet.report)",
    "read": "read_responses",
    "show": "load_instrument(ID).item_ids",
    "list": "cop_eval.instruments.builtin_instrument_ids()",
}


def python_term(name: str, value: str | None, metavar: str | None = None) -> str:
    """An option as a Python caller writes it: ``id_column``, ``design='independent'``."""
    if name.startswith(_ACTION):
        text = PYTHON_ACTIONS.get(name.removeprefix(_ACTION), name.removeprefix(_ACTION))
        return text.format(value) if value is not None else text.replace("{!r}", "...")
    if value is None:
        return name
    if value in ("True", "False") or value.lstrip("-").replace(".", "", 1).isdigit():
        return f"{name}={value}"
    return f"{name}={value!r}"


def render(text: str, term: Term = python_term) -> str:
    """``text`` with its :func:`option` marks written by ``term`` (default: as Python names).

    For text that is not an exception (a warning in an import report): it is stored as the
    library says it.
    """
    return _MARKED.sub(lambda m: _term(term, m), text)


def _term(term: Term, match: re.Match[str]) -> str:
    name, kind, text = match.group(1), match.group(2), match.group(3)
    if kind == _METAVAR:
        return term(name, None, text)
    return term(name, text, None)


class CopEvalError(ValueError):
    """Base class for every error caused by user input (data, instrument, options)."""

    def __str__(self) -> str:
        return self.render(python_term)

    def render(self, term: Term) -> str:
        """The message with every option written by ``term`` (the command line passes its own)."""
        return render(super().__str__(), term)

    @property
    def options(self) -> tuple[str, ...]:
        """The parameters the message names, in order (``("id_column", "design")``)."""
        names = [m.group(1) for m in _MARKED.finditer(super().__str__())]
        return tuple(dict.fromkeys(names))


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
