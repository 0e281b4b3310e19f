"""In a real browser: the context and membership page, the register upload, and the action plan.

A project with the first sample wave already stored; the practitioner records the group's
context, uploads the wave's roster and the attendance register, then adds an action from the
Actions page and marks it under way with a dated note. Screenshots at 1366×768
(``COP_EVAL_SCREENSHOTS``).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.store import Project
from cop_eval.web import create_app
from tests.web.browser import VIEWPORT, chromium, live_server, requires_browser, screenshot_dir

pytestmark = requires_browser

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"


def _project_with_wave_one(directory: Path) -> None:
    manifest = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    wave = manifest["waves"][0]
    with Project.create(directory) as project:
        responses = read_responses(
            SAMPLES / wave["file"],
            [load_instrument("reflection"), load_instrument("strategic_direction_ownership")],
            id_column=wave["id_column"],
            group_columns=[wave["group_column"]],
            wave=wave["label"],
            key=project.key,
        )
        project.add_wave(responses, wave["label"], date=dt.date.fromisoformat(wave["date"]))


def test_context_roster_register_and_actions_in_the_browser(tmp_path: Path) -> None:
    directory = tmp_path / "HR group"
    _project_with_wave_one(directory)
    shots = screenshot_dir(tmp_path)
    app = create_app(directory, staging_dir=tmp_path / "staging")
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        external: list[str] = []
        page.on(
            "request",
            lambda r: external.append(r.url) if not r.url.startswith((base, "data:")) else None,
        )
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))

        def no_sideways_scroll() -> None:
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{page.url} scrolls sideways by {overflow}px"

        page.goto(base + "/project")
        page.click("nav >> text=Context and members")
        page.fill("#ctx-name", "HR Professional Group")
        page.fill("#ctx-purpose", "To see whether members reflect on and apply what they learn.")
        page.fill("#ctx-sponsor", "Director of People")
        page.click("text=Save the context")
        page.wait_for_selector("text=Saved the context")
        assert page.input_value("#ctx-sponsor") == "Director of People"

        page.fill("#roster-wave", "Mar 2025")
        page.set_input_files("#roster-file", str(SAMPLES / "roster_mar2025.csv"))
        page.click("text=Upload the roster")
        page.wait_for_selector("text=48 members in 4 subgroups")
        assert "Trainers" in page.locator("#memberships").inner_text()

        page.set_input_files("#register-file", str(SAMPLES / "attendance_register.csv"))
        page.click("text=Upload the register")
        page.wait_for_selector("#attendance-periods")
        periods = page.locator("#attendance-periods").inner_text()
        assert "up to Mar 2025" in periods and "all meetings" in periods
        no_sideways_scroll()
        page.screenshot(path=str(shots / "01_cycle.png"), full_page=True)

        page.click("nav >> text=Actions")
        page.fill("#act-title", "Ten minutes of reflection at the end of every meeting")
        page.select_option("#act-targets", ["reflection.time_to_reflect"])
        page.fill("#act-owner", "Group lead")
        page.fill("#act-due", "2025-06-30")
        page.click("text=Add the action")
        page.wait_for_selector("text=Added action 1")
        row = page.locator("#action-1")
        assert "Reflection: Time to reflect" in row.inner_text()
        page.select_option("#status-1", "under_way")
        page.fill("#note-1", "First reflection slot held")
        page.fill("#note-date-1", "2025-05-13")
        row.locator("button", has_text="Save").click()
        page.wait_for_selector("text=Action 1 is now under way")
        text = page.locator("#action-1").inner_text()
        assert "First reflection slot held" in text and "overdue" in text
        no_sideways_scroll()
        page.screenshot(path=str(shots / "02_actions.png"), full_page=True)
        assert external == [], external
        assert problems == [], problems

    with Project.open(directory) as project:
        action = project.action(1)
        assert action.status == "under_way" and action.notes[-1].date == dt.date(2025, 5, 13)
        trail = [e.action for e in project.audit()]
    # the roster's names became redaction terms for comments (audited with the roster)
    assert trail[-6:] == [
        "context",
        "roster",
        "redaction terms",
        "attendance",
        "action-add",
        "action-update",
    ]
    assert not list((tmp_path / "staging").rglob("*.csv"))
