"""CSRF, security headers, host checks, upload size limit and error pages of the web app."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from starlette.routing import Route

from cop_eval.cli import main
from cop_eval.web import create_app
from cop_eval.web.app import routers
from cop_eval.web.security import SECURITY_HEADERS, is_loopback_host
from tests.web.conftest import csrf, small_export


def _post_routes() -> list[str]:
    paths = []
    for router in routers():
        for route in router.routes:
            if isinstance(route, Route) and "POST" in (route.methods or ()):
                paths.append(route.path.replace("{token}", "some-token"))
    return paths


def test_every_post_route_rejects_a_missing_token(client: TestClient) -> None:
    client.get("/project")  # the browser has a valid cookie; only the form lacks the token
    paths = _post_routes()
    assert {"/projects/open", "/projects/create", "/import"} <= set(paths)
    for path in paths:
        response = client.post(path, data={"folder": "/tmp/x", "label": "w"})
        assert response.status_code == 403, path
        assert "security token" in response.text


def test_a_wrong_token_or_a_token_of_another_server_is_rejected(
    client: TestClient, project_dir: Path, tmp_path: Path
) -> None:
    token = csrf(client.get("/projects").text)
    response = client.post("/projects/open", data={"folder": str(project_dir), "csrf_token": "x"})
    assert response.status_code == 403
    assert "does not match" in response.text
    # A second server (after a restart) does not accept the first one's cookie and token.
    other = create_app(project_dir, staging_dir=tmp_path / "other")
    with TestClient(other, base_url="http://127.0.0.1:8000") as second:
        second.cookies.update(client.cookies)
        response = second.post(
            "/projects/open", data={"folder": str(project_dir), "csrf_token": token}
        )
        assert response.status_code == 403
        assert "reload the page" in response.text
    ok = client.post("/projects/open", data={"folder": str(project_dir), "csrf_token": token})
    assert ok.status_code == 200
    assert "Opened the project" in ok.text


def test_the_token_cookie_is_http_only_and_same_site_strict(bare_client: TestClient) -> None:
    response = bare_client.get("/projects")
    cookie = response.headers["set-cookie"]
    assert cookie.startswith("cop_eval_csrf_8000=")
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie or "samesite=strict" in cookie.lower()
    # The cookie is sent once; later pages reuse the same token.
    again = bare_client.get("/projects")
    assert "set-cookie" not in again.headers
    assert csrf(again.text) == csrf(response.text)


@pytest.mark.parametrize("path", ["/projects", "/static/style.css", "/no/such/page"])
def test_security_headers_on_pages_assets_and_errors(bare_client: TestClient, path: str) -> None:
    response = bare_client.get(path)
    for key, value in SECURITY_HEADERS.items():
        assert response.headers[key] == value
    assert "default-src 'self'" in response.headers["content-security-policy"]
    if response.headers["content-type"].startswith("text/html"):
        assert response.headers["cache-control"] == "no-store"


def test_pages_load_nothing_from_elsewhere(client: TestClient) -> None:
    for path in ("/projects", "/project", "/import"):
        html = client.get(path).text
        assert "http://" not in html.replace("http://127.0.0.1", "")
        assert "https://" not in html
        assert html.count("<script") == 1
        assert '<script src="/static/app.js" defer></script>' in html  # local, not inline
        assert " style=" not in html  # the CSP allows no inline styles


def test_a_foreign_host_name_is_refused(tmp_path: Path) -> None:
    app = create_app(None, staging_dir=tmp_path / "s")
    with TestClient(app, base_url="http://attacker.example:8000") as client:
        response = client.get("/projects")
        assert response.status_code == 400
        assert "127.0.0.1" in response.text
    with TestClient(app, base_url="http://localhost:8000") as client:
        assert client.get("/projects").status_code == 200
    remote = create_app(None, allow_remote=True, staging_dir=tmp_path / "r")
    with TestClient(remote, base_url="http://laptop.local:8000") as client:
        assert client.get("/projects").status_code == 200


def test_an_upload_over_the_limit_gets_a_413_page(project_dir: Path, tmp_path: Path) -> None:
    app = create_app(project_dir, max_upload_bytes=2_000, staging_dir=tmp_path / "s")
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        token = csrf(client.get("/import").text)
        big = small_export(200).encode()
        response = client.post(
            "/import",
            data={"csrf_token": token, "instrument": "le_may_success_factors"},
            files={"file": ("big.csv", big, "text/csv")},
        )
        assert response.status_code == 413
        assert "larger than the limit of 2 kB" in response.text
        assert "A larger limit is a setting of the app when it is started" in response.text
        assert "--max-upload-mb" not in response.text  # no terminal language in the page

        # A body sent without Content-Length is counted as it arrives.
        def chunks() -> object:
            for _ in range(10):
                yield b"x" * 1000

        streamed = client.post(
            "/import",
            content=chunks(),  # type: ignore[arg-type]
            headers={"content-type": "multipart/form-data; boundary=zzz"},
        )
        assert streamed.status_code == 413
        assert not list((tmp_path / "s").iterdir())


def test_an_internal_error_shows_no_traceback(
    project_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from cop_eval.web import services

    def broken(directory: Path) -> None:
        raise RuntimeError("secret internals at /home/someone/code.py line 3")

    monkeypatch.setattr(services, "waves_of", broken)
    app = create_app(project_dir, staging_dir=tmp_path / "s")
    with TestClient(app, base_url="http://127.0.0.1:8000", raise_server_exceptions=False) as c:
        response = c.get("/project")
    assert response.status_code == 500
    assert "This is a bug in cop-eval" in response.text
    assert "Traceback" not in response.text
    assert "secret internals" not in response.text
    assert response.headers["content-security-policy"].startswith("default-src 'self'")


def test_a_missing_page_and_a_wrong_method_get_friendly_pages(client: TestClient) -> None:
    missing = client.get("/imports/unknown-token")
    assert missing.status_code == 404
    assert "Upload the file again" in missing.text
    wrong = client.get("/projects/open")
    assert wrong.status_code == 405
    assert "Go back" in wrong.text or "Start page" in wrong.text


@pytest.mark.parametrize(
    ("host", "loopback"),
    [
        ("127.0.0.1", True),
        ("127.1.2.3", True),
        ("localhost", True),
        ("::1", True),
        ("[::1]", True),
        ("0.0.0.0", False),
        ("192.168.1.10", False),
        ("::", False),
    ],
)
def test_is_loopback_host(host: str, loopback: bool) -> None:
    assert is_loopback_host(host) is loopback


def test_serve_refuses_a_non_loopback_host_without_allow_remote(
    capsys: pytest.CaptureFixture[str],
) -> None:
    assert main(["serve", "--host", "0.0.0.0", "--port", "8123"]) == 2
    assert "--allow-remote" in capsys.readouterr().err


def test_serve_binds_loopback_by_default_and_says_so(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], project_dir: Path
) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert main(["serve", "--project", str(project_dir), "--port", "8765"]) == 0
    assert calls == [
        {
            "host": "127.0.0.1",
            "port": 8765,
            "log_level": "warning",
            "access_log": False,
            "server_header": False,
        }
    ]
    out = capsys.readouterr().out
    assert "serving on http://127.0.0.1:8765 — only this computer can reach it" in out


def test_serve_open_starts_the_browser(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import threading
    import webbrowser

    import uvicorn

    opened: list[str] = []

    class Now:
        def __init__(self, delay: float, func: object, args: tuple[str]) -> None:
            self.args = args

        def start(self) -> None:
            opened.append(self.args[0])

    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: None)
    monkeypatch.setattr(threading, "Timer", Now)
    monkeypatch.setattr(webbrowser, "open", lambda url: opened.append("unexpected"))
    assert main(["serve", "--port", "8767", "--open"]) == 0
    assert opened == ["http://127.0.0.1:8767"]


def test_serve_with_allow_remote_warns(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import uvicorn

    calls: list[dict[str, object]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kw: calls.append(kw))
    assert main(["serve", "--host", "0.0.0.0", "--allow-remote", "--port", "8766"]) == 0
    assert calls[0]["host"] == "0.0.0.0"
    captured = capsys.readouterr()
    assert "other computers on the network can reach" in captured.err


def test_serve_with_a_missing_project_folder_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["serve", "--project", str(tmp_path / "nope")]) == 1
    assert "no such folder" in capsys.readouterr().err


def test_browser_tests_say_why_they_skip(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from tests.web import browser

    monkeypatch.setattr(browser, "CHROMIUM", tmp_path / "no-chromium")
    reason = browser.skip_reason()
    assert reason is not None
    assert "apt-get install -y chromium" in reason


def test_serve_really_listens_on_loopback_only(project_dir: Path) -> None:
    import subprocess
    import sys
    import time

    import httpx

    from tests.web.browser import free_port

    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "from cop_eval.cli import run; run()",
            "serve",
            "--port",
            str(port),
            "--project",
            str(project_dir),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        first = process.stdout.readline()
        assert first.strip() == (
            f"serving on http://127.0.0.1:{port} — only this computer can reach it"
        )
        response = None
        for _ in range(100):
            try:
                response = httpx.get(f"http://127.0.0.1:{port}/project", timeout=2)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        assert response is not None, "the server did not answer"
        assert response.status_code == 200
        assert "Survey waves" in response.text
        assert "server" not in response.headers  # no "server: uvicorn"
        busy = subprocess.run(
            [
                sys.executable,
                "-c",
                "from cop_eval.cli import run; run()",
                "serve",
                "--port",
                str(port),
            ],
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert busy.returncode == 1
        assert "choose another with --port" in busy.stderr
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_every_post_form_carries_the_token(client: TestClient) -> None:
    from tests.web.conftest import small_export

    token = csrf(client.get("/import").text)
    review = client.post(
        "/import",
        data={"csrf_token": token, "instrument": "le_may_success_factors"},
        files={"file": ("w.csv", small_export().encode(), "text/csv")},
    )
    pages = [client.get(p).text for p in ("/projects", "/project", "/import", "/report")]
    pages.append(review.text)
    forms = 0
    for html in pages:
        for form in re.findall(r"<form\b[^>]*>.*?</form>", html, re.S):
            if 'method="post"' in form:
                forms += 1
                assert f'name="csrf_token" value="{token}"' in form, form[:200]
            else:  # filter forms only read: they change nothing and carry no token
                assert 'method="get"' in form
    assert forms >= 5  # open, create, upload, discard, check again (Accept posts the same form)
    assert 'form="settings" formaction="/imports/' in review.text


def _tossed_cookie_attack(client: TestClient, **headers: str) -> int:
    """A page on another port of 127.0.0.1 (cookies are not kept apart by port) set the app's
    cookie to a pair it got from the app itself, and posts a form with the matching token."""
    token = csrf(client.get("/projects").text)  # the cookie now sits in the browser's jar
    response = client.post(
        "/settings/min-group-size",
        data={"csrf_token": token, "min_group_size": "20"},
        headers=headers,
    )
    return response.status_code


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://127.0.0.1:9999"},  # another port: the cookie-tossing page
        {"origin": "http://127.0.0.1:9999", "sec-fetch-site": "same-site"},
        {"sec-fetch-site": "same-site"},  # a browser that sends no Origin
        {"sec-fetch-site": "cross-site"},
        {"origin": "null"},  # a sandboxed frame or a data: page
        {"origin": "http://localhost:8000"},  # another name is another origin
    ],
)
def test_a_form_from_another_origin_is_refused_even_with_a_matching_token(
    client: TestClient, project_dir: Path, headers: dict[str, str]
) -> None:
    assert _tossed_cookie_attack(client, **headers) == 403
    page = client.post("/settings/min-group-size", headers=headers, data={})
    assert page.status_code == 403 and "own pages can change your project" in page.text
    assert "min_group_size" not in (
        (project_dir / "web-settings.json").read_text()
        if (project_dir / "web-settings.json").exists()
        else ""
    )


@pytest.mark.parametrize(
    "headers",
    [
        {"origin": "http://127.0.0.1:8000", "sec-fetch-site": "same-origin"},
        {"origin": "http://127.0.0.1:8000"},
        {"sec-fetch-site": "none"},  # typed into the address bar / a bookmark
        {},  # not a browser (a script on this computer): the token decides
    ],
)
def test_a_form_from_the_app_itself_is_accepted(
    client: TestClient, headers: dict[str, str]
) -> None:
    assert _tossed_cookie_attack(client, **headers) == 200
