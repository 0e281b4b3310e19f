"""Fixtures for the report tests: sample facts, the composed model and its rendered HTML."""

from __future__ import annotations

import re
from html import unescape

import pytest

from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import ReportModel
from cop_eval.report.render import ChartImage, render_html
from tests.report.sample_facts import sample_facts


def render_words(model: ReportModel) -> str:
    """The report's HTML with every chart left empty, for tests of its words and markup.

    Drawing a report's 10-20 charts takes seconds; test_render and test_chart_pool test them.
    """
    return render_html(model, images={f.id: ChartImage("", "") for f in model.figures()})


def html_text(html: str) -> str:
    """The visible text of an HTML document, whitespace collapsed (for golden checks)."""
    body = re.sub(r"<(style|script)[^>]*>.*?</\1>", " ", html, flags=re.S)
    body = re.sub(r"<[^>]+>", " ", body)
    return re.sub(r"\s+", " ", unescape(body)).strip()


@pytest.fixture(scope="session")
def facts() -> ReportFacts:
    return sample_facts()


@pytest.fixture(scope="session")
def model(facts: ReportFacts) -> ReportModel:
    return compose_report(facts)


@pytest.fixture(scope="session")
def html(model: ReportModel) -> str:
    """Charts left empty (test_render overrides this with the drawn charts)."""
    return render_words(model)


@pytest.fixture(scope="session")
def text(html: str) -> str:
    return html_text(html)
