"""Fixtures for the report tests: sample facts, the composed model and its rendered HTML."""

from __future__ import annotations

import re
from html import unescape

import pytest

from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import ReportModel
from cop_eval.report.render import render_html
from tests.report.sample_facts import sample_facts


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
    return render_html(model, image_format="png")


@pytest.fixture(scope="session")
def text(html: str) -> str:
    return html_text(html)
