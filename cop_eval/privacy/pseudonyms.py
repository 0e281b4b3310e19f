"""Pseudonymised respondent identifiers.

Identifiers (emails, staff numbers) are replaced by a keyed hash (HMAC-SHA256) before anything is
stored or reported. The key is a secret kept outside the data: a project's (``Project.key``; made
when the project is created), or a key file the caller names (:func:`read_key`, made once with
:func:`create_key`). Nothing here makes a key on its own: the command line keeps a per-user key
for files read without a project, and says so (see :mod:`cop_eval.cli.keys`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import unicodedata
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
    "create_key",
    "load_or_create_key",
    "normalise_identifier",
    "pseudonymise",
    "read_key",
]

PSEUDONYM_PREFIX = "p_"
_KEY_BYTES = 32


def normalise_identifier(raw: str) -> str:
    """The form an identifier is hashed in: surrounding space removed, Unicode NFC, case folded.

    ``" Jane.Doe@Example.org "`` and ``"jane.doe@example.org"`` are the same person, and so are
    ``"José"`` typed as one character and as ``e`` + combining accent (NFC and NFD). ASCII ids
    (nearly all) hash exactly as before NFC was added; an id stored in NFD by an earlier version
    gets a new pseudonym (it did not match its NFC twin before either).

    Examples
    --------
    >>> normalise_identifier("Jos\u00e9") == normalise_identifier("jose\u0301 ")
    True
    """
    text = raw.strip()
    if text.isascii():
        return text.casefold()
    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", text).casefold())


def read_key(path: Path) -> bytes:
    """Read a secret key file (at least 16 bytes; :func:`create_key` makes one).

    Raises
    ------
    CopEvalError
        The file is missing, unreadable or too short.
    """
    try:
        key = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise CopEvalError(
            f"{path}: no such secret key file; make one with "
            "cop_eval.privacy.create_key(path), and keep it (pseudonyms depend on it)."
        ) from exc
    except OSError as exc:
        raise CopEvalError(f"{path}: cannot read the secret key file ({exc.strerror}).") from exc
    if len(key) < 16:
        raise CopEvalError(
            f"{path}: the secret key file is too short ({len(key)} bytes); it may be "
            "damaged. Restore it from a backup (pseudonyms depend on it)."
        )
    return key


def create_key(path: Path) -> bytes:
    """Write a new secret key file (32 random bytes, mode 0600) and return the key.

    Raises
    ------
    CopEvalError
        The file exists already (it is never overwritten) or cannot be written.
    """
    path = Path(path)
    key = secrets.token_bytes(_KEY_BYTES)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError as exc:
        raise CopEvalError(
            f"{path}: a secret key file exists already; read it with read_key(path) (a new key "
            "would change every pseudonym)."
        ) from exc
    except OSError as exc:
        raise CopEvalError(f"{path}: cannot create the secret key file ({exc.strerror}).") from exc
    with os.fdopen(fd, "wb") as handle:
        handle.write(key)
    return key


def load_or_create_key(path: Path) -> bytes:
    """Read the secret key file at ``path``, creating it (:func:`create_key`) when absent.

    For keys whose place the caller chose (a project folder, the command line's per-user key).
    """
    if Path(path).exists():
        return read_key(path)
    try:
        return create_key(path)
    except CopEvalError as exc:
        if isinstance(exc.__cause__, FileExistsError):  # made meanwhile by another process
            return read_key(path)
        raise


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
        The secret (a project's, or a key file's). The same id and key always give the same pseudonym;
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
