"""The bundled sample data: reproducible, structured as documented, and carrying its built-in effects.

Effects are computed here simply, with pandas, from the answers in the committed files (labels to
codes, reverse keying, item means); nothing from cop-eval's own scoring is used, so these tests
check the data, not the analysis.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
import yaml
from openpyxl import load_workbook

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from cop_eval.instruments import ContinuumClassification, Instrument
from sample_data.generate import HERE, MANIFEST, generate
from sample_data.plan import (
    BUILT_IN_EFFECTS,
    FIRST_INSTRUMENTS,
    HR_ADMIN,
    SEED,
    STRAND_QUESTION,
    TRAINERS,
    TRAINING_QA,
)
from sample_data.simulation import Simulation, simulate

FILES = (
    "wave1_qualtrics.csv",
    "wave2_msforms.xlsx",
    "wave3_paper.csv",
    "roster_mar2025.csv",
    "roster_sep2025.csv",
    "roster_mar2026.csv",
    "attendance_register.csv",
    MANIFEST,
)


@pytest.fixture(scope="module")
def sim() -> Simulation:
    return simulate(SEED)


@pytest.fixture(scope="module")
def manifest() -> dict[str, Any]:
    loaded: dict[str, Any] = yaml.safe_load((HERE / MANIFEST).read_text(encoding="utf-8"))
    return loaded


# -- reading the committed files with plain pandas ---------------------------------------------


def _codes(sim: Simulation, frame: pd.DataFrame) -> pd.DataFrame:
    """Item columns (already named by item id) from text labels to codes; missing labels -> NaN."""
    out = {}
    for inst in sim.instruments:
        for item in inst.items:
            rs = inst.response_scale_of(item.id)
            lookup = {label: float(code) for code, label in rs.labels.items()}
            column = frame[item.id].astype("string").str.strip()
            unknown = set(column.dropna()) - set(lookup) - set(rs.missing_labels)
            assert not unknown, f"{item.id}: unexpected answers {unknown}"
            out[item.id] = column.map(lookup, na_action="ignore").astype(float)
    return pd.DataFrame(out, index=frame.index)


def _read_wave(sim: Simulation, number: int) -> pd.DataFrame:
    """Counted responses of a committed wave: index normalised email; strand, then item codes."""
    spec = sim.wave(number).spec
    path = HERE / spec.file
    by_text = {item.text: item.id for inst in sim.instruments for item in inst.items}
    if spec.format == "qualtrics":
        frame = pd.read_csv(path, encoding="utf-8-sig", skiprows=[1, 2], dtype=str)
        frame = frame[frame["Status"] == "IP Address"]
        questions = pd.read_csv(path, encoding="utf-8-sig", nrows=1, dtype=str).iloc[0]
        rename = {
            col: by_text[text.rsplit(" - ", 1)[1]]
            for col, text in questions.items()
            if " - " in str(text)
        }
        frame = frame.rename(columns=rename)
    elif spec.format == "ms_forms":
        frame = pd.read_excel(path, dtype=str, engine="openpyxl").rename(columns=by_text)
    else:
        frame = pd.read_csv(path, sep=";", encoding="utf-8-sig", dtype=str)
    emails = frame[spec.id_column].str.strip().str.casefold()
    frame = frame.assign(_id=emails).drop_duplicates("_id", keep="last").set_index("_id")
    answers = _codes(sim, frame)
    answers.insert(0, "strand", frame[spec.group_column])
    answers.index.name = "email"
    return answers


@pytest.fixture(scope="module")
def waves(sim: Simulation) -> dict[int, pd.DataFrame]:
    return {w.spec.number: _read_wave(sim, w.spec.number) for w in sim.waves}


def _scored(sim: Simulation, answers: pd.DataFrame, instrument: str) -> pd.DataFrame:
    """Per-respondent scale means (reverse-keyed items mirrored), one column per scale."""
    inst = next(i for i in sim.instruments if i.id == instrument)
    return pd.DataFrame({s: _scale(inst, answers, s) for s in inst.scale_ids})


def _scale(inst: Instrument, answers: pd.DataFrame, scale: str) -> pd.Series:
    columns = {}
    for item in inst.items_of(scale):
        rs = inst.response_scale_of(item.id)
        x = answers[item.id]
        columns[item.id] = rs.min + rs.max - x if item.reverse else x
    return pd.DataFrame(columns).mean(axis=1)


def _stage_mean(sim: Simulation, answers: pd.DataFrame, stage: int) -> float:
    scores = [
        _scale(inst, answers, s.id)
        for inst in sim.instruments
        for s in inst.scales
        if s.stage == stage
    ]
    return float(pd.concat(scores, axis=1).mean(axis=1).mean())


# -- reproducibility -------------------------------------------------------------------------


def _xlsx_values(path: Path) -> Iterator[tuple[Any, ...]]:
    workbook = load_workbook(path, read_only=True)
    try:
        yield from (
            tuple(row) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True)
        )
    finally:
        workbook.close()


def test_regenerating_with_the_seed_reproduces_the_committed_files(tmp_path: Path) -> None:
    generate(tmp_path, SEED)
    for name in FILES:
        if name.endswith(".xlsx"):
            assert list(_xlsx_values(tmp_path / name)) == list(_xlsx_values(HERE / name)), name
        else:
            assert (tmp_path / name).read_bytes() == (HERE / name).read_bytes(), name


def test_another_seed_gives_other_answers_with_the_same_design() -> None:
    a, b = simulate(SEED), simulate(SEED + 1)
    assert [len(w.members) for w in a.waves] == [len(w.members) for w in b.waves]
    assert not a.answers(1).reset_index(drop=True).equals(b.answers(1).reset_index(drop=True))


# -- structure -------------------------------------------------------------------------------


def test_membership_attrition_and_joiners(sim: Simulation, manifest: dict[str, Any]) -> None:
    members = [{p.email for p in w.members} for w in sim.waves]
    assert [len(m) for m in members] == [51, 50, 51]
    assert [sum(p.strand != HR_ADMIN for p in w.members) for w in sim.waves] == [48, 47, 48]
    assert len(members[0] - members[1]) == 4 and len(members[1] - members[0]) == 3
    assert len(members[1] - members[2]) == 2 and len(members[2] - members[1]) == 3
    for number, wave in enumerate(sim.waves, start=1):
        emails = [s.person.email for s in wave.respondents if s.person is not None]
        assert len(emails) == len(set(emails)), "one counted response per member"
        assert set(emails) <= members[number - 1], "only members answer"
        expected = manifest["waves"][number - 1]["expected"]
        assert expected["respondents"] == len(emails)
        assert sum(expected["respondents_by_group"].values()) == len(emails)
    assert all(p.email.endswith("@example.org") for p in sim.people)
    assert len({p.email for p in sim.people}) == len(sim.people)


def test_subgroups_per_wave(waves: dict[int, pd.DataFrame], manifest: dict[str, Any]) -> None:
    for number, answers in waves.items():
        counts = answers["strand"].value_counts()
        assert counts.to_dict() == manifest["waves"][number - 1]["expected"]["respondents_by_group"]
        assert 1 <= counts[HR_ADMIN] < 5, "HR administration must be suppressible at size 5"
        # the complementary cell hidden with it is training QA, never the trainers
        assert 5 <= counts[TRAINING_QA] < counts[TRAINERS]
        assert counts["HR"] >= 15
    for number in (2, 3):  # trainers answering two waves in a row stay reportable when paired
        matched = waves[number].index.intersection(waves[number - 1].index)
        strands = waves[number - 1].loc[matched, "strand"].value_counts()
        assert strands[TRAINING_QA] < strands[TRAINERS] and strands[TRAINERS] >= 5
    assert 40 <= min(len(a) for a in waves.values()) <= max(len(a) for a in waves.values()) <= 51


def test_matched_across_waves(waves: dict[int, pd.DataFrame], manifest: dict[str, Any]) -> None:
    for number in (2, 3):
        matched = len(set(waves[number].index) & set(waves[number - 1].index))
        assert matched == manifest["waves"][number - 1]["expected"]["matched_with_previous_wave"]
        assert matched >= 35
    assert len(set(waves[1].index) & set(waves[3].index)) >= 35


def test_files_hold_exactly_the_simulated_answers(
    sim: Simulation, waves: dict[int, pd.DataFrame]
) -> None:
    for number, from_file in waves.items():
        simulated = sim.answers(number)
        pd.testing.assert_frame_equal(
            from_file.sort_index(), simulated.sort_index(), check_dtype=False, check_names=False
        )


def test_imperfections_are_present(sim: Simulation, manifest: dict[str, Any]) -> None:
    kinds = [[s.kind for s in w.submissions] for w in sim.waves]
    assert [k.count("preview") for k in kinds] == [1, 0, 0]
    assert [k.count("superseded") for k in kinds] == [0, 1, 0]
    assert sum(k.count("straight_liner") for k in kinds) == 2
    assert sum(k.count("partial") for k in kinds) == 2
    for number, wave in enumerate(sim.waves, start=1):
        cells = [v for s in wave.respondents for v in s.answers.values()]
        labels = sum(isinstance(v, str) for v in cells) / len(cells)
        blanks = sum(v is None for v in cells) / len(cells)
        assert 0.01 < labels < 0.06, f"wave {number}: Don't know / Not applicable share {labels}"
        assert 0.003 < blanks < 0.06, f"wave {number}: blank share {blanks}"
        assert manifest["waves"][number - 1]["expected"]["data_rows"] == len(wave.submissions)


def test_qualtrics_file_layout() -> None:
    raw = (HERE / "wave1_qualtrics.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Qualtrics writes a UTF-8 BOM"
    header = pd.read_csv(HERE / "wave1_qualtrics.csv", encoding="utf-8-sig", nrows=2, dtype=str)
    assert list(header.columns[:3]) == ["StartDate", "EndDate", "Status"]
    assert header.iloc[1]["Q2_1"] == '{"ImportId":"QID2_1"}'
    data = pd.read_csv(HERE / "wave1_qualtrics.csv", encoding="utf-8-sig", skiprows=[1, 2])
    assert set(data["Status"]) == {"IP Address", "Survey Preview"}
    ips = data["IPAddress"].dropna()
    assert ips.str.startswith("192.0.2.").all(), "documentation address range only"
    assert (data["Finished"] == False).sum() == 1  # noqa: E712 - one partial response


def test_ms_forms_and_csv_layout() -> None:
    rows = list(_xlsx_values(HERE / "wave2_msforms.xlsx"))
    assert rows[0][:6] == ("ID", "Start time", "Completion time", "Email", "Name", STRAND_QUESTION)
    assert len({r[3].strip().casefold() for r in rows[1:]}) == len(rows) - 2, "one duplicate"
    text = (HERE / "wave3_paper.csv").read_bytes()
    assert text.startswith(b"\xef\xbb\xbfemail;strand;")
    assert b"\r\n" in text


# -- the built-in effects --------------------------------------------------------------------


def test_stage3_is_weakest_and_improves(sim: Simulation, waves: dict[int, pd.DataFrame]) -> None:
    stage3 = [_stage_mean(sim, waves[w], 3) for w in (1, 2, 3)]
    assert stage3[1] - stage3[0] >= 0.15 and stage3[2] - stage3[1] >= 0.15
    assert stage3[2] - stage3[0] >= 0.4
    for w in (1, 2, 3):
        assert stage3[w - 1] < min(_stage_mean(sim, waves[w], 1), _stage_mean(sim, waves[w], 2))
    # matched members improve too (not just a change in who answered)
    both = waves[1].index.intersection(waves[3].index)
    change = [_stage_mean(sim, waves[w].loc[both], 3) for w in (1, 3)]
    assert change[1] - change[0] >= 0.4


@pytest.mark.parametrize(
    ("instrument", "scale"),
    [
        ("le_may_success_factors", "relevance"),
        ("strategic_direction_ownership", "strategic_alignment"),
    ],
)
def test_trainers_score_lower(
    sim: Simulation, waves: dict[int, pd.DataFrame], instrument: str, scale: str
) -> None:
    for answers in waves.values():
        score = _scored(sim, answers, instrument)[scale]
        trainers = answers["strand"] == TRAINERS
        assert score[~trainers].mean() - score[trainers].mean() >= 0.5


def test_mcdermott_moves_from_network_towards_community(
    sim: Simulation, waves: dict[int, pd.DataFrame]
) -> None:
    inst = next(i for i in sim.instruments if i.id == "mcdermott_identity_strength")
    rule = next(c for c in inst.classification if isinstance(c, ContinuumClassification))
    order = [level.id for level in rule.levels]
    shares, medians = [], []
    for answers in waves.values():
        scores = _scored(sim, answers, inst.id)
        endorsed = pd.DataFrame(
            {lvl.id: scores[lvl.scale] >= rule.threshold for lvl in rule.levels}
        )
        level = endorsed.apply(
            lambda row: max((order.index(k) for k, v in row.items() if v), default=0), axis=1
        )
        shares.append(level.value_counts(normalize=True).reindex(range(3), fill_value=0.0))
        ranked = np.sort(level.to_numpy())
        medians.append(order[int(ranked[(len(ranked) - 1) // 2])])  # lower median
    assert shares[2][2] - shares[0][2] >= 0.2, "community of practice share grows"
    assert shares[0][1] > shares[0][2], "wave 1: more network than community of practice"
    assert medians[0] == "network" and medians[2] == "community_of_practice"


def test_collective_agenda_is_low_and_stage2_is_stable(
    sim: Simulation, waves: dict[int, pd.DataFrame]
) -> None:
    stage2 = []
    for answers in waves.values():
        sdo = _scored(sim, answers, "strategic_direction_ownership").mean()
        assert sdo.idxmin() == "collective_agenda" and sdo["collective_agenda"] < 3.0
        stage2.append(_stage_mean(sim, answers, 2))
    assert max(stage2) - min(stage2) < 0.15


def test_value_stops_flowing_at_application_in_every_wave(
    sim: Simulation, waves: dict[int, pd.DataFrame]
) -> None:
    # value_stops_at_application and value_applied_grows: immediate and potential value above
    # agreement (3.5), applied value the first cycle below it, at every wave; applied rises.
    cycle = ["immediate_value", "potential_value", "applied_value", "realised_value"]
    applied = []
    for answers in waves.values():
        means = _scored(sim, answers, "value_creation").mean()
        assert means["immediate_value"] >= 3.5 and means["potential_value"] >= 3.5
        assert next(s for s in cycle if means[s] < 3.5) == "applied_value"
        applied.append(means["applied_value"])
    assert applied[-1] - applied[0] > 0.15


def test_adding_an_instrument_leaves_the_first_instruments_answers_alone() -> None:
    # Every instrument outside FIRST_INSTRUMENTS draws from streams of its own: the answers to
    # the first six are the same with or without it.
    from sample_data import simulation

    full = simulate(SEED)
    original, check = simulation.survey_instruments, simulation.check_plan
    try:
        simulation.survey_instruments = lambda: tuple(  # type: ignore[assignment]
            i for i in original() if i.id in FIRST_INSTRUMENTS
        )
        # The plan's effects on the other instruments have no instrument to check against.
        simulation.check_plan = lambda instruments: None  # type: ignore[assignment]
        first_only = simulate(SEED)
    finally:
        simulation.survey_instruments, simulation.check_plan = original, check  # type: ignore[assignment]
    for number in (1, 2, 3):
        a, b = full.answers(number), first_only.answers(number)
        pd.testing.assert_frame_equal(a[b.columns], b)


def test_effects_are_documented(manifest: dict[str, Any]) -> None:
    readme = (HERE / "README.md").read_text(encoding="utf-8")
    assert [e["id"] for e in manifest["effects"]] == [e.id for e in BUILT_IN_EFFECTS]
    for effect in BUILT_IN_EFFECTS:
        assert f"`{effect.id}`" in readme, f"README.md does not document {effect.id}"


# -- the files through cop-eval's importer -----------------------------------------------------


def test_files_import_without_surprises(sim: Simulation, manifest: dict[str, Any]) -> None:
    from cop_eval.ingest import read_responses

    for entry in manifest["waves"]:
        result = read_responses(
            HERE / entry["file"],
            sim.instruments,
            id_column=entry["id_column"],
            group_columns=[entry["group_column"]],
            wave=entry["label"],
            key=b"sample-data-test-key",
        )
        report, expected = result.report, entry["expected"]
        assert report.format == entry["format"], "the platform is recognised without --format"
        assert report.unmatched_items == ()
        assert report.value_problems == ()
        assert report.rows_read == expected["data_rows"]
        assert report.rows_accepted == expected["respondents"]
        assert len(report.rejected) == (
            expected["rejected_preview_rows"] + expected["rejected_duplicate_rows"]
        )
        assert len(report.duplicate_ids) == expected["rejected_duplicate_rows"]
        assert len(report.straight_liners) == expected["straight_liners"]
        assert report.partial_responses == expected["partial_responses"]
        groups = result.groups[entry["group_column"]].value_counts().to_dict()
        assert groups == expected["respondents_by_group"]


# -- the evaluation cycle: rosters, the register, context and actions --------------------------


def test_rosters_list_the_members_without_the_administrators(
    sim: Simulation, manifest: dict[str, Any]
) -> None:
    for wave in sim.waves:
        entry = manifest["rosters"][wave.spec.label]
        roster = pd.read_csv(HERE / entry["file"], dtype=str)
        assert list(roster.columns) == ["Email", "Strand"]
        members = {p.email: p.strand for p in wave.members if p.strand != HR_ADMIN}
        assert dict(zip(roster["Email"], roster["Strand"], strict=True)) == members
        assert roster["Strand"].value_counts().to_dict() == entry["members"]
    assert [sum(manifest["rosters"][w]["members"].values()) for w in manifest["rosters"]] == [
        48,
        47,
        48,
    ]


def test_register_follows_the_thesis_pattern(sim: Simulation, manifest: dict[str, Any]) -> None:
    """Most attend 15-16 of 17 meetings, one group far less (thesis, Appendix 9, T:12230+)."""
    register = pd.read_csv(HERE / "attendance_register.csv", dtype=str)
    assert list(register.columns) == ["Name", "Email", "Meeting date", "Attended"]
    assert set(register["Attended"]) == {"Yes", "No", "Apologies"}
    dates = pd.to_datetime(register["Meeting date"], format="%d/%m/%Y")
    assert dates.dt.day_of_week.eq(1).all() and dates.nunique() == 17
    strand = {p.email: p.strand for p in sim.people}
    attended = register[register["Attended"] == "Yes"].groupby("Email").size()
    full = register.groupby("Email").size().pipe(lambda n: n[n == 17].index)
    counts = attended.reindex(full, fill_value=0)
    trainers = counts[[strand[e] == TRAINERS for e in counts.index]]
    others = counts[[strand[e] != TRAINERS for e in counts.index]]
    assert trainers.between(4, 7).all() and len(trainers) >= 5
    assert others.between(14, 17).all() and others.isin([15, 16]).mean() > 0.5
    summary = manifest["attendance"]["attended_of_17_by_strand"]
    assert summary[TRAINERS] == {
        "people": len(trainers),
        "fewest": trainers.min(),
        "most": trainers.max(),
    }
    assert manifest["attendance"]["records"] == len(register)


def test_demo_actions_target_one_moving_and_one_flat_scale(manifest: dict[str, Any]) -> None:
    moving = {e["instrument"] for e in manifest["effects"] if e["kind"] == "wave_change"}
    flat = {
        f"{e['instrument']}.{s}"
        for e in manifest["effects"]
        if e["kind"] == "level"
        for s in e["scales"]
    }
    first, second = manifest["actions"]
    assert [a["agreed_after"] for a in manifest["actions"]] == ["Mar 2025", "Mar 2025"]
    assert first["targets"] == ["reflection.time_to_reflect"]
    assert first["targets"][0].split(".")[0] in moving
    assert second["targets"][0] in flat
    assert set(manifest["context"]) >= {"name", "purpose", "cadence", "membership_rules", "sponsor"}
