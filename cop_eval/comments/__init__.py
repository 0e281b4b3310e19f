"""Free-text comments: redaction, themes, sentiment and coding agreement.

- :mod:`cop_eval.comments.redaction`: names, e-mails, phone numbers, URLs, staff/NHS numbers and
  postcodes replaced by markers before any comment is shown.
"""

from cop_eval.comments.redaction import MARKERS, Redacted, Redaction, RedactionRules, redact

__all__ = ["MARKERS", "Redacted", "Redaction", "RedactionRules", "redact"]
