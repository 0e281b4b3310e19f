"""Rendering: a real PDF, the local-only URL fetcher, escaping of hostile text, fonts."""

from __future__ import annotations

import contextlib
import gc
from pathlib import Path

import pytest
from fontTools.ttLib import TTFont

from cop_eval.report import render as render_module
from cop_eval.report.compose import compose_report
from cop_eval.report.model import ReportModel
from cop_eval.report.render import (
    LAYOUT_GC_THRESHOLD,
    LocalResourceFetcher,
    chart_images,
    render_html,
    render_html_to_pdf,
    render_pdf,
    templates_dir,
)
from tests.report.conftest import html_text
from tests.report.sample_facts import sample_facts


@pytest.fixture(scope="module")
def html(model: ReportModel) -> str:
    """The standalone HTML with its charts drawn (the conftest's leaves them empty)."""
    return render_html(model, image_format="png")


IMG = '<img src="http://127.0.0.1:9/x.png">'
SCRIPT = "<script>alert(1)</script>"


def _small_hostile_model():  # two waves, two instruments: quick to render
    facts = sample_facts(
        waves=("Before", "After"),
        group_names=(IMG, SCRIPT, "HR advisers", "Trainers", "OD"),
        title=f"Board report {SCRIPT}{IMG}",
        organisation=f"Org {IMG}",
        instrument_ids=("reflection",),
    )
    return compose_report(facts)


def test_hostile_text_is_escaped_and_nothing_is_fetched(tmp_path: Path) -> None:
    model = _small_hostile_model()
    images = chart_images(model)
    html = render_html(model, standalone=False, images=images)
    assert "<script>" not in html
    assert "http://127.0.0.1:9" not in html.replace("&#34;http://127.0.0.1:9/x.png&#34;", "")
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;img src=&#34;http://127.0.0.1:9/x.png&#34;&gt;" in html
    assert SCRIPT in html_text(html) and IMG in html_text(html)

    fetcher = LocalResourceFetcher(templates_dir())
    pdf = render_pdf(model, tmp_path / "r.pdf", images=images, fetcher=fetcher)
    assert pdf.startswith(b"%PDF") and (tmp_path / "r.pdf").stat().st_size == len(pdf)
    assert fetcher.requests, "the fetcher was not used"
    assert not [u for u in fetcher.requests if u.startswith(("http:", "https:", "ftp:"))]
    assert all(u.startswith(("data:", "file:")) for u in fetcher.requests)
    assert any(u.endswith("Inter-Regular.otf") for u in fetcher.requests)
    assert not fetcher.refused


def test_fetcher_refuses_network_and_files_outside_the_templates(tmp_path: Path) -> None:
    fetcher = LocalResourceFetcher(templates_dir())
    secret = tmp_path / "secret.txt"
    secret.write_text("x")
    assert fetcher.allows("http://127.0.0.1:9/x.png") is None
    assert fetcher.allows(secret.as_uri()) is None
    assert fetcher.allows((templates_dir() / ".." / "templates" / "report.css").as_uri())
    assert fetcher.allows((templates_dir() / "fonts" / "Inter-Regular.otf").as_uri())
    html = f'<html><body><img src="http://127.0.0.1:9/x.png"><img src="{secret.as_uri()}"></body></html>'
    render_html_to_pdf(html, fetcher=fetcher)
    assert "http://127.0.0.1:9/x.png" in fetcher.refused
    assert secret.as_uri() in fetcher.refused


def test_standalone_html_needs_no_requests(html: str) -> None:
    assert "src: url(data:font/otf;base64," in html
    assert 'src="data:image/png;base64,' in html
    assert "http://" not in html and "https://" not in html
    assert "url('fonts/" not in html


def test_every_character_of_the_report_is_in_the_bundled_font(html: str) -> None:
    text = html_text(html)
    chars = set(text) | set("–−≥≤αω→·“”’…↻")
    for name in ("Inter-Regular.otf", "Inter-SemiBold.otf", "Inter-Bold.otf", "Inter-Italic.otf"):
        cmap = TTFont(templates_dir() / "fonts" / name).getBestCmap()
        missing = sorted(c for c in chars if c.isprintable() and c != " " and ord(c) not in cmap)
        assert not missing, f"{name} lacks {missing}"
    assert (templates_dir() / "fonts" / "LICENSE-Inter.txt").read_text().count("OFL") >= 1


class _GcSpy(list[str]):
    """The fetcher's request log, noting the collector's state when WeasyPrint asks for a file
    (which it does while it lays out)."""

    def __init__(self) -> None:
        super().__init__()
        self.states: list[tuple[tuple[int, ...], int]] = []

    def append(self, url: str) -> None:
        self.states.append((gc.get_threshold(), gc.get_freeze_count()))
        super().append(url)


def test_layout_collects_garbage_less_often_and_restores_the_collector() -> None:
    before = gc.get_threshold()
    gc.set_threshold(900, 11, 12)
    try:
        spy = _GcSpy()
        fetcher = LocalResourceFetcher(templates_dir(), requests=spy)
        render_html_to_pdf(render_html(_small_hostile_model(), standalone=False), fetcher=fetcher)
        assert spy.states, "the fetcher was not used during the layout"
        assert all(t == (LAYOUT_GC_THRESHOLD, 11, 12) and frozen > 0 for t, frozen in spy.states)
        assert gc.get_threshold() == (900, 11, 12)
        assert gc.get_freeze_count() == 0
    finally:
        gc.set_threshold(*before)


def test_the_pdf_does_not_depend_on_when_garbage_is_collected(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    html = render_html(_small_hostile_model(), standalone=False)
    fewer = render_html_to_pdf(html)
    monkeypatch.setattr(render_module, "fewer_collections", contextlib.nullcontext)
    assert render_html_to_pdf(html) == fewer
