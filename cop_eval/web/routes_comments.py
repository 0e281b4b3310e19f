"""Page: what members said (comment themes, trend, quotes), and the review of redactions.

The page shows the same section as the board report, built by the same engine under the same
anonymity rule; filtering to a subgroup whose comments the rule withholds is refused. The
redaction review lists stored comments with what was replaced, and lets the user add names to
redact and words the name heuristic must leave alone.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path

from fastapi import APIRouter, Request
from starlette.concurrency import run_in_threadpool
from starlette.responses import Response

from cop_eval.comments.analysis import NO_GROUP, analyse_comments, hidden_comment_groups
from cop_eval.comments.api import commented_instruments
from cop_eval.comments.results import CommentAnalysis
from cop_eval.errors import CopEvalError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.model import Section
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_comments import comments_section_of
from cop_eval.responses import ResponseSet
from cop_eval.store import Project
from cop_eval.store.comments import StoredComment
from cop_eval.web.deps import Form, field, web_state
from cop_eval.web.rendering import render
from cop_eval.web.results import ALL, common_group_column
from cop_eval.web.routes_project import redirect, require_project

__all__ = ["router"]

router = APIRouter()
#: Stored comments listed in the redaction review (the most recent first).
REVIEW_ROWS = 300


@dataclass(frozen=True)
class CommentsPage:
    """What the comments page shows."""

    section: Section | None
    analysis: CommentAnalysis | None
    groups: tuple[tuple[str, bool], ...]  # (subgroup, shown)
    review: tuple[StoredComment, ...]
    stored: int
    names: int
    keep: tuple[str, ...]


def _only(
    wave: ResponseSet, column: str, group: str, questions: list[str], privacy: PrivacyPolicy
) -> ResponseSet:
    """The wave's comments of one subgroup; none at all in a wave where the rule withholds the
    subgroup (its comments could be worked out from the wave's by subtraction)."""
    hidden = group in hidden_comment_groups(wave, questions, column, privacy)
    values = [NO_GROUP if v is None else str(v) for v in wave.groups[column].tolist()]
    keep = [v == group and not hidden for v in values]
    comments = wave.comments.copy()
    for question in comments.columns:
        comments[question] = [
            t if k else None for t, k in zip(comments[question], keep, strict=True)
        ]
    return dataclasses.replace(wave, comments=comments)


def build_page(directory: Path, group: str, privacy: PrivacyPolicy) -> CommentsPage:
    """The analysis for everyone or one subgroup; :class:`CopEvalError` for a refused filter."""
    with Project.open(directory) as project:
        waves = project.load_waves()
        stored = project.comments.review()
        try:
            terms = project.comments.terms()
            names, keep = len(terms.names), terms.keep
        except CopEvalError:
            names, keep = 0, ()
    instruments = commented_instruments(waves)
    review = tuple(c for c in reversed(stored) if c.redactions)[:REVIEW_ROWS]
    if not waves or not instruments or not stored:
        return CommentsPage(None, None, (), review, len(stored), names, keep)
    column = common_group_column(waves)
    everyone = analyse_comments(waves, instruments, group_column=column, privacy=privacy)
    groups: tuple[tuple[str, bool], ...] = ()
    if column is not None:
        seen = sorted({g.label for t in everyone.themes for g in t.by_group})
        groups = tuple((g, g not in everyone.hidden_groups) for g in seen)
    analysis = everyone
    if group != ALL:
        if column is None or group not in dict(groups):
            raise CopEvalError(f"there is no subgroup {group!r} with comments in these waves.")
        if group in everyone.hidden_groups:
            raise CopEvalError(
                f"The comments of {group} are not shown: fewer than {privacy.comment_threshold} "
                "people in it wrote comments, or showing it would let a smaller group's comments "
                "be worked out. Choose 'All respondents'."
            )
        questions = [c.id for i in instruments for c in i.comments]
        filtered = [_only(w, column, group, questions, privacy) for w in waves]
        analysis = analyse_comments(filtered, instruments, privacy=privacy)
    section = comments_section_of(analysis, Numbering(1))
    return CommentsPage(section, analysis, groups, review, len(stored), names, keep)


@router.get("/comments")
async def comments_page(request: Request, group: str = ALL, n: str | None = None) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    state = web_state(request)
    context: dict[str, object] = {
        "active": "comments",
        "group": group,
        "notice": state.pop_notice(n),
    }
    try:
        page = await run_in_threadpool(build_page, directory, group, state.privacy)
    except CopEvalError as exc:
        page = await run_in_threadpool(build_page, directory, ALL, state.privacy)
        return render(
            request, "comments.html", {**context, "page": page, "error": str(exc), "group": ALL},
            status_code=400,
        )  # fmt: skip
    return render(request, "comments.html", {**context, "page": page, "error": None})


@router.post("/comments/redact")
def add_redactions(request: Request, form: Form) -> Response:
    directory = require_project(request)
    if isinstance(directory, Response):
        return directory
    state = web_state(request)
    names = [line.strip() for line in field(form, "names").splitlines() if line.strip()]
    keep = [w.strip() for w in field(form, "keep").replace(",", "\n").splitlines() if w.strip()]
    remove = [w.strip() for w in field(form, "remove").replace(",", "\n").splitlines() if w.strip()]
    try:
        with Project.open(directory) as project:
            changed = project.comments.remove_terms(remove) if remove else 0
            if names or keep:
                changed += project.comments.add_terms(names=names, keep=keep)
    except CopEvalError as exc:
        return redirect(f"/comments?n={state.notice('bad', str(exc))}")
    text = (
        f"Added {len(names)} name(s) and {len(keep)} word(s) to keep"
        + (f", removed {len(remove)}" if remove else "")
        + f"; {changed} stored comment(s) redacted again."
    )
    return redirect(f"/comments?n={state.notice('ok', text)}")
