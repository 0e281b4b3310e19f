"""``cop-eval check``: readable tables, the JSON contract, exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cop_eval.cli import main
from cop_eval.instruments import Instrument

from .builders import BUILDERS


@pytest.fixture
def instrument_file(tmp_path: Path, instrument: Instrument) -> Path:
    path = tmp_path / "test_cop.yaml"
    path.write_text(instrument.model_dump_json(), encoding="utf-8")
    return path


def test_check_json_is_the_report_plus_rows_rejected(
    tmp_path: Path, instrument_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, _ = BUILDERS["qualtrics_text"][0](tmp_path)
    code = main(
        [
            "check",
            str(path),
            "-i",
            str(instrument_file),
            "--id-column",
            "RecipientEmail",
            "--group-column",
            "Q1",
            "--json",
        ]
    )
    captured = capsys.readouterr()
    assert code == 0
    payload = json.loads(captured.out)
    assert payload["format"] == "qualtrics"
    assert (payload["rows_read"], payload["rows_accepted"], payload["rows_rejected"]) == (6, 5, 1)
    assert payload["rejected"][0]["row"] == 4
    assert {"items", "value_problems", "matches", "unmatched_items", "straight_liners"} <= set(
        payload
    )
    assert "r01@example.org" not in captured.out


def test_check_tables_show_every_section_as_plain_text(
    tmp_path: Path, instrument_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "w.csv"
    data.write_text(
        "id,sh_1,sh_2,sh_3,va_1\n"
        "a,4,[bold red]x[/],4,4\n"
        "b,,,,\n"
        'c,9,"=HYPERLINK(""http://x"")",Agree,Agree\n',
        encoding="utf-8",
    )
    code = main(["check", str(data), "--instrument", str(instrument_file), "--id-column", "id"])
    out = capsys.readouterr().out
    assert code == 0
    for heading in ["Import summary", "Items and columns", "Answers per item", "Rejected rows",
                    "Values treated as missing"]:  # fmt: skip
        assert heading in out
    assert "[bold red]x[/]" in out  # shown literally: rich markup in a cell is not interpreted
    assert '=HYPERLINK("http://x")' in out
    assert "(not found)" in out  # va_2, va_3 are not in the file
    assert "every item cell is empty" in out


def test_check_exit_codes(
    tmp_path: Path, instrument_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    assert main(["check", str(empty), "-i", str(instrument_file)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "empty" in err and "Traceback" not in err
    assert main(["check", str(empty)]) == 2  # --instrument missing: usage error
    assert main(["check", str(empty), "-i", str(instrument_file), "--format", "stata"]) == 2
    data = tmp_path / "d.csv"
    data.write_text("sh_1,sh_2\n1,2\n", encoding="utf-8")
    assert main(["check", str(data), "-i", str(instrument_file), "--id-column", "nope"]) == 1
    assert "Columns are: 'sh_1', 'sh_2'" in capsys.readouterr().err


def test_check_with_several_instruments_and_mapping(
    tmp_path: Path, instrument: Instrument, capsys: pytest.CaptureFixture[str]
) -> None:
    second = instrument.model_dump(mode="json")
    second["id"] = "second"
    for item in second["items"]:
        item["id"] = "x_" + item["id"]
        item["text"] = "Other: " + item["text"]
    first_path, second_path = tmp_path / "a.yaml", tmp_path / "b.yaml"
    first_path.write_text(instrument.model_dump_json(), encoding="utf-8")
    second_path.write_text(json.dumps(second), encoding="utf-8")
    data = tmp_path / "d.csv"
    data.write_text("sh_1,sh_2,Q9\n1,2,3\n", encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text("x_sh_1: Q9\n", encoding="utf-8")
    code = main(
        [
            "check",
            str(data),
            "-i",
            str(first_path),
            "-i",
            str(second_path),
            "--mapping",
            str(mapping),
            "--json",
        ]
    )
    payload = json.loads(capsys.readouterr().out)
    assert code == 0
    assert {(m["item"], m["how"]) for m in payload["matches"]} == {
        ("sh_1", "id"),
        ("sh_2", "id"),
        ("x_sh_1", "mapping"),
    }
    assert len(payload["items"]) == 12


def test_terminal_escapes_in_cells_are_shown_not_sent(
    tmp_path: Path, instrument_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = tmp_path / "esc.csv"
    data.write_bytes(b"sh_1,sh_2,sh_3\n4,\x1b[2J\x1b]0;owned\x07,4\n")
    assert main(["check", str(data), "--instrument", str(instrument_file)]) == 0
    out = capsys.readouterr().out
    assert "\x1b" not in out
    assert "\\x1b[2J\\x1b]0;owned\\x07" in out
