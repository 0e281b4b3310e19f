"""No stored wave has a subgroup column whose values are the names of people on the roster.

A group's value is printed as its name, even when the group is hidden. The names are those of the
members roster and the names a project redacts (:meth:`cop_eval.store.comments.CommentStore.terms`),
compared by :func:`cop_eval.privacy.identifiers.name_key` (NFKC, case folding). Whichever comes
second is refused: a wave whose groups are roster names, or a roster naming a stored wave's groups.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from cop_eval.errors import CopEvalError
from cop_eval.responses import ResponseSet

if TYPE_CHECKING:
    from cop_eval.store.models import WaveInfo
    from cop_eval.store.project import Project


class _Waves(Protocol):
    def waves(self) -> list[WaveInfo]: ...
    def load_wave(self, label: str) -> ResponseSet: ...


__all__ = ["refuse_named_wave", "refuse_roster_naming_groups"]


def refuse_named_wave(project: Project, responses: ResponseSet) -> None:
    """Refuse a wave about to be stored whose subgroup values are names the project knows."""
    from cop_eval.compare.grouping import refuse_named_groups

    try:
        names = project.comments.terms().names
    except CopEvalError:
        return  # without the key no names can be read (and no wave can be stored)
    refuse_named_groups(responses.groups, names, responses.row_numbers, responses.source)


def refuse_roster_naming_groups(project: _Waves, path: Path, id_column: str | None) -> None:
    """Refuse a roster whose people's names are subgroup values of a stored wave (the wave must
    be stored again without that column first)."""
    from cop_eval.comments.roster_names import names_in_roster
    from cop_eval.compare.grouping import refuse_named_groups

    names = names_in_roster(path, id_column)
    for info in project.waves() if names else ():
        if info.group_columns:
            refuse_named_groups(
                project.load_wave(info.label).groups, names, None,
                f"{path.name}: the roster names people who are subgroup values of wave "
                f"{info.label!r}",
                fix="store that wave again without this column, then import the roster",
            )  # fmt: skip
