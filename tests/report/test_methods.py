"""The methods appendix says what was done (issue 12, item 5): the effect size named in the text
is the one in the tables, the trend estimates are in a table, rank tests state R's continuity
correction, reliable change names the wave whose reliability it used, omega does not flip items,
and the references cover what the text cites."""

from __future__ import annotations

import pytest

from cop_eval.report.model import Bullets, ReportModel
from tests.report.conftest import html_text, render_words
from tests.report.varied import SCENARIOS, table, varied_report


def _methods(model: ReportModel) -> tuple[str, str]:
    section = next(s for s in model.sections if s.id == "sec-methods")
    lists = {b.heading: " ".join(b.items) for b in section.blocks if isinstance(b, Bullets)}
    return lists["Statistical methods"], lists["References"]


@pytest.mark.parametrize(
    ("scenario", "named", "absent"),
    [(SCENARIOS[0], "d_av", "Hedges' g"), (SCENARIOS[3], "Hedges' g", "d_av")],
    ids=["paired", "independent"],
)
def test_the_effect_size_named_is_the_tables(scenario: object, named: str, absent: str) -> None:
    model = varied_report(scenario)  # type: ignore[arg-type]
    change = table(model, "Change from ")
    assert change is not None
    assert any(named in c.label for c in change.columns)
    text, refs = _methods(model)
    assert f"the effect size in the tables is {named}" in text or f"effect size {named}" in text
    assert absent not in text
    if named == "Hedges' g":
        assert "Welch, B. L. (1947)" in refs and "Hedges, L. V. (1981)" in refs


def test_methods_state_what_ran(model: ReportModel) -> None:
    text, refs = _methods(varied_report(SCENARIOS[2]))  # three linked waves
    assert "continuity correction (correct = TRUE)" in text
    assert "psych::omega(x, nfactors = 1, flip = FALSE)" in text
    assert "with each scale's observed alpha in Wave 1" in text
    assert "nlme::lme(score ~ factor(wave)" in text
    for cited in ("McDonald, R. P. (1999)", "Holm, S. (1979)", "Jacobson, N. S."):
        assert cited in refs
    assert "le May" not in refs and "McDermott" not in refs  # not in this report


def test_mixed_model_estimates_are_in_a_table() -> None:
    model = varied_report(SCENARIOS[2])
    estimates = table(model, "Mixed-model estimates")
    assert estimates is not None and estimates.display
    assert [c.label for c in estimates.columns] == [
        "Questionnaire",
        "Scale",
        "Wave 2",
        "Wave 3",
        "Converged",
    ]
    assert len(estimates.rows) == 6
    text = html_text(render_words(model))
    assert "Mixed-model estimates: change from Wave 1" in text


def test_built_in_frameworks_are_referenced(model: ReportModel) -> None:
    _, refs = _methods(model)
    assert "le May, A. (ed.) (2009)" in refs
    assert "McDermott, R. (1999)" in refs and "doctoral thesis" in refs
    assert "Griggs, V. and Allen, J. (2018)" in refs
