"""What the comments page shows, built off the request (a job) and kept until the data change.

Analysing the comments redacts and codes every stored comment of every wave and counts the themes
per wave and subgroup: seconds on a small computer. The page asks :func:`comments_job` for the
analysis of the project's present state (its revision), its subgroup and the anonymity rule; the
analysis is kept in :class:`CommentsCache` until the project changes (a wave stored, a name added
to redact, a coded sheet stored — each is an audited change that moves the revision).
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cop_eval.comments.analysis import NO_GROUP, analyse_comments, hidden_comment_groups
from cop_eval.comments.api import commented_instruments
from cop_eval.comments.codebook import load_codebook
from cop_eval.comments.released import comment_releases, conflicting_groups
from cop_eval.comments.results import CommentAnalysis
from cop_eval.errors import CopEvalError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.privacy.differencing import Release
from cop_eval.report.model import Section
from cop_eval.report.numbering import Numbering
from cop_eval.report.sections_comments import comments_section_of
from cop_eval.responses import ResponseSet
from cop_eval.store import Project
from cop_eval.store.comments import StoredComment
from cop_eval.web.jobs import Job, JobRunner
from cop_eval.web.released import stale_releases
from cop_eval.web.results import ALL, common_group_column
from cop_eval.web.services_custom import project_codebook

__all__ = [
    "COMMENT_STEPS",
    "CommentsCache",
    "CommentsKey",
    "CommentsPage",
    "build_page",
    "comments_job",
    "serve_page",
]

#: Rows of the redaction review (the most recent first).
REVIEW_ROWS = 300
#: The steps the progress page lists.
COMMENT_STEPS = (
    "Loading the stored comments",
    "Counting the themes per wave and subgroup",
    "Laying out the page",
)


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
    coders: tuple[str, ...] = ()
    #: The sets of commenters the page shows, recorded in the ledger when it is served.
    releases: tuple[Release, ...] = ()
    #: The ledger's latest release when the page was built (``Project.last_release``).
    ledger: int = 0


@dataclass(frozen=True)
class CommentsKey:
    """What the page depends on: the project's state, the subgroup and the anonymity rule."""

    directory: str
    revision: int
    group: str
    privacy: PrivacyPolicy
    #: The project's own codebook (a digest of its file; ``""``: the built-in one).
    codebook: str = ""


def _only(
    wave: ResponseSet,
    column: str,
    group: str,
    questions: list[str],
    privacy: PrivacyPolicy,
    released: tuple[Release, ...],
) -> ResponseSet:
    """The wave's comments of one subgroup; none at all in a wave where the rule withholds the
    subgroup (its comments could be worked out from the wave's by subtraction, or from comments
    already shown: the differencing rule against ``released``)."""
    label = str(wave.wave)
    hidden = group in hidden_comment_groups(wave, questions, column, privacy) or bool(
        conflicting_groups(
            wave, label, questions, column, [group], released, privacy.comment_threshold, NO_GROUP
        )
    )
    values = [NO_GROUP if v is None else str(v) for v in wave.groups[column].tolist()]
    keep = [v == group and not hidden for v in values]
    comments = wave.comments.copy()
    for question in comments.columns:
        comments[question] = [
            t if k else None for t, k in zip(comments[question], keep, strict=True)
        ]
    return dataclasses.replace(wave, comments=comments)


def _nothing(step: str) -> None:
    return None


def build_page(
    directory: Path, group: str, privacy: PrivacyPolicy, step: Callable[[str], None] = _nothing
) -> CommentsPage:
    """The analysis for everyone or one subgroup; :class:`CopEvalError` for a refused filter.
    ``step`` hears each of :data:`COMMENT_STEPS` as it starts."""
    step(COMMENT_STEPS[0])
    book = load_codebook(project_codebook(directory))
    with Project.open(directory) as project:
        waves = project.load_waves()
        released, ledger = tuple(project.releases()), project.last_release()
        stored = project.comments.review()
        coders = tuple(project.comments.coders())
        try:
            terms = project.comments.terms()
            names, keep = len(terms.names), terms.keep
        except CopEvalError:
            names, keep = 0, ()
    instruments = commented_instruments(waves)
    review = tuple(c for c in reversed(stored) if c.redactions)[:REVIEW_ROWS]
    if not waves or not instruments or not stored:
        return CommentsPage(None, None, (), review, len(stored), names, keep, coders)
    step(COMMENT_STEPS[1])
    column = common_group_column(waves)
    everyone = analyse_comments(
        waves, instruments, codebook=book, group_column=column, privacy=privacy, released=released
    )
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
        waves = [_only(w, column, group, questions, privacy, released) for w in waves]
        analysis = analyse_comments(waves, instruments, codebook=book, privacy=privacy)
    step(COMMENT_STEPS[2])
    section = comments_section_of(analysis, Numbering(1))
    what = "web comments" + (f" ({column} = {group})" if group != ALL else "")
    labels = [w.wave or f"Wave {k + 1}" for k, w in enumerate(waves)]
    shown = tuple(comment_releases(waves, labels, analysis, what, NO_GROUP))
    return CommentsPage(
        section, analysis, groups, review, len(stored), names, keep, coders, shown, ledger
    )


def serve_page(key: CommentsKey, page: CommentsPage, cache: CommentsCache) -> CommentsPage:
    """The page as the practitioner is about to see it, recorded in the ledger as shown.

    Pages are built ahead and kept, so what was recorded since ``page`` was built (a report, a
    results page) is checked first: a page whose commenters now differ from comments shown
    since by 1 to N-1 people is built again under the present ledger (a filtered subgroup is
    then refused with :class:`CopEvalError`, or loses the waves that conflict).
    """
    with Project.open(Path(key.directory)) as project:
        since = project.releases(after=page.ledger)
    if stale_releases(page.releases, since, key.privacy.comment_threshold):
        page = build_page(Path(key.directory), key.group, key.privacy)
        cache.put(key, page)
    if page.releases:
        with Project.open(Path(key.directory)) as project:
            project.record_releases(page.releases, made_by="web")
    return page


class CommentsCache:
    """Built comments pages, most recent last; at most ``size`` kept."""

    def __init__(self, size: int = 8) -> None:
        self.size = size
        self._items: OrderedDict[CommentsKey, CommentsPage] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: CommentsKey) -> CommentsPage | None:
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
            return found

    def put(self, key: CommentsKey, page: CommentsPage) -> None:
        with self._lock:
            self._items[key] = page
            while len(self._items) > self.size:
                self._items.popitem(last=False)


def comments_job(runner: JobRunner, cache: CommentsCache, key: CommentsKey, priority: int) -> Job:
    """The job that builds the page for ``key`` (and keeps it in ``cache``)."""

    def work(job: Job) -> CommentsPage:
        found = cache.get(key)
        if found is None:
            found = build_page(Path(key.directory), key.group, key.privacy, job.begin)
            cache.put(key, found)
        return found

    title = "What members said" + (f" · {key.group}" if key.group != ALL else "")
    return runner.submit(("comments", key), title, work, plan=COMMENT_STEPS, priority=priority)
