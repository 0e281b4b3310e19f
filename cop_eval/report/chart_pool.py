"""Drawing a report's charts on two cores: a helper process draws some while this one draws others.

After WeasyPrint, drawing is most of a small report's cost (matplotlib spends 0.1-0.3 s of CPU
per figure, in Python). :class:`ChartPool` starts one helper process when it is created
(``python -m cop_eval.report.chart_pool``), which imports matplotlib and loads the report font
while the caller is still reading data and computing. :meth:`ChartPool.draw` then takes charts
from the front of the list here while a feeder thread hands charts from the back to the helper,
one at a time, until none is left. Every chart is drawn by
:func:`cop_eval.report.charts.draw_chart` either way, so the images are the same bytes.

The helper also renders the PDF (:meth:`ChartPool.pdf_later`): it imports WeasyPrint once it
has warmed up for charts (while this process is still computing), and lays out the PDF while
this process writes the HTML and the tables. The PDF is the same bytes either way: both run
:func:`cop_eval.report.render.render_html_to_pdf` on the same HTML, with the local-only fetcher.

The helper is a plain subprocess talking pickles over its stdin/stdout (not ``multiprocessing``,
whose spawn start method re-runs the caller's main script in the child). It is skipped on a
single core, when ``COP_EVAL_CHART_WORKERS=0``, and whenever it cannot start or dies: then this
process draws (or renders) what is left.
"""

from __future__ import annotations

import collections
import contextlib
import os
import pickle
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from types import TracebackType
from typing import IO, TYPE_CHECKING, Any

from cop_eval.report.collector import fewer_collections
from cop_eval.report.model import Chart

if TYPE_CHECKING:  # matplotlib only where a chart is drawn (the helper, or draw_chart here)
    from cop_eval.report.chart_style import ImageFormat

__all__ = ["ChartPool"]

_HEADER = struct.Struct("!Q")


def _send(stream: IO[bytes], obj: object) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)) + payload)
    stream.flush()


def _receive(stream: IO[bytes]) -> Any:
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("the chart helper closed its output")
    (size,) = _HEADER.unpack(header)
    payload = stream.read(size)
    if len(payload) < size:
        raise EOFError("the chart helper closed its output")
    return pickle.loads(payload)  # our own child, over its private pipe


def _helpers_wanted() -> bool:
    configured = os.environ.get("COP_EVAL_CHART_WORKERS")
    if configured is not None:
        return configured.strip() not in ("", "0")
    return (os.cpu_count() or 1) >= 2


