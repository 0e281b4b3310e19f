"""The demo: the whole job on the bundled sample data, and the report finds what was built in.

The sample data generator (sample_data/plan.py, ``BUILT_IN_EFFECTS``; documented in
sample_data/README.md) plants effects on purpose. These tests check that the analysis behind the
board report recovers them from the platform exports, through import, the project store, scoring
and wave comparison, and that the rendered report says so.
"""

from __future__ import annotations

import pytest

from cop_eval.cli import main
from cop_eval.demo import GROUP_COLUMN, DemoResult, load_manifest, run_demo
from cop_eval.instruments import load_instrument
from cop_eval.report.build import ReportOptions, build_report_facts
from cop_eval.report.facts import ReportFacts
from cop_eval.store import Project

STAGE3 = ("reflection", "transfer_of_learning")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def facts(demo: DemoResult) -> ReportFacts:
    manifest = load_manifest()
    with Project.open(demo.project) as project:
        waves = project.load_waves()
    return build_report_facts(
        waves,
        [load_instrument(i) for i in manifest.instruments],
        ReportOptions(
            labels=tuple(w.label for w in manifest.waves),
            group_column=GROUP_COLUMN,
            members=manifest.members,
        ),
    )


def test_outputs_are_written(demo: DemoResult) -> None:
    assert demo.pdf.read_bytes().startswith(b"%PDF")
    assert demo.pdf.stat().st_size > 100_000
    assert "<html" in demo.html.read_text(encoding="utf-8")[:500].lower()
    assert demo.xlsx.stat().st_size > 5_000
    # every row is accounted for: the preview row (wave 1) and the earlier duplicate (wave 2)
    assert demo.waves == (("Mar 2025", 47, 1), ("Sep 2025", 47, 1), ("Mar 2026", 47, 0))


def test_the_cycle_is_stored_once(demo: DemoResult) -> None:
    manifest = load_manifest()
    with Project.open(demo.project) as project:
        assert project.context().name == manifest.cycle["context"]["name"]
        memberships = project.memberships()
        assert [(m.wave, m.kind, m.total) for m in memberships] == [
            ("Mar 2025", "roster", 48),
            ("Sep 2025", "roster", 47),
            ("Mar 2026", "roster", 48),
        ]
        assert len({r.meeting_date for r in project.attendance()}) == 17
        actions = project.actions()
        trail = [e.action for e in project.audit()]
    assert [a.targets for a in actions] == [
        ("reflection.time_to_reflect",),
        ("strategic_direction_ownership.collective_agenda",),
    ]
    assert [a.status for a in actions] == ["done", "under_way"]
    assert [a.agreed_after for a in actions] == ["Mar 2025", "Mar 2025"]
    # However often the demo ran (test_cli_demo_again_reuses_the_project runs it again), each
    # part of the cycle was stored, and audited, once.
    assert trail.count("roster") == 3 and trail.count("attendance") == 1
    assert trail.count("context") == 1 and trail.count("action-add") == 2
    assert trail.count("action-update") == 5  # the dated notes of the two actions


def test_stage3_is_weakest_and_improves(facts: ReportFacts) -> None:
    assert facts.weakest_stage == 3
    (stage3,) = [s for s in facts.stages if s.stage == 3]
    means = [w.mean for w in stage3.waves]
    assert means[0] is not None and means[-1] is not None
    assert means[-1] - means[0] > 0.3  # built in: +0.3 per wave
    for scale in facts.scales:
        if scale.instrument_id in STAGE3:
            change = scale.overall_change
            assert change is not None and change.direction == "improved", scale.key
            assert "likely real" in change.verdict


def test_stable_control_shows_no_change(facts: ReportFacts) -> None:
    for scale in facts.scales:
        if scale.instrument_id == "professional_identity":
            change = scale.overall_change
            assert change is not None and "likely real" not in change.verdict, scale.key


def test_identity_moves_towards_community_of_practice(facts: ReportFacts) -> None:
    first, last = facts.identity[0], facts.identity[-1]
    cop = first.levels.index("Community of practice")
    assert last.shares[cop] > first.shares[cop] + 0.2
    assert first.group_level == "Network" and last.group_level == "Community of practice"


def test_trainers_lower_on_relevance_and_small_group_suppressed(facts: ReportFacts) -> None:
    groups = facts.subgroups
    assert groups is not None
    column = groups.scales.index("le_may_success_factors.relevance")
    rows = {row.group: row for row in groups.rows}
    trainers = rows["Trainers"].means[column]
    others = [rows[g].means[column] for g in ("HR", "Organisational Development & Learning")]
    assert trainers is not None and all(o is not None for o in others)
    assert all(trainers < o - 0.5 for o in others if o is not None)  # built in: -0.8
    assert rows["HR administration"].suppressed and rows["HR administration"].n is None
    assert all(m is None for m in rows["HR administration"].means)


def test_collective_agenda_lowest_stage1_scale(facts: ReportFacts) -> None:
    stage1 = [s for s in facts.scales if s.instrument_id == "strategic_direction_ownership"]
    lowest = min(stage1, key=lambda s: s.latest.mean if s.latest and s.latest.mean else 9)
    assert lowest.scale_id == "collective_agenda"


def test_report_text_names_the_findings(demo: DemoResult) -> None:
    html = demo.html.read_text(encoding="utf-8")
    assert "Stage 3, Reflection and transfer of learning, is the weakest" in html
    assert "Build structured reflection and follow-up into meetings" in html
    assert "HR administration" in html  # named, with its figures suppressed


def test_cli_demo_again_reuses_the_project(
    demo: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line on the fixture's folder: a second run imports nothing again (and the
    # suite pays for one demo run, not three).
    folder = demo.project.parent
    assert main(["demo", "--out", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("already in the project") == 3
    for label, accepted, rejected in demo.waves:
        assert f"{label}: {accepted} responses scored, {rejected} rejected" in captured.out
    assert f"Report (PDF):  {folder / 'cop_evaluation_report.pdf'}" in captured.out
    assert (folder / "cop_evaluation_report.pdf").is_file()
