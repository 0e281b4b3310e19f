"""Pages: results of one wave, and the comparison of waves, for everyone or one subgroup."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.errors import CopEvalError
from cop_eval.report.model import Section, Table
from cop_eval.web.deps import web_state
from cop_eval.web.rendering import render
from cop_eval.web.results import ALL, Results, results_for, stored_waves
from cop_eval.web.routes_project import require_project

__all__ = ["router"]

router = APIRouter()

#: Report sections shown on each page, in order (ids of cop_eval.report.compose sections).
WAVE_SECTIONS = (
    "sec-stages",
    "sec-factors",
    "sec-subgroups",
    "sec-participation",
    "sec-methods",
    "sec-validity",
)
COMPARE_SECTIONS = (
    "sec-change",
    "sec-review",
    "sec-validity",
    "sec-stages",
    "sec-factors",
    "sec-subgroups",
    "sec-participation",
)


async def _results(
    request: Request, directory: Path, labels: list[str], group: str
) -> Results | str:
    state = web_state(request)
    try:
        return await run_in_threadpool(
            lambda: results_for(
                directory,
                labels,
                group=group,
                privacy=state.privacy,
                cache=request.app.state.results_cache,
            )
        )
    except CopEvalError as exc:
        return str(exc)


def _sections(results: Results, wanted: tuple[str, ...]) -> list[Section]:
    by_id = {s.id: s for s in results.model.sections}
    return [by_id[i] for i in wanted if i in by_id]


def _reliability_anchor(sections: list[Section]) -> list[tuple[str, str]]:
    """A link to the first reliability table, for the page's own table of contents."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table) and block.title.startswith("Reliability"):
                return [(block.id, "Reliability")]
    return []


@router.get("/results")
async def wave_results(request: Request, wave: str | None = None, group: str = ALL) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    context: dict[str, object] = {"active": "results", "waves": waves, "group": group}
    if not waves:
        return render(
            request,
            "results.html",
            {**context, "wave": None, "results": None, "error": None, "sections": []},
        )
    labels = [w.label for w in waves]
    chosen = next((label for label in labels if wave and label.casefold() == wave.casefold()), None)
    if chosen is None:
        chosen = labels[-1]
    found = await _results(request, directory, [chosen], group)
    if isinstance(found, str):
        fallback = await _results(request, directory, [chosen], ALL) if group != ALL else None
        return render(
            request,
            "results.html",
            {
                **context,
                "wave": chosen,
                "results": fallback if not isinstance(fallback, str) else None,
                "sections": [],
                "error": found,
            },
            status_code=400,
        )
    sections = _sections(found, WAVE_SECTIONS)
    if group != ALL:  # one subgroup: its own breakdown by subgroup would repeat the same numbers
        sections = [s for s in sections if s.id != "sec-subgroups"]
    return render(
        request,
        "results.html",
        {
            **context,
            "wave": chosen,
            "results": found,
            "sections": sections,
            "error": None,
            "extra_links": [("scale-scores", "Scale scores"), *_reliability_anchor(sections)],
        },
    )


@router.get("/compare")
async def compare(request: Request, group: str = ALL) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    chosen = [w.label for w in waves if request.query_params.getlist("wave").count(w.label)] or [
        w.label for w in waves
    ]
    context: dict[str, object] = {
        "active": "compare",
        "waves": waves,
        "chosen": chosen,
        "group": group,
        "results": None,
        "sections": [],
        "error": None,
    }
    if len(chosen) < 2:
        context["error"] = (
            "Comparing needs at least two stored waves. Import another wave, then come back."
            if len(waves) < 2
            else "Choose at least two waves to compare."
        )
        return render(request, "compare.html", context)
    found = await _results(request, directory, chosen, group)
    if isinstance(found, str):
        context["error"] = found
        if group != ALL:
            fallback = await _results(request, directory, chosen, ALL)
            context["results"] = None if isinstance(fallback, str) else fallback
        return render(request, "compare.html", context, status_code=400)
    sections = _sections(found, COMPARE_SECTIONS)
    if group != ALL:
        sections = [s for s in sections if s.id != "sec-subgroups"]
    context.update(results=found, sections=sections)
    return render(request, "compare.html", context)
