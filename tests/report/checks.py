"""Checks that a report's sentences say what its own tables say (issue 12, items 2 and 4).

Shared by the fixed-scenario tests and the property test (tests/report/test_summary_property.py):
each function reads a built :class:`ReportModel` only — its key messages and recommendations
against its change, scale-means and stage tables and the numbers its figures print — so the
checks hold for any data, not for a planted answer.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from cop_eval.report.filters import fmt_cell, fmt_number, fmt_percent
from cop_eval.report.model import (
    CycleDiagram,
    Heatmap,
    KeyMessage,
    KeyMessages,
    Recommendations,
    ReportModel,
    StackedBars,
)
from tests.report.varied import table

RELIABLE = re.compile(
    r"^(small|medium|large) (improvement|deterioration|increase|decrease), likely real$"
)
NUMBER = re.compile(r"[+−-]?\d*\.\d+|\d+%")
#: Rule thresholds quoted in sentences; they are not figures of the data (.70: alpha's rule;
#: 80% and 0.3: the power and the effect the sample-size advice plans for).
THRESHOLDS = {".70", "80%", "0.3"}
CHANGE_HEADLINES = ("What improved", "No clear improvement", "What deteriorated")


def messages(model: ReportModel) -> dict[str, KeyMessage]:
    """The executive summary's key messages by headline."""
    summary = model.section("sec-summary")
    block = next(b for b in summary.blocks if isinstance(b, KeyMessages))
    return {m.headline: m for m in block.items}


def verdicts(model: ReportModel) -> dict[str, str]:
    """Scale label -> verdict, as the change table prints them ({} without a change table)."""
    change = table(model, "Change from ")
    if change is None:
        return {}
    return {str(r.cells[0].value): str(r.cells[-1].value) for r in change.rows}


def better(model: ReportModel) -> dict[str, str]:
    """Scale label -> the scale-means table's "Better" column (higher, lower or neither)."""
    means = table(model, "Scale means")
    assert means is not None
    return {str(r.cells[1].value): str(r.cells[3].value) for r in means.rows}


def reliable(verdict_of: dict[str, str], word: str) -> set[str]:
    """Scales whose verdict is a reliable (likely real, not negligible) change called ``word``."""
    return {s for s, v in verdict_of.items() if (m := RELIABLE.match(v)) and m.group(2) == word}


def check_summary(model: ReportModel, n_waves: int) -> None:
    """The change messages count every reliable change of the change table exactly once.

    Improvements in the first message, deteriorations in the second, neutral changes named once
    in the second and never counted; "Nothing deteriorated" only when nothing did; the counts are
    over the compared scales with a good direction; scales without a comparison are named.
    """
    said = messages(model)
    if n_waves < 2:  # one wave: no change is claimed at all
        assert not set(said) & {*CHANGE_HEADLINES, "Nothing deteriorated", "Change not shown"}
        return
    verdict_of, better_of = verdicts(model), better(model)
    if not verdict_of:  # every change hidden: the summary says so instead
        assert "Change not shown" in said
        assert not set(said) & {*CHANGE_HEADLINES, "Nothing deteriorated"}
        return
    improved, worse = reliable(verdict_of, "improvement"), reliable(verdict_of, "deterioration")
    neutral = reliable(verdict_of, "increase") | reliable(verdict_of, "decrease")
    assert not (improved | worse) & {s for s, b in better_of.items() if b == "neither"}
    m = sum(1 for s in verdict_of if better_of[s] != "neither")
    noun = f"{m} scale{'s' if m != 1 else ''}"
    first = said.get("What improved") or said["No clear improvement"]
    second = said.get("What deteriorated") or said["Nothing deteriorated"]
    if improved:
        assert first.headline == "What improved"
        assert first.text.startswith(f"{len(improved)} of {noun} improved reliably")
    else:
        assert first.text.startswith(f"None of the {noun} improved reliably")
    if worse:
        assert second.headline == "What deteriorated" and "Nothing deteriorated" not in said
        assert second.text.startswith(f"{len(worse)} of {noun} deteriorated reliably")
    else:
        assert second.text.startswith(f"None of the {noun} deteriorated reliably")
    _check_named(first.text, improved, worse | neutral)
    _check_named(second.text, worse, improved)
    for scale in neutral:  # named once, in the second message, never in the first
        assert scale not in first.text
        assert second.text.count(f"{scale} rose") + second.text.count(f"{scale} fell") == 1
    assert "neither direction is better" in second.text or not neutral
    for scale in better_of:
        if scale not in verdict_of:  # no first-to-last comparison may be shown: named
            assert scale in second.text and "Not compared" in second.text


