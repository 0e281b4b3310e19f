"""How the command line names the library's options in messages (``id_column`` → ``--id-column``).

The library's errors name their options with :func:`cop_eval.errors.option`; :func:`cli_message`
renders such an error with the flags of the command line instead of the Python parameters.
"""

from __future__ import annotations

from cop_eval.errors import CopEvalError

__all__ = ["FLAGS", "cli_message", "cli_term"]

#: library parameter -> command-line option (the default is ``--name-with-dashes``).
FLAGS: dict[str, str] = {
    "instruments": "--instrument",
    "instrument": "--instrument",
    "group_columns": "--group-column",
    "label": "--wave",
    "wave": "--wave",
    "directory": "--project",
    "project": "--project",
}

#: Options whose value is a switch: ``replace=True`` is ``--replace``.
_SWITCHES = {"True"}

#: What the command line says for an :func:`cop_eval.errors.action` (``{}``: its value).
COMMANDS: dict[str, str] = {
    "init": "`cop-eval init {}`",
    "waves": "`cop-eval waves --project DIR`",
    "check": "`cop-eval check DATA --instrument ID`",
    "read": "`cop-eval check`",
    "show": "`cop-eval instruments show ID`",
    "list": "`cop-eval instruments list`",
}


def cli_term(name: str, value: str | None, metavar: str | None = None) -> str:
    """``--flag``, ``--flag value`` or ``--flag METAVAR`` for a library parameter."""
    if name.startswith("do_"):
        text = COMMANDS.get(name.removeprefix("do_"), f"`cop-eval {name.removeprefix('do_')}`")
        return text.format(value if value is not None else "DIR")
    flag = FLAGS.get(name, "--" + name.replace("_", "-"))
    if value is None:
        return f"{flag} {metavar}" if metavar else flag
    if value in _SWITCHES:
        return flag
    return f"{flag} {value}"


def cli_message(exc: CopEvalError) -> str:
    """The error's message as the command line prints it (options written as flags)."""
    return exc.render(cli_term)
