"""Results, comparison and report downloads: what the pages show, and what they never send."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import zipfile
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient

from cop_eval.errors import OptionError
from cop_eval.ingest import read_responses
from cop_eval.instruments import load_instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.render import ChartImage
from cop_eval.store import Project
from cop_eval.web import create_app
from cop_eval.web.results import results_for, with_cover
from cop_eval.web.services import create_project
from tests.web.conftest import csrf, made_file, page

INSTRUMENT = "le_may_success_factors"
#: Respondents per team. "Legal" is below the threshold of 5; "Finance" is the next-smallest and
#: is hidden too (complementary suppression), so Legal cannot be worked out from the total.
TEAMS = {"Operations": 12, "Finance": 6, "Legal": 2}


def _export(path: Path, shift: int) -> Path:
    """A CSV wave: Legal answers 1 to everything, so any mean of 1.00 would be Legal's."""
    instrument = load_instrument(INSTRUMENT)
    items = list(instrument.item_ids)
    rng = np.random.default_rng(20251122 + shift)
    lines = [",".join(["id", "team", *items])]
    person = 0
    for team, size in TEAMS.items():
        for _ in range(size):
            person += 1
            if team == "Legal":
                answers = ["1"] * len(items)
            else:  # one common factor plus noise: answers 2..5, never all 1
                trait = rng.normal()
                codes = np.clip(np.rint(3.6 + 0.7 * trait + rng.normal(0, 0.7, len(items))), 2, 5)
                answers = [str(int(c)) for c in codes]
            lines.append(",".join([f"staff{person:03d}", team, *answers]))
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def two_waves(tmp_path: Path) -> Path:
    directory = tmp_path / "project"
    create_project(directory)
    instrument = load_instrument(INSTRUMENT)
    with Project.open(directory) as project:
        for label, date_text, shift in (("Spring", "2025-03-01", 0), ("Autumn", "2025-09-01", 1)):
            responses = read_responses(
                _export(tmp_path / f"{label}.csv", shift),
                [instrument],
                id_column="id",
                group_columns=("team",),
                key=project.key,
            )
            project.add_wave(responses, label, date=dt.date.fromisoformat(date_text))
    return directory


@pytest.fixture
def client(two_waves: Path, tmp_path: Path) -> Iterator[TestClient]:
    app = create_app(two_waves, staging_dir=tmp_path / "staging")
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


def _legal_leaks(html: str) -> list[str]:
    """Signs of the Legal team's figures: its mean (1.00) or its size next to its name."""
    found = re.findall(r">\s*1\.00\s*<", html)
    found += re.findall(r"Legal[^<]{0,40}</td>\s*<td[^>]*>\s*2\s*<", html)
    found += re.findall(r"Legal \(n = 2\)", html)
    return found


def test_wave_results_show_every_part(client: TestClient) -> None:
    shown = page(client, "/results")
    assert shown.status_code == 200
    html = shown.text
    assert "Results of Autumn" in html  # the latest wave by default
    for anchor in (
        'id="scale-scores"',
        'id="sec-factors"',
        'id="sec-methods"',
        'id="sec-validity"',
    ):
        assert anchor in html
    assert "Membership" in html and "Resources" in html  # scale scores of every scale
    assert "Cronbach" in html  # reliability per scale
    assert re.search(r'<a href="#[\w-]+">Reliability</a>', html)  # linked from the top
    charts = re.findall(r'<img src="(/charts/[0-9a-f]{32}\.png)"', html)  # drawn when shown
    assert charts
    image = client.get(charts[0])
    assert image.content.startswith(b"\x89PNG") and image.headers["cache-control"] == "no-store"
    assert client.get("/charts/" + "0" * 32 + ".png").status_code == 404
    assert " style=" not in html  # the CSP allows no inline styles
    spring = page(client, "/results", params={"wave": "spring"})
    assert "Results of Spring" in spring.text


def test_a_small_group_is_never_sent_to_the_browser(client: TestClient) -> None:
    for url in ("/results", "/results?wave=Spring", "/compare"):
        html = page(client, url).text
        assert _legal_leaks(html) == [], url
        # Legal and Finance are listed in the filter, but cannot be chosen.
        assert '<option value="Legal" disabled>' in html
        assert '<option value="Finance" disabled>' in html
        assert '<option value="Operations" >' in html or '<option value="Operations">' in html


