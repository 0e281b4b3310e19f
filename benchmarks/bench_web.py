"""The web app on the demo project: how long a practitioner waits for each page (not a test).

The demo's project (3 waves x 47 people) is made once with ``cop-eval demo``. Each run is a fresh
process with a freshly started app (nothing computed yet), through Starlette's test client:

* **first answer**: the time until the browser gets a page back — the page itself, or the
  progress page of work that takes longer than a second;
* **ready**: the time until the finished page is there (the progress page reloaded until the
  work is done; polled here every 50 ms, where a browser reloads every second), with every chart
  image of the page drawn and sent;
* **warm**: the same page asked for again (results kept until the data change);
* the **PDF** board report: asked for, made, and downloaded (cold); asked for again (cached);
* each of them three times: with **nothing computed yet** and nothing computed ahead (the
  project folder keeps no pages: a project from the command line, or an older cop-eval); with
  nothing kept, in **the app as ``cop-eval serve`` starts it** (the project's pages are prepared
  from the start, and a page asked for meanwhile shows the preparing's progress at once: "first"
  is that answer), the page asked for at once and :data:`LATER` seconds after the start; and in **a fresh app after an import prepared the pages** (kept in the
  project folder, :mod:`cop_eval.web.page_store`: what a practitioner meets after importing,
  also after restarting the app);
* **preparing after an import**: the work an import starts (results of the latest wave, the
  comparison, their charts, the board PDF, the comments), which its progress page shows.

Targets (issue 18): every page under 3 s cold and 1 s warm, the PDF under 5 s and cached.
**CPU** is the user + sys seconds of the whole fresh process (start-up and imports included, and
the chart pool's helper process): on a shared machine it says what the work cost when the wall
times say mostly how long it waited for a core.

Run: ``.venv/bin/python benchmarks/bench_web.py [--runs 3] [--project DIR] [--pages /results,pdf]``
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from cop_eval.web.page_store import CACHE_DIR

BIN = Path(sys.executable).parent
#: Seconds between the app's start and the click, for a page asked for "later": the browser
#: opens on the project page and the practitioner finds the link.
LATER = 4.0
PAGES = ["/project", "/results", "/compare", "/report", "/cycle", "/actions", "/comments"]

_PROBE = r"""
import json, re, sys, time
from pathlib import Path
t0 = time.perf_counter()
from fastapi.testclient import TestClient
from cop_eval.web import create_app

project, staging, url, warm_first = Path(sys.argv[1]), Path(sys.argv[2]), sys.argv[3], sys.argv[4]
import inspect
OPENED = ("open", "open-later")
options = {"warm_up": warm_first in ("yes", *OPENED), "chart_pool": True}
if warm_first in OPENED and "prepare_on_open" in inspect.signature(create_app).parameters:
    options["prepare_on_open"] = True  # as cop-eval serve (an older cop-eval: not there)
app = create_app(project, staging_dir=staging, **options)
REFRESH = '<meta http-equiv="refresh"'
LATER = %LATER%

def ready(client, url):
    t = time.perf_counter()
    r = client.get(url)
    first = time.perf_counter() - t
    while REFRESH in r.text:
        time.sleep(0.05)
        r = client.get(url)
    assert r.status_code == 200, (url, r.status_code, r.text[:300])
    for chart in dict.fromkeys(re.findall(r'src="(/charts/[0-9a-f]{32}\.png)"', r.text)):
        image = client.get(chart)
        assert image.status_code == 200, chart
    return first, time.perf_counter() - t

def pdf(client):
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/report").text).group(1)
    waves = re.findall(r'name="wave" value="([^"]+)"', client.get("/report").text)
    t = time.perf_counter()
    posted = client.post("/report/pdf", data={"csrf_token": token, "wave": waves},
                         follow_redirects=False)
    job = posted.headers["location"]
    page = client.get(job)
    while REFRESH in page.text:
        time.sleep(0.05)
        page = client.get(job)
    made = client.get(job + "/file")
    assert made.content.startswith(b"%PDF"), made.text[:300]
    return time.perf_counter() - t

with TestClient(app, base_url="http://127.0.0.1:8000") as client:
    started = time.perf_counter() - t0
    if warm_first == "yes":
        client.get("/project")  # the practitioner opens the project ...
        time.sleep(2.0)         # ... and finds the link
    if warm_first == "open-later":  # the browser opens, the practitioner finds the link
        time.sleep(LATER)
    if url == "prepare":  # what an import starts: results, comparison, charts, PDF, comments
        from cop_eval.web.prepare import prepare_job
        t = time.perf_counter()
        state = app.state
        job = prepare_job(state.jobs, state.web.project_dir, state.web.privacy,
                          state.results_cache, state.comments_cache)
        job.wait(900)
        job.outcome()
        took = time.perf_counter() - t
        print(json.dumps({"start": started, "first": took, "ready": took, "warm": 0.0}))
    elif url == "pdf":
        cold = pdf(client)
        print(json.dumps({"start": started, "first": cold, "ready": cold, "warm": pdf(client)}))
    else:
        first, cold = ready(client, url)
        warm = min(ready(client, url)[1] for _ in range(3))
        print(json.dumps({"start": started, "first": first, "ready": cold, "warm": warm}))
