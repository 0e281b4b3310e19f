"""Privacy: pseudonymised respondent identifiers and small-group suppression.

- :mod:`cop_eval.privacy.pseudonyms`: keyed hashing of respondent ids (HMAC-SHA256, project key).
- :mod:`cop_eval.privacy.suppression`: which cells are hidden (primary and complementary rules).
"""

from cop_eval.privacy.pseudonyms import (
    PSEUDONYM_PREFIX,
    default_key,
    load_or_create_key,
    normalise_identifier,
    pseudonymise,
)
from cop_eval.privacy.suppression import (
    DEFAULT_MIN_GROUP_SIZE,
    RESIDUAL_REASON,
    residual_recoverable,
    suppressed_groups,
    suppression_reason,
)

__all__ = [
    "DEFAULT_MIN_GROUP_SIZE",
    "PSEUDONYM_PREFIX",
    "RESIDUAL_REASON",
    "default_key",
    "load_or_create_key",
    "normalise_identifier",
    "pseudonymise",
    "residual_recoverable",
    "suppressed_groups",
    "suppression_reason",
]
