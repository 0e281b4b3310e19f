"""The board pages on a real build: dashboard statuses, equity, the value cycle, detectability,
risks and the recommendations' plan fields.

Synthetic waves (tests/report/synthetic.py): the same people answer three waves; groups HR 15,
OD and learning 12, Admin 3, Trainers 6 — Admin is below the minimum group size, so the
Trainers are hidden with it (complementary suppression) unless the "Other" rule merges them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
from pathlib import Path

import pytest

from cop_eval.cli.loading import load_responses
from cop_eval.cycle.review import ActionReview
from cop_eval.instruments import load_instruments
from cop_eval.report.build import build_report_facts
from cop_eval.report.build_cycle import CycleFacts
from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReportFacts
from cop_eval.report.facts_board import BoardFacts
from cop_eval.report.findings_board import gap_sentence, largest_gaps
from cop_eval.report.model import Dashboard, GapHeatmap, Recommendations, ReportModel, ValueCycle
from cop_eval.report.options import ReportOptions
from cop_eval.report.status import resolve_rules, status_of
from cop_eval.stats.power import detectable_effect
from cop_eval.store.cycle_models import Action
from tests.report.conftest import html_text, render_words
from tests.report.synthetic import write_waves

INSTRUMENTS = (
    "strategic_direction_ownership",
    "reflection",
    "le_may_success_factors",
    "mcdermott_identity_strength",
    "value_creation",
)
LABELS = ["W1", "W2", "W3"]


def _facts(folder: Path, **options: object) -> ReportFacts:
    instruments = load_instruments(INSTRUMENTS)
    paths = write_waves(folder, INSTRUMENTS, n_waves=3)
    responses = [
        load_responses(p, instruments, id_column="id", group_column="group") for p in paths
    ]
    facts = build_report_facts(
        responses,
        instruments,
        ReportOptions(labels=tuple(LABELS), group_column="group", **options),  # type: ignore[arg-type]
    )
    assert facts.board is not None
    return facts


def _build(folder: Path, **options: object) -> tuple[ReportModel, BoardFacts]:
    facts = _facts(folder, **options)
    assert facts.board is not None
    return compose_report(facts), facts.board


@pytest.fixture(scope="module")
def facts(tmp_path_factory: pytest.TempPathFactory) -> ReportFacts:
    return _facts(tmp_path_factory.mktemp("board"))


@pytest.fixture(scope="module")
def built(facts: ReportFacts) -> tuple[ReportModel, BoardFacts]:
    assert facts.board is not None
    return compose_report(facts), facts.board


@pytest.fixture(scope="module")
def html(built: tuple[ReportModel, BoardFacts]) -> str:
    return render_words(built[0])


def _dashboard(model: ReportModel) -> Dashboard:
    return next(b for b in model.blocks() if isinstance(b, Dashboard))


def test_the_dashboard_comes_first_with_every_stage_factor_and_level(
    built: tuple[ReportModel, BoardFacts],
) -> None:
    model, _board = built
    assert [s.title for s in model.sections][:2] == ["At a glance", "Executive summary"]
    assert model.sections[0].number == 0
    groups = [name for name, _ in _dashboard(model).groups]
    assert groups == [
        "Stages of the model",
        "CoP success factors (le May)",
        "Community identity strength (McDermott continuum)",
        "Value creation",
    ]
    labels = [line.label for line in _dashboard(model).lines()]
    assert labels[:2] == [
        "Stage 1: Strategic direction and ownership",
        "Stage 3: Reflection and transfer of learning",
    ]
    assert len(labels) == 2 + 7 + 3 + 5


def test_dashboard_statuses_follow_the_declared_rules(
    built: tuple[ReportModel, BoardFacts],
) -> None:
    _, board = built
    rules = resolve_rules(load_instruments(["reflection"])[0].status_rules,
                          load_instruments(["reflection"])[0].response_scale)  # fmt: skip
    for row in board.dashboard:
        expected = status_of(
            row.mean, row.direction, rules,  # type: ignore[arg-type]
            change_since_previous=row.previous.direction if row.previous else None,
            previous_label=row.previous.from_label if row.previous else None,
        )  # fmt: skip
        assert (row.status, row.reason) == (expected.status, expected.reason), row.label
        if row.direction == "neutral":
            assert row.status == "none" and row.favourable is None
        else:
            assert (
                row.favourable is not None
                and row.favourable_lo <= row.favourable <= row.favourable_hi
            )  # type: ignore[operator]
        assert row.previous is not None and row.previous.from_label == "W2"
        assert row.first is not None and row.first.from_label == "W1"
    assert any("strength at a mean of 4.00 or more, concern below 3.00" in r for r in board.rules)


def test_changes_are_coloured_only_when_likely_real(built: tuple[ReportModel, BoardFacts]) -> None:
    model, board = built
    lines = {line.label: line for line in _dashboard(model).lines()}
    for row in board.dashboard:
        line = lines[row.label]
        assert row.previous is not None
        if row.direction == "neutral" or row.previous.direction not in (
            "improved", "declined", "deteriorated"
        ):  # fmt: skip
            assert line.previous_tone == "neutral"
        else:
            assert line.previous_tone == (
                "positive" if row.previous.direction == "improved" else "negative"
            )


def test_the_status_rules_are_printed_in_the_methods(
    built: tuple[ReportModel, BoardFacts], html: str
) -> None:
    model, board = built
    methods = next(s for s in model.sections if s.id == "sec-methods")
    assert methods.id == "sec-methods"
    text = html_text(html)
    for rule in board.rules:
        assert rule in text
    assert "Benjamini-Hochberg across the subgroups × scales" in text


def test_equity_heatmaps_show_no_figure_for_hidden_groups(
    built: tuple[ReportModel, BoardFacts],
) -> None:
    model, board = built
    heatmaps = [f.chart for f in model.figures() if isinstance(f.chart, GapHeatmap)]
    assert len(heatmaps) == len(INSTRUMENTS)
    for chart in heatmaps:
        assert chart.rows[0] == "All respondents"
        rows = dict(
            zip(
                chart.rows,
                zip(chart.values, chart.gaps, chart.reliable, chart.row_n, strict=True),
                strict=True,
            )
        )
        for hidden in ("Admin", "Trainers"):
            values, gaps, marks, n = rows[hidden]
            assert n is None and all(v is None for v in values) and all(g is None for g in gaps)
            assert not any(marks)
        assert rows["HR"][3] == 15
    for e in board.equity:
        assert {g.group for g in e.gaps} <= {"HR", "OD and learning"}
        # The "All" row is everyone's mean; each visible cell's colour is its difference from it.
        for cells, group in zip(e.cells, e.groups, strict=True):
            for cell, overall in zip(cells, e.overall, strict=True):
                if not cell.suppressed:
                    assert (
                        cell.mean is not None
                        and overall is not None
                        and cell.gap_to_overall is not None
                    )
                    assert math.isclose(cell.gap_to_overall, cell.mean - overall), group


def test_the_other_rule_merges_small_groups_and_is_declared(tmp_path: Path) -> None:
    model, board = _build(tmp_path, merge_small_groups="Other")
    assert board.merge_rule is not None and "Admin, Trainers" in board.merge_rule
    chart = next(f.chart for f in model.figures() if isinstance(f.chart, GapHeatmap))
    assert "Other" in chart.rows and "Admin" not in chart.rows
    assert chart.row_n[chart.rows.index("Other")] == 9
    methods = next(s for s in model.sections if s.id == "sec-methods")
    assert any(board.merge_rule in getattr(b, "items", ()) for b in methods.blocks)


def test_largest_gap_sentence_and_key_messages(
    built: tuple[ReportModel, BoardFacts], html: str
) -> None:
    model, board = built
    top = largest_gaps(board)[0]
    sentence = gap_sentence(top)
    assert f"{top.group} (n = {top.n_group})" in sentence and "95% CI [" in sentence
    summary = next(s for s in model.sections if s.id == "sec-summary")
    text = html_text(html)
    assert "Largest gap between subgroups" in text or "Largest equity gap" in text
    assert summary.number == 1


def test_the_value_cycle_is_read_in_order(built: tuple[ReportModel, BoardFacts]) -> None:
    model, board = built
    flow = board.value_flow
    assert flow is not None and [w.label for w in flow.waves] == LABELS
    chart = next(f.chart for f in model.figures() if isinstance(f.chart, ValueCycle))
    last = flow.waves[-1]
    assert chart.means == last.means
    expected = next((i for i, m in enumerate(last.means) if m is not None and m < 3.5), None)
    assert chart.stops_at == expected
    for wave in flow.waves:
        assert list(wave.reached) == sorted(wave.reached, reverse=True)  # a funnel


def test_detectability_matches_the_power_function(built: tuple[ReportModel, BoardFacts]) -> None:
    _, board = built
    assert board.detectable
    for d in board.detectable:
        if d.design == "paired":
            assert d.n2 is None and math.isclose(d.effect, detectable_effect(d.n), rel_tol=1e-12)
        else:
            assert math.isclose(d.effect, detectable_effect(d.n, design="independent", n2=d.n2))
        assert d.points is not None and d.points > 0
    # The printed table: one row per wave pair, the range of d_z over its scales.
    model, _ = built
    table = next(t for t in model.tables() if t.title.startswith("What the data could detect"))
    assert table.display
    first = [d for d in board.detectable if (d.from_label, d.to_label) == ("W1", "W3")]
    row = next(r for r in table.rows if r.cells[0].value == "W1 → W3")
    lo, hi = min(d.effect for d in first), max(d.effect for d in first)
    assert row.cells[3].value in (f"d_z = {lo:.2f} to {hi:.2f}", f"d_z = {lo:.2f}")
    clear = ("improved", "declined", "deteriorated", "increased", "decreased")
    assert row.cells[5].value == sum(1 for d in first if d.direction not in clear)


def test_recommendations_carry_owner_due_and_success_measure(
    built: tuple[ReportModel, BoardFacts],
) -> None:
    model, _ = built
    recs = next(b for b in model.blocks() if isinstance(b, Recommendations))
    assert recs.items and all(r.owner is None and r.due is None for r in recs.items)
    html = render_words(model)
    assert len(re.findall(r'class="fill owner blank"', html)) == len(recs.items)
    assert len(re.findall(r'class="fill measure blank"', html)) == len(recs.items)


def test_recommendations_take_the_plan_of_the_action_agreed_on_them(facts: ReportFacts) -> None:
    """An action made from a recommendation (``actions add --from-recommendation``) fills in its
    owner, due date and success measure; the others keep blank lines."""
    recs = next(b for b in compose_report(facts).blocks() if isinstance(b, Recommendations))
    chosen = recs.items[0].title
    stamp = dt.datetime(2025, 1, 1)
    action = Action(
        id=1,
        title="Ten minutes at the end of each meeting",
        owner="Group lead",
        agreed_after="W1",
        due=dt.date(2025, 6, 30),
        success_measure="Time to reflect at 3.5 or more",
        recommendation=f"Recommendation 1 (W1): {chosen}. Stage 3 is the weakest.",
        created_at=stamp,
        created_by="me",
        updated_at=stamp,
    )
    review = ActionReview(action, "W1", None, (), "not yet", False)
    cycle = CycleFacts((), (), None, None, None, (review,), dt.date(2025, 7, 1))
    model = compose_report(dataclasses.replace(facts, cycle=cycle))
    items = next(b for b in model.blocks() if isinstance(b, Recommendations)).items
    planned = next(r for r in items if r.title == chosen)
    assert (planned.owner, planned.due, planned.success_measure) == (
        "Group lead",
        "30 June 2025",
        "Time to reflect at 3.5 or more",
    )
    assert all(r.owner is None for r in items if r.title != chosen)
    html = render_words(model)
    assert '<span class="fill owner">Group lead</span>' in html
    assert '<span class="fill due">30 June 2025</span>' in html
