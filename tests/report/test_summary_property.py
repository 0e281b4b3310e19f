"""Property test: for generated survey data of any shape, the executive summary says what the
report's own tables say (issue 12, items 2 and 4).

Hypothesis draws the instrument (one to five scales, each higher-is-better, lower-is-better or
neutral, some declaring a stage of the three-stage model), the people (4 to 90), the waves (one
to three, linked or independent, with drop-out), a planted shift per scale and wave, and
sometimes a scale nearly nobody answers after the first wave. Each report is built by the real
pipeline and read by the checks in tests/report/checks.py: every reliable change of the change
table counted in exactly one message, "Nothing deteriorated" only when nothing did, scales left
out named, the weakest stage the one the stage table prints lowest, and every figure a sentence
quotes printed in a table or figure. The example database is off and the draws derandomised, so
the suite stays fast and the same on every run (about 25 reports, a few seconds).
"""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.report.checks import check_figures, check_summary, check_weakest_stage
from tests.report.varied import ScaleSpec, Scenario, varied_report

DIRECTIONS = ("higher_is_better", "lower_is_better", "neutral")
SHIFTS = (-0.8, -0.4, -0.15, 0.0, 0.15, 0.4, 0.8)


@st.composite
def scenarios(draw: st.DrawFn) -> Scenario:
    k = draw(st.integers(1, 5))
    specs: list[ScaleSpec] = []
    for j in range(k):
        direction = draw(st.sampled_from(DIRECTIONS))
        stage = draw(st.one_of(st.none(), st.integers(1, 3)))
        spec: ScaleSpec = (f"s{j}", f"Scale {chr(65 + j)}", direction)
        specs.append(spec if stage is None else (*spec, stage))
    waves = draw(st.integers(1, 3))
    return Scenario(
        seed=draw(st.integers(0, 2**16)),
        n=draw(st.integers(4, 90)),
        waves=waves,
        linked=draw(st.booleans()),
        shifts=tuple(draw(st.sampled_from(SHIFTS)) for _ in specs),
        dropout=draw(st.sampled_from((0.0, 0.1, 0.3, 0.5))),
        sparse_scale=draw(st.one_of(st.none(), st.integers(0, k - 1))) if waves > 1 else None,
        scales=tuple(specs),
    )


@settings(
    max_examples=25,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
@given(scenario=scenarios(), min_group_size=st.sampled_from((3, 5)))
def test_the_summary_says_what_the_tables_say(scenario: Scenario, min_group_size: int) -> None:
    model = varied_report(scenario, min_group_size)
    check_summary(model, scenario.waves)
    check_weakest_stage(model)
    check_figures(model)
