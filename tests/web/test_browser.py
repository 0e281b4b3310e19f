"""End to end in a real browser: three export files in, a board report out, without a terminal.

One practitioner's session: create a project, upload the three sample waves (Qualtrics CSV,
Microsoft Forms workbook, paper forms keyed into a semicolon CSV), fix a column mapping in the
page, look at the results and the comparison, code the comments by hand (the coding sheet out and
back in, kappa per theme), and download the PDF board report and the tables.
Every page is screenshotted at 1366×768 (see ``COP_EVAL_SCREENSHOTS`` in ``browser.py``).
"""

from __future__ import annotations

import http.server
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import yaml
from openpyxl import load_workbook

from cop_eval.web import create_app
from tests.test_custom_direction import CUSTOM
from tests.web.browser import (
    VIEWPORT,
    chromium,
    free_port,
    live_server,
    requires_browser,
    screenshot_dir,
)
from tests.web.conftest import csrf

pytestmark = requires_browser

SAMPLES = Path(__file__).resolve().parents[2] / "sample_data"
RENAMED = "Sponsorship (paper form, question 1)"
GROUP = "Strand"
TITLE = "People Function CoP review"


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((SAMPLES / "manifest.yaml").read_text(encoding="utf-8"))
    return data


def _paper_form_with_a_renamed_column(tmp_path: Path) -> Path:
    """Wave 3 as keyed in by hand: one item's column got a name the importer cannot match."""
    source = SAMPLES / "wave3_paper.csv"
    text = source.read_text(encoding="utf-8-sig")
    header, rest = text.split("\n", 1)
    assert "sdo_sponsorship_1;" in header
    target = tmp_path / "uploads" / source.name
    target.parent.mkdir()
    target.write_text(header.replace("sdo_sponsorship_1;", f"{RENAMED};", 1) + "\n" + rest)
    return target


class Session:
    """The pages a practitioner clicks through, with a screenshot of each."""

    def __init__(self, page: Any, base: str, shots: Path) -> None:
        self.page, self.base, self.shots = page, base, shots
        self.count = 0

    def shot(self, name: str) -> None:
        self.count += 1
        self.page.screenshot(path=str(self.shots / f"{self.count:02d}_{name}.png"), full_page=True)

    def no_horizontal_scroll(self) -> None:
        overflow = self.page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{self.page.url} scrolls sideways by {overflow}px at 1366px"


def _import_wave(
    s: Session, wave: dict[str, Any], file: Path, instruments: list[str], *, check: bool
) -> None:
    page = s.page
    page.click("nav >> text=Import a wave")
    for ident in instruments:
        page.check(f"input[name=instrument][value={ident}]")
    page.set_input_files("#file", str(file))
    s.shot(f"upload_{file.stem}")
    page.click("text=Upload and check")
    page.wait_for_selector("h1:has-text('Check the import')")
    page.select_option("#id_column", "")  # whatever was suggested, the practitioner's choice wins
    page.select_option("#group_column", "")
    page.click("text=Check again with these settings")
    page.wait_for_selector("text=Checked again with your settings")
    page.select_option("#id_column", wave["id_column"])
    page.select_option("#group_column", wave["group_column"])
    if check:
        page.click("text=Check again with these settings")
        page.wait_for_selector("text=Checked again with your settings")


def _expect_counts(page: Any, wave: dict[str, Any]) -> None:
    stats = page.locator("#import-stats .stat")
    expected = wave["expected"]
    assert stats.nth(0).inner_text().startswith(str(expected["data_rows"]))
    assert stats.nth(1).inner_text().startswith(str(expected["respondents"]))


def _accept(s: Session, wave: dict[str, Any], *, checked: bool) -> None:
    """Name and date the wave and accept it. Unchecked column choices are checked first (they
    were silently dropped: issue 18, item 1), then Accept stores the wave with them."""
    page = s.page
    page.fill("#label", wave["label"])
    page.fill("#date", wave["date"])
    page.click("#accept button[type=submit]")
    if not checked:
        page.wait_for_selector("text=checked again with them")
        assert page.input_value("#id_column") == wave["id_column"]
        assert page.input_value("#label") == wave["label"]
        assert page.input_value("#group_name") == GROUP  # the name the earlier waves used
        _expect_counts(page, wave)
        s.shot("review_checked_on_accept")
        page.click("#accept button[type=submit]")
    stored = f"#waves td:has-text('{wave['label']}')"
    page.wait_for_selector(f"{stored}, #onward")
    if page.locator("#onward").count():  # the pages and the PDF are prepared: shown as it goes
        assert "Results of the latest wave" in page.inner_text("#progress")
        s.shot(f"prepared_{wave['label']}")
        page.click("#onward")
    page.wait_for_selector(stored)
    notice = page.locator(".notice").first.inner_text()
    assert f"Respondent ids: from the column '{wave['id_column']}'" in notice, notice