@pytest.mark.parametrize("team", ["Legal", "Finance"])
def test_filtering_to_a_hidden_group_is_refused(client: TestClient, team: str) -> None:
    for url in ("/results", "/compare"):
        response = page(client, url, params={"group": team})
        assert response.status_code == 400
        assert "cannot be shown on its own" in response.text
        assert f"<h1>Results of Autumn · {team}" not in response.text  # not named in the heading
        assert f"· {team}</h1>" not in response.text
        assert 'id="scale-scores"' not in response.text
        assert _legal_leaks(response.text) == []


def test_filter_to_a_visible_group(client: TestClient) -> None:
    response = page(client, "/results", params={"group": "Operations"})
    assert response.status_code == 200
    assert "Results of Autumn · Operations" in response.text
    assert 'id="sec-subgroups"' not in response.text
    unknown = page(client, "/results", params={"group": "Nobody"})
    assert unknown.status_code == 400
    assert "There is no subgroup &#39;Nobody&#39;" in unknown.text


def test_compare_shows_the_change_between_waves(client: TestClient) -> None:
    html = page(client, "/compare").text
    assert 'id="sec-change"' in html
    assert 'id="sec-validity"' in html  # the measurement check beside the change
    assert "Spring" in html and "Autumn" in html
    one = page(client, "/compare", params={"wave": "Spring"})
    assert "Choose at least two waves" in one.text


def test_downloads_report_and_tables(client: TestClient) -> None:
    page = client.get("/report")
    token = csrf(page.text)
    form = {"csrf_token": token, "title": "Team review", "wave": ["Spring", "Autumn"]}
    pdf = made_file(client, "pdf", form)
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith('attachment; filename="Team-review-')
    assert pdf.headers["cache-control"] == "no-store"
    assert pdf.content.startswith(b"%PDF")
    xlsx = made_file(client, "xlsx", form)
    assert xlsx.content.startswith(b"PK")
    assert ".xlsx" in xlsx.headers["content-disposition"]
    archive = made_file(client, "csv", form)
    with zipfile.ZipFile(io.BytesIO(archive.content)) as zipped:
        names = zipped.namelist()
        assert names and all(name.endswith(".csv") for name in names)
        text = "".join(zipped.read(name).decode("utf-8-sig") for name in names)
    assert "Legal" not in text or "2" not in re.findall(r"Legal,(\d+)", text)
    none = client.post("/report/pdf", data={"csrf_token": token, "title": "x"})
    assert none.status_code == 400
    assert "Choose at least one wave" in none.text


def test_the_anonymity_threshold_can_be_raised(client: TestClient) -> None:
    token = csrf(client.get("/report").text)
    saved = client.post(
        "/settings/min-group-size", data={"csrf_token": token, "min_group_size": "11"}
    )
    assert "fewer than 11 respondents" in saved.text
    html = page(client, "/results").text
    # Finance (6) and Legal (2) fall below 11 and together have fewer than 11, so Operations is
    # hidden too: otherwise the two could be worked out from the total.
    for team in TEAMS:
        assert f'<option value="{team}" disabled>' in html
    assert page(client, "/results", params={"group": "Operations"}).status_code == 400
    for lower in ("1", "3", "4"):  # the project's floor (5): the page cannot go below it
        bad = client.post(
            "/settings/min-group-size", data={"csrf_token": token, "min_group_size": lower}
        )
        assert bad.status_code == 400
        assert "cannot be below 5" in bad.text


def test_the_threshold_is_kept_with_the_project(two_waves: Path, tmp_path: Path) -> None:
    first = create_app(two_waves, staging_dir=tmp_path / "a")
    with TestClient(first, base_url="http://127.0.0.1:8000") as client:
        token = csrf(client.get("/report").text)
        client.post("/settings/min-group-size", data={"csrf_token": token, "min_group_size": "11"})
    # After a restart the raised threshold still applies.
    again = create_app(two_waves, staging_dir=tmp_path / "b")
    with TestClient(again, base_url="http://127.0.0.1:8000") as client:
        assert '<option value="11" selected>' in client.get("/report").text
        assert page(client, "/results", params={"group": "Operations"}).status_code == 400


