"""The report section "What members said": comment themes by stage, their trend, and quotes.

Everything shown comes from :class:`~cop_eval.comments.results.CommentAnalysis`, where the engine
has already redacted the text and withheld waves and subgroups under the comment threshold; this
module only arranges it. A hidden wave's cells are hidden cells; quotes exist only where the
engine let them through.
"""

from __future__ import annotations

from cop_eval.comments.agreement import Agreement
from cop_eval.comments.results import CommentAnalysis, ThemeCell, ThemeResult
from cop_eval.report.facts import ReportFacts
from cop_eval.report.findings import STAGE_NAMES
from cop_eval.report.model import Block, Bullets, Cell, Column, Paragraph, Row, Section
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_coding import coding_blocks

__all__ = ["SECTION_ID", "comments_section", "comments_section_of"]

SECTION_ID = "sec-comments"
#: Themes quoted in the section (the most frequent in the latest wave).
QUOTED_THEMES = 6
_OTHER = "Success factors, identity and value"


def _group_name(theme: ThemeResult) -> str:
    return f"Stage {theme.stage}: {STAGE_NAMES.get(theme.stage, '')}" if theme.stage else _OTHER


def _share_cell(cell: ThemeCell) -> Cell:
    if cell.suppressed or cell.share is None or cell.ci is None:
        return Cell.hidden(cell.reason)
    return Cell(cell.share, note=f"{cell.n} of {cell.total}")


def _shown(theme: ThemeResult) -> bool:
    return any((c.n or 0) > 0 for c in theme.by_wave)


def _theme_rows(result: CommentAnalysis, several: bool, width: int) -> tuple[Row, ...]:
    """One heading row per stage (or area), then its themes by share in the latest wave."""
    rows: list[Row] = []
    themes = sorted(
        (t for t in result.themes if _shown(t)), key=lambda t: (t.stage or 9, -(t.share or 0))
    )
    heading = None
    for t in themes:
        if _group_name(t) != heading:
            heading = _group_name(t)
            rows.append(Row((Cell(heading), *(Cell("") for _ in range(width - 1))), True))
        cells = [Cell(t.label), *(_share_cell(c) for c in t.by_wave)]
        if t.suppressed or t.ci is None:
            cells.append(Cell.hidden(t.reason))
        else:
            cells.append(Cell(lo=100 * t.ci[0], hi=100 * t.ci[1]))
        if several:
            change = t.changes[-1]
            if change.suppressed or change.diff is None or change.ci is None:
                cells += [Cell.hidden(change.reason), Cell.hidden(change.reason)]
            else:
                cells += [
                    Cell(100 * change.diff),
                    Cell(lo=100 * change.ci[0], hi=100 * change.ci[1]),
                ]
        cells.append(Cell.hidden(t.reason) if t.suppressed else Cell(t.sentiment))
        rows.append(Row(tuple(cells)))
    return tuple(rows)


def _lead(result: CommentAnalysis) -> str:
    latest = result.waves[-1]
    questions = ", ".join(f"“{q}”" for q in result.question_texts or result.questions)
    if latest.suppressed:
        said = (
            f"In {latest.label} fewer than {result.threshold} people wrote comments, so none "
            "are shown for that wave."
        )
    else:
        said = (
            f"In {latest.label}, {latest.commenters} people wrote {latest.comments} comments"
            f" ({latest.uncoded} of them matched no theme)."
        )
    return (
        f"Members answered open questions ({questions}). {said} Each comment is coded into "
        f"the themes of the codebook ({result.codebook}) by the phrases that signal them, and "
        "a comment may have several themes. Names, e-mail addresses, phone numbers, web "
        "addresses and identifying numbers are replaced by markers such as [name] before "
        "anything is shown."
    )


def _quotes(result: CommentAnalysis) -> list[Block]:
    quoted = sorted(
        (t for t in result.themes if t.quotes and not t.suppressed),
        key=lambda t: (-(t.share or 0), t.label),
    )[:QUOTED_THEMES]
    blocks: list[Block] = []
    for t in quoted:
        share = f"{t.n} comments, {100 * (t.share or 0):.0f}%"
        blocks.append(
            Bullets(tuple(f"“{q.text}”" for q in t.quotes), heading=f"{t.label} ({share})")
        )
    return blocks


def comments_section(facts: ReportFacts, num: Numbering) -> Section | None:
    """Themes per stage with their share in each wave, the latest change, and quotes.

    ``None`` when the report's instruments ask no open questions or nobody answered them.
    """
    if facts.comments is None or not facts.comments.waves:
        return None
    return comments_section_of(facts.comments, num, facts.coding)


def comments_section_of(
    result: CommentAnalysis, num: Numbering, coding: Agreement | None = None
) -> Section:
    """:func:`comments_section` for an analysis on its own (the web app's comments page);
    ``coding``: two coders' agreement on the comments they coded by hand."""
    waves = tuple(w.label for w in result.waves)
    several = len(waves) > 1
    change = (
        (Column("Change", "signed", 0, "points"), Column("95% CI", "ci", 0, "points"))
        if several
        else ()
    )
    columns = (
        Column("Theme"),
        *(Column(label, "percent") for label in waves),
        Column(f"95% CI, {waves[-1]}", "ci", 0, "%"),
        *change,
        Column("Tone", "signed", 2),
    )
    rows = _theme_rows(result, several, len(columns))
    blocks: list[Block] = [Paragraph(_lead(result), "lead")]
    if rows:
        blocks.append(
            num.table(
                "comment_themes",
                "Themes of members' comments, by stage: share of comments in each wave",
                columns,
                rows,
                caption=_caption(waves),
                notes=(
                    f"Comments are counted only for waves in which at least {result.threshold} "
                    "people wrote comments (anonymity rule for comments).",
                ),
            )
        )
    blocks.extend(coding_blocks(coding, {t.theme: t.label for t in result.themes}, num))
    blocks.extend(_quotes(result))
    notes = _notes(result)
    if notes:
        blocks.append(Paragraph(" ".join(notes), "note"))
    return Section(SECTION_ID, num.section, "What members said", tuple(blocks))


def _caption(waves: tuple[str, ...]) -> str:
    change = (
        f" The change is in percentage points from {waves[-2]} to {waves[-1]}, with "
        "Newcombe's 95% interval (an interval that excludes 0 is a clear change)."
        if len(waves) > 1
        else ""
    )
    return (
        "Share of all comments in the wave that have the theme (a comment may have several), "
        f"with the 95% Wilson interval for {waves[-1]}.{change} Tone is the mean VADER score "
        f"of the theme's comments in {waves[-1]} (−1 negative to +1 positive)."
    )


def _notes(result: CommentAnalysis) -> list[str]:
    notes = [
        f"Quotes come only from groups of at least {result.threshold} people who wrote comments"
        + (
            f"; the comments of {', '.join(result.hidden_groups)} are counted in the wave "
            "totals but never quoted, because too few people in those subgroups wrote comments."
            if result.hidden_groups
            else "."
        ),
        "Tone is a lexicon score (VADER): a rough guide, never a finding on its own.",
    ]
    if result.candidates:
        terms = "; ".join(", ".join(c.terms[:4]) for c in result.candidates)
        notes.append(
            f"Comments that matched no theme suggest candidate themes ({terms}): "
            "the comments listing shows them with examples, to add to the codebook."
        )
    return notes
