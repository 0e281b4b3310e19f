"""fewer_collections: the collector runs less often inside, and is as it was after, whatever the
nesting, the threads or an exception; charts drawn inside are the same bytes."""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator

import pytest

from cop_eval.report import charts
from cop_eval.report.chart_pool import ChartPool
from cop_eval.report.charts import draw_chart
from cop_eval.report.collector import LAYOUT_GC_THRESHOLD, fewer_collections
from cop_eval.report.render import chart_images
from cop_eval.report.specs import CycleDiagram

MINE = (900, 11, 12)


@pytest.fixture
def thresholds() -> Iterator[None]:
    """Thresholds of our own (not Python's defaults), so that restoring them is seen."""
    before = gc.get_threshold()
    gc.set_threshold(*MINE)
    yield
    gc.set_threshold(*before)


def _as_it_was() -> bool:
    return gc.get_threshold() == MINE and gc.get_freeze_count() == 0


@pytest.mark.usefixtures("thresholds")
def test_inside_the_collector_runs_less_often_and_after_it_is_as_it_was() -> None:
    garbage = [[]]
    garbage[0].append(garbage)  # something alive before: frozen inside
    with fewer_collections():
        assert gc.get_threshold() == (LAYOUT_GC_THRESHOLD, 11, 12)
        assert gc.get_freeze_count() > 0
        with fewer_collections():
            pass
        assert gc.get_threshold()[0] == LAYOUT_GC_THRESHOLD  # the outer block still runs
    assert _as_it_was()
    with pytest.raises(ZeroDivisionError), fewer_collections():
        1 / 0  # noqa: B018
    assert _as_it_was()


@pytest.mark.usefixtures("thresholds")
def test_overlapping_blocks_in_two_threads_restore_the_collector_when_both_are_done() -> None:
    first_in, second_in, first_out = threading.Event(), threading.Event(), threading.Event()
    seen: list[tuple[int, ...]] = []

    def first() -> None:
        with fewer_collections():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second() -> None:
        first_in.wait(5)
        with fewer_collections():
            second_in.set()
            first_out.wait(5)
            seen.append(gc.get_threshold())  # the first has left; this one still runs

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert seen == [(LAYOUT_GC_THRESHOLD, 11, 12)]
    assert _as_it_was()


@pytest.mark.usefixtures("thresholds")
def test_charts_are_drawn_with_fewer_collections_and_are_the_same_images(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    spec = CycleDiagram(("Direction", "Identity", "Reflection"), (3.8, 3.6, 3.1), 1)
    expected = draw_chart(spec, "png")  # outside any block
    states: list[tuple[int, ...]] = []

    def spy(chart: object, fmt: str = "png") -> bytes:
        states.append(gc.get_threshold())
        return draw_chart(chart, fmt)  # type: ignore[arg-type]

    monkeypatch.setattr(charts, "draw_chart", spy)
    monkeypatch.setenv("COP_EVAL_CHART_WORKERS", "0")
    with ChartPool() as pool:
        assert pool.draw([spec, spec], "png") == [expected, expected]
    assert states == [(LAYOUT_GC_THRESHOLD, 11, 12)] * 2
    assert _as_it_was()


def test_chart_images_without_a_pool_draws_with_fewer_collections(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    states: list[tuple[int, ...]] = []

    def spy(chart: object, fmt: str = "png") -> bytes:
        states.append(gc.get_threshold())
        return b"\x89PNG\r\n\x1a\n" + b"\0" * 8 + (300).to_bytes(4, "big") + b"\0" * 8

    monkeypatch.setattr(charts, "draw_chart", spy)  # render.py imports it when it draws

    class _Figure:
        id = "fig-1"
        chart = None

    class _Model:
        def figures(self) -> list[_Figure]:
            return [_Figure()]

    images = chart_images(_Model())  # type: ignore[arg-type]
    assert images["fig-1"].width == "2.000in"
    assert states and all(t[0] == LAYOUT_GC_THRESHOLD for t in states)


def test_the_web_app_and_the_renderer_import_no_matplotlib_until_a_chart_is_drawn() -> None:
    """matplotlib costs ~0.3 s to import: the web app (and render.py, which every output
    uses) leave it to the chart code, so a page served from kept results never pays it; the
    renderer's own PNG_DPI stays equal to the charts' (it reads a drawn PNG's width with it)."""
    import subprocess
    import sys

    code = (
        "import sys, cop_eval.web.app, cop_eval.report.render as r; "
        "print('matplotlib' in sys.modules, r.PNG_DPI)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    from cop_eval.report.chart_style import PNG_DPI

    assert out.stdout.split() == ["False", str(PNG_DPI)]
