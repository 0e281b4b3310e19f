"""The dashboard ("At a glance"): one page with the status of every stage, factor and level.

Placed after the contents, before section 1. Each line: the latest mean, % favourable with its
Wilson CI, the change since the previous wave and since the first (coloured only when the
verdict calls it likely real), and a status from the declared rules (:mod:`cop_eval.report.status`,
printed in the methods). Below it, the largest gap between subgroups with its CI.
"""

from __future__ import annotations

from cop_eval.report.facts import ReportFacts
from cop_eval.report.facts_board import BoardFacts, DashboardRow
from cop_eval.report.findings_board import gap_sentence, largest_gaps, tone_of
from cop_eval.report.model import (
    Block,
    Cell,
    Column,
    Dashboard,
    Paragraph,
    Row,
    Section,
    StatusLine,
    Table,
)

__all__ = ["DASHBOARD_ID", "dashboard_section"]

DASHBOARD_ID = "sec-dashboard"
STATUS_WORDS = {"strength": "Strength", "watch": "Watch", "concern": "Concern", "none": "–"}


def _line(row: DashboardRow, refs: dict[str, tuple[str, str]]) -> StatusLine:
    instrument = row.key.split(".", 1)[0]
    ref = refs.get(
        "stage_profile"
        if row.key.startswith("stage_")
        else {
            "le_may_success_factors": "scorecard",
            "mcdermott_identity_strength": "identity",
            "value_creation": "value_cycle",
        }.get(instrument, f"equity:{instrument}")
    )
    if row.suppressed:
        return StatusLine(
            row.label, None, None, None, None, None, "neutral", None, "neutral", "none",
            row.reason, suppressed=True,
        )  # fmt: skip
    return StatusLine(
        label=row.label,
        mean=row.mean,
        favourable=row.favourable,
        favourable_lo=row.favourable_lo,
        favourable_hi=row.favourable_hi,
        previous=row.previous.diff if row.previous else None,
        previous_tone=tone_of(row.previous) if row.direction != "neutral" else "neutral",
        first=row.first.diff if row.first else None,
        first_tone=tone_of(row.first) if row.direction != "neutral" else "neutral",
        status=row.status,  # type: ignore[arg-type]
        reason=row.reason,
        ref=ref[0] if ref else None,
        ref_label=ref[1] if ref else None,
    )


def _export(board: BoardFacts) -> Table:
    columns = (
        Column("Group"),
        Column("Stage, factor or level"),
        Column("n", "int"),
        Column(f"Mean {board.latest}", "number"),
        Column("% favourable", "percent"),
        Column("95% CI", "ci"),
        Column(f"Change since {board.previous or '–'}", "signed"),
        Column(f"Change since {board.first or '–'}", "signed"),
        Column("Status"),
        Column("Why"),
    )
    rows = []
    for r in board.dashboard:
        if r.suppressed:
            hidden = Cell.hidden()
            rows.append(
                Row(
                    (
                        Cell(r.group),
                        Cell(r.label),
                        hidden,
                        hidden,
                        hidden,
                        hidden,
                        hidden,
                        hidden,
                        Cell("–"),
                        Cell(r.reason),
                    )
                )
            )
            continue
        rows.append(
            Row(
                (
                    Cell(r.group),
                    Cell(r.label),
                    Cell(r.n),
                    Cell(r.mean),
                    Cell(r.favourable),
                    Cell(lo=r.favourable_lo, hi=r.favourable_hi),
                    Cell(r.previous.diff if r.previous else None),
                    Cell(r.first.diff if r.first else None),
                    Cell(STATUS_WORDS[r.status]),
                    Cell(r.reason),
                )
            )
        )
    return Table("exp-dashboard", "Export 0.1", "Dashboard", columns, tuple(rows), display=False)


def dashboard_section(facts: ReportFacts, refs: dict[str, tuple[str, str]]) -> Section | None:
    """The dashboard page, or ``None`` when the report has no board facts."""
    board = facts.board
    if board is None or not board.dashboard:
        return None
    groups: list[tuple[str, list[StatusLine]]] = []
    for row in board.dashboard:
        if not groups or groups[-1][0] != row.group:
            groups.append((row.group, []))
        groups[-1][1].append(_line(row, refs))
    counts = {k: sum(1 for r in board.dashboard if r.status == k) for k in STATUS_WORDS}
    since = (
        f", with the change since {board.previous}"
        + (f" and since {board.first}" if board.first else "")
        if board.previous
        else ""
    )
    method = refs.get("status_rules")
    rules = f" ({board.rules_summary})" if board.rules_summary else ""
    tally = ", ".join(
        f"{counts[k]} {word.lower()}{'s' if k != 'watch' and counts[k] != 1 else ''}"
        for k, word in (("strength", "Strength"), ("watch", "Watch"), ("concern", "Concern"))
    )
    blocks: list[Block] = [
        Paragraph(
            f"Every stage, success factor, identity level and value cycle in {board.latest}"
            f"{since}. Changes are coloured only when likely real (green better, orange worse). "
            f"Status follows declared rules{rules}"
            + (f"; {method[1]} sets them out." if method else "."),
            "note",
        ),
        Dashboard(
            "dashboard",
            f"Status in {board.latest}: {tally}",
            board.latest,
            board.previous,
            board.first,
            tuple((name, tuple(lines)) for name, lines in groups),
            caption="Mean on the 1-5 agreement scale. % favourable: respondents with a "
            "favourable score, with its 95% Wilson interval. ▲▼: change in the mean. – : not "
            "measured, or too few respondents.",
        ),
    ]
    gaps = largest_gaps(board)
    if gaps:
        where = refs.get(f"equity:{gaps[0].scale_key.split('.', 1)[0]}") or refs.get("equity")
        blocks.append(
            Paragraph(
                (
                    "Largest reliable gap between subgroups: "
                    if gaps[0].reliable
                    else "Largest gap between subgroups: "
                )
                + gap_sentence(gaps[0])
                + (f" See {where[1]}." if where else ""),
                "body",
            )
        )
    blocks.append(_export(board))
    return Section(DASHBOARD_ID, 0, "At a glance", tuple(blocks))
