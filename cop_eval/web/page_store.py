"""What the pages of a project show, kept on disk in the project folder until the data change.

Results, charts and the board report's PDF take seconds to compute; the practitioner should
wait for them once per change of the project, not once per start of the app. The
:class:`PageStore` of a project keeps them in ``DIR/web-cache/``, one file per entry, named by a
hash of the entry's key. Every key holds what the entry depends on: the project's revision
(:meth:`cop_eval.store.project.Project.revision`, moved by every stored change), the waves, the
subgroup, the anonymity rule (and, for the PDF, the cover), and the cop-eval version, which
:meth:`PageStore.load` checks again in the file: an entry of another state is never used.

The files are written whole or not at all (:func:`cop_eval.outputs.write_atomic`) and sealed
with a keyed hash (HMAC-SHA-256) under a key derived from the project's ``secret.key`` and this
user's own cache key, which never leaves their configuration folder
(:func:`cop_eval.privacy.user_keys.cache_seal_key`): a file cut short, edited, copied from
another project, or written by anyone else (a project folder handed over carries its
``secret.key``, so a seal under that key alone could be forged) does not pass, is removed, and
its entry is computed again (never shown). Only then is it unpickled, so the store loads
nothing this user's cop-eval did not write itself. A store that cannot be written (a read-only folder, a full disk) only costs time:
the pages are computed as before.

Entries of an older revision are left behind by a change; :meth:`PageStore.prune` removes those
not used for a week, so the folder does not grow without end.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import os
import pickle
import time
from pathlib import Path

from cop_eval import __version__
from cop_eval.errors import CopEvalError
from cop_eval.outputs import write_atomic
from cop_eval.privacy.pseudonyms import read_key
from cop_eval.privacy.user_keys import cache_seal_key
from cop_eval.store.project import KEY_NAME

__all__ = ["CACHE_DIR", "PageStore"]

#: The store's folder inside the project folder.
CACHE_DIR = "web-cache"

_MAGIC = b"cop-eval web cache 2\n"
_SEAL = hashlib.sha256().digest_size
_WEEK = 7 * 24 * 3600

log = logging.getLogger(__name__)


class PageStore:
    """Sealed entries of one project (``directory``), each under a key of plain values.

    Parameters
    ----------
    directory
        The project folder; the entries go to ``directory/web-cache``.
    """

    def __init__(self, directory: Path) -> None:
        self.folder = Path(directory) / CACHE_DIR
        self._seal_key: bytes | None = None
        self._key_path = Path(directory) / KEY_NAME

    def _key(self) -> bytes | None:
        if self._seal_key is None:
            try:
                secret = read_key(self._key_path)
            except (CopEvalError, OSError):
                return None  # no key, no store: everything is computed as before
            self._seal_key = cache_seal_key(secret, b"cop-eval web cache")
        return self._seal_key

    def path(self, kind: str, key: object) -> Path:
        """The file of the entry ``kind`` / ``key``."""
        name = hashlib.sha256(f"{__version__}\n{kind}\n{key!r}".encode()).hexdigest()[:40]
        return self.folder / f"{kind}-{name}.bin"

    def load(self, kind: str, key: object) -> object | None:
        """The entry, or ``None`` when there is none for this state (a damaged or foreign file
        is removed)."""
        seal_key = self._key()
        target = self.path(kind, key)
        if seal_key is None:
            return None
        try:
            data = target.read_bytes()
        except OSError:
            return None
        head = len(_MAGIC)
        seal, payload = data[head : head + _SEAL], data[head + _SEAL :]
        expected = hmac.new(seal_key, payload, hashlib.sha256).digest()
        if not data.startswith(_MAGIC) or not hmac.compare_digest(seal, expected):
            log.warning("%s: not a sound entry of this project's store; computing it again", target)
            target.unlink(missing_ok=True)
            return None
        try:
            version, stored_key, value = pickle.loads(payload)  # sealed by this project's key
        except Exception:  # a sealed file this cop-eval cannot read (classes changed): rebuild
            target.unlink(missing_ok=True)
            return None
        if version != __version__ or stored_key != repr(key):
            return None
        os.utime(target)  # used: kept by prune
        found: object = value
        return found

    def save(self, kind: str, key: object, value: object) -> None:
        """Keep ``value`` as the entry ``kind`` / ``key`` (silently not, when it cannot be)."""
        seal_key = self._key()
        if seal_key is None:
            return
        payload = pickle.dumps((__version__, repr(key), value), protocol=pickle.HIGHEST_PROTOCOL)
        seal = hmac.new(seal_key, payload, hashlib.sha256).digest()
        target = self.path(kind, key)
        try:
            self.folder.mkdir(mode=0o700, exist_ok=True)
            write_atomic(target, _MAGIC + seal + payload, "a page kept for later")
        except (CopEvalError, OSError) as exc:
            log.warning("%s: not kept (%s); it will be computed again when asked for", target, exc)

    def prune(self, max_age: float = _WEEK) -> int:
        """Remove entries not used for ``max_age`` seconds; how many were removed."""
        removed = 0
        limit = time.time() - max_age
        try:
            files = list(self.folder.glob("*.bin"))
        except OSError:
            return 0
        for file in files:
            try:
                if file.stat().st_mtime < limit:
                    file.unlink()
                    removed += 1
            except OSError:
                continue
        return removed
