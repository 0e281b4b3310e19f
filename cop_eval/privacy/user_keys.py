"""Keys kept per user, outside every project folder.

- :func:`user_key_path`: the command line's per-user pseudonym key, for respondent ids read from
  files without a project (:mod:`cop_eval.cli.keys` creates it and says so).
- :func:`cache_seal_key`: the key that seals what the web app keeps in a project folder
  (:mod:`cop_eval.web.page_store`). A project folder carries its own ``secret.key``, and folders
  are handed over (a colleague's, a backup, an e-mailed zip); a seal made with that key alone
  could be forged by whoever made the folder. Mixing in a key that never leaves this user's
  configuration means only entries written by this user on this machine are ever loaded: a
  folder from anyone else has its pages computed again.

Both live in ``$XDG_CONFIG_HOME/cop-eval/`` (by default ``~/.config/cop-eval/``), or beside
``$COP_EVAL_SECRET_FILE`` when that is set.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cop_eval.errors import CopEvalError
from cop_eval.privacy.pseudonyms import load_or_create_key

__all__ = ["cache_seal_key", "user_key_path"]

_CACHE_KEY_NAME = "web-cache.key"


def user_key_path() -> Path:
    """Where the per-user pseudonym key lives (the file need not exist yet)."""
    configured = os.environ.get("COP_EVAL_SECRET_FILE")
    if configured:
        return Path(configured)
    base = Path(os.environ.get("XDG_CONFIG_HOME") or Path.home() / ".config")
    return base / "cop-eval" / "secret.key"


def cache_seal_key(project_secret: bytes, purpose: bytes) -> bytes | None:
    """The key sealing a project's kept pages for ``purpose``: this user's cache key (made on
    first use, mode 0600) and the project's secret together; ``None`` when the user's
    configuration folder cannot be read or written (nothing is kept then).
    tests/web/test_page_store.py checks that another user's entries, and entries sealed with the
    project's key alone, are never loaded.
    """
    try:
        mine = load_or_create_key(user_key_path().parent / _CACHE_KEY_NAME)
    except (CopEvalError, OSError):
        return None
    return hmac.new(mine, hashlib.sha256(project_secret).digest() + purpose, "sha256").digest()
