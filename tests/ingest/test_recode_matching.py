"""Answer recoding and column matching, case by case."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest

from cop_eval.cli.terms import cli_message
from cop_eval.errors import DataImportError
from cop_eval.ingest.matching import match_columns, normalise_text
from cop_eval.ingest.recode import (
    ANSWERED,
    BLANK,
    MISSING_LABEL,
    OUT_OF_RANGE,
    UNPARSEABLE,
    recode_column,
)
from cop_eval.instruments import Instrument

CASES = [
    ("4", 4.0, ANSWERED),
    (" 4 ", 4.0, ANSWERED),
    ("4.0", 4.0, ANSWERED),
    ("4,0", 4.0, ANSWERED),
    ("Agree", 4.0, ANSWERED),
    ("  strongly   AGREE ", 5.0, ANSWERED),
    ("5 - Strongly agree", 5.0, ANSWERED),
    ("5 – Strongly agree", 5.0, ANSWERED),
    ("5. Strongly agree", 5.0, ANSWERED),
    ("1 = Strongly disagree", 1.0, ANSWERED),
    ("Strongly agree (5)", 5.0, ANSWERED),
    ("Disagree [2]", 2.0, ANSWERED),
    ("3 - Neutral", 3.0, ANSWERED),  # the platform's own wording: the code decides
    ("2 - Strongly agree", math.nan, UNPARSEABLE),  # code and label disagree
    ("6 - Very strongly agree", math.nan, OUT_OF_RANGE),
    ("", math.nan, BLANK),
    ("   ", math.nan, BLANK),
    ("Don't know", math.nan, MISSING_LABEL),
    ("Don’t know", math.nan, MISSING_LABEL),
    ("dont know", math.nan, MISSING_LABEL),
    ("N/A", math.nan, MISSING_LABEL),
    ("Not applicable", math.nan, MISSING_LABEL),
    ("Prefer not to say", math.nan, MISSING_LABEL),
    ("0", math.nan, OUT_OF_RANGE),
    ("7", math.nan, OUT_OF_RANGE),
    ("4.5", math.nan, OUT_OF_RANGE),
    ("-99", math.nan, OUT_OF_RANGE),  # only Qualtrics exports mean "unanswered" by it
    ("=4", math.nan, UNPARSEABLE),
    ('=HYPERLINK("http://x","Agree")', math.nan, UNPARSEABLE),
    ("+Agree", math.nan, UNPARSEABLE),
    ("@SUM(1,2)", math.nan, UNPARSEABLE),
    ("Agreed", math.nan, UNPARSEABLE),
]


@pytest.mark.parametrize(("cell", "value", "status"), CASES)
def test_text_answers(instrument: Instrument, cell: str, value: float, status: int) -> None:
    result = recode_column(pa.array([cell, None]), instrument.response_scale)
    got = float(result.values[0])
    assert (math.isnan(got) and math.isnan(value)) or got == value
    assert result.status.tolist() == [status, BLANK]


def test_numbers_vectorised(instrument: Instrument) -> None:
    result = recode_column(pa.array([1, 5, 0, 6, None, 3]), instrument.response_scale)
    assert result.status.tolist() == [
        ANSWERED,
        ANSWERED,
        OUT_OF_RANGE,
        OUT_OF_RANGE,
        BLANK,
        ANSWERED,
    ]
    assert result.values.dtype.name == "float32"
    floats = recode_column(pa.array([1.0, 2.5, float("nan")]), instrument.response_scale)
    assert floats.status.tolist() == [ANSWERED, OUT_OF_RANGE, BLANK]


@pytest.mark.parametrize("kind", [pa.int8(), pa.int16(), pa.int64()])
def test_integer_cells_as_their_floats(instrument: Instrument, kind: pa.DataType) -> None:
    info = np.iinfo(kind.to_pandas_dtype())
    cells = [info.min, info.max, -1, 0, 1, 2, 3, 4, 5, 6, 7, None, 3, None]
    ints = recode_column(pa.array(cells, kind), instrument.response_scale)
    as_floats = [None if c is None else float(c) for c in cells]
    floats = recode_column(pa.array(as_floats, pa.float64()), instrument.response_scale)
    assert ints.status.tolist() == floats.status.tolist()
    np.testing.assert_array_equal(ints.values, floats.values)
    assert ints.values.dtype == np.float32 and ints.status.dtype == np.int8


@pytest.mark.parametrize("kind", [pa.int8(), pa.int64()])
@pytest.mark.parametrize("nulls", [0.0, 0.03, 1.0])
def test_in_range_integers_as_their_floats(
    instrument: Instrument, kind: pa.DataType, nulls: float
) -> None:
    """Every answer within the scale (the shortcut): the same values and status as the float
    path, also for a slice that starts inside a byte of the validity bitmap."""
    rng = np.random.default_rng(5)
    lo, hi = instrument.response_scale.min, instrument.response_scale.max
    cells = pa.array(rng.integers(lo, hi + 1, 1000), kind, mask=rng.random(1000) < nulls)
    for array in (cells, cells.slice(3, 990)):
        ints = recode_column(array, instrument.response_scale)
        floats = recode_column(array.cast(pa.float64()), instrument.response_scale)
        assert ints.status.tolist() == floats.status.tolist()
        np.testing.assert_array_equal(ints.values, floats.values)
        assert ints.values.dtype == np.float32 and ints.status.dtype == np.int8


def test_platform_missing_codes(instrument: Instrument) -> None:
    result = recode_column(pa.array([-99, 3]), instrument.response_scale, missing_codes=(-99.0,))
    assert result.status.tolist() == [MISSING_LABEL, ANSWERED]


def test_value_labels_translate_only_when_codes_disagree(instrument: Instrument) -> None:
    scale = instrument.response_scale
    same = {float(k): v for k, v in scale.labels.items()}
    assert recode_column(pa.array([1.0, 5.0]), scale, value_labels=same).values.tolist() == [1, 5]
    shifted = {float(k - 1): v for k, v in scale.labels.items()}
    result = recode_column(pa.array([0.0, 4.0, 7.0]), scale, value_labels=shifted)
    assert result.values[:2].tolist() == [1, 5]
    assert result.status.tolist() == [ANSWERED, ANSWERED, OUT_OF_RANGE]
    other = {1.0: "Never", 2.0: "Sometimes"}  # labels of another scale: codes are used as is
    assert recode_column(pa.array([1.0, 2.0]), scale, value_labels=other).values.tolist() == [1, 2]


def test_normalise_text() -> None:
    assert normalise_text("  Members’ questions  get\nuseful answers. ") == (
        "members questions get useful answers"
    )
    assert normalise_text("“Quoted” — dash_and_underscore") == "quoted dash and underscore"


def _match(instrument: Instrument, names: list[str], **kwargs: object) -> dict[str, str]:
    matches, _ = match_columns(
        [instrument],
        names,
        [() for _ in names],
        mapping=kwargs.get("mapping", {}),  # type: ignore[arg-type]
        excluded=set(),
        source="test.csv",
    )
    return {m.item: f"{names[m.column]}|{m.how}" for m in matches}


def test_match_by_id_text_brackets_and_suffix(instrument: Instrument) -> None:
    names = [
        "SH_1",  # id, any case
        "MEMBERS' QUESTIONS GET USEFUL ANSWERS",  # text, punctuation and quotes folded
        "Q3 [I rarely hear about others’ work.]",  # text in brackets
        "Overall.The group helps me do my job better.",  # MS Forms "Question.Statement"
        "How far? - Time spent with the group is well used",  # "stem - statement"
        "unrelated",
    ]
    assert _match(instrument, names) == {
        "sh_1": "SH_1|id",
        "sh_2": "MEMBERS' QUESTIONS GET USEFUL ANSWERS|text",
        "sh_3": "Q3 [I rarely hear about others’ work.]|text",
        "va_1": "Overall.The group helps me do my job better.|text",
        "va_2": "How far? - Time spent with the group is well used|text",
    }


def test_mapping_wins_and_each_column_is_used_once(instrument: Instrument) -> None:
    names = ["sh_1", "Q7"]
    assert _match(instrument, names, mapping={"sh_1": "Q7"}) == {"sh_1": "Q7|mapping"}


def test_two_columns_with_one_items_text_are_refused(instrument: Instrument) -> None:
    # Before: the first was used with a warning, so the scale could silently score the wrong one.
    names = ["A - I share what I learn with the group.", "B - I share what I learn with the group."]
    with pytest.raises(DataImportError) as info:
        match_columns([instrument], names, [(), ()], mapping={}, excluded=set(), source="x")
    message = cli_message(info.value)
    assert "item sh_1 could be read from more than one column" in message
    assert "'A - I share what I learn with the group.' and 'B - I share" in message
    assert "--mapping MAP.yaml" in message


def test_a_mapping_settles_which_column_is_the_item(instrument: Instrument) -> None:
    names = ["A - I share what I learn with the group.", "B - I share what I learn with the group."]
    matches, _ = match_columns(
        [instrument],
        names,
        [(), ()],
        mapping={"sh_1": names[1]},
        excluded=set(),
        source="x",
    )
    assert [(m.item, m.column, m.how) for m in matches] == [("sh_1", 1, "mapping")]
