"""The ``cop-eval`` command line: a thin layer over the library.

``main(argv)`` runs in-process (tests call it) and returns the exit code: 0 ok, 1 invalid data or
instrument (a message says what, where and how to fix it), 2 usage error. A user mistake never
shows a Python traceback; set ``COP_EVAL_DEBUG=1`` to see one for an internal error.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Sequence

import click

from cop_eval import __version__
from cop_eval.errors import CopEvalError

__all__ = ["cli", "main", "run"]


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, prog_name="cop-eval")
def cli() -> None:
    """Evaluate a Community of Practice from survey exports.

    \b
    Start with:
      cop-eval instruments list           the built-in questionnaires
      cop-eval check DATA --instrument ID what was read, matched and rejected
      cop-eval demo --out DIR             the whole job on the bundled sample data
    """


def _register() -> None:
    # One line per command module; each module defines click commands and attaches them here.
    from cop_eval.cli import check_cmd, instruments_cmd

    instruments_cmd.register(cli)
    check_cmd.register(cli)
    from cop_eval.cli import project_cmd

    project_cmd.register(cli)
    from cop_eval.cli import serve_cmd

    serve_cmd.register(cli)
    from cop_eval.cli import reliability_cmd, score_cmd

    score_cmd.register(cli)
    reliability_cmd.register(cli)
    from cop_eval.cli import demo_cmd

    demo_cmd.register(cli)
    from cop_eval.cli import report_cmd, template_cmd

    report_cmd.register(cli)
    template_cmd.register(cli)
    from cop_eval.cli import compare_cmd

    compare_cmd.register(cli)


_register()


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
        click.echo(f"error: {exc}", err=True)
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
    """Console-script entry point."""
    sys.exit(main())
