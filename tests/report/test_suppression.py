"""Anonymity in the report: groups below the minimum size, and the next-smallest, show no numbers."""

from __future__ import annotations

import re

from cop_eval.report.compose import compose_report
from cop_eval.report.export import table_records
from cop_eval.report.model import Dashboard, Figure, GapHeatmap, ReportModel
from tests.report.conftest import html_text, render_words
from tests.report.sample_facts import sample_facts


def _rows_of(html: str, name: str) -> list[str]:
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", html, flags=re.S)
    return [html_text(r) for r in rows if f">{name}<" in r]


def test_small_group_and_next_smallest_show_no_numbers(html: str) -> None:
    # Trainers: 3 respondents (< 5); Workforce planning (6) is the next smallest.
    for name in ("Trainers", "Workforce planning"):
        rows = _rows_of(html, name)
        assert rows, f"{name} is not listed"
        for row in rows:
            rest = row.replace(name, "")
            assert re.search(r"\d", rest) is None, f"numbers shown for {name}: {row}"
            assert "suppressed" in rest
    text = html_text(html)
    assert "Trainers (n = 3)" not in text and "n = 3" not in text
    for name in ("HR advisers", "HR business partners"):
        assert any(re.search(r"\d", r.replace(name, "")) for r in _rows_of(html, name))


def test_heatmaps_carry_no_values_for_hidden_groups(model: ReportModel) -> None:
    heatmaps = [f.chart for f in model.figures() if isinstance(f.chart, GapHeatmap)]
    assert heatmaps
    for chart in heatmaps:
        rows = zip(chart.rows, chart.values, chart.gaps, chart.reliable, chart.row_n, strict=True)
        for row, values, gaps, marks, n in rows:
            if row in ("Trainers", "Workforce planning"):
                assert n is None and all(v is None for v in values)
                assert all(g is None for g in gaps) and not any(marks)
            else:
                assert n is not None and any(v is not None for v in values)
    dashboard = next(b for b in model.blocks() if isinstance(b, Dashboard))
    assert "Trainers" not in " ".join(line.label for line in dashboard.lines())


def test_exported_subgroup_table_says_suppressed(model: ReportModel) -> None:
    table = next(t for t in model.tables() if t.title.startswith("Mean scores per role"))
    records = {r[0]: r for r in list(table_records(table))[1:]}
    assert set(records["Trainers"][1:]) == {"suppressed"}
    assert set(records["Workforce planning"][1:]) == {"suppressed"}
    assert isinstance(records["HR advisers"][1], int)


def test_larger_minimum_hides_more_groups() -> None:
    facts = sample_facts(min_group_size=11, instrument_ids=("reflection",))
    model = compose_report(facts)
    text = html_text(render_words(model))
    assert "No figure describes a group of fewer than 11 respondents" in text  # the cover
    assert "a group of fewer than 11 respondents is hidden" in text  # the subgroup section
    heatmap = next(
        f.chart
        for f in model.figures()
        if isinstance(f, Figure) and isinstance(f.chart, GapHeatmap)
    )
    visible = [r for r, n in zip(heatmap.rows, heatmap.row_n, strict=True) if n is not None]
    assert visible == ["All respondents", "HR advisers", "HR business partners"]
