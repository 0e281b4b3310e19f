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
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

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


def _keyed_states(key: bytes) -> tuple[Any, Any]:
    """The two keyed SHA-256 states of HMAC (RFC 2104): ``H((K ^ opad) || H((K ^ ipad) || m))``.

    Hashed once and copied per message, they give ``hmac.new(key, m, sha256)``'s digest in under
    half the time of a new ``hmac`` object per id.
    """
    block = hashlib.sha256().block_size
    padded = (hashlib.sha256(key).digest() if len(key) > block else key).ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in padded))
    outer = hashlib.sha256(bytes(byte ^ 0x5C for byte in padded))
    return inner, outer


def _tokens(texts: Iterable[object], key: bytes) -> list[str | None]:
    """One pseudonym (or ``None`` for a missing or blank id) per value."""
    inner, outer = _keyed_states(key)
    start_inner, start_outer = inner.copy, outer.copy
    out: list[str | None] = []
    for raw in texts:
        if raw is None or (isinstance(raw, float) and raw != raw):
            out.append(None)
            continue
        text = normalise_identifier(str(raw))
        if not text:
            out.append(None)
            continue
        state = start_inner()
        state.update(text.encode("utf-8"))
        result = start_outer()
        result.update(state.digest())
        out.append(PSEUDONYM_PREFIX + result.hexdigest()[:20])
    return out


def _distinct_text(identifiers: Iterable[object]) -> tuple[list[object], npt.NDArray[Any]] | None:
    """(distinct values, index of each id's value) when the ids are all text or missing."""
    if isinstance(identifiers, pa.ChunkedArray):
        array: pa.Array = identifiers.combine_chunks()
    elif isinstance(identifiers, pa.Array):
        array = identifiers
    else:
        try:
            array = pa.array(identifiers, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            return None
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return None
    encoded = pc.dictionary_encode(array)
    distinct: list[object] = encoded.dictionary.to_pylist()
    index = encoded.indices.fill_null(len(distinct)).to_numpy(zero_copy_only=False)
    return [*distinct, None], index


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
    if not isinstance(identifiers, pa.Array | pa.ChunkedArray | np.ndarray | pd.Series):
        identifiers = list(identifiers)  # read once: a generator is not read again
    distinct = _distinct_text(identifiers)
    if distinct is None:  # numbers or mixed objects: each value as text, one by one
        return pd.Series(_tokens(identifiers, key), dtype="object")
    values, index = distinct  # text: each distinct value hashed once
    tokens = np.array(_tokens(values, key), dtype=object)
    return pd.Series(tokens[index], dtype="object")
