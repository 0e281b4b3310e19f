"""Pages: results of one wave, and the comparison of waves, for everyone or one subgroup."""

from __future__ import annotations

import re
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.report.model import Section, Table
from cop_eval.web.deps import web_state
from cop_eval.web.jobs import CHART
from cop_eval.web.rendering import render
from cop_eval.web.results import ALL, Results, ResultsCache, stored_waves
from cop_eval.web.routes_project import require_project
from cop_eval.web.services_cycle import waves_without_members
from cop_eval.web.work import chart_job, page_results, wait_for

__all__ = ["router"]

router = APIRouter()

#: Report sections shown on each page, in order (ids of cop_eval.report.compose sections).
WAVE_SECTIONS = (
    "sec-dashboard",
    "sec-stages",
    "sec-factors",
    "sec-subgroups",
    "sec-value",
    "sec-participation",
    "sec-methods",
    "sec-validity",
)
COMPARE_SECTIONS = (
    "sec-dashboard",
    "sec-change",
    "sec-review",
    "sec-validity",
    "sec-subgroups",
    "sec-risks",
    "sec-stages",
    "sec-factors",
    "sec-value",
    "sec-participation",
)


async def _results(
    request: Request, directory: Path, labels: list[str], group: str
) -> Results | str | Response:
    return await page_results(request, directory, labels, group)


def _sections(results: Results, wanted: tuple[str, ...]) -> list[Section]:
    """The report's sections ``wanted`` on a page, in that order."""
    by_id = {s.id: s for s in results.model.sections}
    return [by_id[i] for i in wanted if i in by_id]


def _reliability_anchor(sections: list[Section]) -> list[tuple[str, str]]:
    """A link to the first reliability table, for the page's own table of contents."""
    for section in sections:
        for block in section.blocks:
            if isinstance(block, Table) and block.title.startswith("Reliability"):
                return [(block.id, "Reliability")]
    return []


def _unknown_waves(asked: list[str], labels: list[str]) -> str | None:
    """The message for ``?wave=`` values that name no stored wave (``None`` when all do)."""
    known = {label.casefold() for label in labels}
    unknown = [a for a in asked if a.casefold() not in known]
    if not unknown:
        return None
    names = ", ".join(f"'{u}'" for u in unknown)
    return (
        f"There is no wave {names} in this project. Choose one of the stored waves: "
        f"{', '.join(labels)}."
    )


async def _members_and_notice(
    request: Request, directory: Path, labels: list[str], n: str | None
) -> dict[str, object]:
    """For a page that shows results: the waves whose members are not known (the page asks for
    them beside the participation section), where the form comes back to, and the page's notice
    (taken only now that the results are shown: a progress page reloads the same address)."""
    missing = await run_in_threadpool(waves_without_members, directory, labels)
    back = request.url.remove_query_params("n")
    return {
        "missing_members": missing,
        "members_back": back.path + (f"?{back.query}" if back.query else ""),
        "notice": web_state(request).pop_notice(n),
    }


def _refused(
    request: Request, template: str, context: dict[str, object], message: str, fallback: object
) -> Response:
    """The page after a refused choice: the message and the pickers, with the subgroup picker
    back on 'All respondents' (everyone's subgroups listed); no figures, and a heading that
    names no refused subgroup."""
    results = fallback if isinstance(fallback, Results) else None
    context = {**context, "group": ALL, "results": results, "error": message, "sections": []}
    return render(request, template, context, status_code=400)


@router.get("/results")
async def wave_results(request: Request, group: str = ALL, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    context: dict[str, object] = {
        "active": "results", "waves": waves, "group": group, "extra_links": [],
    }  # fmt: skip
    if not waves:
        return render(
            request,
            "results.html",
            {**context, "wave": None, "results": None, "error": None, "sections": []},
        )
    labels = [w.label for w in waves]
    asked = request.query_params.getlist("wave")[:1]
    chosen = next((x for x in labels if asked and x.casefold() == asked[0].casefold()), labels[-1])
    context["wave"] = chosen
    unknown = _unknown_waves(asked, labels)
    if unknown is not None:
        everyone = await _results(request, directory, [labels[-1]], ALL)
        return _refused(request, "results.html", context, unknown, everyone)
    found = await _results(request, directory, [chosen], group)
    if isinstance(found, Response):
        return found
    if isinstance(found, str):
        fallback = await _results(request, directory, [chosen], ALL) if group != ALL else None
        return _refused(request, "results.html", context, found, fallback)
    sections = _sections(found, WAVE_SECTIONS)
    if group != ALL:  # one subgroup: its own breakdown by subgroup would repeat the same numbers
        sections = [s for s in sections if s.id != "sec-subgroups"]
    context.update(
        results=found,
        sections=sections,
        error=None,
        extra_links=[("scale-scores", "Scale scores"), *_reliability_anchor(sections)],
        **await _members_and_notice(request, directory, [chosen], n),
    )
    return render(request, "results.html", context)


@router.get("/compare")
async def compare(request: Request, group: str = ALL, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    waves = await run_in_threadpool(stored_waves, directory)
    labels = [w.label for w in waves]
    asked = request.query_params.getlist("wave")
    wanted = {a.casefold() for a in asked}
    chosen = [label for label in labels if label.casefold() in wanted] or labels
    context: dict[str, object] = {
        "active": "compare",
        "waves": waves,
        "chosen": chosen,
        "group": group,
        "results": None,
        "sections": [],
        "error": None,
    }
    if len(waves) < 2:
        context["error"] = (
            "Comparing needs at least two stored waves. Import another wave, then come back."
        )
        return render(request, "compare.html", context)
    unknown = _unknown_waves(asked, labels)
    if unknown is not None or len(chosen) < 2:
        message = unknown or "Choose at least two waves to compare."
        context["chosen"] = labels
        everyone = await _results(request, directory, labels, ALL)
        return _refused(request, "compare.html", context, message, everyone)
    found = await _results(request, directory, chosen, group)
    if isinstance(found, Response):
        return found
    if isinstance(found, str):
        fallback = await _results(request, directory, chosen, ALL) if group != ALL else None
        return _refused(request, "compare.html", context, found, fallback)
    sections = _sections(found, COMPARE_SECTIONS)
    if group != ALL:
        sections = [s for s in sections if s.id != "sec-subgroups"]
    context.update(
        results=found, sections=sections, **await _members_and_notice(request, directory, chosen, n)
    )
    return render(request, "compare.html", context)


_DIGEST = re.compile(r"[0-9a-f]{32}")


@router.get("/charts/{digest}.png")
async def chart(request: Request, digest: str) -> Response:
    """A chart of a page, drawn when first asked for (the page does not wait for it)."""
    cache: ResultsCache = request.app.state.results_cache
    png = cache.charts.cached(digest)
    if png is None:
        if not _DIGEST.fullmatch(digest) or not cache.charts.known(digest):
            raise HTTPException(404, "This chart is no longer at hand. Reload the page.")
        job = chart_job(request.app.state.jobs, cache, digest, CHART)
        await wait_for(job, 300.0)
        job.outcome()
        png = await run_in_threadpool(cache.charts.png, digest)
    return Response(png, media_type="image/png", headers={"Cache-Control": "no-store"})
