"""Long work off the request: one worker thread, jobs by priority, progress a page can show.

Building results, drawing charts and laying out the PDF take seconds on a small computer. A page
that needs such work submits a :class:`Job` and waits a moment; when the job is not done by then
the page answers at once with the job's progress (steps done, the step under way) and reloads
itself until the work is done. Work for the page the practitioner waits for goes first
(:data:`PAGE`); charts a page shows come next (:data:`CHART`); results computed ahead of time,
after the data changed, last (:data:`BACKGROUND`).

One worker runs everything: matplotlib is not made for concurrent use, and on two cores a second
busy thread would only slow the first. Jobs are found again by their key (a project's state and the
options of the work), so a page asked for twice, or asked for while it is computed ahead of time,
is computed once.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from cop_eval.errors import CopEvalError

__all__ = ["BACKGROUND", "CHART", "PAGE", "Job", "JobRunner", "Step"]

log = logging.getLogger("cop_eval.web")

#: Priorities (lower runs first): the page being waited for, its charts, work done ahead of time.
PAGE, CHART, BACKGROUND = 0, 1, 2

State = Literal["queued", "running", "done", "failed"]


@dataclass(frozen=True)
class Step:
    """One step of a job as a page lists it (``state``: done, running or waiting)."""

    name: str
    state: Literal["done", "running", "waiting"]
    detail: str = ""


@dataclass(eq=False)
class Job:
    """A piece of long work and how far it got.

    The work function receives the job and reports progress with :meth:`begin` (a planned step
    starts; the ones before it are done) and :meth:`detail` (e.g. ``"chart 3 of 18"``).
    """

    key: Hashable
    title: str
    plan: list[str]
    priority: int
    id: str = field(default_factory=lambda: secrets.token_urlsafe(9))
    state: State = "queued"
    result: Any = None
    #: A user mistake found by the work (shown as the page's message), or ``None``.
    error: str | None = None
    #: An internal error (a bug): the page that waits re-raises it, so it is logged and reported.
    crash: BaseException | None = None
    #: Keys of other work this job does on its way (e.g. the results the preparing computes): a
    #: page that needs one of them shows this job's progress instead of waiting behind it.
    covers: frozenset[Hashable] = frozenset()
    submitted: float = field(default_factory=time.monotonic)
    finished: float | None = None
    _current: int = -1
    _detail: str = ""
    _event: threading.Event = field(default_factory=threading.Event)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def begin(self, step: str, detail: str = "") -> None:
        """Start ``step`` (added to the plan when it was not in it); earlier steps are done."""
        with self._lock:
            if step not in self.plan:
                self.plan.insert(self._current + 1, step)
            self._current = self.plan.index(step)
            self._detail = detail

    def detail(self, text: str) -> None:
        """How far the current step got, in words (``"chart 3 of 18"``)."""
        with self._lock:
            self._detail = text

    @property
    def done(self) -> bool:
        return self.state in ("done", "failed")

    def steps(self) -> list[Step]:
        """The plan with each step's state, for the progress page."""
        with self._lock:
            current, detail, plan = self._current, self._detail, list(self.plan)
        if self.state == "done":
            return [Step(name, "done") for name in plan]
        out = []
        for index, name in enumerate(plan):
            if index < current:
                out.append(Step(name, "done"))
            elif index == current and self.state == "running":
                out.append(Step(name, "running", detail))
            else:
                out.append(Step(name, "waiting"))
        return out

    @property
    def progress(self) -> tuple[int, int]:
        """``(steps done, steps planned)``."""
        steps = self.steps()
        return sum(s.state == "done" for s in steps), len(steps)

    @property
    def elapsed(self) -> float:
        """Seconds since the job was submitted (until it finished)."""
        return (self.finished or time.monotonic()) - self.submitted

    def wait(self, timeout: float | None) -> bool:
        """Block until the job is done or ``timeout`` seconds passed; True when done."""
        return self._event.wait(timeout)

    def outcome(self) -> Any:
        """The result; :class:`CopEvalError` for a user mistake; the crash re-raised for a bug."""
        if self.crash is not None:
            raise self.crash
        if self.error is not None:
            raise CopEvalError(self.error)
        return self.result

    def _finish(self, state: State) -> None:
        self.state = state
        self.finished = time.monotonic()
        self._event.set()


