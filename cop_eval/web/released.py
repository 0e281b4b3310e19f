"""What a web page shows is a release: checked against the project's ledger, recorded when served.

The differencing rule (:mod:`cop_eval.privacy.differencing`) compares every set of respondents a
page shows with what the project showed before (reports and pages). Results are built ahead (the
background warm-up) and kept, so building is not showing: :func:`page_releases` lists, when the
results are built, the sets they would show; a page records them only when it is served to the
practitioner (:func:`cop_eval.web.results.serve`), after checking them against whatever was
recorded since the build (:func:`stale_releases`). Recording does not move the project's revision
(:meth:`cop_eval.store.project.Project.revision`), so a page view does not throw away the results
kept for the other pages.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cop_eval.errors import OptionError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.privacy.differencing import Release, differencing_withheld, unsafe_pair
from cop_eval.report.build_groups import group_members, group_values, report_releases
from cop_eval.report.facts import ReportFacts
from cop_eval.responses import ResponseSet
from cop_eval.web.services import open_project

if TYPE_CHECKING:
    from cop_eval.web.results import Results, ResultsCache, ResultsKey

__all__ = ["page_releases", "refuse_differencing", "refused_filter", "serve", "stale_releases"]


def _what(group_column: str | None, group: str) -> str:
    return f"web results ({group_column} = {group})" if group else "web results"


def page_releases(
    waves: Sequence[ResponseSet], facts: ReportFacts, group_column: str | None, group: str
) -> tuple[Release, ...]:
    """The sets of respondents the page of ``facts`` shows: each wave's total, each shown
    subgroup (``waves`` as the page has them: restricted to ``group`` when it filters)."""
    if facts.participation is None:
        return ()
    return tuple(report_releases(waves, facts.participation, _what(group_column, group)))


def refused_filter(group: str, wave: str, what: str, privacy: PrivacyPolicy) -> OptionError:
    """The message of a subgroup filter that the differencing rule refuses."""
    return OptionError(
        f"'{group}' cannot be shown on its own: in wave {wave} its members differ from a group "
        f"already shown ({what}) by fewer than {privacy.min_group_size} respondents, so "
        "subtracting one from the other would reveal them (anonymity rule). Choose another "
        "subgroup or 'All respondents'."
    )


def refuse_differencing(
    waves: Sequence[ResponseSet],
    column: str,
    group: str,
    released: Sequence[Release],
    privacy: PrivacyPolicy,
) -> None:
    """Refuse the filter ``group`` of ``column`` when its members differ from something already
    shown by 1..N-1 people."""
    for index, rs in enumerate(waves):
        values = group_values(rs, column, index, str(rs.wave))
        members = group_members(rs, values, [group])
        clash = differencing_withheld(str(rs.wave), members, released, privacy.min_group_size)
        if clash:
            raise refused_filter(group, str(rs.wave), clash[group], privacy)


def stale_releases(
    shown: Sequence[Release], recorded: Sequence[Release], min_group_size: int
) -> list[tuple[Release, Release]]:
    """Each set of ``shown`` that conflicts with one of ``recorded`` (recorded after the page
    was built), with the recorded one.

    Examples
    --------
    >>> big = frozenset(f"p{i}" for i in range(20))
    >>> page = [Release("w1", "web results", big | {"x"})]
    >>> [r.what for _, r in stale_releases(page, [Release("w1", "report: BIG", big)], 5)]
    ['report: BIG']
    >>> stale_releases(page, page, 5)
    []
    """
    found: list[tuple[Release, Release]] = []
    for mine in shown:
        for other in recorded:
            if other.wave == mine.wave and unsafe_pair(mine.members, other.members, min_group_size):
                found.append((mine, other))
                break
    return found


def serve(key: ResultsKey, results: Results, cache: ResultsCache) -> Results:
    """The results of ``key`` as the practitioner is about to see them, recorded as shown.

    What was recorded since ``results`` were built (another page, a report from the command
    line) is checked first: a subgroup filter that now differs from something shown by 1..N-1
    people is refused; results whose subgroup table does are built again under the present
    ledger. Then the sets of respondents the page shows are recorded in the project.

    Raises
    ------
    OptionError
        The filtered subgroup differs from a group shown since by too few respondents.
    """
    from cop_eval.web.results import build_results  # results.py calls this module

    min_size = key.privacy.min_group_size
    for _ in range(2):
        with open_project(Path(key.directory)) as project:
            since = project.releases(after=results.ledger)
        stale = stale_releases(results.releases, since, min_size)
        if not stale:
            break
        mine, other = stale[0]
        if key.group:  # a filtered page shows one set: the subgroup's members
            raise refused_filter(key.group, mine.wave, other.what, key.privacy)
        results = build_results(key, cache)  # the subgroup table under the present ledger
    with open_project(Path(key.directory)) as project:
        project.record_releases(results.releases, made_by="web")
    return results
