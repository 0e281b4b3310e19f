"""The instrument schema, its cross-checks, the loader and the built-in library."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import yaml

from cop_eval.errors import InstrumentError
from cop_eval.instruments import (
    ContinuumClassification,
    Instrument,
    ProfileClassification,
    builtin_instrument_ids,
    load_builtin_instruments,
    load_instrument,
    parse_instrument,
)

BUILTIN = {
    "strategic_direction_ownership": {1},
    "professional_identity": {2},
    "reflection": {3},
    "transfer_of_learning": {3},
    "mcdermott_identity_strength": set(),
    "le_may_success_factors": set(),
    "value_creation": set(),
}
LE_MAY_FACTORS = [
    "membership",
    "commitment",
    "relevance",
    "enthusiasm",
    "infrastructure",
    "skills",
    "resources",
]


def minimal() -> dict:
    """A small valid instrument as a mapping, to break in the tests."""
    return yaml.safe_load(
        textwrap.dedent(
            """
            id: mini
            version: "1.0.0"
            title: Mini
            description: A tiny instrument for tests.
            status: seed-derived
            sources: [{citation: "Test source"}]
            license: {status: project-authored, item_text_redistributable: true}
            response_scale:
              min: 1
              max: 5
              labels: {1: SD, 2: D, 3: N, 4: A, 5: SA}
            items:
              - {id: a1, text: "First", scale: alpha}
              - {id: a2, text: "Second", scale: alpha, reverse: true}
              - {id: b1, text: "Third", scale: beta}
              - {id: b2, text: "Fourth", scale: beta}
            scales:
              - {id: alpha, label: Alpha, stage: 1}
              - {id: beta, label: Beta}
            """
        )
    )


def problems_of(data: dict) -> list[str]:
    with pytest.raises(InstrumentError) as info:
        parse_instrument(data, source="test.yaml")
    assert str(info.value).startswith("test.yaml:")
    return list(info.value.problems)


def test_every_builtin_instrument_loads_with_the_promised_shape() -> None:
    assert set(builtin_instrument_ids()) == set(BUILTIN)
    for inst in load_builtin_instruments():
        assert inst.status == "seed-derived"
        assert inst.published_reliability == ()
        assert inst.license.item_text_redistributable
        assert any(s.locator and s.locator.startswith("seeds/") for s in inst.sources), inst.id
        assert {s.stage for s in inst.scales if s.stage} == BUILTIN[inst.id]
        assert inst.response_scale.min == 1 and inst.response_scale.max == 5
        assert "Don't know" in inst.response_scale.missing_labels
        for item in inst.items:
            assert item.text and len(item.text.split()) <= 20, item.id


def test_seed_locators_point_at_existing_lines(repo_root: Path) -> None:
    seeds = repo_root.parent / "shared" / "seeds"
    if not seeds.is_dir():
        pytest.skip("shared/seeds is not beside this checkout")
    for inst in load_builtin_instruments():
        for source in inst.sources:
            if not source.locator or not source.locator.startswith("seeds/"):
                continue
            name, lines = source.locator.removeprefix("seeds/").split(":")
            first, last = (int(x) for x in lines.split("-"))
            length = len((seeds / name).read_text(encoding="utf-8").splitlines())
            assert 1 <= first <= last <= length, source.locator


def test_le_may_has_seven_factors_with_three_items_each() -> None:
    inst = load_instrument("le_may_success_factors")
    assert list(inst.scale_ids) == LE_MAY_FACTORS
    assert all(len(inst.items_of(f)) >= 3 for f in LE_MAY_FACTORS)
    (rule,) = inst.classification
    assert isinstance(rule, ProfileClassification) and list(rule.scales) == LE_MAY_FACTORS


def test_mcdermott_declares_an_ordered_continuum() -> None:
    inst = load_instrument("mcdermott_identity_strength")
    (rule,) = inst.classification
    assert isinstance(rule, ContinuumClassification)
    assert [lvl.id for lvl in rule.levels] == ["interest_group", "network", "community_of_practice"]
    assert "median classified member" in rule.description
    assert "too close to call" in rule.description and "3.25 and at 3.75" in rule.description
    assert rule.member_rule == "highest_endorsed" and rule.sensitivity == 0.25
    directions = {s.id: s.direction for s in inst.scales}
    assert directions == {
        "interest_group": "neutral",
        "network": "higher_is_better",
        "community_of_practice": "higher_is_better",
    }


def test_some_items_are_reverse_keyed() -> None:
    reversed_items = [i.id for inst in load_builtin_instruments() for i in inst.items if i.reverse]
    assert 5 <= len(reversed_items) <= 20


def test_models_are_frozen() -> None:
    inst = parse_instrument(minimal())
    with pytest.raises(Exception, match="frozen"):
        inst.title = "changed"  # type: ignore[misc]


def test_valid_minimal_instrument_and_views() -> None:
    inst = parse_instrument(minimal())
    assert inst.item_ids == ("a1", "a2", "b1", "b2")
    assert [i.id for i in inst.items_of("alpha")] == ["a1", "a2"]
    assert inst.response_scale_of("a2").reverse(5) == 1


def test_all_cross_check_problems_are_listed_at_once() -> None:
    data = minimal()
    data["items"][1]["id"] = "a1"  # duplicate id
    data["items"][2]["scale"] = "gamma"  # unknown scale; leaves beta with one item
    data["response_scale"]["labels"].pop(5)  # an end of 1..5 without a label
    data["scales"][1]["min_answered"] = 0  # outside (0, 1]
    data["scales"][0]["stage"] = 4
    data["classification"] = [
        {
            "kind": "profile",
            "id": "p",
            "label": "P",
            "description": "d",
            "scales": ["alpha", "nope"],
        }
    ]
    problems = problems_of(data)
    joined = "\n".join(problems)
    assert "items[1] (id: a1): duplicate id" in joined
    assert "items[2] (id: b1).scale: 'gamma' is not a scale" in joined
    assert "scales[1] (id: beta): has 1 item(s)" in joined
    assert "response_scale.labels: no label for 5; label at least both ends" in joined
    assert "scales[1] (id: beta).min_answered" in joined
    assert "scales[0] (id: alpha).stage" in joined
    assert "classification[0] (id: p).scales[1]: 'nope'" in joined
    assert len(problems) == 7


def test_unknown_keys_and_missing_keys_name_their_path() -> None:
    data = minimal()
    data["items"][0]["revers"] = True
    del data["title"]
    problems = problems_of(data)
    assert "items[0] (id: a1).revers: unknown key" in problems[0] or any(
        "items[0] (id: a1).revers: unknown key" in p for p in problems
    )
    assert any(p.startswith("title: required key is missing") for p in problems)


def test_min_answered_must_be_positive_and_at_most_one() -> None:
    for bad in (0, 1.5, -0.1):
        data = minimal()
        data["scales"][0]["min_answered"] = bad
        assert any("scales[0] (id: alpha).min_answered" in p for p in problems_of(data))
    data = minimal()
    data["scales"][0]["min_answered"] = 1
    assert parse_instrument(data).scale("alpha").min_answered == 1


def test_stage_must_be_a_real_stage_number() -> None:
    data = minimal()
    data["scales"][0]["stage"] = True
    assert any("stage" in p for p in problems_of(data))


def test_missing_label_that_is_also_a_score_label_is_rejected() -> None:
    data = minimal()
    data["response_scale"]["missing_labels"] = ["SA"]
    assert any("missing_labels: 'SA' is also a scored label" in p for p in problems_of(data))


def test_continuum_rule_must_name_existing_scales_and_kind_defaults() -> None:
    data = minimal()
    data["classification"] = [
        {
            "id": "level",
            "label": "Level",
            "description": "rule",
            "threshold": 3.5,
            "levels": [
                {"id": "low", "label": "Low", "scale": "alpha"},
                {"id": "high", "label": "High", "scale": "omega"},
            ],
        }
    ]
    assert any("levels[1].scale: 'omega'" in p for p in problems_of(data))
    data["classification"][0]["levels"][1]["scale"] = "beta"
    inst = parse_instrument(data)
    assert isinstance(inst.classification[0], ContinuumClassification)


def test_item_text_required_unless_licence_forbids_it() -> None:
    data = minimal()
    del data["items"][0]["text"]
    assert any("items[0] (id: a1).text: missing" in p for p in problems_of(data))
    data["license"] = {"status": "restricted", "item_text_redistributable": False}
    assert parse_instrument(data).items[0].text is None


def test_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    path = tmp_path / "broken.yaml"
    path.write_text("id: x\nitems: [\n  - a: b\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match=r"(?s)broken.yaml: .*line 3, column 3: YAML syntax"):
        load_instrument(path)


def test_not_a_mapping_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "list.yaml"
    path.write_text("- 1\n- 2\n", encoding="utf-8")
    with pytest.raises(InstrumentError, match="must be a YAML mapping"):
        load_instrument(path)
    with pytest.raises(InstrumentError, match="file not found"):
        load_instrument(tmp_path / "absent.yaml")


def test_unknown_builtin_id_lists_the_available_ones() -> None:
    with pytest.raises(InstrumentError, match="built-in ids are: le_may_success_factors"):
        load_instrument("no_such_instrument")


def test_licensed_example_reads_item_text_file(repo_root: Path) -> None:
    inst = load_instrument(repo_root / "docs" / "examples" / "licensed_instrument.yaml")
    assert not inst.license.item_text_redistributable
    assert all(item.text for item in inst.items)
    assert inst.published_alpha("shared_reflection") is not None


def _licensed(tmp_path: Path, texts: str) -> Path:
    data = minimal()
    data["license"] = {"status": "restricted", "item_text_redistributable": False}
    for item in data["items"]:
        del item["text"]
    data["item_text_file"] = "texts.yaml"
    path = tmp_path / "licensed.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    (tmp_path / "texts.yaml").write_text(texts, encoding="utf-8")
    return path


def test_item_text_file_problems_are_precise(tmp_path: Path) -> None:
    path = _licensed(tmp_path, "a1: One\na2:\nzz: Extra\n")
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    text = str(info.value)
    assert "'zz' is not an item id" in text
    assert "'a2' has no text" in text
    assert "has no text for: b1, b2" in text
    path = _licensed(tmp_path, "")
    with pytest.raises(InstrumentError, match="is empty"):
        load_instrument(path)
    path = _licensed(tmp_path, "a1: One\na2: Two\nb1: Three\nb2: Four\n")
    assert load_instrument(path).item("b2").text == "Four"


def test_instrument_constructed_in_code_is_cross_checked() -> None:
    data = minimal()
    data["items"][3]["scale"] = "alpha"
    with pytest.raises(ValueError, match="needs at least two items"):
        Instrument.model_validate(data)


@pytest.mark.parametrize("item_id", ["A1", "Q1_1", "high.strung", "SQ001", "EE-3", "1_Q2"])
def test_item_ids_may_be_written_as_the_data_names_its_columns(item_id: str) -> None:
    data = minimal()
    data["items"][0]["id"] = item_id
    inst = parse_instrument(data)
    assert inst.item_ids[0] == item_id  # case kept


def test_an_item_id_with_other_characters_says_which_are_allowed() -> None:
    data = minimal()
    data["items"][0]["id"] = "Q1 (a)"
    joined = "\n".join(problems_of(data))
    assert "'Q1 (a)' is not a valid item id: use letters, digits, '_', '.' and '-'" in joined


def test_item_ids_that_differ_only_in_case_are_refused() -> None:
    data = minimal()
    data["items"][0]["id"] = "Q1"
    data["items"][1]["id"] = "q1"
    joined = "\n".join(problems_of(data))
    assert "item ids Q1 and q1 differ only in case" in joined


def test_scale_ids_stay_lower_snake_case() -> None:
    data = minimal()
    data["scales"][0]["id"] = "Alpha"
    data["items"][0]["scale"] = data["items"][1]["scale"] = "Alpha"
    joined = "\n".join(problems_of(data))
    assert "'Alpha' is not a valid id: use lower-case letters" in joined


def test_a_numeric_scale_needs_labels_for_its_ends_only() -> None:
    data = minimal()
    data["response_scale"] = {"min": 0, "max": 1000, "labels": {0: "None", 1000: "All"}}
    inst = parse_instrument(data)
    assert not inst.response_scale.fully_labelled
    assert inst.response_scale.label_of(0) == "None"
    assert inst.response_scale.label_of(500) == "500"
    data["response_scale"]["labels"] = {0: "None"}
    joined = "\n".join(problems_of(data))
    assert "response_scale.labels: no label for 1000; label at least both ends" in joined


def test_a_questionnaire_prints_a_numeric_rating_by_its_numbers_and_end_labels() -> None:
    from cop_eval.report.questionnaire import questionnaire_parts

    data = minimal()
    data["items"][2]["response_scale"] = {
        "min": 0,
        "max": 10,
        "labels": {0: "Not at all", 10: "Completely"},
    }
    data["items"][3]["response_scale"] = {"min": 0, "max": 1000, "labels": {0: "None", 1000: "All"}}
    parts = questionnaire_parts([parse_instrument(data)])
    assert parts[0].answers == ("SD", "D", "N", "A", "SA")
    assert parts[1].answers == ("0 (Not at all)", *map(str, range(1, 10)), "10 (Completely)")
    assert parts[2].answers == ("Write a number from 0 (None) to 1000 (All)",)


def _line(text: str, wanted: str) -> int:
    """The 1-based number of the line of ``text`` that is ``wanted`` (stripped)."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip() == wanted)


