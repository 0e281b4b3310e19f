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
import threading
from collections.abc import Callable
from pathlib import Path

from cop_eval.errors import CopEvalError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.render import render_html
from cop_eval.web.comments_page import CommentsCache, CommentsKey, build_page
from cop_eval.web.jobs import CHART, PAGE, Job, JobRunner
from cop_eval.web.results import ALL, Results, ResultsCache, ResultsKey, build_results, with_cover
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import codebook_digest

__all__ = ["PDF_STEPS", "PREPARE_STEPS", "board_pdf", "prepare_job"]

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
    kept = store.load("pdf", pdf_key) if store is not None else None
    if isinstance(kept, bytes):
        return lambda: kept
    model = with_cover(results, *cover)
    job.begin(PDF_STEPS[0])
    _draw(job, cache, results, pause)
    job.begin(PDF_STEPS[1])
    html = render_html(model, standalone=False, images=cache.charts.data_images(model))
    wait = cache.charts.pdf_later(html)

    def made() -> bytes:
        pdf = wait()
        if store is not None:
            store.save("pdf", pdf_key, pdf)
        return pdf

    return made


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
        finally:
            done.set()

    threading.Thread(target=run, name="cop-eval-pdf", daemon=True).start()
    return done


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
) -> Job | None:
    """The job that prepares the pages of the project as it is now (``None``: no waves)."""
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
        runner.run_waiting(CHART, "prepare")

    def work(job: Job) -> None:
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
        ("prepare", str(directory), revision, privacy),
        "Preparing the pages for the new data",
        work,
        plan=plan,
        priority=PAGE,
    )
