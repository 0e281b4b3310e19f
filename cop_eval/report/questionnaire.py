"""Blank response templates and printable questionnaires for one or more instruments.

- :func:`response_template_csv`: a CSV with an ``id`` column, a ``group`` column and one column per
  item id (UTF-8 with BOM, so Excel shows accents correctly) — the layout ``cop-eval`` reads back.
- :func:`questionnaire_html` / :func:`questionnaire_pdf`: a printable questionnaire: title,
  instructions, the items in questionnaire order grouped by scale, each with a box per answer and
  per missing option. Item text is escaped; items whose wording is licensed and not shipped print
  their id and "wording from your licensed copy".
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from cop_eval.errors import OptionError, action
from cop_eval.instruments import Instrument, ResponseScale
from cop_eval.report.render import environment, font_css, render_html_to_pdf, templates_dir

__all__ = [
    "LICENSED_PLACEHOLDER",
    "QuestionnaireItem",
    "QuestionnairePart",
    "questionnaire_html",
    "questionnaire_parts",
    "questionnaire_pdf",
    "response_template_csv",
]

LICENSED_PLACEHOLDER = "wording from your licensed copy"


@dataclass(frozen=True)
class QuestionnaireItem:
    """One printed question."""

    number: int
    item_id: str
    text: str | None


@dataclass(frozen=True)
class QuestionnairePart:
    """Consecutive items of one scale, printed under one heading with one answer header."""

    instrument: str
    heading: str
    answers: tuple[str, ...]
    missing: tuple[str, ...]
    items: tuple[QuestionnaireItem, ...]


def _check(instruments: Sequence[Instrument]) -> None:
    if not instruments:
        raise OptionError(f"give at least one instrument (see {action('list')})")
    seen: dict[str, str] = {}
    for instrument in instruments:
        for item_id in instrument.item_ids:
            if item_id in seen and seen[item_id] != instrument.id:
                raise OptionError(
                    f"item id {item_id} is used by both {seen[item_id]} and {instrument.id}; "
                    "a response template needs distinct item ids"
                )
            seen[item_id] = instrument.id


def response_template_csv(instruments: Sequence[Instrument]) -> bytes:
    """A blank response CSV: ``id``, ``group``, then every item id in questionnaire order."""
    _check(instruments)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(["id", "group", *(i for inst in instruments for i in inst.item_ids)])
    return buffer.getvalue().encode("utf-8-sig")


def questionnaire_parts(instruments: Sequence[Instrument]) -> tuple[QuestionnairePart, ...]:
    """Items in questionnaire order, split into parts wherever the scale or answer set changes."""
    _check(instruments)
    parts: list[QuestionnairePart] = []
    number = 0
    for instrument in instruments:
        current: list[QuestionnaireItem] = []
        key: tuple[str, tuple[str, ...], tuple[str, ...]] | None = None
        for item in instrument.items:
            rs = instrument.response_scale_of(item.id)
            answers = _answer_boxes(rs)
            this = (item.scale, answers, tuple(rs.missing_labels))
            if key is not None and this != key and current:
                parts.append(_part(instrument, key, current))
                current = []
            key = this
            number += 1
            current.append(QuestionnaireItem(number, item.id, item.text))
        if key is not None and current:
            parts.append(_part(instrument, key, current))
    return tuple(parts)


#: A numeric rating with more points than this is printed as one write-in box.
_MAX_BOXES = 11


def _answer_boxes(rs: ResponseScale) -> tuple[str, ...]:
    """One box per answer; a rating labelled at its ends only shows the other codes as numbers,
    and a long one (0-1000) is one box to write the number in."""
    if rs.fully_labelled:
        return tuple(rs.labels[v] for v in range(rs.min, rs.max + 1))
    ends = f"{rs.min} ({rs.label_of(rs.min)}) to {rs.max} ({rs.label_of(rs.max)})"
    if rs.points > _MAX_BOXES:
        return (f"Write a number from {ends}",)
    return tuple(
        f"{v} ({rs.labels[v]})" if v in rs.labels else str(v) for v in range(rs.min, rs.max + 1)
    )


def _part(
    instrument: Instrument,
    key: tuple[str, tuple[str, ...], tuple[str, ...]],
    items: list[QuestionnaireItem],
) -> QuestionnairePart:
    scale, answers, missing = key
    return QuestionnairePart(
        instrument.title, instrument.scale(scale).label, answers, missing, tuple(items)
    )


def questionnaire_html(
    instruments: Sequence[Instrument], *, title: str | None = None, standalone: bool = True
) -> str:
    """The printable questionnaire as HTML (A4 when printed)."""
    parts = questionnaire_parts(instruments)
    css = (templates_dir() / "questionnaire.css").read_text(encoding="utf-8")
    return (
        environment()
        .get_template("questionnaire.html.j2")
        .render(
            title=title or "; ".join(i.title for i in instruments),
            instruments=instruments,
            parts=parts,
            licensed=LICENSED_PLACEHOLDER,
            css=css,
            font_css=font_css(inline=standalone),
        )
    )


def questionnaire_pdf(
    instruments: Sequence[Instrument], path: Path | None = None, *, title: str | None = None
) -> bytes:
    """The printable questionnaire as PDF; written to ``path`` when given."""
    return render_html_to_pdf(questionnaire_html(instruments, title=title, standalone=False), path)