def test_pages_without_waves(tmp_path: Path) -> None:
    directory = tmp_path / "empty"
    create_project(directory)
    app = create_app(directory, staging_dir=tmp_path / "s")
    with TestClient(app, base_url="http://127.0.0.1:8000") as empty:
        assert "There are no stored waves yet" in empty.get("/results").text
        assert "Comparing needs at least two stored waves" in empty.get("/compare").text
        assert "There are no stored waves yet" in empty.get("/report").text


def test_a_group_hidden_on_one_scale_cannot_be_filtered_to(tmp_path: Path) -> None:
    """Six has 6 members but only 4 membership scores: on that scale Six is hidden and Big, the
    only other group, is hidden with it. Showing Big on its own would give Six's mean over 4 as
    (24 x overall mean - 20 x Big's mean) / 4, so the filter is refused."""
    from cop_eval.web.results import ResultsCache, results_for, subgroup_choices

    instrument = load_instrument(INSTRUMENT)
    items = list(instrument.item_ids)
    lines = [",".join(["id", "team", *items])]
    rng = np.random.default_rng(7)
    for k in range(26):
        team = "Big" if k < 20 else "Six"
        answers = [str(int(v)) for v in rng.integers(1, 6, len(items))]
        if k >= 24:  # two of Six skip the whole membership scale
            answers = [
                "" if i.startswith("lm_membership") else a
                for i, a in zip(items, answers, strict=True)
            ]
        lines.append(",".join([f"staff{k:03d}", team, *answers]))
    path = tmp_path / "one.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    directory = tmp_path / "project"
    create_project(directory)
    with Project.open(directory) as project:
        responses = read_responses(
            path, [instrument], id_column="id", group_columns=("team",), key=project.key
        )
        project.add_wave(responses, "Only", date=dt.date(2025, 3, 1))
        waves = project.load_waves(["Only"])
    hidden = {c.value for c in subgroup_choices(waves, "team", PrivacyPolicy(5)) if c.hidden}
    assert hidden == {"Big", "Six"}
    with pytest.raises(OptionError, match="cannot be shown on its own"):
        results_for(
            directory, ["Only"], group="Big", privacy=PrivacyPolicy(5), cache=ResultsCache()
        )


def test_filter_to_a_group_when_members_answered_the_open_question(tmp_path: Path) -> None:
    """Regression (CI, 2026-12-01): filtering to a subgroup kept every comment of the wave while
    the answers were cut to the subgroup's rows, so the page failed with an IndexError."""
    instrument = load_instrument(INSTRUMENT)
    items = list(instrument.item_ids)
    rng = np.random.default_rng(11)
    lines = [",".join(["id", "team", *items, "lm_improve"])]
    for k in range(24):
        team = "Big" if k < 8 else "Other"  # Big's rows come first: the cut is a prefix
        answers = [str(int(v)) for v in rng.integers(2, 6, len(items))]
        lines.append(",".join([f"staff{k:03d}", team, *answers, f"More time to meet {k}"]))
    path = tmp_path / "one.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    directory = tmp_path / "project"
    create_project(directory)
    with Project.open(directory) as project:
        responses = read_responses(
            path, [instrument], id_column="id", group_columns=("team",), key=project.key
        )
        assert responses.comments["lm_improve"].notna().sum() == 24
        project.add_wave(responses, "Only", date=dt.date(2025, 3, 1))
        wave = project.load_waves(["Only"])[0]
    big = wave.take(np.arange(8))
    assert (big.n, len(big.groups), len(big.comments)) == (8, 8, 8)
    assert big.comments["lm_improve"].tolist()[-1] == "More time to meet 7"
    app = create_app(directory, staging_dir=tmp_path / "staging")
    with TestClient(app, base_url="http://127.0.0.1:8000") as test_client:
        page = test_client.get("/results", params={"group": "Other"})
        assert page.status_code == 200, page.text[-2000:]
        assert "Results of Only · Other" in page.text


