"""The differencing ledger for the commands that show a project's subgroups (equity, compare).

Run on a project (``--project``), a command reads what the project's outputs showed before, hides
each subgroup whose members differ from one of them by 1 to N-1 respondents (the differencing
rule, :mod:`cop_eval.privacy.differencing`), and records the subgroups it showed. Run on DATA
files there is no project and no ledger: only the rules within the one output apply.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path

from rich.text import Text

from cop_eval.cli.common import err
from cop_eval.privacy import PrivacyPolicy
from cop_eval.report.build_groups import participation_facts, report_releases
from cop_eval.report.facts import ParticipationFacts
from cop_eval.responses import ResponseSet

__all__ = ["ProjectLedger"]


class ProjectLedger:
    """What a command may show of a project's subgroups, and the record of what it showed."""

    def __init__(
        self,
        project_dir: Path,
        responses: Sequence[ResponseSet],
        labels: Sequence[str],
        column: str,
        privacy: PrivacyPolicy,
    ) -> None:
        from cop_eval.store import Project

        with Project.open(project_dir) as project:
            released = tuple(project.releases())
        self.project_dir = project_dir
        self.responses = list(responses)
        self.participation: ParticipationFacts = participation_facts(
            self.responses, tuple(labels), column, privacy, None, (), "independent", released
        )

    def withheld(self) -> dict[str, set[str]]:
        """``{wave label: subgroups}`` the differencing rule hides."""
        return self.participation.withheld_by_wave()

    def record(self, command: str) -> None:
        """Record the subgroups shown by ``command`` (a read-only project cannot: say so)."""
        from cop_eval.store import Project

        what = f"{command} of {dt.date.today().isoformat()}"
        with Project.open(self.project_dir) as project:
            if project.read_only:
                err.print(
                    Text(
                        f"note: the project folder is read-only, so what {command} shows is not "
                        "recorded: a later report cannot take it into account (differencing rule)."
                    )
                )
                return
            project.record_releases(
                report_releases(self.responses, self.participation, what), made_by=command
            )
