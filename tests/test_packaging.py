"""The wheel carries the instruments and report templates and works outside the checkout.

Builds the wheel with ``python -m build``, installs it (without dependencies) into a fresh venv in a
temporary folder, lets that venv see the already-installed dependencies through a ``.pth`` line
(so the test needs no network), and runs ``cop-eval instruments list`` from outside the checkout.
"""

from __future__ import annotations

import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = Path(__file__).resolve().parent.parent
    out = tmp_path_factory.mktemp("dist")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(out),
            str(root),
        ],
        check=True,
        capture_output=True,
    )
    (path,) = out.glob("cop_eval-*.whl")
    return path


def test_wheel_contains_instruments_and_templates(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "cop_eval/_resources/instruments/le_may_success_factors.yaml" in names
    assert any(n.startswith("cop_eval/_resources/templates/") for n in names)
    assert "cop_eval/py.typed" in names


def test_installed_wheel_lists_instruments_outside_checkout(wheel: Path, tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, capture_output=True)
    pip = venv / "bin" / "pip"
    subprocess.run(
        [str(pip), "install", "--quiet", "--no-deps", "--no-index", str(wheel)], check=True
    )
    site = subprocess.run(
        [
            str(venv / "bin" / "python"),
            "-c",
            "import sysconfig; print(sysconfig.get_paths()['purelib'])",
        ],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    # Dependencies come from the test environment; cop_eval itself must come from the wheel.
    Path(site, "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", encoding="utf-8")
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import cop_eval; print(cop_eval.__file__)"],
        check=True,
        capture_output=True,
        text=True,
        cwd=tmp_path,
    ).stdout.strip()
    assert where.startswith(str(venv)), where
    listing = subprocess.run(
        [str(venv / "bin" / "cop-eval"), "instruments", "list"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert listing.returncode == 0, listing.stderr
    for ident in (
        "strategic_direction_ownership",
        "le_may_success_factors",
        "transfer_of_learning",
    ):
        assert ident in listing.stdout
