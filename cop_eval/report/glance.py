"""The report's first page as data: the dashboard lines and the summary's key messages.

Read from a composed :class:`~cop_eval.report.model.ReportModel`, never recomputed, so the
terminal (``cop-eval dashboard``), the JSON, the web and the PDF say the same thing.
"""

from __future__ import annotations

from typing import Any

from cop_eval.report.model import Dashboard, KeyMessages, ReportModel

__all__ = ["at_a_glance"]


def at_a_glance(model: ReportModel) -> dict[str, Any]:
    """The report's "At a glance" page and the summary's key messages, as JSON-ready data.

    What ``cop-eval dashboard --json`` prints: taken from the composed model, so every figure is
    the one the PDF shows (hidden lines carry no numbers; the engine hid them).

    Raises
    ------
    KeyError
        When the report has no dashboard (its questionnaires have no stages, success factors,
        identity levels or value cycles).
    """
    board = next(b for b in model.section("sec-dashboard").blocks if isinstance(b, Dashboard))
    messages = next(b for b in model.section("sec-summary").blocks if isinstance(b, KeyMessages))
    lines = [
        {
            "group": group,
            "label": line.label,
            "mean": line.mean,
            "favourable": line.favourable,
            "favourable_ci": [line.favourable_lo, line.favourable_hi],
            "change_since_previous": line.previous,
            "change_since_previous_tone": line.previous_tone,
            "change_since_first": line.first,
            "change_since_first_tone": line.first_tone,
            "status": line.status,
            "reason": line.reason,
            "suppressed": line.suppressed,
        }
        for group, group_lines in board.groups
        for line in group_lines
    ]
    return {
        "waves": list(model.meta.waves),
        "latest": board.latest,
        "previous": board.previous,
        "first": board.first,
        "title": board.title,
        "status_counts": {
            k: sum(1 for line in lines if line["status"] == k)
            for k in ("strength", "watch", "concern", "none")
        },
        "lines": lines,
        "key_messages": [
            {"headline": m.headline, "text": m.text, "tone": m.tone, "where": m.ref_label}
            for m in messages.items
        ],
        "min_group_size": model.meta.min_group_size,
        "anonymity": model.meta.anonymity,
    }
