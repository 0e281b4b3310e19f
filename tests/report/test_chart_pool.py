"""ChartPool: charts drawn partly in a helper process are the same images, in order, and a
helper that cannot start or dies leaves the caller to draw them."""

from __future__ import annotations

import pytest

from cop_eval.report.chart_pool import ChartPool
from cop_eval.report.charts import draw_chart
from cop_eval.report.specs import CycleDiagram, DotPlot, Series

SPECS = [
    CycleDiagram(("Direction", "Identity", "Reflection"), (3.8, 3.6, float(k)), k % 3)
    for k in range(1, 5)
] + [
    DotPlot(
        categories=("Membership", "Commitment"),
        series=(Series("Wave 1", (3.1, 3.4)), Series("Wave 2", (3.3, 3.2))),
        axis_min=1,
        axis_max=5,
        axis_label="Mean",
    )
]


def test_images_are_those_drawn_here_in_order() -> None:
    expected = [draw_chart(spec, "png") for spec in SPECS]
    with ChartPool() as pool:
        assert pool.draw(SPECS, "png") == expected
        assert pool.draw(SPECS[:1], "png") == expected[:1]  # the helper serves again


def test_without_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COP_EVAL_CHART_WORKERS", "0")
    with ChartPool() as pool:
        assert pool._helper is None
        assert pool.draw(SPECS[:2], "png") == [draw_chart(s, "png") for s in SPECS[:2]]


def test_a_helper_that_dies_is_replaced_by_this_process() -> None:
    pool = ChartPool()
    assert pool._helper is not None
    pool._helper.kill()
    pool._helper.wait()
    assert pool.draw(SPECS, "png") == [draw_chart(s, "png") for s in SPECS]
    assert pool._helper is None
    pool.close()
