"""The command group: every command is reachable, and light commands stay light."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import click
import pytest

from cop_eval.cli import COMMAND_MODULES, COMMAND_SUMMARIES, cli, main


def test_every_registered_command_is_in_the_lazy_map() -> None:
    for module_name in set(COMMAND_MODULES.values()):
        group = click.Group()
        importlib.import_module(f"cop_eval.cli.{module_name}").register(group)
        assert group.commands, module_name
        for name in group.commands:
            assert COMMAND_MODULES.get(name) == module_name, (name, module_name)


def test_help_lists_every_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--help"]) == 0
    listed = capsys.readouterr().out.split("Commands:")[1]
    names = {line.split()[0] for line in listed.splitlines() if line.strip()}
    assert names == set(COMMAND_MODULES)


HEAVY = ("numpy", "pandas", "scipy", "statsmodels", "matplotlib", "weasyprint", "pyarrow")


def _modules_imported_by(argv: list[str], candidates: tuple[str, ...]) -> list[str]:
    code = (
        f"import sys; from cop_eval.cli import main; main({argv!r});"
        f"print(sorted(m for m in {candidates!r} if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return list(ast.literal_eval(done.stdout.strip().splitlines()[-1]))


def test_instruments_list_does_not_import_the_data_libraries() -> None:
    assert _modules_imported_by(["instruments", "list"], HEAVY) == []


def test_compare_imports_no_plotting_and_no_scipy_stats() -> None:
    # compare on a small group should start fast: scipy.stats costs ~1 s to import (the
    # distributions come from scipy.special).
    sample = Path(__file__).resolve().parent.parent / "sample_data"
    argv = [
        "compare",
        str(sample / "wave1_qualtrics.csv"),
        str(sample / "wave3_paper.csv"),
        "-i",
        "le_may_success_factors",
        "--id-column",
        "RecipientEmail",
        "--id-column",
        "email",
    ]
    modules = ("scipy.stats", "statsmodels", "pingouin", "matplotlib")
    assert _modules_imported_by(argv, (*modules, "weasyprint")) == []


def test_help_imports_no_command() -> None:
    imported = _modules_imported_by(["--help"], (*HEAVY, "pydantic", "yaml", "rich"))
    assert imported == []


def test_help_summaries_are_the_commands_own() -> None:
    # --help lists commands from COMMAND_SUMMARIES without importing them; they must say what
    # the commands' own help says (its first paragraph).
    assert set(COMMAND_SUMMARIES) == set(COMMAND_MODULES)
    ctx = click.Context(cli)
    for name, summary in COMMAND_SUMMARIES.items():
        command = cli.get_command(ctx, name)
        assert command is not None
        first = " ".join((command.help or "").split("\n\n")[0].split())
        assert summary == first, name


def test_the_console_script_flushes_its_output_and_keeps_its_exit_code() -> None:
    # run() ends the process with os._exit (no interpreter teardown): what was printed must
    # still arrive whole, on both streams, and a user mistake still exits 1.
    def entry(*argv: str) -> subprocess.CompletedProcess[str]:
        code = "from cop_eval.cli import run; run()"
        return subprocess.run(
            [sys.executable, "-c", code, *argv], capture_output=True, text=True, check=False
        )

    listed = entry("instruments", "list")
    assert listed.returncode == 0, listed.stderr
    assert listed.stdout == entry_output(["instruments", "list"])
    missing = entry("score", "no_such_file.csv", "-i", "reflection")
    assert missing.returncode == 1
    assert "no_such_file.csv" in missing.stderr and "Traceback" not in missing.stderr


def entry_output(argv: list[str]) -> str:
    """What ``main(argv)`` prints, in a process that tears down as usual."""
    code = f"from cop_eval.cli import main; raise SystemExit(main({argv!r}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return done.stdout
