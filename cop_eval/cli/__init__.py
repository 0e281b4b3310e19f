"""The ``cop-eval`` command line: a thin layer over the library.

``main(argv)`` runs in-process (tests call it) and returns the exit code: 0 ok, 1 invalid data or
instrument (a message says what, where and how to fix it), 2 usage error. A user mistake never
shows a Python traceback; set ``COP_EVAL_DEBUG=1`` to see one for an internal error.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Sequence

import click

from cop_eval import __version__
from cop_eval.errors import CopEvalError

__all__ = ["cli", "main", "run"]


#: command name -> the module that defines it (and attaches it with ``register(group)``).
#: Modules are imported when their command runs, so ``cop-eval instruments list`` does not pay
#: for scipy, pandas or WeasyPrint.
COMMAND_MODULES: dict[str, str] = {
    "instruments": "instruments_cmd",
    "template": "template_cmd",
    "check": "check_cmd",
    "score": "score_cmd",
    "reliability": "reliability_cmd",
    "compare": "compare_cmd",
    "equity": "equity_cmd",
    "dashboard": "dashboard_cmd",
    "report": "report_cmd",
    "init": "project_cmd",
    "import": "project_cmd",
    "waves": "project_cmd",
    "project": "cycle_cmd",
    "members": "cycle_cmd",
    "attendance": "attendance_cmd",
    "actions": "actions_cmd",
    "comments": "comments_cmd",
    "demo": "demo_cmd",
    "serve": "serve_cmd",
    "validity": "validity_cmd",
}


#: command name -> the first paragraph of its help, so ``cop-eval --help`` lists the commands
#: without importing any of them (tests/test_cli.py checks these against the commands' help).
#: A command missing here is imported to list it: correct, only slower.
COMMAND_SUMMARIES: dict[str, str] = {
    "actions": "The actions the group agreed after a survey wave, and what they should move.",
    "attendance": "The attendance register: who came to which meeting (ids hashed on import).",
    "check": "Show what was read from DATA, how columns matched items, and which rows were "
    "rejected.",
    "comments": "Themes of the free-text answers: redacted, coded, counted per wave and subgroup.",
    "compare": "Compare scale scores across waves: change, effect size, verdict (and trend for 3+ "
    "waves).",
    "dashboard": "The status of every stage, success factor, identity level and value cycle at a "
    "glance.",
    "demo": "Import the three sample waves, analyse them and write the board report.",
    "equity": "Equity between subgroups: each subgroup's gap to the rest, per scale and wave.",
    "import": "Add the survey export DATA to a project as one wave (all of it, or nothing).",
    "init": "Create a project in DIRECTORY: a database of waves and a secret key for pseudonyms.",
    "instruments": "List, show and validate questionnaire definitions.",
    "members": "Who was invited to each wave: a number per subgroup, or a roster of members.",
    "project": "The project's context: the group, the purpose of the evaluation, its sponsor.",
    "reliability": "Alpha (with CI), standardised alpha, average r, omega and item statistics per "
    "scale.",
    "report": "Write the board report (PDF; optionally HTML and the tables as XLSX/CSV).",
    "score": "Score every scale (and classification) of an instrument for each respondent.",
    "serve": "Start the web app on this computer and print its address.",
    "template": "A blank response template (CSV) or a printable questionnaire (HTML/PDF).",
    "validity": "Factor structure of the instrument's scales (CFA) and invariance across waves "
    "or groups.",
    "waves": "List the waves stored in a project (and, with --audit, who changed what and when).",
}


class LazyGroup(click.Group):
    """A group that imports a command's module only when the command is used (or listed)."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(set(super().list_commands(ctx)) | set(COMMAND_MODULES))

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The command list of ``--help``, from :data:`COMMAND_SUMMARIES` where it can."""
        names = self.list_commands(ctx)
        if not names:
            return
        limit = formatter.width - 6 - max(len(n) for n in names)
        rows = []
        for name in names:
            if name in COMMAND_SUMMARIES and name not in self.commands:
                stand_in = click.Command(name, help=COMMAND_SUMMARIES[name])
                summary = stand_in.get_short_help_str(limit)
            else:
                cmd = self.get_command(ctx, name)
                if cmd is None or cmd.hidden:
                    continue
                summary = cmd.get_short_help_str(limit)
            rows.append((name, summary))
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands and cmd_name in COMMAND_MODULES:
            module = importlib.import_module(f"cop_eval.cli.{COMMAND_MODULES[cmd_name]}")
            module.register(self)
        return super().get_command(ctx, cmd_name)


@click.group(
    cls=LazyGroup,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@click.version_option(__version__, prog_name="cop-eval")
def cli() -> None:
    """Evaluate a Community of Practice from survey exports.

    \b
    Start with:
      cop-eval instruments list           the built-in questionnaires
      cop-eval check DATA --instrument ID what was read, matched and rejected
      cop-eval demo --out DIR             the whole job on the bundled sample data
      cop-eval COMMAND --help             the options of one command
    """


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return the exit code."""
    args = list(sys.argv[1:] if argv is None else argv)
    try:
        result = cli.main(args=args, prog_name="cop-eval", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("Aborted.", err=True)
        return 1
    except click.ClickException as exc:  # usage errors: bad option, missing argument
        exc.show()
        return exc.exit_code
    except CopEvalError as exc:
        from cop_eval.cli.terms import cli_message

        click.echo(f"error: {cli_message(exc)}", err=True)
        return 1
    except KeyboardInterrupt:
        click.echo("Interrupted.", err=True)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as exc:  # a bug, not a user mistake: short message, details on request
        if os.environ.get("COP_EVAL_DEBUG"):
            traceback.print_exc()
        click.echo(
            f"internal error: {type(exc).__name__}: {exc}\n"
            "This is a bug in cop-eval, not in your data. Run again with COP_EVAL_DEBUG=1 and "
            "report the output.",
            err=True,
        )
        return 1
    return result if isinstance(result, int) else 0


def run() -> None:
    """Console-script entry point.

    When the command is done, its files are written and closed and its output flushed: the
    process then ends without tearing down the interpreter (freeing every module and object
    takes 0.3-0.5 s after a report; nothing of cop-eval waits for it).
    """
    code = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe (``| head``)
            stream.flush()
    os._exit(code)
