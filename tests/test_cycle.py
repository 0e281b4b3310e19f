"""The evaluation cycle's figures: response rates from rosters and numbers, attendance per period,
scores by attendance band (checked against R: tests/reference/cycle.R), and the review of actions.
Every small count goes through the privacy policy."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from cop_eval.cycle.association import by_attendance
from cop_eval.cycle.attendance import Period, periods_between, person_rates, summarise_attendance
from cop_eval.cycle.participation import NOT_MEMBERS, participation
from cop_eval.cycle.review import review_actions, target_scales
from cop_eval.instruments import load_instrument
from cop_eval.measure.scores import ScoreTable
from cop_eval.privacy import PrivacyPolicy, pseudonymise
from cop_eval.responses import ImportReport, ResponseSet
from cop_eval.store.cycle_models import Action, AttendanceRecord, WaveMembership

REFERENCE = Path(__file__).resolve().parent / "reference"
KEY = b"k" * 32
STAMP = dt.datetime(2025, 1, 1)


def ids(names: list[str]) -> list[str]:
    return [str(p) for p in pseudonymise(names, KEY)]


def wave(names: list[str], groups: list[str], label: str) -> ResponseSet:
    n = len(names)
    return ResponseSet(
        source=f"{label}.csv",
        instruments=(),
        items=pd.DataFrame(index=range(n)),
        report=ImportReport(source=f"{label}.csv", format="csv", rows_read=n, rows_accepted=n),
        respondent_ids=pd.Series(ids(names), dtype=object),
        groups=pd.DataFrame({"strand": groups}),
        row_numbers=np.arange(2, n + 2, dtype=np.int64),
        wave=label,
    )


def membership(label: str, counts: dict[str, int], kind: str = "counts") -> WaveMembership:
    return WaveMembership(wave=label, kind=kind, counts=counts, set_at=STAMP, set_by="me")  # type: ignore[arg-type]


# -- participation ----------------------------------------------------------------------------


def test_roster_rates_count_members_only_with_leavers_joiners_and_suppression() -> None:
    hr = [f"hr{k}@x.org" for k in range(12)]
    tr = [f"tr{k}@x.org" for k in range(8)]
    admins = ["a1@x.org", "a2@x.org"]
    first = dict(zip(ids(hr + tr), ["HR"] * 12 + ["Trainers"] * 8, strict=True))
    second_people = [*hr[2:], "new1@x.org", *tr]
    second = dict(zip(ids(second_people), ["HR"] * 11 + ["Trainers"] * 8, strict=True))
    w1 = wave(hr[:11] + tr[:6] + admins, ["HR"] * 11 + ["Trainers"] * 6 + ["Admin"] * 2, "w1")
    w2 = wave(hr[2:10] + tr[:5], ["HR"] * 8 + ["Trainers"] * 5, "w2")
    result = participation(
        [w1, w2],
        ["w1", "W2"],
        {
            "w1": membership("w1", {"HR": 12, "Trainers": 8}, "roster"),
            "w2": membership("w2", {"HR": 11, "Trainers": 8}, "roster"),
        },
        {"w1": first, "w2": second},
        group_column="strand",
        privacy=PrivacyPolicy(5),
    )
    one, two = result.waves
    assert (one.members, one.member_respondents, one.rate) == (20, 17, 17 / 20)
    # two administrators: the 19 responses minus the 17 members who answered, both shown, so
    # their number is shown too (issue 19: nothing says "suppressed" for a figure anyone can
    # work out by subtraction)
    assert one.not_members == 2
    by = {g.group: g for g in one.groups}
    assert (by["HR"].members, by["HR"].respondents, by["HR"].rate) == (12, 11, 11 / 12)
    assert (by["HR"].non_respondents, by[NOT_MEMBERS].non_respondents) == (1, None)
    assert not by[NOT_MEMBERS].suppressed and by[NOT_MEMBERS].members is None
    assert by[NOT_MEMBERS].respondents == 2
    # the 2 non-members are the 19 responses minus the 17 members who answered whatever else
    # is hidden, so hiding the 6 trainers would protect nothing: they are shown
    assert not by["Trainers"].suppressed and by["Trainers"].respondents == 6
    assert (two.left, two.joined, two.retained) == (2, 1, 18 / 20)
    by2 = {g.group: g for g in two.groups}
    assert (by2["HR"].left, by2["HR"].joined, by2["HR"].respondents) == (2, 1, 8)
    assert (by2["Trainers"].respondents, by2["Trainers"].rate) == (5, 5 / 8)
    assert two.rate == 13 / 19 and two.not_members == 0
    with_all = participation(
        [w1],
        ["w1"],
        {"w1": membership("w1", {"HR": 12, "Trainers": 8}, "roster")},
        {"w1": first},
        group_column="strand",
        privacy=PrivacyPolicy(1),
    )
    assert with_all.waves[0].not_members == 2
    assert {g.group: g.respondents for g in with_all.waves[0].groups} == {
        "HR": 11,
        "Trainers": 6,
        NOT_MEMBERS: 2,
    }


def test_a_small_members_subgroup_is_protected_by_another_members_subgroup() -> None:
    names = [f"p{k}" for k in range(28)]
    w = wave(names, ["HR"] * 12 + ["OD&L"] * 7 + ["QA"] * 3 + ["Admin"] * 6, "w")
    counts = {"HR": 12, "OD&L": 8, "QA": 4}
    result = participation(
        [w], ["w"], {"w": membership("w", counts)}, {}, group_column="strand"
    ).waves[0]
    by = {g.group: g for g in result.groups}
    assert result.member_respondents == 22  # shown, so QA's 3 = 22 - 12 - OD&L: OD&L is hidden
    assert by["QA"].suppressed and by["OD&L"].suppressed and by["OD&L"].reason
    assert by["QA"].respondents is None and by["OD&L"].respondents is None
    # the 6 administrators (not members) are enough to show, and never hide a members' subgroup
    assert (by["HR"].respondents, by["Admin"].respondents, result.not_members) == (12, 6, 6)


def test_numbers_per_subgroup_and_a_subgroup_without_members() -> None:
    w = wave([f"p{k}" for k in range(30)], ["HR"] * 18 + ["OD&L"] * 9 + ["Admin"] * 3, "w")
    result = participation(
        [w],
        ["w"],
        {"w": membership("w", {"HR": 20, "OD&L": 10})},
        {},
        group_column="strand",
        privacy=PrivacyPolicy(3),
    )
    only = result.waves[0]
    assert (only.members, only.member_respondents, only.rate, only.not_members) == (30, 27, 0.9, 3)
    admin = next(g for g in only.groups if g.group == "Admin")
    assert admin.members is None and not admin.member_group and admin.rate is None
    whole = participation([w], ["w"], {"w": membership("w", {"": 40})}, {}).waves[0]
    assert (whole.rate, whole.groups) == (0.75, ())
    none = participation([w], ["w"], {}, {}, group_column="strand").waves[0]
    assert none.rate is None and none.source == "none"


# -- attendance -------------------------------------------------------------------------------


def records_from_reference() -> list[AttendanceRecord]:
    frame = pd.read_csv(REFERENCE / "cycle_register.csv")
    members = ids(list(frame["email"]))
    return [
        AttendanceRecord(member=m, meeting_date=dt.date.fromisoformat(d), attended=bool(a))
        for m, d, a in zip(members, frame["date"], frame["attended"], strict=True)
    ]


@pytest.fixture(scope="module")
def reference() -> dict[str, object]:
    loaded: dict[str, object] = json.loads((REFERENCE / "cycle.json").read_text())
    return loaded


def test_attendance_rates_and_bands_equal_r(reference: dict[str, object]) -> None:
    records = records_from_reference()
    rates = person_rates(records, Period("all", None, None, None))
    expected = reference["rates"]
    assert isinstance(expected, dict)
    for email, member in zip(expected, ids(list(expected)), strict=True):
        assert rates[member] == pytest.approx(expected[email], abs=1e-12)
    summary = summarise_attendance(
        records, [("w1", dt.date(2025, 3, 31))], {}, privacy=PrivacyPolicy(1)
    )
    assert {b.band: b.people for b in summary.overall.bands} == reference["bands"]
    assert summary.overall.rate == pytest.approx(reference["mean_rate"], abs=1e-12)
    assert [p.period.label for p in summary.periods] == ["up to w1", "since w1"]
    assert [p.meetings for p in summary.periods] == [3, 3]
    hidden = summarise_attendance(records, [("w1", dt.date(2025, 3, 31))], {})
    bands = {b.band: b for b in hidden.overall.bands}
    assert bands["rare"].suppressed and bands["occasional"].suppressed  # 2, and its complement
    assert bands["regular"].people == 22


def test_retention_and_subgroups_from_the_roster() -> None:
    people = ids([f"p{k}" for k in range(12)])
    d1, d2, d3 = dt.date(2025, 1, 1), dt.date(2025, 5, 1), dt.date(2025, 6, 1)
    records = [AttendanceRecord(member=m, meeting_date=d1, attended=True) for m in people]
    records += [
        AttendanceRecord(member=m, meeting_date=d, attended=k < 9)
        for k, m in enumerate(people)
        for d in (d2, d3)
    ]
    roster = {m: ("A" if k < 6 else "B") for k, m in enumerate(people)}
    summary = summarise_attendance(
        records,
        [("w1", dt.date(2025, 3, 1)), ("w2", dt.date(2025, 9, 1))],
        {"w2": roster},
        privacy=PrivacyPolicy(3),
    )
    _first, second = summary.periods
    assert second.retained == pytest.approx(9 / 12) and second.retained_of == 12
    groups = {g.group: g for g in second.groups}
    assert groups["A"].rate == 1.0 and groups["B"].rate == pytest.approx(0.5)
    assert groups["B"].regular == pytest.approx(0.5)
    assert periods_between([("x", None)])[0].label == "all meetings"


# -- scores by attendance band (R: t.test, prop.test) ------------------------------------------


def score_tables(frame: pd.DataFrame) -> list[ScoreTable]:
    respondents = pd.Series(ids(list(frame["email"])), dtype=object)
    out = []
    for ident, column in (("strategic_direction_ownership", "stage1"), ("reflection", "stage3")):
        inst = load_instrument(ident)
        scores = pd.DataFrame({s: frame[column].to_numpy(float) for s in inst.scale_ids})
        out.append(ScoreTable(inst, scores, respondent_ids=respondents))
    mcd = load_instrument("mcdermott_identity_strength")
    rule = mcd.classification[0]
    levels = [rule.levels[-1].id if s else rule.levels[1].id for s in frame["strong"]]  # type: ignore[union-attr]
    scores = pd.DataFrame({s: np.full(len(frame), 3.0) for s in mcd.scale_ids})
    out.append(ScoreTable(mcd, scores, pd.DataFrame({rule.id: levels}), respondents))
    return out


def test_scores_by_attendance_band_equal_r(reference: dict[str, object]) -> None:
    tables = score_tables(pd.read_csv(REFERENCE / "cycle_scores.csv"))
    found = by_attendance(
        "w1",
        Period("all", None, None, "w1"),
        records_from_reference(),
        tables,
        privacy=PrivacyPolicy(5),
    )
    assert found is not None
    assert found.counts == (20, 8, 0)
    rows = {r.measure: r for r in found.rows}
    for measure, key in (("stage 1", "stage1"), ("stage 3", "stage3")):
        want = reference[key]
        assert isinstance(want, dict)
        got = rows[measure]
        assert (got.cells[0].n, got.cells[1].n) == (want["n_regular"], want["n_less"])
        assert got.cells[0].value == pytest.approx(want["mean_regular"], abs=1e-9)
        assert got.cells[1].value == pytest.approx(want["mean_less"], abs=1e-9)
        assert got.difference == pytest.approx(want["diff"], abs=1e-9)
        assert (got.lo, got.hi) == pytest.approx(want["ci"], abs=1e-9)
    share = next(r for r in found.rows if r.kind == "share")
    want = reference["strong"]
    assert isinstance(want, dict)
    assert share.cells[0].value == pytest.approx(want["share_regular"], abs=1e-12)
    assert share.difference == pytest.approx(want["diff"], abs=1e-12)
    assert (share.lo, share.hi) == pytest.approx(want["ci"], abs=1e-9)
    strict = by_attendance(
        "w1",
        Period("all", None, None, "w1"),
        records_from_reference(),
        tables,
        privacy=PrivacyPolicy(10),
    )
    assert strict is not None and strict.counts == (None, None, 0)
    assert all(c.suppressed for r in strict.rows for c in r.cells)
    assert all(r.difference is None for r in strict.rows)


# -- review of actions ------------------------------------------------------------------------


def action(number: int, targets: tuple[str, ...], after: str = "w1", **kw: object) -> Action:
    return Action(
        id=number,
        title=f"a{number}",
        targets=targets,
        agreed_after=after,
        created_at=STAMP,
        created_by="me",
        updated_at=STAMP,
        **kw,
    )  # type: ignore[arg-type]


def test_review_compares_targets_from_the_wave_agreed_after() -> None:
    inst = load_instrument("reflection")
    rng = np.random.default_rng(1)
    people = pd.Series(ids([f"p{k}" for k in range(40)]), dtype=object)
    base = rng.normal(3.0, 0.5, 40)

    def table(shift: float, flat_shift: float) -> ScoreTable:
        scores = pd.DataFrame(
            {
                "time_to_reflect": base + shift + rng.normal(0, 0.2, 40),
                "reflecting_with_others": base + flat_shift + rng.normal(0, 0.2, 40),
                "closing_the_loop": base + rng.normal(0, 0.2, 40),
            }
        )
        return ScoreTable(inst, scores, respondent_ids=people)

    tables = {"reflection": [table(0, 0), table(0.3, 0), table(0.6, 0)]}
    labels = ["w1", "w2", "w3"]
    reviews = review_actions(
        [
            action(1, ("reflection.time_to_reflect",), due=dt.date(2025, 6, 30), status="done"),
            action(2, ("reflection.reflecting_with_others",), due=dt.date(2025, 6, 30)),
            action(3, ("stage:3",), after="w3"),
            action(4, ()),
        ],
        tables,
        labels,
        as_of=dt.date(2026, 1, 1),
    )
    first, second, third, fourth = reviews
    assert (first.since, first.to, first.outcome, first.overdue) == ("w1", "w3", "improved", False)
    change = first.changes[0]
    assert change.design == "paired" and change.n == 40 and change.moved == "improved"
    assert change.mean_diff == pytest.approx(
        float(
            (tables["reflection"][2].scores - tables["reflection"][0].scores)[
                "time_to_reflect"
            ].mean()
        )
    )
    assert second.outcome == "no clear change" and second.overdue
    assert third.outcome == "not yet" and third.to is None
    assert fourth.outcome == "no targets"
    assert [s for _, s in target_scales("stage:3", tables["reflection"])] == list(inst.scale_ids)
