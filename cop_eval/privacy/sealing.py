"""Sealed text: free text kept in the store encrypted with a key derived from the project key.

A comment is stored twice: redacted (the only form ever shown) and *sealed*, the text as
answered, so that the user can review what was redacted and redact again with more names without
re-importing. Sealing is AES-256-GCM (authenticated: a changed byte is detected) with a fresh
random nonce per text and a key derived from ``secret.key`` with HKDF-SHA256; ``secret.key``
lives outside the database, so the database alone never reveals a comment as written.
"""

from __future__ import annotations

import secrets

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from cop_eval.errors import StoreError

__all__ = ["Sealer"]

_VERSION = b"\x01"
_NONCE_BYTES = 12
_INFO = b"cop-eval sealed text v1"


class Sealer:
    """Seals and opens texts with one project key.

    Parameters
    ----------
    key
        The project's secret key (``secret.key``).

    Examples
    --------
    >>> sealer = Sealer(b"0" * 32)
    >>> blob = sealer.seal("Thanks to Priya", "comment")
    >>> b"Priya" in blob, sealer.open(blob, "comment")
    (False, 'Thanks to Priya')
    """

    def __init__(self, key: bytes) -> None:
        derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(key)
        self._aead = AESGCM(derived)

    def seal(self, text: str, context: str) -> bytes:
        """Encrypt ``text``; ``context`` (e.g. ``"comment"``) must be given again to open it."""
        nonce = secrets.token_bytes(_NONCE_BYTES)
        sealed = self._aead.encrypt(nonce, text.encode("utf-8"), context.encode("utf-8"))
        return _VERSION + nonce + sealed

    def open(self, blob: bytes, context: str) -> str:
        """Decrypt a sealed text; :class:`StoreError` when it was changed or sealed elsewise."""
        if blob[:1] != _VERSION:
            raise StoreError("a sealed text has an unknown format; upgrade cop-eval.")
        nonce, sealed = blob[1 : 1 + _NONCE_BYTES], blob[1 + _NONCE_BYTES :]
        try:
            return self._aead.decrypt(nonce, sealed, context.encode("utf-8")).decode("utf-8")
        except InvalidTag:
            raise StoreError(
                "a sealed text cannot be opened with this project's key: the key file is not "
                "the project's, or the database was changed. Restore both from a backup."
            ) from None
