"""The bundled sample exports (sample_data/) import to the counts their generator recorded.

The expected figures come from sample_data/manifest.yaml, written by sample_data/generate.py from
the simulation itself (not from this importer), so this is an independent check of the Qualtrics,
Microsoft Forms and semicolon-CSV readers on realistic files.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument

ROOT = Path(__file__).resolve().parents[2] / "sample_data"
MANIFEST = ROOT / "manifest.yaml"


def _waves() -> list[dict[str, Any]]:
    if not MANIFEST.is_file():
        return []
    waves: list[dict[str, Any]] = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))["waves"]
    return waves


@pytest.mark.skipif(not MANIFEST.is_file(), reason="sample_data/manifest.yaml not present")
@pytest.mark.parametrize("wave", _waves(), ids=lambda w: str(w["file"]))
def test_sample_wave_matches_manifest(wave: dict[str, Any]) -> None:
    manifest = yaml.safe_load(MANIFEST.read_text(encoding="utf-8"))
    instruments = [load_instrument(i) for i in manifest["instruments"]]
    rs = read_responses(
        ROOT / wave["file"],
        instruments,
        id_column=wave["id_column"],
        group_columns=[wave["group_column"]],
        key=b"sample-key-for-tests-0123456789ab",
    )
    expected = wave["expected"]
    report = rs.report
    assert report.format == wave["format"]
    assert report.rows_read == expected["data_rows"]
    assert report.rows_accepted == expected["respondents"]
    assert report.rows_accepted + report.rows_rejected == report.rows_read
    reasons = [r.reason for r in report.rejected]
    assert sum("preview" in r for r in reasons) == expected["rejected_preview_rows"]
    assert sum(r.startswith("duplicate") for r in reasons) == expected["rejected_duplicate_rows"]
    assert report.partial_responses == expected["partial_responses"]
    assert len(report.straight_liners) == expected["straight_liners"]
    assert report.unmatched_items == ()
    counts = rs.groups.iloc[:, 0].value_counts().to_dict()
    assert counts == expected["respondents_by_group"]
