"""The project store: waves, their answers and an audit trail in one SQLite file.

See ``docs/projects.md`` for the user's view. Raw respondent ids never reach the store: waves
arrive as :class:`~cop_eval.responses.ResponseSet` values whose ids were pseudonymised with the
project's key (``Project.key``), and :meth:`Project.add_wave` refuses anything else.
"""

from cop_eval.store.models import AuditEntry, ImportOutcome, InstrumentRef, WaveInfo
from cop_eval.store.project import DATABASE_NAME, KEY_NAME, Project, sha256_file
from cop_eval.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration

__all__ = [
    "DATABASE_NAME",
    "KEY_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "AuditEntry",
    "ImportOutcome",
    "InstrumentRef",
    "Migration",
    "Project",
    "WaveInfo",
    "sha256_file",
]
