"""Request guards for the local web app: CSRF tokens, security headers, body size limit, hosts.

The app serves one practitioner on their own computer, but a browser visits other sites too: a page
on the internet could post a form to ``http://127.0.0.1:8000`` (cross-site request forgery) or point
a hostname it controls at 127.0.0.1 (DNS rebinding). Hence:

- every form carries a per-browser token that must equal the value in a signed, ``SameSite=Strict``
  cookie (a signed double-submit cookie); a POST without both, or with a mismatch, gets 403;
- a state-changing request (any method but GET, HEAD and OPTIONS) whose browser says it comes
  from another origin is refused with 403: ``Origin`` must be this server's own scheme, host and
  port, and ``Sec-Fetch-Site`` (when sent) ``same-origin`` or ``none``. Cookies are not kept apart
  by port, so a page served from another port of 127.0.0.1 can set ("toss") the token cookie and
  post a matching token; the browser's ``Origin`` it cannot forge;
- requests whose ``Host`` is not a loopback name are refused (unless remote access was allowed);
- every response forbids loading anything from elsewhere (``Content-Security-Policy``), framing, and
  sending the address of the page to other sites (``Referrer-Policy: same-origin``); HTML pages are not cached;
- request bodies larger than the upload limit are cut off with 413 before they are read.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Awaitable, Callable

from starlette.datastructures import FormData, Headers
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

__all__ = [
    "CSRF_FIELD",
    "LOOPBACK_HOSTS",
    "SECURITY_HEADERS",
    "BodyLimitMiddleware",
    "CsrfError",
    "CsrfSigner",
    "SecurityHeadersMiddleware",
    "foreign_origin",
    "is_loopback_host",
]

#: Methods that change nothing (every other method must come from the app's own pages).
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")

#: Name of the hidden form field that carries the token.
CSRF_FIELD = "csrf_token"

#: Host names that only this computer can reach.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")

SECURITY_HEADERS: dict[str, str] = {
    "Content-Security-Policy": (
        "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    # Not "no-referrer": with it a browser sends ``Origin: null`` even on the app's own forms,
    # and the origin check could not tell them from a foreign page's.
    "Referrer-Policy": "same-origin",
    "Cross-Origin-Opener-Policy": "same-origin",
    "Cross-Origin-Resource-Policy": "same-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=()",
}


def is_loopback_host(host: str) -> bool:
    """True when ``host`` (a bind address or host name) is reachable only from this computer."""
    name = host.strip().strip("[]").casefold()
    return name in LOOPBACK_HOSTS or name.startswith("127.")


def foreign_origin(scope: Scope) -> str | None:
    """Why a state-changing request did not come from this app's own pages (``None``: it did).

    Browsers send ``Origin`` with every POST and ``Sec-Fetch-Site`` with every request; a page
    cannot set either. A request with neither (a script or test client on this computer) is
    left to the CSRF token.
    """
    headers = Headers(scope=scope)
    site = headers.get("sec-fetch-site")
    if site is not None and site not in ("same-origin", "none"):
        return f"the browser says the form came from a {site} page"
    origin = headers.get("origin")
    if origin is None:
        return None
    host = headers.get("host", "")
    own = f"{scope.get('scheme', 'http')}://{host}".casefold()
    if origin.casefold() != own:
        return f"the form came from {origin}, not from this app ({own})"
    return None


class CsrfError(Exception):
    """A form arrived without a valid token (shown to the user as 403)."""


class CsrfSigner:
    """Issue and check per-browser CSRF tokens.

    The token is random; the cookie holds ``token.signature`` where the signature is an HMAC with
    a secret that lives only in this server process. A restarted server therefore rejects old
    forms, and the page says to reload.
    """

    def __init__(self, secret: bytes | None = None) -> None:
        self._secret = secret or secrets.token_bytes(32)

    def cookie_name(self, request: Request) -> str:
        # Cookies are shared by every port of a host: two cop-eval servers on one computer must
        # not overwrite each other's token.
        return f"cop_eval_csrf_{request.url.port or 80}"

    def _sign(self, token: str) -> str:
        return hmac.new(self._secret, token.encode("ascii"), hashlib.sha256).hexdigest()

    def _valid_cookie_token(self, request: Request) -> str | None:
        raw = request.cookies.get(self.cookie_name(request), "")
        token, _, signature = raw.partition(".")
        if token and signature and hmac.compare_digest(signature, self._sign(token)):
            return token
        return None

    def token_for(self, request: Request) -> str:
        """The token of this browser, or a new one (then :meth:`set_cookie` must send it)."""
        existing = self._valid_cookie_token(request)
        if existing:
            return existing
        new: str | None = getattr(request.state, "new_csrf_token", None)
        if new is None:
            new = secrets.token_urlsafe(32)
            request.state.new_csrf_token = new
        return new

    def set_cookie(self, request: Request, response: Response) -> None:
        """Send the cookie when this request created a token."""
        new: str | None = getattr(request.state, "new_csrf_token", None)
        if new is not None:
            response.set_cookie(
                self.cookie_name(request),
                f"{new}.{self._sign(new)}",
                httponly=True,
                samesite="strict",
                path="/",
            )

    def check(self, request: Request, form: FormData) -> None:
        """Raise :class:`CsrfError` unless the form's token matches the signed cookie."""
        expected = self._valid_cookie_token(request)
        given = form.get(CSRF_FIELD)
        if expected is None or not isinstance(given, str):
            raise CsrfError(
                "This form has no valid security token: the page may be from before the app "
                "was restarted, or cookies are blocked. Go back, reload the page and try again."
            )
        if not hmac.compare_digest(given, expected):
            raise CsrfError(
                "This form's security token does not match. Go back, reload the page and try again."
            )


