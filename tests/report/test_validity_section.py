"""The validity appendix, and the cautions it carries into the change table and the summary.

The fitted case is psychTools::bfi by gender (figures checked against lavaan in
tests/measure/test_validity.py); the refused case is the bundled sample data (47 per wave).
"""

from __future__ import annotations

import dataclasses
from functools import cache
from pathlib import Path

import pandas as pd
import pytest

from cop_eval.instruments import load_instrument
from cop_eval.measure.validity import validity
from cop_eval.measure.validity_results import ValidityResult
from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import Paragraph
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_validity import STRUCTURE_TITLE, VALIDITY_TITLE, validity_section
from tests.report.conftest import html_text, render_words

REF = Path(__file__).parent.parent / "reference"


@cache
def _bfi_by_gender() -> ValidityResult:
    data = pd.read_csv(REF / "data" / "bfi.csv")
    data["gender"] = pd.read_csv(REF / "data" / "bfi_demographics.csv")["gender"].map(
        {1: "male", 2: "female"}
    )
    return validity(data, load_instrument(REF / "bfi_instrument.yaml"), group_column="gender")


def _with_validity(facts: ReportFacts) -> ReportFacts:
    first = facts.scales[0]
    scales = (dataclasses.replace(first, caution="scalar invariance fails"), *facts.scales[1:])
    return dataclasses.replace(facts, validity=(_bfi_by_gender(),), scales=scales)


def test_appendix_shows_the_fit_and_decision_in_plain_words(facts: ReportFacts) -> None:
    model = compose_report(_with_validity(facts))
    section = next(s for s in model.sections if s.id == "sec-validity")
    assert section.title == VALIDITY_TITLE and section.appendix
    text = html_text(render_words(model))
    assert VALIDITY_TITLE in text
    assert "how well the declared scales fit (n = 2436)" in text
    assert "Metric" in text and "Scalar" in text and "equal loadings as well" in text
    assert "Partial (n5 free)" in text
    assert "partial scalar invariance" in text
    assert "do not fit the answers well" in text  # CFI .78
    assert "Compare these means with caution" in text and "Neuroticism" in text
    assert "Chen (2007)" in text


def test_one_wave_without_groups_is_not_said_to_be_compared(facts: ReportFacts) -> None:
    """One wave and no invariance test: the title and lead speak of the factor structure,
    not of "each wave and group" (which the single-wave appendix used to claim)."""
    one = dataclasses.replace(
        facts,
        waves=facts.waves[-1:],
        validity=(_bfi_by_gender().model_copy(update={"invariance": None}),),
    )
    section = validity_section(one, Numbering(14))
    assert section.title == STRUCTURE_TITLE
    lead = section.blocks[0]
    assert isinstance(lead, Paragraph) and "one thing together" in lead.text
    assert validity_section(facts, Numbering(14)).title == VALIDITY_TITLE  # several waves
    by_group = dataclasses.replace(one, validity=(_bfi_by_gender(),))
    assert validity_section(by_group, Numbering(14)).title == VALIDITY_TITLE  # across genders


def test_caution_reaches_the_change_table_and_the_summary(facts: ReportFacts) -> None:
    model = compose_report(_with_validity(facts))
    text = html_text(render_words(model))
    label = facts.scales[0].label
    assert f"Caution, {label}: scalar invariance fails" in text
    assert "measured differently: see caution" in text
    summary = next(s for s in model.sections if s.id == "sec-summary")
    messages = next(b for b in summary.blocks if b.kind == "key_messages")
    assert any(m.headline == "Read some changes with caution" for m in messages.items)


def test_no_caution_no_message(facts: ReportFacts) -> None:
    model = compose_report(facts)
    summary = next(s for s in model.sections if s.id == "sec-summary")
    messages = next(b for b in summary.blocks if b.kind == "key_messages")
    assert all(m.headline != "Read some changes with caution" for m in messages.items)


@pytest.mark.parametrize("n_waves", [3])
def test_sample_data_appendix_says_plainly_it_is_too_small(n_waves: int) -> None:
    from cop_eval.demo import load_manifest
    from cop_eval.ingest import read_responses
    from cop_eval.instruments import load_builtin_instruments
    from cop_eval.report.build import build_report_facts
    from cop_eval.report.options import ReportOptions

    manifest = load_manifest()
    instruments = [i for i in load_builtin_instruments() if i.id in manifest.instruments]
    waves = [
        read_responses(w.path, instruments, id_column=w.id_column, key=b"appendix-test-key")
        for w in manifest.waves[:n_waves]
    ]
    built = build_report_facts(
        waves, instruments, ReportOptions(labels=tuple(w.label for w in manifest.waves))
    )
    assert built.validity and not any(r.fitted for r in built.validity)
    assert not any(s.caution for s in built.scales)
    text = html_text(render_words(compose_report(built)))
    assert "Not checked: too few respondents for a factor analysis" in text
    assert "Questionnaires not checked, and the sample each would need" in text
