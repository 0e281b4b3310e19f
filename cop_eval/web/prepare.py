"""Work done once per change of the data: the pages' results, their charts and the board PDF.

The board report's PDF (:func:`board_pdf`) is kept in the project's
:class:`~cop_eval.web.page_store.PageStore` under the results' key, the cover and the ledger
the results were built under, so it is made once per change of the data (and of the cover), also
across restarts of the app. The chart pool's helper lays it out (:meth:`ChartStore.pdf_later`)
while this process goes on with other work.

When a wave was stored on the Import page, :func:`prepare_job` computes, in this order, the
latest wave's results, the comparison of all waves, their charts, the board report with its
default cover, and the comments page, and keeps them (on disk for the first four): the next
Results, Compare or report click, also after a restart, is served from there. Its progress page
shows each step. The work stops early when the project changed meanwhile (a later import starts
its own). Nothing here records a release: building is not showing (:mod:`cop_eval.web.released`).
"""

from __future__ import annotations

import contextlib
import logging
import threading
from collections.abc import Callable
from pathlib import Path

from cop_eval.errors import CopEvalError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.render import render_html
from cop_eval.web.comments_page import CommentsCache, CommentsKey, build_page
from cop_eval.web.jobs import CHART, PAGE, Job, JobRunner
from cop_eval.web.page_store import PageStore
from cop_eval.web.results import ALL, Results, ResultsCache, ResultsKey, build_results, with_cover
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import codebook_digest

__all__ = [
    "PDF_STEPS",
    "PREPARE_STEPS",
    "board_pdf",
    "prepare_job",
    "preparing",
    "preparing_key",
]

log = logging.getLogger("cop_eval.web")

#: The steps of making the PDF, as its progress page lists them.
PDF_STEPS = ("Drawing the charts", "Laying out the PDF pages")

#: The steps of the work after an import.
PREPARE_STEPS = (
    "Results of the latest wave",
    "Comparing the waves",
    "Drawing the charts",
    "The board report (PDF)",
    "What members said (comments)",
)

#: Charts drawn between two updates of the progress page (half of them by the helper).
_BATCH = 4


def _nothing() -> None:
    return None


def _draw(
    job: Job, cache: ResultsCache, results: Results, pause: Callable[[], None] = _nothing
) -> None:
    missing = cache.charts.missing(results.model)
    for start in range(0, len(missing), _BATCH):
        pause()
        job.detail(f"{len(missing) - start} of {len(missing)} still to draw")
        cache.charts.draw(missing[start : start + _BATCH])


def _pdf_key(key: ResultsKey, cover: tuple[str, str], results: Results) -> tuple[object, ...]:
    # The ledger: results built again under newer releases may hide other cells.
    return (key, cover, results.ledger)


def _made_or_under_way(
    cache: ResultsCache, store: PageStore | None, pdf_key: tuple[object, ...]
) -> Callable[[], bytes] | None:
    """The PDF kept in the store, or the wait for its layout under way (``None``: neither)."""
    kept = store.load("pdf", pdf_key) if store is not None else None
    if isinstance(kept, bytes):
        return lambda: kept
    with cache.pdf_lock:
        return cache.pdfs_under_way.get(pdf_key)


def pdf_started(
    job: Job,
    key: ResultsKey,
    results: Results,
    cover: tuple[str, str],
    cache: ResultsCache,
    pause: Callable[[], None] = _nothing,
) -> Callable[[], bytes]:
    """Start the board PDF of ``results`` (the cover's title and organisation): found in the
    project's store, or laid out by the chart pool's helper; the returned function waits for
    its bytes (and keeps them in the store). ``pause`` is called between batches of charts."""
    store = cache.store(key.directory)
    pdf_key = _pdf_key(key, cover, results)
    found = _made_or_under_way(cache, store, pdf_key)
    if found is not None:  # kept, or the preparing (or another click) lays out this very PDF
        return found
    model = with_cover(results, *cover)
    job.begin(PDF_STEPS[0])
    _draw(job, cache, results, pause)
    # A click on the report page, run between two batches of charts, may have made it meanwhile.
    found = _made_or_under_way(cache, store, pdf_key)
    if found is not None:
        return found
    job.begin(PDF_STEPS[1])
    html = render_html(model, standalone=False, images=cache.charts.data_images(model))
    made = _Once(cache.charts.pdf_later(html), cache, pdf_key, store)
    with cache.pdf_lock:
        cache.pdfs_under_way[pdf_key] = made
    return made


