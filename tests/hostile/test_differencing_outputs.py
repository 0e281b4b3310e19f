"""Issue 19.9: the differencing ledger in every output that shows a project's subgroups.

The same attack as tests/hostile/test_differencing.py (teams BIG 20, X 4, C 12, D 14; sites
North = BIG + one person of X, South the rest), on the comments (the report's section and the web
page: theme counts of North's commenters minus BIG's are the one person's themes), the validity
appendix's groups and the `equity` and `compare` commands run on the project.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest

from cop_eval.cli.report_cmd import _record_released, _released
from cop_eval.comments.results import CommentAnalysis
from cop_eval.errors import CopEvalError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.privacy import DEFAULT_PRIVACY
from cop_eval.privacy.differencing import WITHHELD_LABEL
from cop_eval.report.build import ReportOptions, build_report_facts
from cop_eval.responses import ResponseSet
from cop_eval.store import Project
from tests.hostile.test_differencing import _wave

REFLECT = "There is never enough time to reflect after the sessions, which is frustrating."


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument("le_may_success_factors")


def _commented(instrument: Instrument, key: bytes) -> ResponseSet:
    """The 50 people of the attack, every one of them with a comment."""
    wave = _wave(instrument, key)
    question = instrument.comments[0].id
    texts = pd.DataFrame({question: pd.Series([REFLECT] * wave.n, dtype=object)})
    return dataclasses.replace(wave, comments=texts)


@pytest.fixture
def project(tmp_path: Path, instrument: Instrument) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    created.add_wave(_commented(instrument, created.key), "2026")
    yield created
    created.close()


def _report(project: Project, instrument: Instrument, column: str) -> CommentAnalysis:
    """`cop-eval report --project --group-column COLUMN` without the rendering: its comments."""
    waves = project.load_waves()
    options = ReportOptions(group_column=column, released=_released(project.directory))
    facts = build_report_facts(waves, [instrument], options)
    assert facts.participation is not None and facts.comments is not None
    _record_released(project.directory, waves, facts.participation, facts.comments)
    return facts.comments


def _by_group(analysis: CommentAnalysis) -> dict[str, str | None]:
    """Each subgroup's comment figures: ``None`` when shown, else the reason it is hidden."""
    cells = analysis.themes[0].by_group
    return {c.label: (c.reason if c.suppressed else None) for c in cells}


def test_the_report_comments_section_withholds_a_group_that_differs_by_one(
    project: Project, instrument: Instrument
) -> None:
    by_team = _by_group(_report(project, instrument, "team"))
    assert by_team["BIG"] is None and by_team["X"] is not None  # X: 4 commenters, under 10
    assert any(r.what.endswith("comments of team = BIG") for r in project.releases())
    by_site = _by_group(_report(project, instrument, "site"))
    assert by_site["North"] == WITHHELD_LABEL, "North's commenters = BIG's + 1 person"
    assert by_site["South"] is not None  # complementary: North = everyone - South
    plain = build_report_facts(
        project.load_waves(), [instrument], ReportOptions(group_column="site")
    )
    assert plain.comments is not None and _by_group(plain.comments)["North"] is None


def test_the_web_comments_filter_refuses_a_group_that_differs_by_one(
    project: Project, instrument: Instrument
) -> None:
    """After a report by site (North's 21 commenters shown), BIG's 20 cannot be shown on the
    web page (its subgroups are by team): not in the table, and not as a filter."""
    from cop_eval.web.comments_page import build_page
    from cop_eval.web.results import ALL

    _report(project, instrument, "site")
    everyone = build_page(project.directory, ALL, DEFAULT_PRIVACY)
    assert ("BIG", False) in everyone.groups and ("D", True) in everyone.groups
    assert everyone.analysis is not None
    assert _by_group(everyone.analysis)["BIG"] == WITHHELD_LABEL
    with pytest.raises(CopEvalError, match="comments of BIG are not shown"):
        build_page(project.directory, "BIG", DEFAULT_PRIVACY)


