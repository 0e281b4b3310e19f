"""The command line's per-user key, for respondent ids read from files without ``--project``.

The library never makes a key by itself (:mod:`cop_eval.privacy.pseudonyms`). The command line
does, so that waves read from files on separate runs can still be matched by their pseudonyms:
``$COP_EVAL_SECRET_FILE``, else ``$XDG_CONFIG_HOME/cop-eval/secret.key`` (by default
``~/.config/cop-eval/secret.key``). It says so on stderr when it creates the file. A project
(``cop-eval init``) keeps its own key instead, beside its store.
"""

from __future__ import annotations

from cop_eval.cli.terms import cli_term
from cop_eval.errors import CopEvalError
from cop_eval.privacy import load_or_create_key
from cop_eval.privacy.user_keys import user_key_path

__all__ = ["user_key", "user_key_path"]


def user_key() -> bytes:
    """The per-user key, created on first use (with a note on stderr saying where)."""
    from rich.text import Text

    from cop_eval.cli.common import err

    path = user_key_path()
    existed = path.exists()
    try:
        key = load_or_create_key(path)
    except CopEvalError as exc:
        raise CopEvalError(
            f"{exc.render(cli_term)} Set COP_EVAL_SECRET_FILE to a key file in a writable place, or read the "
            "data into a project (cop-eval init DIR; cop-eval import DATA --project DIR)."
        ) from exc
    if not existed:
        err.print(
            Text(
                f"note: respondent ids are pseudonymised with a per-user secret key, created now "
                f"in {path}; keep it (the same ids give the same pseudonyms only with it), or use "
                "a project (cop-eval init), which keeps its own key."
            )
        )
    return key
