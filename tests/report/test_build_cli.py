"""build_report_model over real pipeline results, and the report/template commands end to end."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cop_eval.cli import main
from cop_eval.cli.loading import load_responses
from cop_eval.cli.terms import cli_message
from cop_eval.errors import OptionError
from cop_eval.instruments import load_instruments
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.model import GapHeatmap
from tests.report.conftest import html_text, render_words
from tests.report.synthetic import write_waves

INSTRUMENTS = ("strategic_direction_ownership", "reflection", "le_may_success_factors")


@pytest.fixture(scope="module")
def waves(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    return write_waves(tmp_path_factory.mktemp("waves"), INSTRUMENTS, n_waves=2)


def _responses(paths: list[Path]):  # type: ignore[no-untyped-def]
    instruments = load_instruments(INSTRUMENTS)
    return instruments, [
        load_responses(p, instruments, id_column="id", group_column="group") for p in paths
    ]


def test_build_report_model_from_responses(waves: list[Path]) -> None:
    instruments, responses = _responses(waves)
    options = ReportOptions(
        labels=("Before", "After"),
        group_column="group",
        members={"HR": 16, "OD and learning": 12, "Admin": 3, "Trainers": 8},
        title="Test report",
        organisation="Test org",
        date="1 March 2026",
    )
    model = build_report_model(responses, instruments, options)
    text = html_text(render_words(model))
    assert "Test report" in text and "1 March 2026" in text
    assert "Before 36 39 92%" in text  # 36 responses of 39 members
    assert "Before After 36 36 0%" in text  # everyone matched
    assert "Table 5.1 Change from Before to After per scale" in text
    assert "Design: paired" in text
    stage_rows = [r for r in model.tables() if r.title == "Stage scores per wave"]
    assert stage_rows and len(stage_rows[0].rows) == 4  # stages 1 and 3, two waves each
    heatmap = next(f.chart for f in model.figures() if isinstance(f.chart, GapHeatmap))
    hidden = {r for r, n in zip(heatmap.rows, heatmap.row_n, strict=True) if n is None}
    assert hidden == {"Admin", "Trainers"}  # 3 respondents, and the next smallest (6)
    participation = next(t for t in model.tables() if t.title.startswith("Responses per group"))
    admin = next(r for r in participation.rows if r.cells[0].value == "Admin")
    assert all(c.suppressed for c in admin.cells[1:3])
    assert admin.cells[3].value == 3 and admin.cells[4].suppressed  # members, rate hidden
    assert "HR 15 15 16 94%" in text


def test_build_checks_its_options(waves: list[Path]) -> None:
    instruments, responses = _responses(waves)
    with pytest.raises(OptionError, match="1 label"):
        build_report_model(responses, instruments, ReportOptions(labels=("Only one",)))
    with pytest.raises(OptionError, match="group_column='role': not found") as info:
        build_report_model(responses, instruments, ReportOptions(group_column="role"))
    assert "--group-column role: not found" in cli_message(info.value)
    with pytest.raises(OptionError, match="more than the membership"):
        build_report_model(responses, instruments, ReportOptions(members=10))
    with pytest.raises(OptionError, match="no respondents in subgroup"):
        build_report_model(
            responses,
            instruments,
            ReportOptions(group_column="group", members={"HR": 50, "Nobody": 4}),
        )


def test_report_command_writes_pdf_html_xlsx_csv(
    waves: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    args = [
        "report",
        *map(str, waves),
        "-i",
        "reflection",
        "-i",
        "le_may_success_factors",
        "--out",
        str(tmp_path / "r.pdf"),
        "--html",
        str(tmp_path / "r.html"),
        "--xlsx",
        str(tmp_path / "r.xlsx"),
        "--csv-dir",
        str(tmp_path / "csv"),
        "--labels",
        "2025,2026",
        "--id-column",
        "id",
        "--group-column",
        "group",
        "--members",
        "40",
        "--title",
        "<script>alert(1)</script>",
        "--organisation",
        "Org & Co",
    ]
    assert main(args) == 0, capsys.readouterr().err
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>" not in html
    assert "Org &amp; Co" in html
    book = load_workbook(tmp_path / "r.xlsx")
    assert book.sheetnames[0] == "Contents" and "T2.1" in book.sheetnames
    files = sorted(p.name for p in (tmp_path / "csv").glob("*.csv"))
    assert "table_2_1_responses_per_wave.csv" in files
    rows = list(
        csv.reader(
            (tmp_path / "csv" / "table_2_1_responses_per_wave.csv")
            .read_text(encoding="utf-8-sig")
            .splitlines()
        )
    )
    assert rows[0] == ["Wave", "Responses", "Members", "Response rate"]
    assert rows[1][:3] == ["2025", "36", "40"]


def test_report_command_usage_errors(
    waves: list[Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = str(tmp_path / "r.pdf")
    assert main(["report", "-i", "reflection", "--out", out]) == 2
    assert main(["report", str(waves[0]), "-i", "reflection", "--out", out, "--labels", "a,b"]) == 2
    assert (
        main(["report", str(waves[0]), "-i", "reflection", "--out", out, "--members", "HR=x"]) == 2
    )
    assert main(["report", str(waves[0]), "-i", "no_such_instrument", "--out", out]) == 1
    err = capsys.readouterr().err
    assert "Traceback" not in err and "no built-in instrument" in err


def test_template_csv_html_pdf(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(["template", "reflection", "--format", "csv", "--out", str(tmp_path / "t.csv")]) == 0
    )
    raw = (tmp_path / "t.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbfid,group,rf_")
    header = raw.decode("utf-8-sig").splitlines()[0].split(",")
    instrument = load_instruments(["reflection"])[0]
    assert header == ["id", "group", *instrument.item_ids]

    assert (
        main(
            [
                "template",
                "reflection",
                "le_may_success_factors",
                "--format",
                "html",
                "--out",
                str(tmp_path / "q.html"),
            ]
        )
        == 0
    )
    text = html_text((tmp_path / "q.html").read_text(encoding="utf-8"))
    first = instrument.items[0]
    assert f"1. {first.text}" in text
    assert "Strongly disagree Disagree Neither agree nor disagree Agree Strongly agree" in text
    assert "Don't know Not applicable" in text
    n_items = len(instrument.items) + len(load_instruments(["le_may_success_factors"])[0].items)
    assert re.search(rf"\b{n_items}\. ", text)

    assert (
        main(["template", "reflection", "--format", "pdf", "--out", str(tmp_path / "q.pdf")]) == 0
    )
    assert (tmp_path / "q.pdf").read_bytes().startswith(b"%PDF")
    assert main(["template", "reflection", "--format", "pdf"]) == 2


def test_template_prints_placeholder_for_licensed_wording(tmp_path: Path, repo_root: Path) -> None:
    import yaml

    source = yaml.safe_load((repo_root / "instruments" / "reflection.yaml").read_text())
    source["id"] = "licensed_demo"
    source["license"] = {"status": "proprietary", "item_text_redistributable": False}
    for item in source["items"][:2]:
        item.pop("text")
    source["items"][2]["text"] = "<b>bold</b> & <script>x</script>"
    path = tmp_path / "licensed.yaml"
    path.write_text(yaml.safe_dump(source))
    assert main(["template", str(path), "--format", "html", "--out", str(tmp_path / "l.html")]) == 0
    html = (tmp_path / "l.html").read_text(encoding="utf-8")
    first = source["items"][0]["id"]
    assert f"{first}: wording from your licensed copy" in html_text(html)
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;x&lt;/script&gt;" in html
