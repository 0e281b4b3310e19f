"""The system-library check names the Debian packages to install."""

import ctypes.util

import pytest

from cop_eval import syscheck


def test_all_present_on_this_machine() -> None:
    # CI installs them (.ci/run); a developer machine without them gets the message below.
    assert syscheck.missing_libraries() == []
    assert syscheck.main() == 0


def test_missing_library_gives_install_command(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    real = ctypes.util.find_library
    monkeypatch.setattr(
        ctypes.util, "find_library", lambda name: None if name == "pango-1.0" else real(name)
    )
    assert syscheck.main() == 1
    err = capsys.readouterr().err
    assert "pango-1.0" in err
    assert "sudo apt-get install libpango-1.0-0" in err
