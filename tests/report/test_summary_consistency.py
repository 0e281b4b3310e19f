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
"""

from __future__ import annotations

import re

import pytest

from cop_eval.report.model import KeyMessage, KeyMessages, ReportModel
from tests.report.varied import SCENARIOS, Scenario, table, varied_report

RELIABLE = re.compile(
    r"^(small|medium|large) (improvement|deterioration|increase|decrease), likely real$"
)


def _messages(model: ReportModel) -> dict[str, KeyMessage]:
    summary = model.sections[0]
    block = next(b for b in summary.blocks if isinstance(b, KeyMessages))
    return {m.headline: m for m in block.items}


def _verdicts(model: ReportModel) -> dict[str, str]:
    change = table(model, "Change from ")
    if change is None:
        return {}
    return {str(r.cells[0].value): str(r.cells[-1].value) for r in change.rows}


def _better(model: ReportModel) -> dict[str, str]:
    means = table(model, "Scale means")
    assert means is not None
    return {str(r.cells[1].value): str(r.cells[3].value) for r in means.rows}


def _reliable(verdicts: dict[str, str], word: str) -> set[str]:
    return {s for s, v in verdicts.items() if (m := RELIABLE.match(v)) and m.group(2) == word}


@pytest.fixture(scope="module", params=SCENARIOS, ids=lambda s: f"seed{s.seed}")
def report(request: pytest.FixtureRequest) -> ReportModel:
    scenario: Scenario = request.param
    return varied_report(scenario)


def test_every_reliable_change_is_counted_in_exactly_one_message(report: ReportModel) -> None:
    verdicts, better = _verdicts(report), _better(report)
    messages = _messages(report)
    improved, worse = _reliable(verdicts, "improvement"), _reliable(verdicts, "deterioration")
    neutral = _reliable(verdicts, "increase") | _reliable(verdicts, "decrease")
    if not verdicts:  # every change hidden: the summary says so instead
        assert "Change not shown" in messages
        return
    directed = [s for s in verdicts if better[s] != "neither"]
    m = len(directed)
    noun = f"{m} scale{'s' if m != 1 else ''}"
    first = messages.get("What improved") or messages["No clear improvement"]
    second = messages.get("What deteriorated") or messages["Nothing deteriorated"]
    if improved:
        assert first.headline == "What improved"
        assert first.text.startswith(f"{len(improved)} of {noun} improved reliably")
    else:
        assert first.text.startswith(f"None of the {noun} improved reliably")
    if worse:
        assert second.headline == "What deteriorated"
        assert second.text.startswith(f"{len(worse)} of {noun} deteriorated reliably")
        assert "Nothing deteriorated" not in messages
    else:
        assert second.headline == "Nothing deteriorated"
        assert second.text.startswith(f"None of the {noun} deteriorated reliably")
    # A scale named in a message belongs to that message's kind (or is named as chance/neutral).
    largest = re.search(r"The largest change was (.+?): ", first.text)
    if largest:
        assert largest.group(1) in improved
    largest = re.search(r"The largest change was (.+?): ", second.text)
    if largest:
        assert largest.group(1) in worse
    # Neutral changes: named once, in the second message, never in the first, never counted.
    for scale in neutral:
        assert scale not in first.text
        assert second.text.count(f"{scale} rose") + second.text.count(f"{scale} fell") == 1
    assert "neither direction is better" in second.text or not neutral
    # Nothing changed reliably in the opposite direction is named as an improvement.
    for scale in worse | neutral:
        assert f"also {scale}" not in first.text


def test_a_scale_without_comparison_is_named() -> None:
    model = varied_report(SCENARIOS[-1])
    assert "Everyone has a voice" not in _verdicts(model)
    messages = _messages(model)
    second = messages.get("What deteriorated") or messages["Nothing deteriorated"]
    assert "Not compared" in second.text and "Everyone has a voice" in second.text


def test_scales_left_out_of_the_counts_are_named(report: ReportModel) -> None:
    verdicts, better = _verdicts(report), _better(report)
    messages = _messages(report)
    if not verdicts:
        assert "Change not shown" in messages
        return
    second = messages.get("What deteriorated") or messages["Nothing deteriorated"]
    for scale in better:
        if scale not in verdicts:  # no first-to-last comparison may be shown
            assert scale in second.text and "Not compared" in second.text


def test_direction_decides_the_words() -> None:
    """Strain (lower is better) rises by 0.6 a wave in scenario 1: a deterioration everywhere."""
    model = varied_report(SCENARIOS[0])
    verdicts = _verdicts(model)
    assert _better(model)["Strain of taking part"] == "lower"
    assert RELIABLE.match(verdicts["Strain of taking part"])
    assert "deterioration" in verdicts["Strain of taking part"]
    assert "decrease" in verdicts["Reliance on a central source"]  # neutral: no good or bad
    messages = _messages(model)
    assert "Strain of taking part" in messages["What deteriorated"].text
    assert "Strain of taking part" not in messages["What improved"].text


def test_hidden_changes_are_said_not_skipped() -> None:
    """Few people and drop-outs: every change is hidden (anonymity), and the summary says so."""
    model = varied_report(SCENARIOS[5])
    assert table(model, "Change from ") is None
    messages = _messages(model)
    assert "Change not shown" in messages
    assert "What improved" not in messages and "Nothing deteriorated" not in messages


def test_few_respondents_are_not_counted_as_change() -> None:
    """Twelve people, large shifts: the verdicts say too few to tell, and nothing is counted."""
    model = varied_report(SCENARIOS[4])
    verdicts = _verdicts(model)
    assert all(v == "too few matched respondents to tell" for v in verdicts.values())
    messages = _messages(model)
    assert "No clear improvement" in messages and "Nothing deteriorated" in messages
