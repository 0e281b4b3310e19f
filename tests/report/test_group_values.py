"""``group_values`` names each distinct text value once and gathers the names: the result is
the one its row-by-row form gives (values, dtype, index, name, errors), whatever the column."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest

from cop_eval.compare.grouping import refuse_identifying_groups
from cop_eval.report.build_groups import _named, group_values

COLUMNS = {
    "text": ["HR", "Trainers", None, "  ", "", "All respondents", "hr", "HR", np.nan, " Ops "],
    "reserved": ["(no group given)", "all  RESPONDENTS", "HR"],
    "numbers": [1, 2, 2, 3],
    "floats": [1.0, np.nan, 2.5],
    "mixed": pd.Series(["1", 1, 1.0, None], dtype=object),
    "str dtype": pd.Series(["a", None, "b", "a"], dtype="str"),
    "empty": pd.Series([], dtype=object),
    "all missing": pd.Series([None, None], dtype=object),
    "e-mails": ["a@b.org", "c@d.org", "e@f.org"] * 5,
    "index": pd.Series(["a", "b", None], index=[5, 7, 9], name="role"),
}


def _row_by_row(column: pd.Series) -> pd.Series:
    refuse_identifying_groups(column, "g")
    return _named(column.astype("object"))


def _outcome(func: Any) -> Any:
    try:
        return func()
    except Exception as exc:  # the same error either way
        return (type(exc), str(exc))


@pytest.mark.parametrize("name", list(COLUMNS))
def test_named_once_per_value_equals_row_by_row(name: str) -> None:
    column = pd.Series(COLUMNS[name]) if isinstance(COLUMNS[name], list) else COLUMNS[name]
    rs: Any = SimpleNamespace(groups=pd.DataFrame({"g": column}), source="test.csv")
    got = _outcome(lambda: group_values(rs, "g", 0, "w1"))
    want = _outcome(lambda: _row_by_row(rs.groups["g"]))
    if isinstance(want, tuple):
        assert got == want
        return
    pd.testing.assert_series_equal(got, want, check_exact=True)
    assert got.dtype == want.dtype and got.index.equals(want.index) and got.name == want.name