def _check_named(text: str, kind: set[str], other: set[str]) -> None:
    """The scales a change message names as largest or "also" are of its own kind."""
    largest = re.search(r"The largest change was (.+?): ", text)
    if largest:
        assert largest.group(1) in kind
    also = re.search(r"; also (.+?)(?: and \d+ more)?\.", text)
    named = {n.strip() for n in also.group(1).split(", ")} if also else set()
    assert named <= kind
    assert not any(f"also {scale}" in text for scale in other)


def check_weakest_stage(model: ReportModel) -> None:
    """ "Weakest stage" names the stage with the lowest mean the stage table prints for the last
    wave, and quotes that printed mean."""
    said = messages(model).get("Weakest stage")
    stages = table(model, "Stage scores")
    if said is None:
        return
    assert stages is not None
    latest: dict[int, str | None] = {}  # each stage's last row is the last wave
    stage = 0
    for row in stages.rows:
        if row.cells[0].value:
            stage = int(str(row.cells[0].value).split(".")[0])
        mean = row.cells[3]
        shown = not mean.suppressed and mean.value is not None
        latest[stage] = fmt_cell(mean, stages.columns[3]) if shown else None
    found = re.match(r"Stage (\d)\b.*\(mean (\d\.\d\d) in ", said.text)
    assert found, said.text
    named, quoted = int(found.group(1)), found.group(2)
    assert latest[named] == quoted
    assert float(quoted) == min(float(v) for v in latest.values() if v is not None)


def _figure_strings(model: ReportModel) -> Iterator[str]:
    """The numbers figures print: heatmap cells, the cycle's stage means, the bars' shares.

    Dot plots and trend lines print no numbers, so a figure quoted only there is not visible.
    """
    for figure in model.figures():
        chart = figure.chart
        values: list[float | None] = []
        if isinstance(chart, Heatmap):
            values = [v for row in chart.values for v in row]
        elif isinstance(chart, CycleDiagram):
            values = list(chart.values)
        elif isinstance(chart, StackedBars):
            yield from (fmt_percent(v) for row in chart.shares for v in row)
        yield from (fmt_number(v) for v in values if v is not None)


def _shown(model: ReportModel) -> str:
    cells = [
        fmt_cell(cell, table.columns[k])
        for table in model.tables()
        if table.display
        for row in table.rows
        for k, cell in enumerate(row.cells)
    ]
    return "\n".join([*cells, *_figure_strings(model)])


def _sentences(model: ReportModel) -> Iterator[tuple[str, str]]:
    for block in model.blocks():
        if isinstance(block, KeyMessages):
            for m in block.items:
                if m.tone != "action":  # "What to act on" repeats a recommendation's advice
                    yield m.headline, m.text
        elif isinstance(block, Recommendations):
            for r in block.items:
                yield r.title, r.why


def check_figures(model: ReportModel) -> int:
    """Every number quoted in a key message or recommendation is printed in a table or figure of
    the same report; returns how many numbers were checked."""
    shown = _shown(model)
    checked = 0
    for where, text in _sentences(model):
        for number in NUMBER.findall(text):
            if number in THRESHOLDS:
                continue
            assert number.lstrip("+") in shown, f"{where}: {number} is in no table or figure"
            checked += 1
    return checked
