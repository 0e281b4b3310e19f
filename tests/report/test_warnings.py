"""The 'Read with care' box: human labels, once, after the summary, alpha judged with its CI, and
no silent gaps (issue 12, item 6)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.cli import main
from cop_eval.cli.loading import load_responses
from cop_eval.instruments import load_instrument, load_instruments
from cop_eval.measure.reliability import reliability
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build import ReportOptions, build_report_model
from cop_eval.report.build_quality import alpha_warnings
from cop_eval.report.facts import ReliabilityFact, ReportFacts
from cop_eval.report.model import Bullets, ReportModel
from tests.report.conftest import html_text, render_words
from tests.report.synthetic import write_waves


def _fact(label: str, alpha: float, lo: float, hi: float) -> ReliabilityFact:
    return ReliabilityFact("Pulse", label, "Spring", 40, 4, alpha, lo, hi, alpha)


def test_alpha_is_judged_with_its_interval() -> None:
    facts = [
        _fact("Clearly low", 0.55, 0.40, 0.68),
        _fact("Uncertain", 0.69, 0.55, 0.79),  # below .70, but the interval reaches it
        _fact("Fine", 0.82, 0.75, 0.88),
    ]
    below, unsure = alpha_warnings(facts, True, PrivacyPolicy())
    assert below.startswith("Reliability below .70 (the 95% interval lies below .70): Clearly low")
    assert "Uncertain" not in below and "Fine" not in below
    assert unsure.startswith("Reliability uncertain") and unsure.endswith(
        "see the reliability table): Uncertain (Spring)."
    )
    # Several uncertain alphas: grouped by wave, so that the box stays short.
    many = [_fact(k, 0.69, 0.55, 0.79) for k in ("A", "B", "C")]
    many.append(ReliabilityFact("Pulse", "D", "Autumn", 40, 4, 0.68, 0.5, 0.8, 0.68))
    (grouped,) = alpha_warnings(many, True, PrivacyPolicy())
    assert grouped.endswith(": A, B and C (Spring); D (Autumn).")
    assert alpha_warnings([_fact("Fine", 0.82, 0.75, 0.88)], True, PrivacyPolicy()) == []


def test_every_alpha_hidden_is_said_not_silent() -> None:
    (said,) = alpha_warnings([], True, PrivacyPolicy(5))
    assert said.startswith("Reliability is not shown: every scale was answered by fewer than 5")


def test_the_box_is_in_the_summary_once_with_labels(model: ReportModel, facts: ReportFacts) -> None:
    summary = model.section("sec-summary")
    boxes = [b for s in model.sections for b in s.blocks if isinstance(b, Bullets) and b.style]
    assert len(boxes) == 1 and boxes[0] in summary.blocks
    assert boxes[0].heading == "Read with care"
    html = render_words(model)
    assert html.count('class="warning-box"') == 1  # not on the contents page any more
    text = html_text(html)
    assert text.index("Read with care") > text.index("Executive summary This report")
    assert "listed once, in the 'Read with care' box" in text  # the methods point to it


def test_report_warnings_use_labels_not_ids(tmp_path: Path) -> None:
    ids = ("strategic_direction_ownership", "reflection")
    instruments = load_instruments(ids)
    responses = [
        load_responses(p, instruments, id_column="id")
        for p in write_waves(tmp_path, ids, n_waves=2)
    ]
    model = build_report_model(responses, instruments, ReportOptions(labels=("A", "B")))
    box = next(b for b in model.section("sec-summary").blocks if isinstance(b, Bullets) and b.style)
    joined = " ".join(box.items)
    assert "Reliability" in joined  # the synthetic scales have low alphas
    scale_ids = {s.id for i in instruments for s in i.scales}
    assert not any(sid in joined for sid in scale_ids if "_" in sid)
    assert "scale " not in joined  # the old wording: "scale membership_clarity: alpha ..."


def test_constant_item_and_missing_correlations_are_warned() -> None:
    instrument = load_instrument("reflection")
    items = [i.id for i in instrument.items_of("time_to_reflect")]
    rng = np.random.default_rng(3)
    data = pd.DataFrame(rng.integers(1, 6, (30, len(items))).astype(float), columns=items)
    data[items[0]] = 3.0  # everyone gives the same answer
    result = reliability(data.reindex(columns=list(instrument.item_ids)), instrument)
    scale = result.scale("time_to_reflect")
    kinds = [w.kind for w in scale.warnings]
    assert "no_variance" in kinds
    assert "left blank" in next(w.message for w in scale.warnings if w.kind == "no_variance")
    # Item A is constant (4) among the rows that answered item B, and varies elsewhere: the
    # pair has a covariance (0) but no correlation.
    a, b = items[0], items[1]
    data2 = pd.DataFrame(rng.integers(1, 6, (30, len(items))).astype(float), columns=items)
    data2.loc[:14, a] = 4.0
    data2.loc[15:, a] = [3.0, 5.0] * 7 + [4.0]  # varies here; its mean stays exactly 4
    data2.loc[15:, b] = np.nan
    result2 = reliability(data2.reindex(columns=list(instrument.item_ids)), instrument)
    scale2 = result2.scale("time_to_reflect")
    assert np.isfinite(scale2.alpha) and not np.isfinite(scale2.omega_total)
    missing = next(w for w in scale2.warnings if w.kind == "missing_correlations")
    assert "omega is left blank" in missing.message


def test_cli_reliability_does_not_say_no_warnings_when_all_hidden(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    instrument = load_instrument("reflection")
    rows = [",".join(["id", *instrument.item_ids])]
    rows += [",".join([f"p{k}", *["4"] * len(instrument.item_ids)]) for k in range(3)]
    path = tmp_path / "tiny.csv"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    assert main(["reliability", str(path), "-i", "reflection"]) == 0
    out = capsys.readouterr().out
    assert "No warnings" not in out
    assert "No reliability is shown" in out


def test_the_box_points_to_the_reliability_table_by_number(facts: ReportFacts) -> None:
    from dataclasses import replace

    from cop_eval.report.compose import compose_report

    (warning,) = alpha_warnings([_fact("Voice", 0.69, 0.55, 0.79)], True, PrivacyPolicy())
    model = compose_report(replace(facts, warnings=(warning,)))
    (box,) = [b for b in model.section("sec-summary").blocks if isinstance(b, Bullets) and b.style]
    reliability = next(t for t in model.tables() if t.title.startswith("Reliability per scale"))
    assert f"see {reliability.number}): Voice (Spring)." in box.items[0]


def test_the_reliability_table_prints_each_alpha_with_its_interval(
    model: ReportModel, facts: ReportFacts
) -> None:
    from cop_eval.report.filters import fmt_alpha, fmt_cell

    table = next(t for t in model.tables() if t.title.startswith("Reliability per scale"))
    fact = facts.reliability[-1]
    row = next(r for r in table.rows if r.cells[1].value == fact.scale_label)
    k = next(i for i, c in enumerate(table.columns) if c.label == f"α {fact.wave}")
    printed = fmt_cell(row.cells[k], table.columns[k])
    assert printed == (
        f"{fmt_alpha(fact.alpha)} [{fmt_alpha(fact.alpha_lo)}, {fmt_alpha(fact.alpha_hi)}]"
    )
