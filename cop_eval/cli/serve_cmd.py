"""``cop-eval serve``: the local web app, for practitioners who do not use a terminal."""

from __future__ import annotations

import socket
from pathlib import Path

import click

from cop_eval.cli.common import err
from cop_eval.errors import OptionError


def _check_port_free(host: str, port: int) -> None:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    with socket.socket(family, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise OptionError(
                f"cannot listen on {host}:{port} ({exc.strerror}). Another program (or another "
                f"cop-eval) may be using the port: choose another with --port, e.g. --port "
                f"{port + 1}."
            ) from exc


def display_url(host: str, port: int) -> str:
    """The address to open in a browser (IPv6 addresses in brackets)."""
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    return f"http://{shown}:{port}"


@click.command("serve")
@click.option(
    "--project",
    "project",
    type=click.Path(path_type=Path, file_okay=False),
    default=None,
    metavar="DIR",
    help="Open this project at start (otherwise choose or create one in the page).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on. Only loopback addresses unless --allow-remote is given.",
)
@click.option(
    "--allow-remote",
    is_flag=True,
    help="Allow a non-loopback --host: other computers on the network could then reach the app "
    "and the survey data. Use only on a network you trust.",
)
@click.option(
    "--open",
    "open_browser",
    is_flag=True,
    help="Open the app in the default web browser once it is running.",
)
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 2000),
    default=50,
    show_default=True,
    help="Largest export file that can be uploaded, in megabytes.",
)
def serve_cmd(
    project: Path | None,
    port: int,
    host: str,
    allow_remote: bool,
    open_browser: bool,
    max_upload_mb: int,
) -> None:
    """Start the web app on this computer and print its address.

    \b
    Open the printed address in your browser; stop the app with Ctrl+C.
    By default only this computer can reach it (127.0.0.1).
    """
    from cop_eval.web.security import is_loopback_host

    loopback = is_loopback_host(host)
    if not loopback and not allow_remote:
        raise click.UsageError(
            f"--host {host} would let other computers reach the app and your survey data. "
            "Use the default (127.0.0.1), or add --allow-remote if you really mean it."
        )
    if project is not None:
        from cop_eval.web.services import check_project

        check_project(project.expanduser().resolve())
    _check_port_free(host, port)

    import uvicorn

    from cop_eval.web import create_app

    app = create_app(
        project.expanduser() if project else None,
        max_upload_bytes=max_upload_mb * 1_000_000,
        allow_remote=not loopback,
        chart_pool=True,
        prepare_on_open=True,
    )
    url = display_url(host, port)
    if loopback:
        click.echo(f"serving on {url} — only this computer can reach it")
    else:
        err.print(
            f"[bold red]warning:[/] serving on {url} — other computers on the network can reach "
            "this app and the survey data in it. There is no login. Stop it with Ctrl+C when done."
        )
        click.echo(f"serving on {url}")
    click.echo("Open that address in your browser. Press Ctrl+C to stop.")
    if open_browser:
        import threading
        import webbrowser

        threading.Timer(1.0, webbrowser.open, args=(url,)).start()
    uvicorn.run(
        app,
        host=host.strip("[]"),
        port=port,
        log_level="warning",
        access_log=False,
        server_header=False,  # no "server: uvicorn": nothing to tell about the software
    )


def register(cli: click.Group) -> None:
    """Attach the command to the main group."""
    cli.add_command(serve_cmd)