def test_a_comments_page_built_ahead_is_rebuilt_and_recorded_when_served(
    project: Project, instrument: Instrument
) -> None:
    """The page is built ahead (nothing recorded), a report by site then shows North; served,
    the page is built again with BIG withheld, and what it shows is recorded."""
    from cop_eval.web.comments_page import CommentsCache, CommentsKey, build_page, serve_page
    from cop_eval.web.results import ALL

    key = CommentsKey(str(project.directory), project.revision(), ALL, DEFAULT_PRIVACY)
    cache = CommentsCache()
    ahead = build_page(project.directory, key.group, key.privacy)
    cache.put(key, ahead)
    assert ahead.analysis is not None and _by_group(ahead.analysis)["BIG"] is None
    assert project.releases() == []
    _report(project, instrument, "site")
    served = serve_page(key, ahead, cache)
    assert served.analysis is not None and _by_group(served.analysis)["BIG"] == WITHHELD_LABEL
    assert cache.get(key) is served
    recorded = {r.what for r in project.releases()}
    assert "web comments: comments of team = D" in recorded
    assert "web comments: comments of team = BIG" not in recorded


def test_the_validity_appendix_compares_no_subgroups_when_one_is_withheld(
    project: Project, instrument: Instrument
) -> None:
    """One wave by site: invariance across North and South, unless North is withheld (then
    everyone is fitted as one group, so neither North's nor South's fit is shown)."""
    plain = build_report_facts(
        project.load_waves(), [instrument], ReportOptions(group_column="site")
    )
    (fitted,) = plain.validity
    assert fitted.invariance is not None
    assert [g.label for g in fitted.invariance.groups] == ["North", "South"]
    _report(project, instrument, "team")
    options = ReportOptions(group_column="site", released=_released(project.directory))
    facts = build_report_facts(project.load_waves(), [instrument], options)
    (guarded,) = facts.validity
    assert guarded.invariance is None and guarded.model == "single group"


def _two_waves(directory: Path, instrument: Instrument) -> Project:
    """A project of the attack's 50 people in two waves (the second answers a little higher)."""
    created = Project.create(directory)
    first = _commented(instrument, created.key)
    created.add_wave(first, "2026")
    items = (first.items + 1).clip(upper=5)
    created.add_wave(dataclasses.replace(first, source="w2.csv", items=items), "2027")
    return created


def _run(args: list[str], capsys: pytest.CaptureFixture[str]) -> str:
    from cop_eval.cli import main

    capsys.readouterr()
    assert main(args) == 0
    return capsys.readouterr().out


@pytest.mark.parametrize("command", ["equity", "compare"])
def test_equity_and_compare_on_a_project_hide_a_group_that_differs_by_one(
    tmp_path: Path, instrument: Instrument, command: str, capsys: pytest.CaptureFixture[str]
) -> None:
    """`equity` / `compare --project --group-column site` after a report by team (BIG shown):
    North (= BIG + 1) is hidden in both waves with the differencing reason. On a project
    without that report, North is shown, and recorded as shown by the command."""
    args = [command, "--instrument", instrument.id, "--group-column", "site", "--json"]
    fresh = _two_waves(tmp_path / "fresh", instrument)
    fresh.close()
    assert WITHHELD_LABEL not in _run([*args, "--project", str(tmp_path / "fresh")], capsys)
    attacked = _two_waves(tmp_path / "attacked", instrument)
    _report(attacked, instrument, "team")
    attacked.close()
    out = _run([*args, "--project", str(tmp_path / "attacked")], capsys)
    assert out.count(WITHHELD_LABEL) >= 2, "North must be hidden in 2026 and 2027"
    with Project.open(tmp_path / "attacked") as reopened:
        assert not [r for r in reopened.releases() if "North" in r.what and command in r.what]
    with Project.open(tmp_path / "fresh") as shown:
        recorded = {r.what for r in shown.releases()}
    assert any(w.startswith(f"{command} of ") and w.endswith("site = North") for w in recorded)


@pytest.mark.parametrize("column", ["team", "site"])
def test_an_output_from_data_files_shows_no_two_groups_that_differ_by_too_few(
    instrument: Instrument, column: str
) -> None:
    """Without a project there is no ledger: within the one output, no two sets of respondents
    it shows (each wave's total, each shown subgroup) differ by 1 to N-1 people."""
    from itertools import combinations

    from cop_eval.privacy.differencing import unsafe_pair
    from cop_eval.report.build_groups import report_releases

    wave = _commented(instrument, b"k" * 32)
    facts = build_report_facts([wave], [instrument], ReportOptions(group_column=column))
    assert facts.participation is not None
    shown = report_releases([wave], facts.participation, "report")
    assert len(shown) >= 2
    for a, b in combinations(shown, 2):
        assert not unsafe_pair(a.members, b.members, 5), (a.what, b.what)
