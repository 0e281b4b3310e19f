"""Pseudonymised respondent identifiers.

Identifiers (emails, staff numbers) are replaced by a keyed hash (HMAC-SHA256) before anything is
stored or reported. The key is a per-project secret kept outside the data (``cop-eval init`` makes
one); without a project, a per-user key in ``~/.config/cop-eval/secret.key`` keeps pseudonyms stable
across runs on this machine, so waves imported separately can still be matched. Set
``COP_EVAL_SECRET_FILE`` to use another key file.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable, Iterable
from pathlib import Path

import pandas as pd

from cop_eval.errors import CopEvalError

__all__ = [
    "PSEUDONYM_PREFIX",
    "default_key",
    "load_or_create_key",
    "normalise_identifier",
    "pseudonymise",
]

PSEUDONYM_PREFIX = "p_"
_KEY_BYTES = 32


def normalise_identifier(raw: str) -> str:
    """The form an identifier is hashed in: surrounding space removed, case folded.

    ``" Jane.Doe@Example.org "`` and ``"jane.doe@example.org"`` are the same person.
    """
    return raw.strip().casefold()


def load_or_create_key(path: Path) -> bytes:
    """Read a secret key file, creating it (mode 0600) with 32 random bytes when absent."""
    try:
        if path.exists():
            key = path.read_bytes()
            if len(key) < 16:
                raise CopEvalError(
                    f"{path}: the secret key file is too short ({len(key)} bytes); it may be "
                    "damaged. Restore it from a backup (pseudonyms depend on it)."
                )
            return key
        path.parent.mkdir(parents=True, exist_ok=True)
        key = secrets.token_bytes(_KEY_BYTES)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as handle:
            handle.write(key)
        return key
    except OSError as exc:
        raise CopEvalError(
            f"{path}: cannot read or create the secret key file ({exc.strerror}). "
            "Set COP_EVAL_SECRET_FILE to a writable location."
        ) from None


def default_key() -> bytes:
    """The per-user key (``$COP_EVAL_SECRET_FILE`` or ``~/.config/cop-eval/secret.key``)."""
    configured = os.environ.get("COP_EVAL_SECRET_FILE")
    if configured:
        return load_or_create_key(Path(configured))
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return load_or_create_key(base / "cop-eval" / "secret.key")


def _hmac_sha256_hex(key: bytes) -> Callable[[bytes], str]:
    """``message -> hmac.new(key, message, sha256).hexdigest()``, from pre-keyed hash states.

    HMAC (RFC 2104) is ``H((K ^ opad) || H((K ^ ipad) || m))``: the two keyed states are hashed
    once here and copied per message, which is the same digest in under half the time of a new
    ``hmac`` object per id (700,000 ids: ~1.4 s -> ~0.6 s).
    """
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))

    def digest(message: bytes) -> str:
        state = inner.copy()
        state.update(message)
        result = outer.copy()
        result.update(state.digest())
        return result.hexdigest()

    return digest


def pseudonymise(identifiers: Iterable[object], key: bytes) -> pd.Series:
    """Replace identifiers by keyed hashes.

    Parameters
    ----------
    identifiers
        Raw ids; missing values (None, NaN, empty text) stay missing (``None``).
    key
        The project's (or user's) secret. The same id and key always give the same pseudonym;
        without the key a pseudonym cannot be traced back by hashing candidate ids.

    Returns
    -------
    pandas.Series of str
        ``"p_" + first 20 hex digits of HMAC-SHA256(key, normalised id)`` (80 bits: a collision
        among a million respondents has probability below 1e-12).
    """
    digest_of = _hmac_sha256_hex(key)
    out: list[str | None] = []
    cache: dict[str, str] = {}
    for raw in identifiers:
        if raw is None or (isinstance(raw, float) and raw != raw):
            out.append(None)
            continue
        text = normalise_identifier(str(raw))
        if not text:
            out.append(None)
            continue
        token = cache.get(text)
        if token is None:
            token = PSEUDONYM_PREFIX + digest_of(text.encode("utf-8"))[:20]
            cache[text] = token
        out.append(token)
    return pd.Series(out, dtype="object")
