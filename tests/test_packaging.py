"""The wheel carries the instruments and report templates and works outside the checkout.

Builds the wheel with ``python -m build``, installs it (without dependencies) into a fresh venv in a
temporary folder, lets that venv see the already-installed dependencies through a ``.pth`` line
(so the test needs no network), and runs ``cop-eval instruments list`` and the notebook session of
docs/python.md (``import cop_eval as ce`` on the bundled sample data) from outside the checkout.
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


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv with the wheel installed (its dependencies seen through a .pth line)."""
    venv = tmp_path_factory.mktemp("installed") / "venv"
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
    return venv


def test_installed_wheel_lists_instruments_outside_checkout(
    installed: Path, tmp_path: Path
) -> None:
    venv = installed
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


def test_installed_wheel_runs_the_python_walkthrough(installed: Path, tmp_path: Path) -> None:
    """docs/python.md, run as a doctest by the wheel's Python in a folder outside the checkout."""
    page = tmp_path / "python.md"
    page.write_text(
        (Path(__file__).resolve().parent.parent / "docs" / "python.md").read_text("utf-8"), "utf-8"
    )
    run = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-m",
            "doctest",
            "-o",
            "ELLIPSIS",
            "-o",
            "NORMALIZE_WHITESPACE",
            page.name,
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"HOME": str(tmp_path), "PATH": "/usr/bin:/bin", "MPLBACKEND": "Agg"},
    )
    assert run.returncode == 0, run.stdout[-4000:] + run.stderr[-2000:]
    assert not (tmp_path / ".config" / "cop-eval").exists()  # no key made in the (fake) home
