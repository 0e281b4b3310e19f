"""The Import page takes a project's own questionnaire (instrument YAML) and comments codebook."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from cop_eval.comments.codebook import builtin_codebook_path
from cop_eval.instruments import load_instrument
from cop_eval.web.services_custom import CODEBOOK_FILE, INSTRUMENTS_DIR
from cop_eval.web.words import TERMINAL
from tests.test_custom_direction import CUSTOM, _wave
from tests.web.conftest import csrf, page

BOOK = builtin_codebook_path().read_text(encoding="utf-8")


def _line(text: str, start: str) -> int:
    """The 1-based number of the first line of ``text`` that starts (stripped) with ``start``."""
    return next(i for i, line in enumerate(text.splitlines(), 1) if line.strip().startswith(start))


def _send(client: TestClient, kind: str, name: str, text: str) -> object:
    field = "definition" if kind == "questionnaire" else "codebook"
    token = csrf(client.get("/import").text)
    return client.post(
        f"/import/{kind}",
        data={"csrf_token": token},
        files={field: (name, text.encode(), "application/x-yaml")},
    )


def _message(response: object) -> str:
    text: str = response.text  # type: ignore[attr-defined]
    start = text.index('<p class="message">') + len('<p class="message">')
    return text[start : text.index("</p>", start)]


def test_a_lower_is_better_questionnaire_without_a_terminal(
    client: TestClient, project_dir: Path, tmp_path: Path
) -> None:
    added = _send(client, "questionnaire", "meeting.yaml", CUSTOM.read_text(encoding="utf-8"))
    assert added.status_code == 200  # type: ignore[attr-defined]
    notice = _message(added)
    assert "Added your questionnaire “Meeting pulse" in notice
    assert "Strain of taking part (lower is better)" in notice
    assert (project_dir / INSTRUMENTS_DIR / "meeting_pulse.yaml").is_file()
    assert 'value="meeting_pulse" checked' in added.text  # type: ignore[attr-defined]
    form = client.get("/import").text
    assert 'value="meeting_pulse"' in form and "(yours, " in form  # offered for later waves
    # An export that answers it, imported through the pages.
    instrument = load_instrument(CUSTOM)
    export = _wave(tmp_path / "w1.csv", instrument, 0).read_bytes()
    uploaded = client.post(
        "/import",
        data={"csrf_token": csrf(form), "instrument": ["meeting_pulse"]},
        files={"file": ("w1.csv", export, "text/csv")},
    )
    review = uploaded.url.path  # type: ignore[attr-defined]
    token = csrf(uploaded.text)  # type: ignore[attr-defined]
    stored = client.post(review + "/accept", data={"csrf_token": token, "label": "W1"})
    assert "Respondent ids:" in stored.text  # the notice of the stored wave
    shown = page(client, "/results")
    assert "Lower is better</strong> for Strain of taking part" in shown.text


@pytest.mark.parametrize(
    ("change", "said"),
    [
        (
            ("direction: lower_is_better", "direction: downwards"),
            "meeting.yaml: 1 problem in the instrument definition: - line "
            f"{_line(CUSTOM.read_text(encoding='utf-8'), 'direction: lower_is_better')}: "
            "scales[3] (id: strain).direction: Input should be",
        ),
        (("title: Meeting pulse", "title: [Meeting pulse"), "meeting.yaml: 1 problem"),
        (("id: meeting_pulse", "id: reflection"), "is that of a questionnaire cop-eval ships"),
    ],
)
def test_a_mistake_in_the_questionnaire_is_shown_with_file_and_field(
    client: TestClient, project_dir: Path, change: tuple[str, str], said: str
) -> None:
    text = CUSTOM.read_text(encoding="utf-8").replace(*change, 1)
    refused = _send(client, "questionnaire", "meeting.yaml", text)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    message = " ".join(_message(refused).split())
    assert said in message, message
    assert "cop-eval-upload" not in message and not TERMINAL.search(message)
    if "[Meeting" in text:
        assert "line " in message and "column " in message  # a YAML syntax error: where
    assert not (project_dir / INSTRUMENTS_DIR).exists() or not any(
        (project_dir / INSTRUMENTS_DIR).iterdir()
    )


def test_the_project_s_own_codebook_is_used_for_coding(
    client: TestClient, project_dir: Path
) -> None:
    broken = BOOK.replace("label: Members setting the agenda", "label: ''", 1)
    refused = _send(client, "codebook", "themes.yaml", broken)
    assert refused.status_code == 400  # type: ignore[attr-defined]
    message = " ".join(_message(refused).split())
    label = _line(BOOK, "label: Members setting the agenda")
    assert message.startswith("themes.yaml"), message
    assert f"- line {label}: themes[0] (id: member_led_agenda).label: " in message, message
    assert not TERMINAL.search(message)
    assert not (project_dir / CODEBOOK_FILE).exists()
    ours = BOOK.replace("label: Members setting the agenda", "label: Our own agenda theme", 1)
    added = _send(client, "codebook", "themes.yaml", ours)
    assert "now coded with your codebook" in _message(added)
    assert "Our own agenda theme" in client.get("/comments/coding").text
    assert "this project uses its own codebook" in client.get("/import").text
