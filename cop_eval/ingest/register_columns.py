"""Which columns of a roster or register hold what, and whether the file is one at all.

The column names tried when the user names none (ids, subgroups, meeting dates, attendance,
minutes), and the check that refuses a survey export given as a roster.
"""

from __future__ import annotations

import re

from cop_eval.errors import DataImportError
from cop_eval.ingest.layouts import platform_export
from cop_eval.ingest.lists import ListTable, find_column

__all__ = [
    "ANSWER_COLUMNS",
    "ATTENDED_CANDIDATES",
    "DATE_CANDIDATES",
    "GROUP_CANDIDATES",
    "ID_CANDIDATES",
    "MINUTES_CANDIDATES",
    "refuse_survey_export",
    "subgroup_column",
]

#: Column names tried, in order, for the member id when none is named.
ID_CANDIDATES = (
    "email",
    "e-mail",
    "email address",
    "recipientemail",
    "member id",
    "staff number",
    "employee id",
    "id",
    "member",
    "name",
)
GROUP_CANDIDATES = ("strand", "subgroup", "group", "role", "team")
DATE_CANDIDATES = ("meeting date", "date", "meeting", "session date", "session")
ATTENDED_CANDIDATES = ("attended", "attendance", "present", "status")
MINUTES_CANDIDATES = ("minutes", "minutes attended", "duration")


def subgroup_column(table: ListTable, group_column: str | None, guess: bool) -> int | None:
    """The subgroup column: the one named, else (when ``guess``) the first of
    :data:`GROUP_CANDIDATES` present, else none."""
    if group_column is not None or not guess:
        return find_column(table, group_column, "the subgroup")
    return find_column(table, None, "the subgroup", GROUP_CANDIDATES, required=False)


#: Cells that are answers to a rating item: a code 0-10 or a common response-scale word.
_ANSWER = re.compile(
    r"\d|10|(strongly |somewhat |slightly )?(dis)?agree|neither.*|never|rarely|sometimes|often"
    r"|always|(very |not at all |not )?(satisfied|likely|important)|n/?a|don'?t know",
    re.IGNORECASE,
)
#: Platforms whose exports have header rows below the column names (they would be read as
#: members); a Microsoft or Google Forms export of a sign-up form is a list of members.
_HEADER_ROWS = {"Qualtrics", "SurveyMonkey"}
#: This many columns of answers make a file a survey export, not a list of members.
ANSWER_COLUMNS = 5


def _answer_columns(table: ListTable) -> int:
    """Columns whose cells (at least three filled) are all answers to rating items."""
    found = 0
    for index in range(len(table.names)):
        cells = [c for c in table.column(index) if c]
        if len(cells) >= 3 and all(_ANSWER.fullmatch(c) for c in cells):
            found += 1
    return found


def refuse_survey_export(table: ListTable) -> None:
    """A survey export given as a roster would store every respondent (and the platform's
    header rows) as a member: refused, saying what the file looks like (a Qualtrics or
    SurveyMonkey header, or :data:`ANSWER_COLUMNS` columns of rating answers)."""
    platform = platform_export([table.names, *table.rows[:3]])
    if platform not in _HEADER_ROWS:  # a sign-up form's export can be a list of members
        platform = None
    answers = _answer_columns(table) if platform is None else 0
    if platform is None and answers < ANSWER_COLUMNS:
        return
    what = (
        f"a {platform} survey export" if platform else f"survey answers ({answers} columns of them)"
    )
    raise DataImportError(
        f"{table.source}: this looks like {what}, not a roster of members. A roster has one row "
        "per member invited to the wave: a column of ids (e-mail, staff number or name) and "
        "optionally their subgroup. Import survey answers as a wave of the project instead."
    )
