"""Privacy: pseudonymised respondent identifiers (and, beside them, small-group suppression).

Identifiers (emails, staff numbers) are replaced by a keyed hash (HMAC-SHA256) before anything is
stored or reported. The key is a per-project secret kept outside the data (``cop-eval init`` makes
one); without a project, a per-user key in ``~/.config/cop-eval/secret.key`` keeps pseudonyms stable
across runs on this machine, so waves imported separately can still be matched. Set
``COP_EVAL_SECRET_FILE`` to use another key file.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterable, Mapping
from pathlib import Path

import pandas as pd

from cop_eval.errors import CopEvalError

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE",
    "PSEUDONYM_PREFIX",
    "default_key",
    "load_or_create_key",
    "pseudonymise",
    "residual_recoverable",
    "suppressed_groups",
    "suppression_reason",
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
            digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            token = PSEUDONYM_PREFIX + digest[:20]
            cache[text] = token
        out.append(token)
    return pd.Series(out, dtype="object")


# ---------------------------------------------------------------------------------------------
# Small-group suppression
# ---------------------------------------------------------------------------------------------

#: The smallest group any figure may describe (STATISTICS.md, "Anonymity").
DEFAULT_MIN_GROUP_SIZE = 5


def suppressed_groups(
    counts: Mapping[str, int],
    min_size: int = DEFAULT_MIN_GROUP_SIZE,
    also_hidden: Iterable[str] = (),
) -> frozenset[str]:
    """Groups whose figures must be hidden, primary and complementary.

    Parameters
    ----------
    counts
        Respondents per group in one cell family (e.g. one wave and scale). Include *every*
        group that makes up the published total, also people without a group value (as their
        own key), so that subtraction from the total is accounted for.
    min_size
        The smallest group a figure may describe.
    also_hidden
        Groups hidden for another reason (e.g. :func:`residual_recoverable`); complementary
        suppression protects them like small groups.

    Returns
    -------
    frozenset of str
        Primary suppression: every group with fewer than ``min_size`` respondents. Complementary
        suppression: while the hidden groups could be recovered from the total by subtraction
        (exactly one hidden group with respondents, or hidden groups that together have fewer
        than ``min_size``), the smallest visible group (ties broken by name) is hidden too.
        Afterwards ``total - sum(visible)`` only reveals a combination of at least two groups
        with at least ``min_size`` respondents together, or nothing.

    Examples
    --------
    >>> sorted(suppressed_groups({"HR": 40, "Finance": 3, "IT": 12, "Legal": 25}, 5))
    ['Finance', 'IT']
    >>> sorted(suppressed_groups({"HR": 40, "IT": 12}, 5))
    []
    """
    if min_size < 1:
        raise CopEvalError(f"the minimum group size must be at least 1, got {min_size}")
    for group, n in counts.items():
        if n < 0:
            raise ValueError(f"group {group!r} has a negative count ({n})")
    hidden = {g for g, n in counts.items() if n < min_size} | (set(also_hidden) & set(counts))
    while True:
        occupied = [g for g in hidden if counts[g] > 0]
        if not occupied:
            break
        hidden_total = sum(counts[g] for g in occupied)
        if len(occupied) >= 2 and hidden_total >= min_size:
            break
        candidates = sorted((counts[g], g) for g in counts if g not in hidden and counts[g] > 0)
        if not candidates:
            break
        hidden.add(candidates[0][1])
    return frozenset(hidden)


#: Shown in place of a paired comparison hidden by :func:`residual_recoverable`.
RESIDUAL_REASON = (
    "hidden so that the few respondents who answered only one of the two waves cannot be worked "
    "out from the wave means (anonymity rule)"
)


def residual_recoverable(residuals: Iterable[int], min_size: int = DEFAULT_MIN_GROUP_SIZE) -> bool:
    """Whether a paired comparison would give away the respondents outside the pairs.

    A paired change (mean difference over the matched people) shown beside each wave's mean
    (over everyone who answered it) lets a reader work out the sum of the scores of the people
    who are not in the pairs: with ``n`` pairs, ``n_later * mean_later - n * (mean_earlier +
    change)`` is the later wave's extra people minus the earlier wave's extra people. When all
    of one wave's people are matched, that is the total of the other wave's extra people alone,
    so one new joiner's score can be read exactly.

    Parameters
    ----------
    residuals
        The number of people in each wave's figure who are not in the pairs (earlier, later).
    min_size
        The smallest group a figure may describe.

    Returns
    -------
    bool
        True when the people outside the pairs are a single set of 1 to ``min_size - 1`` people,
        or several sets with fewer than ``min_size`` together (the same test as complementary
        suppression in :func:`suppressed_groups`): the comparison must then be hidden.

    Examples
    --------
    >>> residual_recoverable([0, 1], 5), residual_recoverable([0, 0], 5)
    (True, False)
    >>> residual_recoverable([6, 0], 5), residual_recoverable([2, 3], 5), residual_recoverable([1, 2], 5)
    (False, False, True)
    """
    occupied = [r for r in residuals if r > 0]
    if not occupied:
        return False
    if len(occupied) == 1:
        return occupied[0] < min_size
    return sum(occupied) < min_size


def suppression_reason(min_size: int, *, complementary: bool) -> str:
    """The plain-English reason shown in place of a hidden cell."""
    if complementary:
        return (
            "hidden so that a smaller hidden group cannot be worked out by subtraction "
            "(complementary suppression)"
        )
    return f"fewer than {min_size} respondents (anonymity rule)"
