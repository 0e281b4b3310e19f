"""Charts for the pages: drawn when a page shows them, once per chart content.

A results page does not wait for its charts. Each figure is sent as ``<img src="/charts/ID.png">``,
where ID is a digest of the chart's own spec (its suppressed, already-computed values and labels);
the browser asks for the image when it shows it, and the drawing is a job of the app's single
worker (:mod:`cop_eval.web.jobs`). A drawn chart is kept by its digest, so the same chart on
another page, in the PDF, or after the data changed elsewhere in the project is never drawn twice.

Charts drawn together (a page's figures computed ahead, or the PDF's) go to the report's
:class:`~cop_eval.report.chart_pool.ChartPool` when :attr:`ChartStore.use_pool` is on: a helper
process draws half of them on the second core. It starts with the first results computed
(:meth:`ChartStore.warm`, so that it loads matplotlib meanwhile) and stops with the app
(:meth:`ChartStore.close`).

A chart registered with a project's :class:`~cop_eval.web.page_store.PageStore` is also kept
there once drawn, and read from there before it is drawn: after a restart of the app the pages
find their charts drawn.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

from cop_eval import __version__
from cop_eval.report.chart_pool import ChartPool
from cop_eval.report.model import Chart, ReportModel
from cop_eval.report.render import ChartImage, chart_image, render_html_to_pdf
from cop_eval.web.page_store import PageStore

__all__ = ["ChartStore", "chart_digest"]


def chart_digest(spec: Chart) -> str:
    """A name for the chart's content: the same spec always gives the same digest.

    The specs are frozen dataclasses of strings, numbers and tuples, so their ``repr`` is the
    content (floats in full precision). The version is part of it: a new cop-eval may draw the
    same numbers differently.
    """
    text = f"{__version__}\n{spec!r}".encode()
    return hashlib.sha256(text).hexdigest()[:32]


class ChartStore:
    """Chart specs by digest, and the PNG images drawn from them (at most ``max_bytes``)."""

    def __init__(self, max_bytes: int = 96_000_000) -> None:
        self.max_bytes = max_bytes
        self._specs: dict[str, Chart] = {}
        self._png: OrderedDict[str, bytes] = OrderedDict()
        self._size = 0
        self._lock = threading.Lock()
        #: matplotlib is not made for concurrent use: one drawing at a time.
        self.draw_lock = threading.Lock()
        #: Draw batches of charts on two cores (the app turns it on; tests leave it off).
        self.use_pool = False
        self._pool: ChartPool | None = None
        self._stores: dict[str, PageStore] = {}

    def register(self, model: ReportModel, store: PageStore | None = None) -> dict[str, ChartImage]:
        """Remember every figure's spec; ``{figure id: ChartImage}`` whose URI is the page's."""
        out = {}
        with self._lock:
            for figure in model.figures():
                digest = chart_digest(figure.chart)
                self._specs[digest] = figure.chart
                if store is not None:
                    self._stores[digest] = store
                out[figure.id] = ChartImage(f"/charts/{digest}.png", "")
        return out

    def known(self, digest: str) -> bool:
        with self._lock:
            return digest in self._specs

    def cached(self, digest: str) -> bytes | None:
        """The drawn PNG, when it is at hand (in memory, or in the project's store)."""
        with self._lock:
            found = self._png.get(digest)
            if found is not None:
                self._png.move_to_end(digest)
                return found
            store = self._stores.get(digest)
        kept = store.load("chart", digest) if store is not None else None
        if not isinstance(kept, bytes):
            return None
        self._keep(digest, kept, save=False)
        return kept

    def png(self, digest: str) -> bytes:
        """The chart as PNG, drawn now when it was not drawn before (``KeyError``: unknown)."""
        found = self.cached(digest)
        if found is not None:
            return found
        with self._lock:
            spec = self._specs[digest]
        with self.draw_lock:
            found = self.cached(digest)  # drawn meanwhile by another caller
            if found is None:
                from cop_eval.report.charts import draw_chart  # matplotlib: only to draw

                found = draw_chart(spec, "png")
                self._keep(digest, found)
        return found

    def warm(self) -> None:
        """Start the pool's helper now (it loads matplotlib while results are computed)."""
        with self.draw_lock:
            if self.use_pool and self._pool is None:
                self._pool = ChartPool(pdf=False)  # charts only: no WeasyPrint in it

    def draw(self, digests: Sequence[str]) -> None:
        """Draw these charts (those not drawn yet) together: on two cores with the pool."""
        with self._lock:
            specs = {d: self._specs[d] for d in digests if d in self._specs}
        with self.draw_lock:
            todo = [(d, spec) for d, spec in specs.items() if self.cached(d) is None]
            if not todo:
                return
            if self.use_pool and len(todo) > 1:
                if self._pool is None:
                    self._pool = ChartPool(pdf=False)  # charts only: no WeasyPrint in it
                images = self._pool.draw([spec for _, spec in todo], "png")
            else:
                from cop_eval.report.charts import draw_chart  # matplotlib: only to draw

                images = [draw_chart(spec, "png") for _, spec in todo]
            for (digest, _), image in zip(todo, images, strict=True):
                self._keep(digest, image)

    def pdf_later(self, html: str) -> Callable[[], bytes]:
        """Start laying out report HTML as PDF in the pool's helper (here without the pool);
        the returned function waits for the PDF's bytes (:meth:`ChartPool.pdf_later`)."""
        with self.draw_lock:
            if self.use_pool and self._pool is None:
                self._pool = ChartPool(pdf=False)
            pool = self._pool if self.use_pool else None
            if pool is not None:
                return pool.pdf_later(html)
        return lambda: render_html_to_pdf(html)

    def close(self) -> None:
        """Stop the pool's helper process (when one was started)."""
        with self.draw_lock:
            pool, self._pool = self._pool, None
            self.use_pool = False
        if pool is not None:
            pool.close()

    def data_images(self, model: ReportModel) -> dict[str, ChartImage]:
        """Every figure as a ``data:`` URI image (for the PDF), drawing those not drawn yet."""
        self.draw(self.missing(model))
        return {f.id: chart_image(self.png(chart_digest(f.chart))) for f in model.figures()}

    def missing(self, model: ReportModel) -> list[str]:
        """Digests of the model's charts that are not drawn yet (in the model's order)."""
        self.register(model)
        digests = dict.fromkeys(chart_digest(f.chart) for f in model.figures())
        return [d for d in digests if self.cached(d) is None]

    def _keep(self, digest: str, payload: bytes, *, save: bool = True) -> None:
        with self._lock:
            if digest in self._png:
                return
            self._png[digest] = payload
            self._size += len(payload)
            while self._size > self.max_bytes and len(self._png) > 1:
                _, old = self._png.popitem(last=False)
                self._size -= len(old)
            store = self._stores.get(digest) if save else None
        if store is not None:
            store.save("chart", digest, payload)