class ChartPool:
    """A helper process for drawing charts; close it (or use ``with``) when done.

    Parameters
    ----------
    pdf
        Whether the helper imports WeasyPrint ahead of :meth:`pdf_later` (False: charts only;
        a PDF asked for all the same is rendered, after that import).

    Examples
    --------
    >>> with ChartPool() as pool:  # doctest: +SKIP
    ...     images = chart_images(model, pool=pool)
    """

    def __init__(self, *, pdf: bool = True) -> None:
        self._helper: subprocess.Popen[bytes] | None = None
        self._ready = False  # the helper said it has warmed up
        self._holding = False  # the feeder has a chart out with the helper
        self._feeder: threading.Thread | None = None
        if _helpers_wanted():
            try:
                self._helper = subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "cop_eval.report.chart_pool",
                        *(["--pdf"] if pdf else []),
                    ],
                    stdin=subprocess.PIPE,
                    stdout=subprocess.PIPE,
                    stderr=subprocess.DEVNULL,
                )
            except OSError:
                self._helper = None

    def draw(self, specs: Sequence[Chart], fmt: ImageFormat) -> list[bytes]:
        """Every chart's image, in order, drawn here and in the helper."""
        from cop_eval.report.charts import draw_chart

        out: list[bytes | None] = [None] * len(specs)
        todo = collections.deque(range(len(specs)))
        if self._feeder is not None:
            self._feeder.join()  # a feeder of an earlier call still waiting for the helper
        self._feeder = None
        if self._helper is not None and len(specs) > 1:
            self._feeder = threading.Thread(
                target=self._feed, args=(specs, fmt, todo, out), daemon=True
            )
            self._feeder.start()
        with fewer_collections():
            while True:
                try:
                    i = todo.popleft()  # deque pops are atomic: the feeder takes from the right
                except IndexError:
                    break
                out[i] = draw_chart(specs[i], fmt)
        if self._feeder is not None and (self._holding or self._ready):
            self._feeder.join()  # not when the helper is still warming up: nothing is left
            self._feeder = None
        # A chart the helper was drawing when it failed is drawn here.
        with fewer_collections():
            return [
                image if image is not None else draw_chart(specs[i], fmt)
                for i, image in enumerate(out)
            ]

    def _feed(
        self,
        specs: Sequence[Chart],
        fmt: ImageFormat,
        todo: collections.deque[int],
        out: list[bytes | None],
    ) -> None:
        helper = self._helper
        if helper is None or helper.stdin is None or helper.stdout is None:
            return
        try:
            if not self._ready:
                self._ready = bool(_receive(helper.stdout))
            while True:
                self._holding = True
                try:
                    i = todo.pop()
                except IndexError:
                    return
                _send(helper.stdin, ("chart", specs[i], fmt))
                out[i] = _receive(helper.stdout)
                self._holding = False
        except (OSError, EOFError, pickle.PickleError, ValueError):
            self._stop()  # what it had out stays None: drawn by the caller
        finally:
            self._holding = False

    def pdf_later(self, html: str) -> Callable[[], bytes]:
        """Start rendering report HTML (``render_html(..., standalone=False)``) to PDF in the
        helper; the returned function waits for the PDF's bytes.

        Without a helper, or when it fails, the returned function renders the PDF here.
        """
        from cop_eval.report.render import render_html_to_pdf

        result: list[bytes | None] = [None]
        worker: threading.Thread | None = None
        if self._helper is not None:
            # The helper answers one request at a time: after the feeder of draw(), if any;
            # a later draw() waits for this one.
            worker = threading.Thread(
                target=self._render, args=(html, result, self._feeder), daemon=True
            )
            self._feeder = worker
            worker.start()

        def wait() -> bytes:
            if worker is not None:
                worker.join()
            pdf = result[0]
            return pdf if pdf is not None else render_html_to_pdf(html)

        return wait

    def _render(
        self, html: str, result: list[bytes | None], before: threading.Thread | None
    ) -> None:
        if before is not None:
            before.join()
        helper = self._helper
        if helper is None or helper.stdin is None or helper.stdout is None:
            return
        try:
            if not self._ready:
                self._ready = bool(_receive(helper.stdout))
            _send(helper.stdin, ("pdf", html))
            pdf = _receive(helper.stdout)
        except (OSError, EOFError, pickle.PickleError, ValueError):
            self._stop()
            return
        result[0] = pdf if isinstance(pdf, bytes) else None  # None: it failed; render here

    def _stop(self) -> None:
        helper, self._helper = self._helper, None
        if helper is None:
            return
        try:
            if helper.stdin is not None:
                helper.stdin.close()  # the helper exits at end of input
            helper.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            helper.kill()
            helper.wait()
        finally:
            if helper.stdout is not None:
                helper.stdout.close()

    def close(self) -> None:
        """Stop the helper."""
        self._stop()

    def __enter__(self) -> ChartPool:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def __del__(self) -> None:
        if getattr(self, "_helper", None) is not None:
            self._stop()


def _warm_weasyprint() -> None:
    # 0.7 s of imports, done before the PDF is asked for; a failure shows in the PDF job.
    with contextlib.suppress(Exception):
        import weasyprint  # noqa: F401


def _pdf(html: str) -> bytes | None:
    from cop_eval.report.render import render_html_to_pdf

    try:
        return render_html_to_pdf(html)
    except Exception:  # the caller renders it again, and reports the error in its own words
        return None


def _serve() -> None:
    """The helper: warm up, then draw each chart (render each PDF) it is sent until its input
    ends."""
    from cop_eval.report.charts import draw_chart
    from cop_eval.report.model import CycleDiagram

    draw_chart(CycleDiagram(("a", "b", "c"), (1.0, 2.0, 3.0), 0), "png")  # imports, fonts
    # Buffered streams of our own: under ``python -u`` or PYTHONUNBUFFERED (pytest-xdist sets
    # it, and children inherit it) ``sys.stdout.buffer`` is a raw FileIO, whose write() may
    # send part of a large image and whose read() may return part of a request.
    stdin = open(sys.stdin.fileno(), "rb", closefd=False)  # noqa: SIM115 - open while serving
    stdout = open(sys.stdout.fileno(), "wb", closefd=False)  # noqa: SIM115
    _send(stdout, True)  # ready
    if "--pdf" in sys.argv[1:]:
        threading.Thread(target=_warm_weasyprint, daemon=True).start()
    while True:
        try:
            request = _receive(stdin)
        except EOFError:
            # Everything it sent is flushed: skip tearing down matplotlib and WeasyPrint (the
            # caller waits for this exit, about a second of interpreter shutdown otherwise).
            os._exit(0)
        if request[0] == "pdf":
            _send(stdout, _pdf(request[1]))
        else:
            _, spec, fmt = request
            with fewer_collections():
                image = draw_chart(spec, fmt)
            _send(stdout, image)


if __name__ == "__main__":
    _serve()
