"""Issue 19.10: a subgroup column whose values are people's names from the roster is refused.

A group value is printed as a group's name, even when the group is hidden, so a column such as
"mentor" holding "Priya Shah" would print her name. The members roster (``members roster``)
gives the names (its name columns, and the names in its e-mail addresses), compared after NFKC
and case folding. Whichever comes first is refused when the second arrives: the wave at import,
or the roster when a stored wave already holds the names. The messages never print the name.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.privacy import pseudonymise
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store import Project

NAME = "Priya Shah"


@pytest.fixture(scope="module")
def instrument() -> Instrument:
    return load_instrument("le_may_success_factors")


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    created = Project.create(tmp_path / "proj")
    yield created
    created.close()


def _roster(tmp_path: Path) -> Path:
    path = tmp_path / "roster.csv"
    rows = ["email,team"] + [f"person{i}@example.org,North" for i in range(10)]
    rows.append("priya.shah@example.org,South")
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    return path


def _wave(instrument: Instrument, key: bytes, mentors: list[str]) -> ResponseSet:
    n = len(mentors)
    rng = np.random.default_rng(3)
    items = pd.DataFrame({i: rng.integers(1, 6, n).astype(np.float32) for i in instrument.item_ids})
    return ResponseSet(
        source="w.csv",
        instruments=(instrument,),
        items=items,
        report=ImportReport(source="w.csv", format="csv", rows_read=n, rows_accepted=n),
        respondent_ids=pseudonymise([f"person{i}@example.org" for i in range(n)], key),
        groups=pd.DataFrame({"mentor": mentors}, dtype=object),
        row_numbers=np.arange(2, n + 2, dtype=np.int64),
    )


# "ＰＲＩＹＡ  shah": full-width capitals and two spaces, the same name after NFKC + casefold
MENTORS = ["Team A"] * 6 + ["\uff30\uff32\uff29\uff39\uff21  shah"] + ["Team B"] * 5


def test_a_wave_whose_group_column_holds_roster_names_is_refused(
    project: Project, instrument: Instrument, tmp_path: Path
) -> None:
    project.import_roster("2026", _roster(tmp_path))
    with pytest.raises(OptionError) as refused:
        project.add_wave(_wave(instrument, project.key, MENTORS), "2026")
    message = str(refused.value)
    assert "subgroup column 'mentor'" in message and "row 8" in message
    assert "team, site or role" in message
    assert "priya" not in message.casefold() and "ＰＲＩＹＡ" not in message
    assert project.waves() == []
    # the same wave with team names is stored (the check is not vacuous)
    fine = dataclasses.replace(
        _wave(instrument, project.key, MENTORS),
        groups=pd.DataFrame({"mentor": ["Team A"] * 7 + ["Team B"] * 5}, dtype=object),
    )
    assert project.add_wave(fine, "2026").action == "imported"


def test_a_roster_naming_the_group_values_of_a_stored_wave_is_refused(
    project: Project, instrument: Instrument, tmp_path: Path
) -> None:
    project.add_wave(_wave(instrument, project.key, MENTORS), "2026")
    with pytest.raises(OptionError) as refused:
        project.import_roster("2026", _roster(tmp_path))
    message = str(refused.value)
    assert "roster.csv" in message and "wave '2026'" in message and "'mentor'" in message
    assert "priya" not in message.casefold()
    assert project.memberships() == []


def test_names_are_compared_after_nfkc_and_case_folding() -> None:
    from cop_eval.privacy.identifiers import roster_named

    assert roster_named([MENTORS[6], "Team A"], [NAME]) == [MENTORS[6]]
    assert roster_named(["Shah"], [NAME]) == []  # a whole name, not a word of it