class _Once:
    """Waits for a PDF being laid out, for every caller; keeps it in the project's store and
    forgets it as under way once it is made (or failed)."""

    def __init__(
        self,
        wait: Callable[[], bytes],
        cache: ResultsCache,
        key: tuple[object, ...],
        store: PageStore | None,
    ) -> None:
        self._wait, self._cache, self._key, self._store = wait, cache, key, store
        self._lock = threading.Lock()
        self._pdf: bytes | None = None
        self._error: BaseException | None = None

    def __call__(self) -> bytes:
        with self._lock:
            if self._pdf is None and self._error is None:
                try:
                    self._pdf = self._wait()
                    if self._store is not None:  # kept before it is no longer under way
                        self._store.save("pdf", self._key, self._pdf)
                except BaseException as exc:  # said to every caller, not laid out again
                    self._error = exc
                finally:
                    with self._cache.pdf_lock:
                        self._cache.pdfs_under_way.pop(self._key, None)
            if self._error is not None:
                raise self._error
            assert self._pdf is not None
            return self._pdf


def board_pdf(
    job: Job, key: ResultsKey, results: Results, cover: tuple[str, str], cache: ResultsCache
) -> bytes:
    """The board PDF of ``results`` with ``cover`` (see :func:`pdf_started`)."""
    return pdf_started(job, key, results, cover, cache)()


def _in_thread(wait: Callable[[], bytes]) -> threading.Event:
    """Wait for the PDF in a thread of its own: set when it is made (and kept)."""
    done = threading.Event()

    def run() -> None:
        try:
            wait()
        except Exception as exc:  # e.g. the app stopped the helper: the report page makes it
            log.warning("the board PDF was not prepared (%s)", exc)
        finally:
            done.set()

    threading.Thread(target=run, name="cop-eval-pdf", daemon=True).start()
    return done


class _Stopped(Exception):
    """The app is stopping: the preparing ends at its next pause."""


def _results(job: Job, step: str, key: ResultsKey, cache: ResultsCache) -> Results:
    job.begin(step)
    found = cache.get(key)
    return found if found is not None else build_results(key, cache, lambda _: None)


def _still(directory: Path, revision: int) -> bool:
    with open_project(directory) as project:
        return project.revision() == revision


def prepare_job(
    runner: JobRunner,
    directory: Path,
    privacy: PrivacyPolicy,
    cache: ResultsCache,
    comments: CommentsCache,
    *,
    priority: int = PAGE,
    title: str = "Preparing the pages for the new data",
) -> Job | None:
    """The job that prepares the pages of the project as it is now (``None``: no waves); it
    ``covers`` the results it computes (a page that needs them shows its progress)."""
    with open_project(directory) as project:
        revision = project.revision()
        labels = tuple(w.label for w in project.waves())
    if not labels:
        return None
    book = codebook_digest(directory)
    latest = ResultsKey(str(directory), revision, labels[-1:], ALL, privacy, book)
    every = ResultsKey(str(directory), revision, labels, ALL, privacy, book)
    plan = PREPARE_STEPS if len(labels) > 1 else PREPARE_STEPS[:1] + PREPARE_STEPS[2:]

    def pause() -> None:  # a page (or its charts) asked for meanwhile goes first
        if runner.closing:
            raise _Stopped
        runner.run_waiting(CHART, "prepare")

    def work(job: Job) -> None:
        with contextlib.suppress(_Stopped):  # the app stops: no need to finish
            prepare(job)

    def prepare(job: Job) -> None:
        if not _still(directory, revision):
            return  # changed meanwhile: the next import prepares its own
        shown = [_results(job, PREPARE_STEPS[0], latest, cache)]
        pause()
        if len(labels) > 1 and _still(directory, revision):
            shown.append(_results(job, PREPARE_STEPS[1], every, cache))
        if not _still(directory, revision):
            return  # changed meanwhile: the next import prepares its own
        job.begin(PREPARE_STEPS[2])
        for results in shown:
            _draw(job, cache, results, pause)
        job.begin(PREPARE_STEPS[3])
        made = _in_thread(pdf_started(job, every, shown[-1], ("", ""), cache, pause))
        job.begin(PREPARE_STEPS[4])  # while the helper lays out the PDF
        key = CommentsKey(str(directory), revision, ALL, privacy, book)
        if comments.get(key) is None:
            with contextlib.suppress(CopEvalError):  # the page says why when it is opened
                comments.put(key, build_page(directory, ALL, privacy))
        while not made.wait(0.05):
            pause()
        store = cache.store(str(directory))
        if store is not None:
            store.prune()  # entries of older states of the project, unused for a week

    return runner.submit(
        preparing_key(str(directory), revision, privacy),
        title,
        work,
        plan=plan,
        priority=priority,
        covers=frozenset({latest, every}),
    )


def preparing_key(directory: str, revision: int, privacy: PrivacyPolicy) -> tuple[object, ...]:
    """The key of the job that prepares the pages of a project's state (:func:`prepare_job`)."""
    return ("prepare", directory, revision, privacy)


def preparing(runner: JobRunner, key: ResultsKey) -> Job | None:
    """The preparing of the pages under way that computes the results of ``key``, if any."""
    job = runner.find(preparing_key(key.directory, key.revision, key.privacy))
    return job if job is not None and not job.done and key in job.covers else None
