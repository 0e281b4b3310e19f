"""A small, stable test instrument and the answers every format test writes in its own layout."""

from __future__ import annotations

from typing import Any

import pytest

from cop_eval.instruments import Instrument, parse_instrument

ITEMS: list[dict[str, Any]] = [
    {"id": "sh_1", "text": "I share what I learn with the group.", "scale": "sharing"},
    {"id": "sh_2", "text": "Members’ questions get useful answers.", "scale": "sharing"},
    {
        "id": "sh_3",
        "text": "I rarely hear about others' work.",
        "scale": "sharing",
        "reverse": True,
    },
    {"id": "va_1", "text": "The group helps me do my job better.", "scale": "value"},
    {"id": "va_2", "text": "Time spent with the group is well used.", "scale": "value"},
    {"id": "va_3", "text": "I would recommend the group to a colleague.", "scale": "value"},
]
LABELS = {
    1: "Strongly disagree",
    2: "Disagree",
    3: "Neither agree nor disagree",
    4: "Agree",
    5: "Strongly agree",
}

#: Answers of five respondents (None = blank, "dk" = Don't know). Row 3 is a straight-liner.
ANSWERS: list[list[int | str | None]] = [
    [4, 5, 2, 4, 4, 5],
    [2, 3, None, 3, 2, 2],
    [5, 5, 5, 5, 5, 5],
    [3, "dk", 3, 4, None, 3],
    [1, 2, 4, 2, 1, 2],
]
RESPONDENTS = [
    "r01@example.org",
    "r02@example.org",
    "r03@example.org",
    "r04@example.org",
    "r05@example.org",
]
ROLES = ["nurse", "manager", "nurse", "therapist", "manager"]


def make_instrument() -> Instrument:
    return parse_instrument(
        {
            "id": "test_cop",
            "version": "1.0.0",
            "title": "Test CoP questionnaire",
            "description": "For tests.",
            "status": "seed-derived",
            "sources": [{"citation": "cop-eval tests"}],
            "license": {"status": "project-authored", "item_text_redistributable": True},
            "response_scale": {
                "min": 1,
                "max": 5,
                "labels": LABELS,
                "missing_labels": ["Don't know", "Not applicable"],
            },
            "items": ITEMS,
            "scales": [
                {"id": "sharing", "label": "Sharing"},
                {"id": "value", "label": "Value"},
            ],
        }
    )


@pytest.fixture
def instrument() -> Instrument:
    return make_instrument()


def expected_items() -> list[list[float | None]]:
    """ANSWERS as the numbers read_responses must produce (None = missing)."""
    return [[a if isinstance(a, int) else None for a in row] for row in ANSWERS]


def as_label(answer: int | str | None) -> str:
    if answer is None:
        return ""
    if answer == "dk":
        return "Don't know"
    return LABELS[int(answer)]


def as_code(answer: int | str | None) -> str:
    if answer is None:
        return ""
    if answer == "dk":
        return "Don't know"
    return str(answer)
