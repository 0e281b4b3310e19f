"""``cop-eval comments``: the analysis on files and on a project, review and redact, and the
coding-sheet round trip with kappa against a second coder and the automatic coding."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cop_eval.cli import main
from cop_eval.comments.codebook import load_codebook
from cop_eval.demo import load_manifest
from cop_eval.stats.kappa import cohen_kappa

WAVES = load_manifest().waves
INSTRUMENTS = ["le_may_success_factors", "transfer_of_learning", "strategic_direction_ownership"]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def instrument_args() -> list[str]:
    return [a for i in INSTRUMENTS for a in ("-i", i)]


def test_comments_on_the_sample_files(capsys: pytest.CaptureFixture[str]) -> None:
    groups = [a for w in WAVES for a in ("--group-column", w.group_column)]
    code, out, err = run(
        capsys, "comments", *(str(w.path) for w in WAVES), *instrument_args(), *groups,
        "--labels", ",".join(w.label for w in WAVES), "--json",
    )  # fmt: skip
    assert code == 0, err
    doc = json.loads(out)
    assert [w["label"] for w in doc["waves"]] == [w.label for w in WAVES]
    assert doc["threshold"] == 10 and "Trainers" in doc["hidden_groups"]
    reflect = next(t for t in doc["themes"] if t["theme"] == "time_to_reflect")
    assert reflect["stage"] == 3 and len(reflect["by_wave"]) == 3 and len(reflect["ci"]) == 2
    # the demo's story: asking for time to reflect fades as stage 3 improves
    shares = [c["share"] for c in reflect["by_wave"]]
    assert shares[0] > shares[-1]
    code, out, _ = run(capsys, "comments", str(WAVES[0].path), "-i", "reflection")
    assert code == 1
    code, _, err = run(
        capsys, "comments", str(WAVES[0].path), "-i", "le_may_success_factors",
        "--min-comment-group-size", "3",
    )  # fmt: skip
    assert code == 1 and "cannot be below" in err and "--min-comment-group-size" in err


def test_project_review_redact_export_import_agreement(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = str(tmp_path / "p")
    assert run(capsys, "init", project)[0] == 0
    for w in WAVES:
        code, _, err = run(
            capsys, "import", str(w.path), "--project", project, "--wave", w.label,
            "--date", w.date.isoformat(), *instrument_args(), "--id-column", w.id_column,
            "--group-column", w.group_column,
        )  # fmt: skip
        assert code == 0, err
    code, out, _ = run(capsys, "comments", "review", "--project", project)
    assert code == 0 and "[email]" in out and "[phone]" in out and "[name]" in out
    code, out, _ = run(capsys, "comments", "redact", "--project", project, "--keep", "Teams")
    assert code == 0 and "stored comment(s) changed" in out
    code, out, _ = run(
        capsys, "comments", "--project", project, "--group-column", "strand", "--json"
    )
    assert code == 0
    doc = json.loads(out)
    assert doc["group_column"] == "strand" and doc["waves"][0]["commenters"] >= 10

    sheet = tmp_path / "sheet.xlsx"
    code, out, _ = run(
        capsys, "comments", "export", "--project", project, "--out", str(sheet),
        "--group-column", "strand",
    )  # fmt: skip
    assert code == 0 and sheet.exists()
    book = load_codebook()
    coded = _code_sheet(sheet, tmp_path / "coder_a.xlsx", "coder A", flip_every=7)
    _code_sheet(sheet, tmp_path / "coder_b.xlsx", "coder B", flip_every=5)
    for path in (coded, tmp_path / "coder_b.xlsx"):
        code, out, err = run(capsys, "comments", "import", str(path), "--project", project)
        assert code == 0, err
    code, out, _ = run(
        capsys, "comments", "agreement", "--project", project, "--coder", "coder A",
        "--coder", "coder B", "--json",
    )  # fmt: skip
    assert code == 0
    doc = json.loads(out)
    a, b = _marks(coded), _marks(tmp_path / "coder_b.xlsx")
    keys = sorted(a)
    for entry in doc["themes"]:
        expected = cohen_kappa([int(entry["theme"] in a[k]) for k in keys],
                               [int(entry["theme"] in b[k]) for k in keys])  # fmt: skip
        if entry["kappa"] is None:
            assert expected.kappa != expected.kappa  # NaN
        else:
            assert entry["kappa"] == pytest.approx(expected.kappa)
    assert doc["n"] == len(keys) and {t["theme"] for t in doc["themes"]} == set(book.theme_ids)
    code, out, _ = run(capsys, "comments", "agreement", "--project", project, "--coder", "coder A")
    assert code == 0 and "automatic coding" in out
    code, _, err = run(capsys, "comments", "agreement", "--project", project, "--coder", "nobody")
    assert code == 2 and "coder A" in err


def _code_sheet(source: Path, target: Path, coder: str, flip_every: int) -> Path:
    """A coder who accepts the suggested themes, and disagrees on every n-th comment."""
    wb = load_workbook(source)
    ws = wb["Coding"]
    ws["B1"] = coder
    header = [c.value for c in ws[3]]
    for k, row in enumerate(ws.iter_rows(min_row=4), start=1):
        suggested = {s.strip() for s in str(row[4].value or "").split(",") if s.strip()}
        for col, theme in enumerate(header[5:], start=5):
            mark = theme in suggested
            if k % flip_every == 0 and theme == "member_led_agenda":
                mark = not mark
            row[col].value = 1 if mark else None
    wb.save(target)
    return target


def _marks(path: Path) -> dict[str, set[str]]:
    ws = load_workbook(path)["Coding"]
    header = [c.value for c in ws[3]]
    return {
        str(row[0]): {str(header[j]) for j in range(5, len(header)) if row[j] == 1}
        for row in ws.iter_rows(min_row=4, values_only=True)
        if row[0]
    }


def test_sheet_mistakes_name_the_cell(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    project = str(tmp_path / "p")
    run(capsys, "init", project)
    w = WAVES[0]
    run(capsys, "import", str(w.path), "--project", project, "--wave", w.label, *instrument_args())
    sheet = tmp_path / "s.xlsx"
    assert run(capsys, "comments", "export", "--project", project, "--out", str(sheet))[0] == 0
    wb = load_workbook(sheet)
    wb["Coding"]["F4"] = "maybe"
    wb.save(sheet)
    code, _, err = run(
        capsys, "comments", "import", str(sheet), "--project", project, "--coder", "x"
    )
    assert code == 1 and "cell F4" in err and "maybe" in err and "Traceback" not in err


def _own_codebook(path: Path) -> Path:
    """The built-in codebook under another id and with one theme fewer: the project's own."""
    import yaml

    from cop_eval.comments.codebook import builtin_codebook_path

    data = yaml.safe_load(builtin_codebook_path().read_text(encoding="utf-8"))
    data["id"], data["title"] = "our_themes", "Our own themes"
    data["themes"] = data["themes"][1:]
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_a_project_s_own_codebook_is_used_without_codebook_and_said(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    project = tmp_path / "p"
    assert run(capsys, "init", str(project))[0] == 0
    w = WAVES[0]
    code, _, err = run(
        capsys, "import", str(w.path), "--project", str(project), "--wave", w.label,
        "--date", w.date.isoformat(), *instrument_args(), "--id-column", w.id_column,
    )  # fmt: skip
    assert code == 0, err
    code, out, err = run(capsys, "comments", "--project", str(project), "--json")
    assert code == 0 and json.loads(out)["codebook"].startswith("cop_themes")
    assert "own codebook" not in err  # none in the folder: the built-in one, nothing said
    own = _own_codebook(project / "codebook.yaml")
    themes = len(load_codebook(own).themes)

    code, out, err = run(capsys, "comments", "--project", str(project), "--json")
    assert code == 0 and json.loads(out)["codebook"].startswith("our_themes")
    assert f"Using the project's own codebook {own}" in err and "--codebook" in err
    sheet = tmp_path / "sheet.xlsx"
    code, out, err = run(
        capsys, "comments", "export", "--project", str(project), "--out", str(sheet)
    )
    assert code == 0 and f"{themes} theme columns" in out and "own codebook" in err
    html = tmp_path / "r.html"
    code, _, err = run(
        capsys, "report", "--project", str(project), "--out", str(tmp_path / "r.pdf"),
        "--html", str(html),
    )  # fmt: skip
    assert code == 0 and "own codebook" in err, err
    assert "(our_themes" in html.read_text(encoding="utf-8")
    # --codebook still wins, and then nothing is said about the project's own
    from cop_eval.comments.codebook import builtin_codebook_path

    code, out, err = run(
        capsys, "comments", "--project", str(project), "--codebook", str(builtin_codebook_path()),
        "--json",
    )  # fmt: skip
    assert code == 0 and json.loads(out)["codebook"].startswith("cop_themes")
    assert "own codebook" not in err
