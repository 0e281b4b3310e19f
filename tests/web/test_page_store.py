"""Pages kept in the project folder: a restarted app serves them, a stale or damaged one is rebuilt."""

from __future__ import annotations

import os
import re
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

import cop_eval.report.charts as report_charts
import cop_eval.web.results as results_module
import cop_eval.web.work as work
from cop_eval.store import Project
from cop_eval.web import create_app
from cop_eval.web.page_store import CACHE_DIR, PageStore
from cop_eval.web.released import serve
from cop_eval.web.results import Results, ResultsCache, ResultsKey
from cop_eval.web.services import create_project
from tests.web.conftest import page
from tests.web.test_results import two_waves  # noqa: F401  (a fixture)

_IMAGES = re.compile(r'src="(/charts/[0-9a-f]+\.png)"')


def _app(directory: Path, tmp_path: Path, name: str) -> TestClient:
    app = create_app(directory, staging_dir=tmp_path / name, warm_up=False)
    return TestClient(app, base_url="http://127.0.0.1:8000")


def _no_building(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Make computing results or drawing charts visible: each call is listed (and refused)."""
    calls: list[str] = []

    def facts(*args: object, **kwargs: object) -> None:
        calls.append("facts")
        raise AssertionError("results computed again")

    def draw(*args: object, **kwargs: object) -> None:
        calls.append("chart")
        raise AssertionError("chart drawn again")

    monkeypatch.setattr(results_module, "build_report_facts", facts)
    monkeypatch.setattr(report_charts, "draw_chart", draw)  # web/charts.py imports it to draw
    return calls


def _compare_with_images(client: TestClient) -> tuple[str, list[bytes]]:
    shown = page(client, "/compare")
    assert shown.status_code == 200, shown.text[:300]
    images = []
    for address in _IMAGES.findall(shown.text):
        image = client.get(address)
        assert image.status_code == 200 and image.content.startswith(b"\x89PNG")
        images.append(image.content)
    assert images
    return shown.text, images


def test_a_restarted_app_serves_the_pages_from_the_project_folder(
    two_waves: Path,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    with _app(two_waves, tmp_path, "s1") as first:
        before, images = _compare_with_images(first)
    assert list((two_waves / CACHE_DIR).glob("results-*.bin"))
    calls = _no_building(monkeypatch)
    served: list[object] = []

    def spy(key: ResultsKey, results: Results, cache: ResultsCache) -> Results:
        served.append(key)
        return serve(key, results, cache)

    monkeypatch.setattr(work, "serve", spy)
    with _app(two_waves, tmp_path, "s2") as second:
        after, again = _compare_with_images(second)
    assert calls == []
    assert again == images
    assert _IMAGES.sub("", after).count("<td") == _IMAGES.sub("", before).count("<td")
    # Checked against the differencing ledger and recorded as shown, also when read from disk.
    assert len(served) == 1


def test_a_change_to_the_project_is_never_served_from_the_store(
    two_waves: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    rate = "Response rate per wave: members who answered"
    with _app(two_waves, tmp_path, "s1") as first:
        assert rate not in page(first, "/results").text
    with Project.open(two_waves) as project:
        project.set_members("Autumn", 40)  # the revision moves: there is a response rate now
    with _app(two_waves, tmp_path, "s2") as second:
        shown = page(second, "/results")
    assert shown.status_code == 200
    assert rate in shown.text


def test_a_damaged_entry_is_rebuilt_not_shown(
    two_waves: Path,  # noqa: F811
    tmp_path: Path,
) -> None:
    with _app(two_waves, tmp_path, "s1") as first:
        before = page(first, "/results").text
    for entry in (two_waves / CACHE_DIR).glob("results-*.bin"):
        data = bytearray(entry.read_bytes())
        data[len(data) // 2] ^= 0xFF
        entry.write_bytes(bytes(data))
    with _app(two_waves, tmp_path, "s2") as second:
        after = page(second, "/results")
    assert after.status_code == 200
    assert after.text.count("<td") == before.count("<td")


def test_the_store_keeps_only_what_it_sealed(tmp_path: Path) -> None:
    mine, other = tmp_path / "mine", tmp_path / "other"
    create_project(mine)
    create_project(other)
    store = PageStore(mine)
    store.save("results", ("key", 1), {"value": 42})
    assert store.load("results", ("key", 1)) == {"value": 42}
    assert store.load("results", ("key", 2)) is None  # another state of the project
    # A file copied from another project (sealed with its key) is not loaded, and removed.
    PageStore(other).save("results", ("key", 3), "theirs")
    foreign = PageStore(other).path("results", ("key", 3))
    target = store.path("results", ("key", 3))
    target.write_bytes(foreign.read_bytes())
    assert store.load("results", ("key", 3)) is None
    assert not target.exists()
    # Cut short: not loaded either.
    kept = store.path("results", ("key", 1))
    kept.write_bytes(kept.read_bytes()[:-10])
    assert store.load("results", ("key", 1)) is None


def test_entries_from_anyone_else_are_never_unpickled(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A project folder handed over carries its secret.key: whoever made it could seal an entry
    # with that key (a pickle runs code when loaded). Only this user's entries are loaded.
    import hashlib
    import hmac
    import pickle

    from cop_eval import __version__
    from cop_eval.web import page_store

    directory = tmp_path / "project"
    create_project(directory)
    monkeypatch.setenv("COP_EVAL_SECRET_FILE", str(tmp_path / "colleague" / "secret.key"))
    PageStore(directory).save("results", ("key", 1), "the colleague's page")
    assert PageStore(directory).load("results", ("key", 1)) == "the colleague's page"
    monkeypatch.setenv("COP_EVAL_SECRET_FILE", str(tmp_path / "me" / "secret.key"))
    mine = PageStore(directory)
    target = mine.path("results", ("key", 1))
    assert target.exists()
    assert mine.load("results", ("key", 1)) is None  # written by another user: computed again
    assert not target.exists()
    # Forged with the project's own key, as anyone holding the folder could.
    secret = (directory / "secret.key").read_bytes()
    forged_key = hmac.new(secret, b"cop-eval web cache", hashlib.sha256).digest()
    payload = pickle.dumps((__version__, repr(("key", 2)), "forged"))
    seal = hmac.new(forged_key, payload, hashlib.sha256).digest()
    forged = mine.path("results", ("key", 2))
    forged.parent.mkdir(exist_ok=True)
    forged.write_bytes(page_store._MAGIC + seal + payload)
    assert mine.load("results", ("key", 2)) is None
    assert not forged.exists()
    # This user's own entries are kept as before, and the cache key is theirs alone.
    mine.save("results", ("key", 3), "mine")
    assert PageStore(directory).load("results", ("key", 3)) == "mine"
    assert (tmp_path / "me" / "web-cache.key").stat().st_mode & 0o077 == 0


def test_a_folder_that_cannot_be_written_only_costs_time(tmp_path: Path) -> None:
    directory = tmp_path / "project"
    create_project(directory)
    (directory / CACHE_DIR).write_text("not a folder", encoding="utf-8")
    store = PageStore(directory)
    store.save("results", "key", "value")  # no error: the page is computed as before
    assert store.load("results", "key") is None


def test_entries_unused_for_a_week_are_removed(tmp_path: Path) -> None:
    directory = tmp_path / "project"
    create_project(directory)
    store = PageStore(directory)
    store.save("results", "old", 1)
    store.save("results", "new", 2)
    old = store.path("results", "old")
    os.utime(old, (time.time() - 8 * 24 * 3600,) * 2)
    assert store.prune() == 1
    assert not old.exists() and store.load("results", "new") == 2