def test_no_terminal_language_on_the_pages_or_in_the_report(client: TestClient) -> None:
    """The web app and the report it makes say what to do on the pages, never what to type."""
    from cop_eval.report.render import render_html
    from cop_eval.web.words import TERMINAL

    for url in (
        "/project", "/import", "/cycle", "/results", "/results?wave=Spring", "/compare",
        "/actions", "/comments", "/report", "/projects",
    ):  # fmt: skip
        html = page(client, url).text
        assert TERMINAL.search(html) is None, (url, TERMINAL.search(html))
    cache = client.app.state.results_cache  # type: ignore[attr-defined]
    for labels in (["Autumn"], ["Spring", "Autumn"]):
        results = results_for(
            Path(client.app.state.web.project_dir),  # type: ignore[attr-defined]
            labels,
            cache=cache,
        )
        text = render_html(with_cover(results, "Review", ""), standalone=False, images={
            f.id: ChartImage("", "") for f in results.model.figures()
        })  # fmt: skip
        words = re.sub(r"<style.*?</style>|<[^>]+>", " ", text, flags=re.S)
        assert TERMINAL.search(words) is None, TERMINAL.search(words)


def test_an_unknown_wave_in_the_address_is_an_error(client: TestClient) -> None:
    """``?wave=`` naming no stored wave used to show the latest wave as if it were asked for."""
    for url, params in (
        ("/results", {"wave": "Winter"}),
        ("/compare", {"wave": ["Spring", "Winter"]}),
    ):
        response = page(client, url, params=params)
        assert response.status_code == 400, url
        assert "There is no wave &#39;Winter&#39; in this project" in response.text
        assert "Spring, Autumn" in response.text  # the stored waves, to choose from
        assert 'id="scale-scores"' not in response.text and 'id="sec-change"' not in response.text


@pytest.mark.parametrize(
    ("content", "used"),
    [
        ('{"min_group_size": 3}', 5),  # below the project's floor: the floor
        ('{"min_group_size": 1}', 5),
        ('{"min_group_size": true}', 5),  # not a number of respondents
        ('{"min_group_size": "11"}', 5),
        ('{"min_group_size": 7.5}', 5),
        ("not json", 5),
        ('{"min_group_size": 11}', 11),  # raised: kept
    ],
)
def test_the_settings_file_never_lowers_the_floor(
    two_waves: Path, tmp_path: Path, content: str, used: int
) -> None:
    (two_waves / "web-settings.json").write_text(content, encoding="utf-8")
    app = create_app(two_waves, staging_dir=tmp_path / "st", warm_up=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        html = client.get("/report").text
        assert f'<option value="{used}" selected>' in html
        assert '<option value="3"' not in html and '<option value="1"' not in html
        assert app.state.web.privacy.min_group_size == used


def test_a_missing_membership_is_entered_on_the_page_that_needs_it(client: TestClient) -> None:
    results = page(client, "/results", params={"wave": "Spring"})
    assert 'id="members-needed"' in results.text and "Members invited to Spring" in results.text
    form = {"csrf_token": csrf(results.text), "wave": "Spring", "back": "/results?wave=Spring"}
    bad = client.post("/cycle/members", data={**form, "counts": "lots"}, follow_redirects=False)
    assert bad.status_code == 303 and bad.headers["location"].startswith("/results?wave=Spring&n=")
    assert "is not a number of members" in html.unescape(page(client, bad.headers["location"]).text)
    good = client.post("/cycle/members", data={**form, "counts": "40"}, follow_redirects=False)
    after = page(client, good.headers["location"])
    assert "Stored the membership of Spring: 40 members" in after.text
    assert "Members invited to Spring" not in after.text
    compare = page(client, "/compare").text
    assert "Members invited to Autumn" in compare and "Members invited to Spring" not in compare
    assert "Members invited to Autumn" in client.get("/report").text
    away = client.post(
        "/cycle/members",
        data={**form, "wave": "Autumn", "counts": "30", "back": "https://example.org/results"},
        follow_redirects=False,
    )
    assert away.headers["location"].startswith("/cycle?")  # never to another site
