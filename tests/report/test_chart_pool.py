"""ChartPool: charts drawn partly in a helper process are the same images, in order, the PDF it
renders is the one rendered here, and a helper that cannot start or dies leaves the caller to
draw (and render) them."""

from __future__ import annotations

import threading

import pytest

from cop_eval.report import render
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


HTML = "<html><head><title>Report</title></head><body><h1>Findings</h1><p>Text.</p></body></html>"


def _not_here(*args: object, **kwargs: object) -> bytes:
    raise AssertionError("the PDF was rendered in this process, not in the helper")


def test_images_are_those_drawn_here_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    expected = [draw_chart(spec, "png") for spec in SPECS]
    pdf = render.render_html_to_pdf(HTML)
    with ChartPool() as pool:
        assert pool.draw(SPECS, "png") == expected
        assert pool.draw(SPECS[:1], "png") == expected[:1]  # the helper serves again
        monkeypatch.setattr(render, "render_html_to_pdf", _not_here)
        assert pool.pdf_later(HTML)() == pdf  # rendered by the helper, the same bytes


def test_without_a_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COP_EVAL_CHART_WORKERS", "0")
    with ChartPool() as pool:
        assert pool._helper is None
        assert pool.draw(SPECS[:2], "png") == [draw_chart(s, "png") for s in SPECS[:2]]


def test_a_helper_that_dies_is_replaced_by_this_process(monkeypatch: pytest.MonkeyPatch) -> None:
    pdf = render.render_html_to_pdf(HTML)
    pool = ChartPool(pdf=False)  # charts only: a PDF asked for is still rendered by the helper
    with monkeypatch.context() as patched:
        patched.setattr(render, "render_html_to_pdf", _not_here)
        assert pool.pdf_later(HTML)() == pdf
    assert pool._helper is not None
    pool._helper.kill()
    pool._helper.wait()
    assert pool.draw(SPECS, "png") == [draw_chart(s, "png") for s in SPECS]
    assert pool._helper is None
    assert pool.pdf_later(HTML)() == pdf
    pool.close()


def test_large_images_through_an_unbuffered_helper(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under PYTHONUNBUFFERED (pytest-xdist sets it) the helper's sys.stdout.buffer is a raw
    # FileIO, whose write() may send only part of an image larger than the pipe (64 KiB): the
    # caller then waited forever for the rest. The helper writes through its own buffer.
    monkeypatch.setenv("PYTHONUNBUFFERED", "1")
    names = tuple(f"Scale {i}" for i in range(30))
    waves = tuple(Series(f"Wave {w}", tuple(3 + (i % 7) / 5 for i in range(30))) for w in range(3))
    big = DotPlot(categories=names, series=waves, axis_min=1, axis_max=5, axis_label="Mean")
    image = draw_chart(big, "png")
    assert len(image) > 65536
    done: list[list[bytes]] = []
    for _ in range(3):  # a new helper each time: it is still importing WeasyPrint as it draws
        with ChartPool() as pool:
            worker = threading.Thread(target=lambda: done.append(pool.draw([big] * 6, "png")))
            worker.daemon = True
            worker.start()
            worker.join(120)
            assert not worker.is_alive(), "the caller waits for an image the helper sent in part"
    assert done == [[image] * 6] * 3