class SecurityHeadersMiddleware:
    """Add :data:`SECURITY_HEADERS` to every response, ``no-store`` to HTML, refuse foreign
    ``Host`` headers (DNS rebinding) unless ``allowed_hosts`` is ``None``, and refuse
    state-changing requests from another origin (:func:`foreign_origin`)."""

    def __init__(
        self,
        app: ASGIApp,
        *,
        allowed_hosts: tuple[str, ...] | None,
        refuse: Callable[[Scope, int, str], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.refuse = refuse

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.allowed_hosts is not None:
            host = Headers(scope=scope).get("host", "")
            name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
            name = name.strip("[]").casefold()
            if name not in self.allowed_hosts:
                response = await self.refuse(
                    scope,
                    400,
                    "This address is not served here. Open the app at http://127.0.0.1 with the "
                    "port the server printed when it started.",
                )
                await self._send_with_headers(response, scope, receive, send)
                return
        if scope["method"] not in SAFE_METHODS:
            why = foreign_origin(scope)
            if why is not None:
                response = await self.refuse(
                    scope,
                    403,
                    f"This form was refused: {why}. Only the app's own pages can change your "
                    "project. Open the app at its own address and use its forms.",
                )
                await self._send_with_headers(response, scope, receive, send)
                return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                present = {k.decode("latin-1").lower() for k, _ in headers}
                for key, value in SECURITY_HEADERS.items():
                    if key.lower() not in present:
                        headers.append((key.encode("latin-1"), value.encode("latin-1")))
                content_type = Headers(raw=headers).get("content-type", "")
                if content_type.startswith("text/html") and "cache-control" not in present:
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)

    async def _send_with_headers(
        self, response: Response, scope: Scope, receive: Receive, send: Send
    ) -> None:
        for key, value in SECURITY_HEADERS.items():
            response.headers.setdefault(key, value)
        response.headers.setdefault("cache-control", "no-store")
        await response(scope, receive, send)


class _BodyTooLarge(Exception):
    pass


class BodyLimitMiddleware:
    """Refuse request bodies over ``limit`` bytes with 413, before the form parser stores them.

    ``Content-Length`` is checked first; a body sent without one (chunked) is counted as it
    arrives and cut off at the limit.
    """

    def __init__(
        self,
        app: ASGIApp,
        *,
        limit: int,
        refuse: Callable[[Scope, int, str], Awaitable[Response]],
    ) -> None:
        self.app = app
        self.limit = limit
        self.refuse = refuse

    def _message(self) -> str:
        return (
            f"The upload is larger than the limit of {_megabytes(self.limit)}. Export only the "
            "survey you need, or save it as CSV (smaller than Excel). A larger limit is a "
            "setting of the app when it is started."
        )

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        length = Headers(scope=scope).get("content-length")
        if length is not None and length.isdigit() and int(length) > self.limit:
            response = await self.refuse(scope, 413, self._message())
            await response(scope, receive, send)
            return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise _BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except _BodyTooLarge:
            if started:
                raise
            response = await self.refuse(scope, 413, self._message())
            await response(scope, receive, send)


def _megabytes(size: int) -> str:
    megabytes = size / 1_000_000
    return f"{megabytes:g} MB" if megabytes >= 1 else f"{size / 1000:g} kB"
