"""Labels that look alike (issue 19.4): wave labels with invisible or bidi characters, a wave
label in other character forms, and a subgroup named like the product's total row."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
from test_store import INSTRUMENT_ID, make_responses

from cop_eval.errors import OptionError, StoreError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.report.build_groups import group_values
from cop_eval.store import Project
from cop_eval.web.results import _group_values


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument(INSTRUMENT_ID)


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    yield created
    created.close()


@pytest.mark.parametrize(
    "label", ["2025\u200b", "base\u202eenil", "wave\u2066one\u2069", "spring\u00ad", "a\u2028b"]
)
def test_wave_labels_with_hidden_characters_are_refused(
    project: Project, instrument: Instrument, label: str
) -> None:
    with pytest.raises(OptionError, match="invisible or text-reordering characters"):
        project.add_wave(make_responses(instrument, project.key), label)
    assert project.waves() == []


def test_a_label_that_looks_like_a_stored_one_is_refused(
    project: Project, instrument: Instrument
) -> None:
    project.add_wave(make_responses(instrument, project.key, seed=1), "baseline")
    with pytest.raises(StoreError, match="looks like the stored wave 'baseline'"):
        project.add_wave(make_responses(instrument, project.key, seed=2), "\uff42aseline")
    assert [w.label for w in project.waves()] == ["baseline"]


def test_labels_are_stored_in_nfc(project: Project, instrument: Instrument) -> None:
    project.add_wave(make_responses(instrument, project.key, seed=1), "cafe\u0301")
    assert [w.label for w in project.waves()] == ["caf\u00e9"]


def test_a_subgroup_named_like_the_total_is_marked(
    project: Project, instrument: Instrument
) -> None:
    rs = make_responses(instrument, project.key, n=6)
    rs.groups["role"] = pd.Series(
        ["All respondents", "nurse", "(not stated)", "ALL  respondents", None, "nurse"],
        dtype=object,
    )
    report = group_values(rs, "role", 0, "w1").tolist()
    assert report[0] == "All respondents (subgroup)" and report[3] == "ALL  respondents (subgroup)"
    assert report[2] == "(not stated) (subgroup)"
    web = _group_values(rs, "role")
    assert web[0] == "All respondents (subgroup)" and "All respondents" not in web


def test_one_person_in_nfc_and_nfd_gets_one_pseudonym(project: Project) -> None:
    from cop_eval.privacy import pseudonymise

    ids = ["Jos\u00e9.Garc\u00eda@example.org", "jose\u0301.garci\u0301a@EXAMPLE.org "]
    first, second = pseudonymise(ids, project.key).tolist()
    assert first == second
    assert (
        pseudonymise(["plain@example.org"], project.key).tolist()
        == pseudonymise([" PLAIN@example.org"], project.key).tolist()
    )


def test_waves_read_with_another_definition_are_not_compared(
    project: Project, instrument: Instrument
) -> None:
    """Issue 19.5: one wave scored with an extra ``reverse: true`` under the same id and version."""
    import dataclasses

    from cop_eval.report.build import ReportOptions, build_report_facts

    items = list(instrument.items)
    items[0] = items[0].model_copy(update={"reverse": not items[0].reverse})
    changed = instrument.model_copy(update={"items": tuple(items)})
    first = make_responses(instrument, project.key, seed=1)
    second = dataclasses.replace(
        make_responses(instrument, project.key, seed=2), instruments=(changed,)
    )
    with pytest.raises(OptionError, match="different definition of instrument"):
        build_report_facts([first, second], [instrument], ReportOptions(labels=("a", "b")))
    build_report_facts([first, first], [instrument], ReportOptions(labels=("a", "b")))
