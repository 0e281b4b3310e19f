"""The board report: results → frozen report model → HTML → PDF (and CSV/XLSX of its tables).

Typical use::

    from cop_eval.report import (
        ReportOptions, build_report_model, export_tables, render_html, render_pdf,
    )
    model = build_report_model(responses, instruments, ReportOptions(labels=("2024", "2025")))
    render_pdf(model, Path("report.pdf"))
    Path("report.html").write_text(render_html(model), encoding="utf-8")
    export_tables(model, xlsx=Path("tables.xlsx"))

Names are imported on first use, so that importing a small part (e.g. the filters) does not load
the statistics modules.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__all__ = [
    "ReportModel",
    "ReportOptions",
    "build_report_model",
    "compose_report",
    "export_tables",
    "render_html",
    "render_pdf",
]

_WHERE = {
    "ReportModel": "cop_eval.report.model",
    "ReportOptions": "cop_eval.report.options",
    "build_report_model": "cop_eval.report.build",
    "compose_report": "cop_eval.report.compose",
    "export_tables": "cop_eval.report.export",
    "render_html": "cop_eval.report.render",
    "render_pdf": "cop_eval.report.render",
}


def __getattr__(name: str) -> Any:
    if name in _WHERE:
        return getattr(import_module(_WHERE[name]), name)
    raise AttributeError(f"module 'cop_eval.report' has no attribute {name!r}")
