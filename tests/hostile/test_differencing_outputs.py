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