@contextmanager
def _page_server(html: str) -> Iterator[str]:
    """Serve one page from another port of 127.0.0.1 (another local program's page)."""
    body = html.encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("content-type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            return None

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def _cookie_tossing_is_refused(browser: Any, base: str) -> None:
    """A page on another port sets the app's cookie (cookies are not kept apart by port) to a
    pair its program got from the app, and posts a form with the matching token."""
    got = httpx.get(base + "/projects")
    name, value = next(iter(got.cookies.items()))
    token = csrf(got.text)
    attack = f"""<!doctype html><title>other</title>
<script>document.cookie = "{name}={value}; path=/";</script>
<form id="f" method="post" action="{base}/settings/min-group-size">
<input name="csrf_token" value="{token}"><input name="min_group_size" value="20"></form>
<script>document.getElementById("f").submit();</script>"""
    context = browser.new_context()
    page = context.new_page()
    with _page_server(attack) as url, page.expect_navigation(url=base + "/**"):
        page.goto(url)
    assert "own pages can change your project" in page.content()
    assert '<option value="5" selected>' in httpx.get(base + "/report").text  # unchanged
    context.close()


def _narrow_screen(browser: Any, base: str, shots: Path) -> None:
    """A phone (390 px): results and compare fit the screen, "At a glance" fits its box, the
    menu is one row, and the first Tab reaches the skip link."""
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for name, url, ready in (
        ("results", "/results", "#scale-scores"),
        ("compare", "/compare", "#sec-change"),
    ):
        page.goto(base + url)
        page.wait_for_selector(ready)
        page.screenshot(path=str(shots / f"390_{name}.png"), full_page=True)
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{url} scrolls sideways by {overflow}px at 390px"
        # "At a glance" stacks its lines: its table is no wider than its box.
        glance = page.evaluate(
            "(() => { const w = document.querySelector('#sec-dashboard .table-wrap');"
            " return w.scrollWidth - w.clientWidth; })()"
        )
        assert glance <= 0, f"'At a glance' on {url} is {glance}px wider than its box at 390px"
        links = page.locator("nav.main a")
        tops = {round(links.nth(k).bounding_box()["y"]) for k in range(links.count())}
        assert len(tops) == 1, f"the menu takes {len(tops)} rows at 390px"
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    context.close()


def _comments_and_coding(s: Session, tmp_path: Path) -> None:
    """The comments' themes, then coding by hand: the sheet out, coded, back in, and kappa."""
    page = s.page
    page.click("nav >> text=Comments")
    page.wait_for_selector("#sec-comments table")
    s.shot("comments")
    page.click("text=Coding by hand and the codebook")
    page.wait_for_selector("#themes")
    with page.expect_download(timeout=120_000) as made:  # made on a progress page
        page.click("#download-sheet")
    sheet = tmp_path / "coding-sheet.xlsx"
    made.value.save_as(sheet)
    book = load_workbook(sheet)
    coding = book["Coding"]
    coding["B1"] = "Coder A"
    header = [c.value for c in coding[3]]
    for row in coding.iter_rows(min_row=4):  # the coder agrees with every suggestion
        for theme in str(row[4].value or "").split(", "):
            if theme:
                row[header.index(theme)].value = 1
    book.save(sheet)
    page.click("text=Back to coding by hand")
    page.set_input_files("#sheet-file", str(sheet))
    page.click("text=Upload the codes")
    page.wait_for_selector("#kappa")
    assert "Agreement of Coder A and automatic coding" in page.inner_text("#kappa caption")
    assert "almost perfect" in page.inner_text("#kappa")
    s.shot("coding_kappa")
    s.no_horizontal_scroll()


def test_from_three_exports_to_a_board_report(tmp_path: Path) -> None:
    manifest = _manifest()
    waves = manifest["waves"]
    instruments = list(manifest["instruments"])
    files = [SAMPLES / waves[0]["file"], SAMPLES / waves[1]["file"], None]
    files[2] = _paper_form_with_a_renamed_column(tmp_path)
    shots = screenshot_dir(tmp_path)
    project = tmp_path / "My CoP evaluation"
    app = create_app(None, staging_dir=tmp_path / "staging", chart_pool=True)
    with live_server(app) as base, chromium() as browser:
        context = browser.new_context(viewport=VIEWPORT, accept_downloads=True)
        page = context.new_page()
        external: list[str] = []
        page.on(
            "request",
            lambda r: external.append(r.url) if not r.url.startswith((base, "data:")) else None,
        )
        # A blocked inline style or script (Content-Security-Policy) shows up as a console error.
        problems: list[str] = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        s = Session(page, base, shots)

        page.goto(base + "/")
        s.shot("projects")
        page.fill("#create-folder", str(project))
        page.click("text=Create project")
        page.wait_for_selector("text=Created a new project")
        s.shot("project_empty")

        # A file that is not a survey export gets a clear message in the page.
        wrong = tmp_path / "minutes.pdf"
        wrong.write_bytes(b"%PDF-1.7 minutes of the last meeting")
        page.click("nav >> text=Import a wave")
        page.check(f"input[name=instrument][value={instruments[0]}]")
        page.set_input_files("#file", str(wrong))
        page.click("text=Upload and check")
        alert = page.locator(".notice.bad")
        alert.wait_for()
        assert "cannot be imported" in alert.inner_text()
        assert "Traceback" not in page.content()
        s.shot("upload_refused")
        problems.clear()  # the browser logs the refused upload's 400 status as an error

        # The project's own questionnaire (lower is better on one scale): a mistake is shown
        # with the file and the field, the sound file is added and offered on the form.
        custom = tmp_path / "meeting.yaml"
        text = CUSTOM.read_text(encoding="utf-8")
        custom.write_text(text.replace("direction: lower_is_better", "direction: down", 1))
        page.click("#custom-files summary")
        page.set_input_files("#definition", str(custom))
        page.click("text=Check and add the questionnaire")
        alert = page.locator(".notice.bad")
        alert.wait_for()
        assert "meeting.yaml" in alert.inner_text() and ".direction" in alert.inner_text()
        s.shot("questionnaire_refused")
        problems.clear()
        custom.write_text(text, encoding="utf-8")
        page.click("#custom-files summary")
        page.set_input_files("#definition", str(custom))
        page.click("text=Check and add the questionnaire")
        page.wait_for_selector("text=Added your questionnaire")
        assert "(lower is better)" in page.locator(".notice").first.inner_text()
        assert page.is_checked("input[name=instrument][value=meeting_pulse]")
        s.shot("questionnaire_added")

        for index, (wave, file) in enumerate(zip(waves, files, strict=True)):
            assert file is not None
            _import_wave(s, wave, file, instruments if index == 0 else [], check=index != 1)
            if index != 1:  # wave 2 is checked with its columns when Accept is pressed
                _expect_counts(page, wave)
            if index == 2:
                # The renamed column: the item is not found, and is fixed in the page.
                assert page.locator("#mapping select[name=map__sdo_sponsorship_1]").count() == 1
                s.shot("review_unmatched")
                page.select_option("select[name=map__sdo_sponsorship_1]", RENAMED)
                page.click("text=Check again with these settings")
                page.wait_for_selector("text=Checked again with your settings")
                row = page.locator("#matches tr", has_text="sdo_sponsorship_1")
                assert RENAMED in row.inner_text()
                assert "your choice" in row.inner_text()
            # Each platform names the subgroup question differently; it is stored as "Strand".
            if index == 0:
                page.fill("#group_name", GROUP)
            if index != 1:  # wave 2's columns are not checked yet: no subgroup name to give
                assert page.input_value("#group_name") == GROUP
            s.shot(f"review_{index + 1}")
            s.no_horizontal_scroll()
            _accept(s, wave, checked=index != 1)
        s.shot("project_three_waves")
        rows = page.locator("#waves tbody tr")
        assert rows.count() == 3
        for k, wave in enumerate(waves):
            text = rows.nth(k).inner_text()
            assert wave["label"] in text
            assert GROUP in text
            assert str(wave["expected"]["respondents"]) in text

        # Results of one wave, then one subgroup of it; a hidden subgroup cannot be chosen.
        page.click("nav >> text=Results")
        page.wait_for_selector("#scale-scores")
        s.shot("results_latest")
        s.no_horizontal_scroll()
        for section in (
            "#scale-scores", "#sec-dashboard", "#sec-stages", "#sec-factors", "#sec-subgroups",
            "#sec-methods", "#sec-validity",
        ):  # fmt: skip
            assert page.locator(section).count() == 1, section
        assert page.locator("#sec-stages img").count() >= 1
        hidden = page.locator("#group option[disabled]")
        assert hidden.count() >= 1
        small_group = hidden.first.get_attribute("value")
        page.select_option("#wave", waves[0]["label"])
        page.select_option("#group", "HR")
        page.click("text=Show")
        page.wait_for_selector(f"h1:has-text('Results of {waves[0]['label']} · HR')")
        s.shot("results_subgroup")
        assert small_group and small_group not in page.locator("main").inner_text().replace(
            f"{small_group} — hidden", ""
        )

        page.click("nav >> text=Compare waves")
        page.wait_for_selector("#sec-change")
        s.shot("compare")
        s.no_horizontal_scroll()
        assert page.locator("#sec-change table").count() >= 1
        for section in ("#sec-dashboard", "#sec-risks", "#sec-validity"):
            assert page.locator(section).count() == 1, section

        _comments_and_coding(s, tmp_path)
        _narrow_screen(browser, base, shots)

        page.click("nav >> text=Board report")
        page.fill("#title", TITLE)
        s.shot("report")
        with page.expect_download(timeout=120_000) as pdf_download:  # made on a progress page
            page.click("#download-pdf")
        pdf = tmp_path / "report.pdf"
        pdf_download.value.save_as(pdf)
        # The PDF was made on a progress page, which offers it again and links back.
        assert page.locator("#download-file").count() == 1
        s.shot("report_made")
        page.click("text=Back to the board report")
        with page.expect_download() as xlsx_download:
            page.click("#download-xlsx")
        xlsx = tmp_path / "tables.xlsx"
        xlsx_download.value.save_as(xlsx)
        _cookie_tossing_is_refused(browser, base)
        assert external == [], f"the pages asked for outside resources: {external}"
        assert problems == [], f"errors in the browser console: {problems}"
        context.close()
    assert pdf.read_bytes().startswith(b"%PDF")
    if shutil.which("pdftotext"):
        text = subprocess.run(
            ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert TITLE in text
        for wave in waves:
            assert wave["label"] in text
        assert "Change across waves" in text
    assert xlsx.read_bytes().startswith(b"PK")
    # The staged uploads (they hold e-mail addresses) are gone once the waves are stored.
    assert not any((tmp_path / "staging").iterdir())


def test_a_page_asked_for_while_the_project_is_prepared_shows_the_work_then_itself(
    tmp_path: Path, monkeypatch: Any
) -> None:
    """``cop-eval serve`` opens a project made on the command line (nothing kept): Results,
    clicked while the pages are prepared, shows the steps at once and then opens by itself."""
    import cop_eval.web.prepare as prepare_module
    from tests.web.test_browser_cycle import _project_with_wave_one

    directory = tmp_path / "HR group"
    _project_with_wave_one(directory)
    go_on = threading.Event()
    build = prepare_module.build_results

    def held(*args: Any, **kwargs: Any) -> Any:
        assert go_on.wait(60)  # the preparing is under way while the page is asked for
        return build(*args, **kwargs)

    monkeypatch.setattr(prepare_module, "build_results", held)
    shots = screenshot_dir(tmp_path)
    app = create_app(directory, staging_dir=tmp_path / "staging", prepare_on_open=True)
    with live_server(app) as base, chromium() as browser:
        page = browser.new_context(viewport=VIEWPORT).new_page()
        page.goto(base + "/results")
        assert page.locator("h1").inner_text() == "Preparing the pages of this project"
        running = page.locator("li.step.running")
        assert "Results of the latest wave" in running.inner_text()
        page.screenshot(path=str(shots / "01_preparing.png"), full_page=True)
        go_on.set()
        page.wait_for_selector("h1:has-text('Results of')", timeout=60_000)  # reloaded itself
        assert page.url == base + "/results"
        assert page.locator("img[src^='/charts/']").count() > 0
        page.screenshot(path=str(shots / "02_results.png"), full_page=True)
