"""The command group: every command is reachable, and light commands stay light."""

from __future__ import annotations

import importlib
import subprocess
import sys

import click
import pytest

from cop_eval.cli import COMMAND_MODULES, main


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


def test_instruments_list_does_not_import_the_statistics() -> None:
    code = (
        "import sys; from cop_eval.cli import main; main(['instruments', 'list']);"
        "print(sorted(m for m in ('scipy', 'statsmodels', 'weasyprint') if m in sys.modules))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip().splitlines()[-1] == "[]"
