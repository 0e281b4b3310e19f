"""The board report: results → frozen report model → HTML → PDF (and CSV/XLSX of its tables).

Typical use::

    from cop_eval.report import build_report_model, render_pdf
    model = build_report_model(responses, instruments, labels=["2024", "2025"])
    render_pdf(model, Path("report.pdf"))
"""

from __future__ import annotations

from cop_eval.report.compose import compose_report
from cop_eval.report.model import ReportModel
from cop_eval.report.render import render_html, render_pdf

__all__ = ["ReportModel", "compose_report", "render_html", "render_pdf"]
