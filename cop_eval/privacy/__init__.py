"""Privacy: the anonymity rule (one :class:`PrivacyPolicy` value) and pseudonymised ids.

- :mod:`cop_eval.privacy.policy`: :class:`PrivacyPolicy`, which figures may be shown (scale and
  comment thresholds, complementary suppression, the floor a threshold may not go below).
- :mod:`cop_eval.privacy.promise`: the promise every output prints, and the labels of hidden
  figures.
- :mod:`cop_eval.privacy.pseudonyms`: keyed hashing of respondent ids (HMAC-SHA256, project key).
"""

from cop_eval.privacy.policy import (
    DEFAULT_MIN_COMMENT_GROUP_SIZE,
    DEFAULT_MIN_GROUP_SIZE,
    DEFAULT_PRIVACY,
    RESIDUAL_REASON,
    PrivacyPolicy,
)
from cop_eval.privacy.promise import PROTECTS_SMALLER, TOO_FEW, anonymity_promise, hidden_label
from cop_eval.privacy.pseudonyms import (
    PSEUDONYM_PREFIX,
    create_key,
    load_or_create_key,
    normalise_identifier,
    pseudonymise,
    read_key,
)

__all__ = [
    "DEFAULT_MIN_COMMENT_GROUP_SIZE",
    "DEFAULT_MIN_GROUP_SIZE",
    "DEFAULT_PRIVACY",
    "PROTECTS_SMALLER",
    "PSEUDONYM_PREFIX",
    "RESIDUAL_REASON",
    "TOO_FEW",
    "PrivacyPolicy",
    "anonymity_promise",
    "create_key",
    "hidden_label",
    "load_or_create_key",
    "normalise_identifier",
    "pseudonymise",
    "read_key",
]