class JobRunner:
    """One worker thread that runs submitted jobs, most urgent first.

    Parameters
    ----------
    keep
        Finished jobs kept for their pages (and as a cache of their results), most recent.
    """

    def __init__(self, keep: int = 64) -> None:
        self.keep = keep
        self._heap: list[tuple[int, int, Job, Callable[[Job], Any]]] = []
        self._jobs: OrderedDict[str, Job] = OrderedDict()
        self._by_key: dict[Hashable, Job] = {}
        self._order = itertools.count()
        self._cond = threading.Condition()
        self._closed = False
        self._thread: threading.Thread | None = None

    def submit(
        self,
        key: Hashable,
        title: str,
        work: Callable[[Job], Any],
        *,
        plan: Sequence[str] = (),
        priority: int = PAGE,
        covers: frozenset[Hashable] = frozenset(),
    ) -> Job:
        """The job for ``key``: the one submitted before (queued, running or done), or a new one.

        A queued job asked for with a more urgent ``priority`` moves up. A job that crashed is
        submitted again (the bug may depend on timing); one that found a user mistake is kept.
        """
        with self._cond:
            job = self._by_key.get(key)
            if job is not None and job.crash is None and job.id in self._jobs:
                if job.state == "queued" and priority < job.priority:
                    job.priority = priority
                    heapq.heappush(self._heap, (priority, next(self._order), job, work))
                    self._cond.notify()
                self._jobs.move_to_end(job.id)
                return job
            if self._closed:
                raise CopEvalError("The app is stopping; start it again to continue.")
            job = Job(key=key, title=title, plan=list(plan), priority=priority, covers=covers)
            self._jobs[job.id] = job
            self._by_key[key] = job
            heapq.heappush(self._heap, (priority, next(self._order), job, work))
            self._forget_old()
            self._start()
            self._cond.notify()
            return job

    def get(self, job_id: str) -> Job | None:
        """The job with this id (``None`` when unknown or forgotten)."""
        with self._cond:
            return self._jobs.get(job_id)

    def find(self, key: Hashable) -> Job | None:
        """The job for ``key``, if one was submitted and is still remembered."""
        with self._cond:
            job = self._by_key.get(key)
            return job if job is not None and job.id in self._jobs else None

    def busy(self) -> bool:
        """Whether work for a page or its charts is queued or running."""
        with self._cond:
            return any(
                j.state in ("queued", "running") and j.priority < BACKGROUND
                for j in self._jobs.values()
            )

    @property
    def closing(self) -> bool:
        """Whether the app is stopping: long work stops at its next step."""
        return self._closed

    def close(self, timeout: float = 30.0) -> None:
        """Stop: queued jobs fail with a message, the running one is finished, the thread ends."""
        with self._cond:
            self._closed = True
            pending = [entry[2] for entry in self._heap if entry[2].state == "queued"]
            self._heap.clear()
            self._cond.notify_all()
        for job in pending:
            job.error = "The app stopped before this work was done; start it again."
            job._finish("failed")
        if self._thread is not None:
            self._thread.join(timeout)

    # -- the worker -------------------------------------------------------------------------

    def _start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="cop-eval-jobs", daemon=True)
            self._thread.start()

    def _forget_old(self) -> None:
        finished = [j for j in self._jobs.values() if j.done]
        for job in finished[: max(0, len(finished) - self.keep)]:
            del self._jobs[job.id]
            if self._by_key.get(job.key) is job:
                del self._by_key[job.key]

    def _next(self) -> tuple[Job, Callable[[Job], Any]] | None:
        with self._cond:
            while True:
                while self._heap:
                    priority, _, job, work = heapq.heappop(self._heap)
                    if job.state == "queued" and priority == job.priority:
                        job.state = "running"
                        return job, work
                if self._closed:
                    return None
                self._cond.wait()

    def run_waiting(self, most: int, skip: str) -> None:
        """Run now, in this thread, the queued jobs at least as urgent as ``most`` whose key does
        not start with ``skip``: a long job calls it between its steps, so that a page asked for
        meanwhile is not kept waiting for all of them."""
        while True:
            with self._cond:
                ready = sorted(
                    entry
                    for entry in self._heap
                    if entry[2].state == "queued"
                    and entry[0] == entry[2].priority <= most
                    and not (isinstance(entry[2].key, tuple) and entry[2].key[:1] == (skip,))
                )
                if not ready or self._closed:
                    return
                self._heap.remove(ready[0])
                heapq.heapify(self._heap)
                _, _, job, work = ready[0]
                job.state = "running"
            self._execute(job, work)

    def _execute(self, job: Job, work: Callable[[Job], Any]) -> None:
        try:
            job.result = work(job)
        except CopEvalError as exc:
            job.error = str(exc)
            job._finish("failed")
        except Exception as exc:  # a bug: the waiting page re-raises it (logged there)
            log.exception("job %r failed", job.title)
            job.crash = exc
            job._finish("failed")
        else:
            job._finish("done")

    def _run(self) -> None:
        while (item := self._next()) is not None:
            self._execute(*item)
