"""The executive summary is computed from the same facts as the tables, and says what they say.

Reports are built by the real pipeline on varied synthetic data (tests/report/varied.py: scales
of every direction, planted changes of every size and sign, linked and independent waves, few
and many respondents). For each, the key messages are read against the report's own change
table (Table "Change from ... per scale") and scale-means table (its "Better" column):

- every reliable change (a non-negligible change the verdict calls likely real) is counted in
  exactly one message: improvements in "What improved", deteriorations in "What deteriorated",
  changes on neutral scales named in the second message and never counted;
- "Nothing deteriorated" appears only when no scale deteriorated reliably;
- the counts are over the scales with a good direction, and the scales left out of them are
  named (neutral scales that changed, scales without a comparison);
- a scale declared lower-is-better that rose is a deterioration, in the table and the summary.

The same checks run on generated data of any shape in test_summary_property.py.
"""

from __future__ import annotations

import pytest

from tests.report import checks
from tests.report.checks import RELIABLE, check_summary
from tests.report.varied import SCENARIOS, Scenario, table, varied_report


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: f"seed{s.seed}")
def scenario(request: pytest.FixtureRequest) -> Scenario:
    return request.param  # type: ignore[no-any-return]


def test_every_reliable_change_is_counted_in_exactly_one_message(scenario: Scenario) -> None:
    check_summary(varied_report(scenario), scenario.waves)


def test_a_scale_without_comparison_is_named() -> None:
    model = varied_report(SCENARIOS[-1])
    assert "Everyone has a voice" not in checks.verdicts(model)
    messages = checks.messages(model)
    second = messages.get("What deteriorated") or messages["Nothing deteriorated"]
    assert "Not compared" in second.text and "Everyone has a voice" in second.text


def test_direction_decides_the_words() -> None:
    """Strain (lower is better) rises by 0.6 a wave in scenario 1: a deterioration everywhere."""
    model = varied_report(SCENARIOS[0])
    verdicts = checks.verdicts(model)
    assert checks.better(model)["Strain of taking part"] == "lower"
    assert RELIABLE.match(verdicts["Strain of taking part"])
    assert "deterioration" in verdicts["Strain of taking part"]
    assert "decrease" in verdicts["Reliance on a central source"]  # neutral: no good or bad
    messages = checks.messages(model)
    assert "Strain of taking part" in messages["What deteriorated"].text
    assert "Strain of taking part" not in messages["What improved"].text


def test_hidden_changes_are_said_not_skipped() -> None:
    """Few people and drop-outs: every change is hidden (anonymity), and the summary says so."""
    model = varied_report(SCENARIOS[5])
    assert table(model, "Change from ") is None
    messages = checks.messages(model)
    assert "Change not shown" in messages
    assert "What improved" not in messages and "Nothing deteriorated" not in messages


def test_few_respondents_are_not_counted_as_change() -> None:
    """Twelve people, large shifts: the verdicts say too few to tell, and nothing is counted."""
    model = varied_report(SCENARIOS[4])
    verdicts = checks.verdicts(model)
    assert all(v == "too few matched respondents to tell" for v in verdicts.values())
    messages = checks.messages(model)
    assert "No clear improvement" in messages and "Nothing deteriorated" in messages
