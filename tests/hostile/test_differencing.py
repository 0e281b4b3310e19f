"""Issue 19.9: a team hidden under one grouping is not recoverable from another report.

The attack: a report by team shows BIG (20 people) and hides team X (4); a report by site shows
North = BIG + one person of X (21). Then 21 x mean(North) - 20 x mean(BIG) is that person's
score. The project records what each report showed; the second report withholds North.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.cli.report_cmd import _record_released, _released
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.privacy import pseudonymise
from cop_eval.privacy.differencing import differencing_withheld, unsafe_pair
from cop_eval.report.build import ReportOptions, build_report_facts
from cop_eval.report.compose import compose_report
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store import Project

INSTRUMENT = "le_may_success_factors"


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(INSTRUMENT)


def _wave(instrument: Instrument, key: bytes) -> ResponseSet:
    """50 people: teams BIG 20, X 4, C 12, D 14; sites North = BIG + X[0], South the rest."""
    n = 50
    rng = np.random.default_rng(7)
    items = pd.DataFrame({i: rng.integers(1, 6, n).astype(np.float32) for i in instrument.item_ids})
    team = ["BIG"] * 20 + ["X"] * 4 + ["C"] * 12 + ["D"] * 14
    site = ["North"] * 21 + ["South"] * 29
    report = ImportReport(source="w.csv", format="csv", rows_read=n, rows_accepted=n)
    return ResponseSet(
        source="w.csv",
        instruments=(instrument,),
        items=items,
        report=report,
        respondent_ids=pseudonymise([f"person{i}@example.org" for i in range(n)], key),
        groups=pd.DataFrame({"team": team, "site": site}, dtype=object),
        row_numbers=np.arange(2, n + 2, dtype=np.int64),
    )


@pytest.fixture
def project(tmp_path: Path, instrument: Instrument) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    created.add_wave(_wave(instrument, created.key), "2026")
    yield created
    created.close()


def _report(project: Project, instrument: Instrument, column: str) -> dict[str, int | None]:
    """What `cop-eval report --project` does: read the releases, build, record what it showed
    (the command's own helpers; rendering the PDF is left out)."""
    waves = project.load_waves()
    options = ReportOptions(group_column=column, released=_released(project.directory))
    facts = build_report_facts(waves, [instrument], options)
    compose_report(facts)
    assert facts.participation is not None
    _record_released(project.directory, waves, facts.participation)
    p = facts.participation
    return {g: counts[-1] for g, counts in zip(p.groups, p.group_counts, strict=True)}


def test_the_differencing_attack_fails(project: Project, instrument: Instrument) -> None:
    by_team = _report(project, instrument, "team")
    assert by_team["BIG"] == 20 and by_team["X"] is None  # X is small: hidden
    by_site = _report(project, instrument, "site")
    assert by_site["North"] is None, "North = BIG + 1 person would give that person away"
    # South is then the only visible group: hidden too (complementary), or North = total - South
    assert by_site["South"] is None
    waves = project.load_waves()
    facts = build_report_facts(
        waves,
        [instrument],
        ReportOptions(group_column="site", released=tuple(project.releases())),
    )
    assert facts.participation is not None
    assert facts.participation.withheld[0][:2] == ("2026", "North")
    # the equity section (gaps to the rest, heatmaps) withholds North too, and South with it
    assert facts.board is not None and facts.board.equity
    for equity in facts.board.equity:
        assert not [g for g in equity.gaps if g.group in ("North", "South")]
        for group, row in zip(equity.groups, equity.cells, strict=True):
            assert all(cell.mean is None for cell in row), group
    text = " ".join(
        getattr(block, "text", "") for section in compose_report(facts).sections
        for block in section.blocks
    )  # fmt: skip
    assert "withheld because their members differ" in text


def test_without_the_ledger_the_attack_would_work(project: Project, instrument: Instrument) -> None:
    """The check above is not vacuous: with no earlier releases North is shown, and the
    subtraction gives the person's score exactly."""
    waves = project.load_waves()
    plain = build_report_facts(waves, [instrument], ReportOptions(group_column="site"))
    assert plain.participation is not None
    assert dict(zip(plain.participation.groups, plain.participation.group_counts, strict=True))[
        "North"
    ] == (21,)


def test_the_same_release_again_is_safe(project: Project, instrument: Instrument) -> None:
    first = _report(project, instrument, "team")
    again = _report(project, instrument, "team")
    assert first == again
    assert len(project.releases()) == 1 + sum(1 for n in first.values() if n)  # stored once


def test_the_rule() -> None:
    big = frozenset(f"p{i}" for i in range(20))
    assert unsafe_pair(big, big - {"p0"}, 5)
    assert not unsafe_pair(big, frozenset(f"q{i}" for i in range(6)), 5)  # disjoint, both shown
    assert unsafe_pair(big, (big - {"p0"}) | {"q"}, 5)  # one out, one in
    from cop_eval.privacy.differencing import Release

    earlier = [Release("w", "a", big)]
    assert differencing_withheld("w", {"g": big | set("abcde")}, earlier, 5) == {}
    assert differencing_withheld("w", {"g": big | set("abcd")}, earlier, 5) == {"g": "a"}


def test_the_web_filter_refuses_a_subgroup_that_differs_by_one(
    project: Project, instrument: Instrument
) -> None:
    """The web app's subgroup filter (on 'team', the waves' first group column) after a report
    by site: BIG (20) is North (21, shown) minus one person."""
    from cop_eval.web.results import ResultsCache, results_for

    _report(project, instrument, "site")
    with pytest.raises(OptionError, match="differ from a group already shown"):
        results_for(project.directory, ["2026"], group="BIG", cache=ResultsCache())


def test_recording_a_release_does_not_move_the_revision(
    project: Project, instrument: Instrument
) -> None:
    """Results are kept per revision: a page view (a recorded release) must not throw them away."""
    before = project.revision()
    _report(project, instrument, "team")
    assert project.releases() and project.revision() == before


def test_results_built_ahead_are_recorded_only_when_served(
    project: Project, instrument: Instrument
) -> None:
    """The background warm-up builds results nobody sees: nothing is recorded until served."""
    from cop_eval.privacy import DEFAULT_PRIVACY
    from cop_eval.web.released import serve
    from cop_eval.web.results import ResultsCache, build_results, results_key

    cache = ResultsCache()
    key = results_key(project.directory, ["2026"], privacy=DEFAULT_PRIVACY)
    built = build_results(key, cache)
    assert built.releases and project.releases() == []
    serve(key, built, cache)
    assert {r.members for r in project.releases()} == {r.members for r in built.releases}


def test_a_cached_filter_is_refused_after_a_report_that_conflicts(
    project: Project, instrument: Instrument
) -> None:
    """BIG was computed (and cached, not yet shown) before a report by site showed North =
    BIG + 1: the cache hit is checked against what was recorded since."""
    from cop_eval.privacy import DEFAULT_PRIVACY
    from cop_eval.web.results import ResultsCache, build_results, results_for, results_key

    cache = ResultsCache()
    key = results_key(project.directory, ["2026"], group="BIG", privacy=DEFAULT_PRIVACY)
    build_results(key, cache)
    _report(project, instrument, "site")
    assert cache.get(key) is not None  # the release did not move the revision
    assert any(r.what.endswith("site = North") for r in project.releases())
    with pytest.raises(OptionError, match="differ from a group already shown"):
        results_for(project.directory, ["2026"], group="BIG", cache=cache)


def test_a_cached_page_is_rebuilt_when_its_subgroup_table_conflicts(
    project: Project, instrument: Instrument
) -> None:
    """The page of everyone by team (BIG shown) was built before North was shown elsewhere:
    served now, it is built again and BIG is withheld."""
    from cop_eval.privacy import DEFAULT_PRIVACY
    from cop_eval.web.results import ResultsCache, build_results, results_for, results_key

    cache = ResultsCache()
    build_results(results_key(project.directory, ["2026"], privacy=DEFAULT_PRIVACY), cache)
    _report(project, instrument, "site")
    served = results_for(project.directory, ["2026"], cache=cache)
    p = served.facts.participation
    assert p is not None
    shown = dict(zip(p.groups, p.group_counts, strict=True))
    assert shown["BIG"] == (None,)
    assert ("2026", "BIG") in {(w, g) for w, g, _ in p.withheld}
