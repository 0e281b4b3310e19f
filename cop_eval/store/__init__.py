"""The project store: waves, their answers, the evaluation cycle and an audit trail in one file.

See ``docs/projects.md`` for the user's view. Raw respondent ids never reach the store: waves
arrive as :class:`~cop_eval.responses.ResponseSet` values whose ids were pseudonymised with the
project's key (``Project.key``), and :meth:`Project.add_wave` refuses anything else.
"""

from cop_eval.store.cycle_models import (
    ACTION_STATUSES,
    CONTEXT_FIELDS,
    Action,
    ActionNote,
    AttendanceImport,
    AttendanceOutcome,
    AttendanceRecord,
    ProjectContext,
    RejectedRecord,
    RosterOutcome,
    WaveMembership,
)
from cop_eval.store.models import AuditEntry, ImportOutcome, InstrumentRef, WaveInfo
from cop_eval.store.project import DATABASE_NAME, KEY_NAME, Project, sha256_file
from cop_eval.store.schema import MIGRATIONS, SCHEMA_VERSION, Migration

__all__ = [
    "ACTION_STATUSES",
    "CONTEXT_FIELDS",
    "DATABASE_NAME",
    "KEY_NAME",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "Action",
    "ActionNote",
    "AttendanceImport",
    "AttendanceOutcome",
    "AttendanceRecord",
    "AuditEntry",
    "ImportOutcome",
    "InstrumentRef",
    "Migration",
    "Project",
    "ProjectContext",
    "RejectedRecord",
    "RosterOutcome",
    "WaveInfo",
    "WaveMembership",
    "sha256_file",
]
