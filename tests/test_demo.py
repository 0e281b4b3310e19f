"""The demo: the whole job on the bundled sample data, and the report finds what was built in.

The sample data generator (sample_data/plan.py, ``BUILT_IN_EFFECTS``; documented in
sample_data/README.md) plants effects on purpose. These tests check that the analysis behind the
board report recovers them from the platform exports, through import, the project store, scoring
and wave comparison, and that the rendered report says so.
"""

from __future__ import annotations

import html
import json
import re
import statistics
import subprocess
from pathlib import Path

import pytest

from cop_eval.cli import main
from cop_eval.comments.agreement import coding_agreement
from cop_eval.comments.codebook import load_codebook
from cop_eval.demo import GROUP_COLUMN, DemoResult, load_manifest, run_demo
from cop_eval.instruments import load_instrument
from cop_eval.report.build import ReportOptions, build_report_facts
from cop_eval.report.facts import ReportFacts
from cop_eval.store import Project

STAGE3 = ("reflection", "transfer_of_learning")


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoResult:
    return run_demo(tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def facts(demo: DemoResult) -> ReportFacts:
    manifest = load_manifest()
    with Project.open(demo.project) as project:
        waves = project.load_waves()
    return build_report_facts(
        waves,
        [load_instrument(i) for i in manifest.instruments],
        ReportOptions(
            labels=tuple(w.label for w in manifest.waves),
            group_column=GROUP_COLUMN,
            members=manifest.members,
        ),
    )


def test_outputs_are_written(demo: DemoResult) -> None:
    assert demo.pdf.read_bytes().startswith(b"%PDF")
    assert demo.pdf.stat().st_size > 100_000
    assert "<html" in demo.html.read_text(encoding="utf-8")[:500].lower()
    assert demo.xlsx.stat().st_size > 5_000
    # every row is accounted for: the preview row (wave 1) and the earlier duplicate (wave 2)
    assert demo.waves == (("Mar 2025", 47, 1), ("Sep 2025", 47, 1), ("Mar 2026", 47, 0))


def test_the_cycle_is_stored_once(demo: DemoResult) -> None:
    manifest = load_manifest()
    with Project.open(demo.project) as project:
        assert project.context().name == manifest.cycle["context"]["name"]
        memberships = project.memberships()
        assert [(m.wave, m.kind, m.total) for m in memberships] == [
            ("Mar 2025", "roster", 48),
            ("Sep 2025", "roster", 47),
            ("Mar 2026", "roster", 48),
        ]
        assert len({r.meeting_date for r in project.attendance()}) == 17
        actions = project.actions()
        trail = [e.action for e in project.audit()]
    assert [a.targets for a in actions] == [
        ("reflection.time_to_reflect",),
        ("strategic_direction_ownership.collective_agenda",),
    ]
    assert [a.status for a in actions] == ["done", "under_way"]
    assert [a.agreed_after for a in actions] == ["Mar 2025", "Mar 2025"]
    # However often the demo ran (test_cli_demo_again_reuses_the_project runs it again), each
    # part of the cycle was stored, and audited, once.
    assert trail.count("roster") == 3 and trail.count("attendance") == 1
    assert trail.count("context") == 1 and trail.count("action-add") == 2
    assert trail.count("action-update") == 5  # the dated notes of the two actions


def test_stage3_is_weakest_and_improves(facts: ReportFacts) -> None:
    assert facts.weakest_stage == 3
    (stage3,) = [s for s in facts.stages if s.stage == 3]
    means = [w.mean for w in stage3.waves]
    assert means[0] is not None and means[-1] is not None
    assert means[-1] - means[0] > 0.3  # built in: +0.3 per wave
    for scale in facts.scales:
        if scale.instrument_id in STAGE3:
            change = scale.overall_change
            assert change is not None and change.direction == "improved", scale.key
            assert "likely real" in change.verdict


def test_stable_control_shows_no_change(facts: ReportFacts) -> None:
    for scale in facts.scales:
        if scale.instrument_id == "professional_identity":
            change = scale.overall_change
            assert change is not None and "likely real" not in change.verdict, scale.key


def test_identity_moves_towards_community_of_practice(facts: ReportFacts) -> None:
    """The planted rise of the community-of-practice scale (+0.35 a wave): its mean improves
    reliably and its share of classified members grows. Members are classified at the level
    they agree with most (issue 12), and the interest-group and network statements stay
    agreed with, so the group moves from too close to call (interest group or network) to
    network, not to community of practice."""
    first, last = facts.identity[0], facts.identity[-1]
    cop = first.levels.index("Community of practice")
    assert last.shares[cop] > first.shares[cop] + 0.15
    scale = facts.scale("mcdermott_identity_strength.community_of_practice")
    assert scale is not None and scale.overall_change is not None
    assert scale.overall_change.direction == "improved"
    assert not first.group_clear and last.group_clear and last.group_level == "Network"


def test_trainers_lower_on_relevance_and_small_group_suppressed(facts: ReportFacts) -> None:
    groups = facts.subgroups
    assert groups is not None
    column = groups.scales.index("le_may_success_factors.relevance")
    rows = {row.group: row for row in groups.rows}
    trainers = rows["Trainers"].means[column]
    others = [rows[g].means[column] for g in ("HR", "Organisational Development & Learning")]
    assert trainers is not None and all(o is not None for o in others)
    assert all(trainers < o - 0.5 for o in others if o is not None)  # built in: -0.8
    assert rows["HR administration"].suppressed and rows["HR administration"].n is None
    assert all(m is None for m in rows["HR administration"].means)


def test_collective_agenda_lowest_stage1_scale(facts: ReportFacts) -> None:
    stage1 = [s for s in facts.scales if s.instrument_id == "strategic_direction_ownership"]
    lowest = min(stage1, key=lambda s: s.latest.mean if s.latest and s.latest.mean else 9)
    assert lowest.scale_id == "collective_agenda"


def test_report_text_names_the_findings(demo: DemoResult) -> None:
    html = demo.html.read_text(encoding="utf-8")
    assert "Stage 3, Reflection and transfer of learning, is the weakest" in html
    assert "Build structured reflection and follow-up into meetings" in html
    assert "HR administration" in html  # named, with its figures suppressed


def test_cli_demo_again_reuses_the_project(
    demo: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    # The command line on the fixture's folder: a second run imports nothing again (and the
    # suite pays for one demo run, not three).
    folder = demo.project.parent
    assert main(["demo", "--out", str(folder)]) == 0
    captured = capsys.readouterr()
    assert captured.err.count("already in the project") == 3
    for label, accepted, rejected in demo.waves:
        assert f"{label}: {accepted} responses scored, {rejected} rejected" in captured.out
    assert f"Report (PDF):  {folder / 'cop_evaluation_report.pdf'}" in captured.out
    assert (folder / "cop_evaluation_report.pdf").is_file()


def _raw_identifiers() -> set[str]:
    """Every raw id and name in the sample data: survey emails, roster and register rows."""
    import csv

    folder = load_manifest().folder
    found: set[str] = set()
    for name in ("roster_mar2025.csv", "roster_sep2025.csv", "roster_mar2026.csv"):
        with (folder / name).open(encoding="utf-8") as handle:
            found.update(row["Email"] for row in csv.DictReader(handle))
    with (folder / "attendance_register.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            found.update((row["Email"], row["Name"]))
    return {text.casefold() for text in found}


def _texts_of(path: Path) -> list[str]:
    import shutil
    import subprocess
    import zipfile

    if path.suffix == ".xlsx":
        with zipfile.ZipFile(path) as book:
            return [book.read(n).decode("utf-8", "replace") for n in book.namelist()]
    if path.suffix == ".pdf" and shutil.which("pdftotext"):
        done = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, check=True)
        return [done.stdout.decode("utf-8", "replace"), path.read_bytes().decode("latin-1")]
    return [path.read_bytes().decode("utf-8", "replace")]


def test_no_raw_roster_register_or_survey_id_anywhere(
    demo: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    """The database, its WAL, the report (PDF, HTML, XLSX), the CLI's JSON and tables and the
    web pages: none holds a raw e-mail or name from the rosters, the register or the survey."""
    from fastapi.testclient import TestClient

    from cop_eval.web import create_app

    raw = _raw_identifiers()
    assert len(raw) > 100 and "zoë" not in raw  # emails are ASCII; names carry accents
    outputs: dict[str, str] = {}
    for path in sorted(demo.project.glob("project.sqlite*")):  # the database, -wal, -shm
        outputs[path.name] = path.read_bytes().decode("utf-8", "replace")
    for path in (demo.pdf, demo.html, demo.xlsx):
        outputs[path.name] = "\n".join(_texts_of(path))
    p = str(demo.project)
    for args in (
        ["members", "list", "--project", p, "--json"],
        ["members", "list", "--project", p],
        ["attendance", "show", "--project", p, "--json"],
        ["attendance", "show", "--project", p, "--min-group-size", "1"],
        ["actions", "list", "--project", p, "--json"],
        ["project", "show", "--project", p, "--json"],
        ["waves", "--project", p, "--audit", "--json"],
    ):
        assert main(args) == 0, args
        captured = capsys.readouterr()
        outputs[" ".join(args[:2])] = captured.out + captured.err
    with TestClient(create_app(demo.project), base_url="http://127.0.0.1:8000") as client:
        for page in ("/cycle", "/actions", "/project"):
            outputs[page] = client.get(page).text
    assert "Attendance per period" in outputs[demo.html.name]
    assert "Review and revise: the actions agreed" in outputs[demo.html.name]
    for where, text in outputs.items():
        folded = text.casefold()
        leaked = sorted(r for r in raw if r in folded)
        assert not leaked, f"{where} holds raw identifiers: {leaked[:5]}"


def test_report_closes_the_loop_on_the_two_actions(demo: DemoResult) -> None:
    """Done means: per-strand response rates, attendance, and the two actions with their
    targeted changes: reflection time improves (the built-in stage-3 effect), the collective
    agenda (held flat) does not move."""
    from cop_eval.cycle.inputs import CycleInputs

    manifest = load_manifest()
    with Project.open(demo.project) as project:
        waves = project.load_waves()
        cycle = CycleInputs.from_project(project, as_of=manifest.waves[-1].date)
    facts = build_report_facts(
        waves,
        [load_instrument(i) for i in ("reflection", "strategic_direction_ownership")],
        ReportOptions(group_column=GROUP_COLUMN, cycle=cycle),
    )
    assert facts.cycle is not None and facts.cycle.participation is not None
    rates = [(w.members, w.member_respondents) for w in facts.cycle.participation.waves]
    assert rates == [(48, 44), (47, 44), (48, 44)]
    assert facts.latest_response_rate() == (44 / 48, 48)
    latest = {g.group: g for g in facts.cycle.participation.waves[-1].groups}
    assert latest["Trainers"].rate == 8 / 10 and latest["HR"].rate == 18 / 20
    # the 3 HR administrators are the responses minus the members who answered, both shown:
    # their number is shown (hiding it, or the 5 quality assurers, would protect nothing)
    assert latest["not members"].respondents == 3 and not latest["not members"].suppressed
    assert not latest["Training quality assurance"].suppressed
    assert latest["Training quality assurance"].respondents == 5
    attendance = facts.cycle.attendance
    assert attendance is not None
    overall = {g.group: g for g in attendance.overall.groups}
    trainers, hr = overall["Trainers"].rate, overall["HR"].rate
    assert trainers is not None and hr is not None and trainers < 0.45 < 0.85 < hr
    first, second = facts.cycle.reviews
    assert (first.outcome, second.outcome) == ("improved", "no clear change")
    (reflect,) = first.changes
    assert reflect.key == "reflection.time_to_reflect" and reflect.design == "paired"
    assert reflect.mean_diff is not None and reflect.mean_diff > 0.4
    assert reflect.lo is not None and reflect.lo > 0
    assert (first.overdue, second.overdue) == (False, True)
    html = demo.html.read_text(encoding="utf-8")
    for text in (
        "Response rate per strand and wave",
        "Did not answer",
        "Mean attendance per subgroup and period",
        "Change of each action&#39;s targets since the wave it was agreed after",
        "an association in time, not proof",
        "Targets improved after one action: #1 Ten minutes of reflection",
    ):
        assert text in html, text
    # the recommendation the first action was agreed on shows that plan beside it
    plan = 'after mar 2025, action 1 "ten minutes of reflection at the end of every meeting"'
    assert f"agreed already:</span> {plan} (group lead, due 30 june 2025): done." in _words(html)


def _words(text: str) -> str:
    return " ".join(html.unescape(text).replace("’", "'").split()).casefold()


def _contains(haystack: str, value: str) -> bool:
    """Whole-word, case-insensitive search (so "Jack" does not match "jacket")."""
    return re.search(rf"(?<![\w.@]){re.escape(value.casefold())}(?![\w@])", haystack) is not None


def test_no_planted_detail_in_any_output(
    demo: DemoResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sample comments name colleagues and give an e-mail, a phone and a staff number: none
    of them appears in the PDF text, the HTML, the XLSX, the comments JSON, a coding sheet, the
    database or its write-ahead log."""
    from openpyxl import load_workbook

    from sample_data.comments import planted
    from sample_data.simulation import simulate

    secrets = planted(simulate())
    assert {"07700 900461", "4419027"} <= set(secrets) and any("@" in s for s in secrets)
    pdf = subprocess.run(
        ["pdftotext", "-layout", str(demo.pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "What members said" in pdf and "[name]" in pdf
    sheet = tmp_path / "coding.xlsx"
    assert main(["comments", "export", "--project", str(demo.project), "--out", str(sheet)]) == 0
    assert main(["comments", "--project", str(demo.project), "--group-column", GROUP_COLUMN,
                 "--json"]) == 0  # fmt: skip
    outputs = {
        "PDF": pdf,
        "HTML": demo.html.read_text(encoding="utf-8"),
        "JSON": capsys.readouterr().out,
    }
    for name, path in (("XLSX", demo.xlsx), ("coding sheet", sheet)):
        book = load_workbook(path, read_only=True)
        outputs[name] = " ".join(
            str(v) for ws in book.worksheets for row in ws.iter_rows(values_only=True) for v in row
            if v is not None
        )  # fmt: skip
    # the planted details are there, redacted (the sheet holds every comment of the waves)
    for marker in ("[email]", "[phone]", "[staff number]", "Dr [name]"):
        assert marker in outputs["coding sheet"], marker
    for name, text in outputs.items():
        words = _words(text)
        for secret in secrets:
            assert not _contains(words, secret), f"{secret!r} appears in the {name}"
    stored = [p for p in demo.project.iterdir() if p.name.startswith("project.sqlite")]
    for path in stored:  # the database, and its -wal / -shm files when present
        data = path.read_bytes().decode("latin-1").casefold()
        for secret in secrets:
            assert secret.casefold() not in data, f"{secret!r} is in {path.name}"


def test_a_subgroup_of_eight_commenters_is_never_quoted(demo: DemoResult) -> None:
    from cop_eval.comments.analysis import analyse_comments
    from cop_eval.comments.api import commented_instruments

    with Project.open(demo.project) as project:
        waves = project.load_waves()
    latest = waves[-1]
    strands = latest.groups[GROUP_COLUMN]
    commenters = latest.comments.notna().any(axis=1)
    assert int((commenters & (strands == "Trainers")).sum()) == 8
    result = analyse_comments(waves, commented_instruments(waves), group_column=GROUP_COLUMN)
    assert "Trainers" in result.hidden_groups
    quoted = [q for t in result.themes for q in t.quotes]
    quoted += [q for c in result.candidates for q in c.examples]
    assert quoted
    for quote in quoted:
        label, _, row = quote.key.rsplit("/", 2)
        assert label == latest.wave and strands[int(row) - 1] not in result.hidden_groups


def test_the_demo_report_layout(demo: DemoResult, tmp_path: Path) -> None:
    """No row group split over pages, no table title apart from its rows, headings on every
    continuation page, no page more than half empty but the last of a section (issue 13)."""
    from tests.report.pdf_layout import check_layout, poppler_available

    if not poppler_available():
        pytest.skip("needs poppler-utils (pdfinfo, pdftotext, pdftoppm)")
    report = check_layout(demo.pdf, demo.html.read_text(encoding="utf-8"), tmp_path)
    assert report.pages > 20
    assert report.problems == []


def test_sustainability_risks_find_what_was_planted(facts: ReportFacts) -> None:
    """Resources is the weakest le May factor, the trainers are behind on relevance, and few
    members agree that the agenda is collective: each risk quotes the figure it rests on."""
    from cop_eval.report.filters import fmt_number
    from cop_eval.report.sections_risks import sustainability_risks

    risks = {r.title: r for r in sustainability_risks(facts, {})}
    weakest = risks["Weakest success factor: resources"]
    resources = facts.scale("le_may_success_factors.resources")
    assert resources is not None and resources.waves[-1].mean is not None
    assert fmt_number(resources.waves[-1].mean) in weakest.evidence
    assert "Trainers behind on relevance" in risks
    assert "Trainers" in risks["Trainers behind on relevance"].evidence
    assert "Dependence on a few leaders" in risks
    assert {r.level for r in risks.values()} <= {"high", "medium", "watch"}


def test_the_summary_tiles_agree_with_the_response_rate_table(demo: DemoResult) -> None:
    """The summary's "N of M members answered" is the response-rate table's latest row, and
    the responses tile says the total includes non-members when it exceeds N (3 of the 47
    Mar 2026 respondents are not on the roster: "47 responses" beside "92% of 48" read as 44)."""
    page = demo.html.read_text(encoding="utf-8")
    said = re.search(r'hl-detail">(\d+) of (\d+) members answered<', page)
    assert said is not None
    start = page.index("Response rate per wave: members who answered")
    table = page[start : page.index("</table>", start)]
    last = re.findall(
        r"<tr[^>]*>\s*<td[^>]*>([^<]+)</td>\s*<td[^>]*>(\d+)</td>\s*"
        r"<td[^>]*>(\d+)</td>",
        table,
    )[-1]
    assert last[0] == "Mar 2026"
    assert (said[1], said[2]) == (last[2], last[1])
    total = re.search(r'hl-value">(\d+)</p>\s*<p class="hl-label">Responses in Mar 2026', page)
    assert total is not None and int(total[1]) > int(said[1])
    assert "including people who are not members" in page


def test_the_dashboard_command_says_what_the_report_says(
    demo: DemoResult, capsys: pytest.CaptureFixture[str]
) -> None:
    """`cop-eval dashboard --project` (terminal and JSON) is the report's "At a glance" page:
    every line's mean, % favourable, changes and status as the demo's HTML prints them, the
    same tally, and the summary's key messages (without the subgroup one: no subgroups)."""
    from cop_eval.report.filters import fmt_change, fmt_number, fmt_percent

    assert main(["dashboard", "--project", str(demo.project), "--json"]) == 0
    payload = json.loads(capsys.readouterr().out)
    page = demo.html.read_text(encoding="utf-8")
    board = page[page.index('class="dashboard') :]
    board = board[: board.index("</table>")]
    assert payload["title"] in page and payload["latest"] == "Mar 2026"
    assert payload["status_counts"]["concern"] == 4 and payload["status_counts"]["watch"] == 13
    assert len(payload["lines"]) == 18  # 3 stages, 7 factors, 3 identity levels, 5 value cycles
    for line in payload["lines"]:
        label = html.escape(line["label"], quote=False)
        row = board[board.index(f">{label}<") :]
        row = row[: row.index("</tr>")]
        favourable = fmt_percent(line["favourable"])
        for shown in (fmt_number(line["mean"]), favourable, fmt_change(line["change_since_first"])):
            assert shown in html.unescape(row), (line["label"], shown)
        assert f"chip-{line['status']}" in row or line["status"] == "none"
    headlines = [m["headline"] for m in payload["key_messages"]]
    assert "Weakest stage" in headlines and "Largest gap between subgroups" not in headlines
    for message in payload["key_messages"]:
        assert html.escape(message["headline"], quote=False) in page
    assert main(["dashboard", "--project", str(demo.project)]) == 0
    shown = capsys.readouterr().out
    assert "Status in Mar 2026: 0 strengths, 13 watch, 4 concerns" in shown
    assert "Stage 3: Reflection and transfer of learning" in shown and "▲ +0.58" in shown
    code = main(["dashboard", "--project", str(demo.project), "--group-column", "strand"])
    assert code == 2 and "for subgroups use `cop-eval equity" in capsys.readouterr().err


def test_printed_gaps_agree_with_the_printed_means_within_rounding(demo: DemoResult) -> None:
    """Table 7.1 prints a subgroup's mean, everyone else's and the gap: the gap is worked out
    before rounding (2.79 and 4.09 beside −1.29 in the demo), so it may be 0.01 away from the
    difference of the printed means and never more; the caption and the methods say why."""
    page = demo.html.read_text(encoding="utf-8")
    start = page.index("The largest gaps to the rest of the group")
    table = page[start : page.index("</table>", start)]
    cells = re.findall(
        r'<td class="k-number">([−\d.]+)</td>\s*<td class="k-number">([−\d.]+)</td>\s*'
        r'<td class="k-signed">([−+\d.]+)</td>',
        table,
    )
    assert len(cells) >= 3

    def number(text: str) -> float:
        return float(text.replace("−", "-"))

    off = [round(number(m) - number(e) - number(g), 2) for m, e, g in cells]
    assert all(abs(d) <= 0.01 for d in off), off
    assert any(d != 0 for d in off), "the demo no longer shows the case the note explains"
    caption = page[page.index('<p class="caption">', start) :][:1200]
    assert "rounded only for print" in caption
    assert "Rounding: every figure is worked out from unrounded values" in page


def test_the_report_gives_the_two_coders_agreement_with_its_n(demo: DemoResult) -> None:
    # sample_data/comment_codes.csv (sample_data/coding.py): two simulated coders' codes.
    with Project.open(demo.project) as project:
        first, second = sorted(project.comments.coders())[:2]
        codings = project.comments.codes(first), project.comments.codes(second)
    expected = coding_agreement(*codings, load_codebook(None), names=(first, second))
    text = html.unescape(re.sub(r"<[^>]+>", " ", demo.html.read_text(encoding="utf-8")))
    text = re.sub(r"\s+", " ", text)
    said = re.search(
        rf"{first} and {second} each coded the same (\d+) comments by hand\. .*? has a median "
        r"of ([-−]?\d\.\d\d) over the (\d+) themes",
        text,
    )
    assert said is not None
    table = text[text.index("Agreement of two coders per theme") :]
    table = table[: table.index("Comments coded by both")]
    kappas = re.findall(r"\d+% ([-−]?\d\.\d\d) \[", table)
    shown = [float(k.replace("−", "-")) for k in kappas]
    used = [t for t in expected.themes if t.kappa is not None and t.first_yes + t.second_yes]
    assert int(said.group(1)) == expected.n == len(codings[0]) > 100
    assert int(said.group(3)) == len(used) == len(shown)
    assert shown == [round(t.kappa, 2) for t in used if t.kappa is not None]
    median = statistics.median(t.kappa for t in used if t.kappa is not None)
    assert said.group(2).replace("−", "-") == f"{median:.2f}"
    assert f"n = {expected.n}" in text


def _rate_rows(page: str) -> list[list[str]]:
    """The cells of each row of the response-rate table ("Response rate per wave")."""
    start = page.index("Response rate per wave: members who answered")
    table = page[start : page.index("</table>", start)]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
    cells = [[html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(
        r"<td[^>]*>(.*?)</td>", row, flags=re.S)] for row in rows]  # fmt: skip
    return [c for c in cells if c]


def _says_no_derivable_count_is_hidden(page: str, total: dict[str, int]) -> None:
    """Issue 19: the respondents who are not members are the wave's responses (``total``) minus
    the members who answered (both printed), so their number is printed, never "suppressed"."""
    rows = _rate_rows(page)
    assert rows and {r[0] for r in rows} <= set(total)
    for wave, _members, answered, _rate, not_members, *_ in rows:
        assert not_members.isdigit(), (wave, not_members)
        assert int(not_members) == total[wave] - int(answered), wave
    start = page.index("Response rate per wave: members who answered")
    groups = page[page.index("<table", page.index("</table>", start)) :]
    groups = groups[: groups.index("</table>")]
    assert "Not members" in groups
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", groups, flags=re.S):
        if "Not members" in row:
            assert "suppressed" not in row, row


def test_no_output_hides_a_count_that_follows_from_counts_it_shows(
    demo: DemoResult, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The demo's report (47 responses in Mar 2026, 44 of 48 members answered: 3 are not
    members), its dashboard and the web results page follow the rule of docs/projects.md."""
    import shutil

    from fastapi.testclient import TestClient

    from cop_eval.web.app import create_app
    from tests.web.conftest import page as web_page

    report = demo.html.read_text(encoding="utf-8")
    assert "44 of 48 members answered" in report
    per_wave = report[report.index("Responses per wave") :]
    found = re.findall(r"<td[^>]*>(\w+ 20\d\d)</td>\s*<td[^>]*>(\d+)</td>", per_wave)
    total = {wave: int(n) for wave, n in found[:3]}
    assert total == {"Mar 2025": 47, "Sep 2025": 47, "Mar 2026": 47}
    _says_no_derivable_count_is_hidden(report, total)
    assert len(_rate_rows(report)) == 3
    # the dashboard prints no participation count, so none of its figures is hidden
    assert main(["dashboard", "--project", str(demo.project), "--json"]) == 0
    board = json.loads(capsys.readouterr().out)
    assert not [line["label"] for line in board["lines"] if line["suppressed"]]
    copy = tmp_path / "project"
    shutil.copytree(demo.project, copy)
    app = create_app(copy, staging_dir=tmp_path / "staging", warm_up=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        shown = web_page(client, "/results")
    assert shown.status_code == 200
    _says_no_derivable_count_is_hidden(shown.text, total)


def test_each_heatmap_row_n_covers_the_n_of_its_gaps(facts: ReportFacts) -> None:
    """A subgroup's row in a heatmap (Figure 7.x) prints its n; the summary and Table 7.1 print
    each gap's own n. A group's scales can be answered by different numbers of its members (a
    scale left blank), so the row gives the range ("Trainers (n = 7–8)" on le May's factors,
    where Relevance has 8): the row never contradicts a gap's n, as it did when it printed the
    n of the row's last scale (7) beside "Trainers (n = 8) score 2.79 on Relevance"."""
    from cop_eval.report.filters import n_range

    assert facts.board is not None
    ranges = 0
    for equity in facts.board.equity:
        for i, group in enumerate(equity.groups):
            gaps = [g.n_group for g in equity.gaps if g.group == group and g.wave == equity.wave]
            if equity.group_n[i] is None:
                continue
            low = equity.group_n_min[i]
            assert low is not None and low <= min(gaps) and max(gaps) == equity.group_n[i]
            ranges += low < equity.group_n[i]
    assert ranges, "the demo no longer has a group whose scales have different n"
    assert n_range(7, 8) == "7–8" and n_range(8, 8) == "8" and n_range(None, 8) == "8"