"""


def probe(project: Path, staging: Path, url: str, mode: str = "no") -> dict[str, float]:
    """One fresh process: its figures for ``url`` (``"pdf"`` for the board report), and the CPU
    seconds (user + sys) of the whole process with its chart helper, start-up included.
    ``mode``: ``"no"`` computes nothing ahead; ``"open"`` is the app as ``cop-eval serve`` starts
    it (a project with nothing kept is prepared from the start), ``"open-later"`` the same with
    the page asked for :data:`LATER` seconds after the start; ``"yes"`` waits 2 s after the
    first page."""
    code = _PROBE.replace("%LATER%", repr(LATER))
    args = [sys.executable, "-c", code, str(project), str(staging), url]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    done = subprocess.run([*args, mode], capture_output=True, text=True, check=False)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"{url} failed:\n{done.stderr[-2000:]}")
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["cpu"] = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return figures


def show(name: str, runs: list[dict[str, float]], cold_target: float, warm_target: float) -> None:
    def low(key: str) -> float:
        return min(r[key] for r in runs)

    def mid(key: str) -> float:
        return statistics.median(r[key] for r in runs)

    verdict = "ok" if low("ready") <= cold_target and low("warm") <= warm_target else "OVER"
    print(
        f"{name:<28} {low('first'):6.2f} {low('ready'):6.2f} {mid('ready'):6.2f} "
        f"{low('warm'):6.2f} {low('cpu'):6.1f}   {cold_target:4.1f}/{warm_target:3.1f}  {verdict}",
        flush=True,
    )


def _name(url: str) -> str:
    return "PDF board report" if url == "pdf" else url


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--project", type=Path, help="a demo project made before (faster)")
    parser.add_argument(
        "--pages", default=",".join([*PAGES, "pdf"]), help="comma-separated: which pages (pdf)"
    )
    args = parser.parse_args()
    pages = [p for p in args.pages.split(",") if p]
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python "
        f"{platform.python_version()}, load average {os.getloadavg()[0]:.1f} at start "
        "(the machine may be shared)"
    )
    with tempfile.TemporaryDirectory(prefix="cop-eval-bench-web-") as tmp:
        work = Path(tmp)
        project = args.project
        if project is None:
            subprocess.run(
                [str(BIN / "cop-eval"), "demo", "--out", str(work / "demo")],
                check=True,
                capture_output=True,
            )
            project = work / "demo" / "project"
        print(f"{'seconds (min of ' + str(args.runs) + ')':<28} {'first':>6} {'ready':>6} "
              f"{'median':>6} {'warm':>6} {'CPU':>6}   target  ")  # fmt: skip
        store = project / CACHE_DIR

        def cold(heading: str, *mode: str) -> None:
            """Each page from a fresh app with nothing kept, ``args.runs`` times."""
            print(heading)
            for url in pages:
                runs = []
                for _ in range(args.runs):
                    shutil.rmtree(store, ignore_errors=True)
                    runs.append(probe(project, work / "st", url, *mode))
                show(f"  {_name(url)}", runs, 5.0 if url == "pdf" else 3.0, 1.0)

        cold("nothing computed yet (no pages kept in the project folder)")
        cold(
            "nothing kept, the app as `cop-eval serve` starts it (the preparing starts at once)",
            "open",
        )
        cold(
            f"  the same, the page asked for {LATER:.0f} s after the start (seconds from the click)",
            "open-later",
        )
        runs = []
        for _ in range(args.runs):
            shutil.rmtree(store, ignore_errors=True)
            runs.append(probe(project, work / "st", "prepare"))
        show("  preparing after an import", runs, 60.0, 60.0)
        print("a fresh app after the import prepared the pages (kept in the project folder)")
        for url in pages:
            runs = [probe(project, work / "st", url) for _ in range(args.runs)]
            show(f"  {_name(url)}", runs, 5.0 if url == "pdf" else 3.0, 1.0)
        shutil.rmtree(store, ignore_errors=True)
    print(f"load average {os.getloadavg()[0]:.1f} at the end")


if __name__ == "__main__":
    main()
