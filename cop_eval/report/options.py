"""What a report is asked to be: one frozen value instead of a row of keyword arguments.

:class:`ReportOptions` is passed unchanged from the command line, the web app and the demo to
:func:`cop_eval.report.build.build_report_model`. A new report feature adds a field here (with a
default that keeps today's report), not a keyword to every function on the way.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from cop_eval.comments.codebook import Codebook
from cop_eval.cycle.inputs import CycleInputs
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.privacy.differencing import Release

__all__ = ["DEFAULT_TITLE", "ReportOptions"]

DEFAULT_TITLE = "Community of Practice evaluation"


@dataclass(frozen=True)
class ReportOptions:
    """Options of the board report; every field has a default.

    Parameters
    ----------
    labels
        Wave labels, one per response set (default: each response set's ``wave``, else
        "Wave 1", "Wave 2", ...).
    group_column
        A subgroup column read with the data (role, strand), for the participation table and the
        subgroup heatmaps.
    privacy
        The anonymity rule (:class:`~cop_eval.privacy.PrivacyPolicy`; default: no figure
        describes fewer than 5 respondents, with complementary suppression).
    members
        Membership size (for response rates): one number, or sizes per subgroup.
    title, organisation
        Cover page text.
    date
        The date the report was made, printed on the cover (default: today).
    codebook
        The themes of the section "What members said" (a codebook or its YAML path; default:
        the built-in codebook). The section appears when the instruments ask open questions
        and someone answered them.
    cycle
        The evaluation cycle around the survey (:class:`~cop_eval.cycle.inputs.CycleInputs`,
        e.g. ``CycleInputs.from_project(project)``): the report then has a "Purpose and
        context" section, response rates from each wave's membership (members only, per
        subgroup), attendance, and a "Review and revise" section on the actions agreed. Its
        membership wins over ``members``.
    wave_dates
        The dates the waves were run (text, one per wave; ``None`` where unknown), printed on
        the cover beside the wave labels.
    merge_small_groups
        Declare the "Other" rule: subgroups too small in any wave are reported together under
        this name instead of being hidden (:func:`cop_eval.compare.grouping.merge_small_groups`);
        ``None`` (default): small subgroups are hidden.
    released
        What earlier reports of the same project showed (``project.releases()``): a subgroup
        whose members differ from one of them by 1 to N-1 respondents is withheld (the
        differencing rule, :mod:`cop_eval.privacy.differencing`).

    Examples
    --------
    >>> options = ReportOptions(labels=("2024", "2025"), members=48)
    >>> options.title, options.privacy.min_group_size
    ('Community of Practice evaluation', 5)
    >>> ReportOptions(members={"HR": 20, "Trainers": 9}).members["HR"]
    20
    """

    labels: tuple[str, ...] | None = None
    group_column: str | None = None
    privacy: PrivacyPolicy = DEFAULT_PRIVACY
    members: int | Mapping[str, int] | None = None
    title: str = DEFAULT_TITLE
    organisation: str | None = None
    date: str | None = None
    cycle: CycleInputs | None = None
    codebook: Codebook | Path | None = None
    wave_dates: tuple[str | None, ...] | None = None
    merge_small_groups: str | None = None
    released: tuple[Release, ...] = ()

    def __post_init__(self) -> None:
        for name in ("labels", "wave_dates", "released"):
            value = getattr(self, name)
            if value is not None and not isinstance(value, tuple):
                object.__setattr__(self, name, tuple(value))
        if isinstance(self.members, Mapping):
            # A read-only copy, so that the options stay what they were when made.
            frozen = MappingProxyType({str(k): int(v) for k, v in self.members.items()})
            object.__setattr__(self, "members", frozen)

    @property
    def report_title(self) -> str:
        """The title as printed: the default when left blank."""
        return self.title.strip() or DEFAULT_TITLE
