"""The report section "What members said": present with open answers (section 7, the
recommendations then 8), absent without; a custom codebook through ReportOptions; quotes and
hidden cells as the engine decided."""

from __future__ import annotations

from pathlib import Path

import pytest

from cop_eval.demo import load_manifest
from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build import ReportOptions, build_report_facts
from cop_eval.report.compose import compose_report
from cop_eval.report.model import Bullets, Table
from cop_eval.responses import ResponseSet

CODEBOOK = """
id: my_themes
version: "1"
title: Mine
description: Two themes.
themes:
  - {id: time, label: Time, definition: Time to think., stage: 3, include: [time]}
  - {id: agenda, label: Agenda, definition: The agenda., stage: 1, include: [agenda, topics]}
"""


@pytest.fixture(scope="module")
def wave() -> ResponseSet:
    first = load_manifest().waves[0]
    return read_responses(
        first.path,
        [load_instrument("le_may_success_factors"), load_instrument("reflection")],
        format=first.format,
        group_columns=[first.group_column],
        wave=first.label,
    )


def test_section_with_a_custom_codebook(wave: ResponseSet, tmp_path: Path) -> None:
    path = tmp_path / "cb.yaml"
    path.write_text(CODEBOOK, encoding="utf-8")
    options = ReportOptions(group_column=wave.groups.columns[0], codebook=path)
    facts = build_report_facts([wave], [load_instrument("le_may_success_factors")], options)
    assert facts.comments is not None and facts.comments.codebook == "my_themes"
    model = compose_report(facts)
    # The sections follow the content (issue 12): the comments come just before the advice.
    titles = [s.title for s in model.sections]
    k = titles.index("What members said")
    assert titles[k + 1].startswith("Recommendations")
    assert titles[k - 1] == "Sustainability risks"
    # Numbered in order; the dashboard ("At a glance") before the summary is unnumbered (0).
    numbers = [s.number for s in model.sections]
    assert numbers == list(range(numbers[0], numbers[0] + len(titles)))
    section = next(s for s in model.sections if s.title == "What members said")
    (table,) = [b for b in section.blocks if isinstance(b, Table)]
    assert [r.cells[0].value for r in table.rows] == [
        "Stage 1: Strategic direction and ownership",
        "Agenda",
        "Stage 3: Reflection and transfer of learning",
        "Time",
    ]
    quotes = [i for b in section.blocks if isinstance(b, Bullets) for i in b.items]
    assert quotes and all("@" not in q for q in quotes)


def test_a_high_comment_threshold_hides_everything(wave: ResponseSet) -> None:
    options = ReportOptions(privacy=PrivacyPolicy(5, 60))
    facts = build_report_facts([wave], [load_instrument("le_may_success_factors")], options)
    section = next(s for s in compose_report(facts).sections if s.title == "What members said")
    assert not [b for b in section.blocks if isinstance(b, Bullets)]
    (table,) = [b for b in section.blocks if isinstance(b, Table)] or [None]
    assert table is None or all(c.suppressed for r in table.rows for c in r.cells[1:2])


def test_no_section_without_open_questions(wave: ResponseSet) -> None:
    facts = build_report_facts([wave], [load_instrument("reflection")], ReportOptions())
    assert facts.comments is None
    titles = [s.title for s in compose_report(facts).sections]
    assert "What members said" not in titles
    # Reflection alone: no sustainability risks either (their rules read le May's factors).
    assert "Sustainability risks" not in titles
    assert titles[titles.index("Equity between subgroups") + 1].startswith("Recommendations")