def test_a_file_s_problems_name_their_line(tmp_path: Path) -> None:
    lines = yaml.safe_dump(minimal(), sort_keys=False).splitlines()
    lines = [line for line in lines if not line.startswith("title:")]  # a required key
    lines.insert(lines.index("- id: a2") + 1, "  revers: true")  # a misspelt key
    lines.insert(lines.index("- id: beta") + 1, "  stage: 4")  # not a stage
    text = "\n".join(lines) + "\n"
    path = tmp_path / "mine.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    problems = list(info.value.problems)
    assert str(info.value).startswith(f"{path}: 3 problems")
    assert [p for p in problems if "revers" in p] == [
        f"line {_line(text, 'revers: true')}: items[1] (id: a2).revers: unknown key; check the "
        "spelling against docs/instruments.md"
    ]
    assert any(
        p.startswith(f"line {_line(text, 'stage: 4')}: scales[1] (id: beta).stage:")
        for p in problems
    ), problems
    assert [p for p in problems if p.startswith("title:")] == [
        "title: required key is missing; add it (docs/instruments.md lists every key)"
    ]  # at the top level: no entry's line to name

    data = minimal()
    del data["items"][2]["scale"]
    text = yaml.safe_dump(data, sort_keys=False)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InstrumentError) as info:
        load_instrument(path)
    assert (
        "items[2] (id: b1).scale: required key is missing; add it (docs/instruments.md lists "
        f"every key), in the entry that starts on line {_line(text, '- id: b1')}"
    ) in info.value.problems, info.value.problems


def test_yaml_lines_follow_keys_entries_and_aliases() -> None:
    from cop_eval.safe_yaml import line_of, yaml_lines

    text = "a: 1\nb:\n  - x: &k {y: 2}\n    z: 3\n  - *k\nc: {d: [4, 5]}\n"
    lines = yaml_lines(text)
    assert lines[("a",)] == 1 and lines[("b",)] == 2 and lines[("b", 0)] == 3
    assert lines[("b", 0, "x", "y")] == 3 and lines[("b", 0, "z")] == 4
    # an alias: the line of the value it stands for, whose keys are named once, where written
    assert lines[("b", 1)] == 3 and ("b", 1, "y") not in lines
    assert lines[("c", "d", 1)] == 6
    assert line_of(("b", 0, "z"), lines) == (4, True)
    assert line_of(("b", 0, "w"), lines) == (3, False)  # missing: the entry that lacks it
    assert line_of(("b", 0, "tag", "z"), lines) == (4, True)  # a union's tag passed over
    assert line_of(("nope",), lines) == (None, False)
    assert yaml_lines("a: [1,") == {}
