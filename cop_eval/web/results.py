"""Results for the pages: the report's own model, built by the library for the chosen waves.

The web layer computes nothing. :func:`results_for` loads the stored waves, restricts them to one
subgroup when asked (after checking with the engine's suppression rule that the subgroup may be
shown at all), and calls :func:`cop_eval.report.build.build_report_facts` and
:func:`cop_eval.report.compose.compose_report` — the same calls, and so the same anonymity rules,
as the board report. Suppressed cells arrive without numbers, so no page can send one. Charts
are not drawn here: each figure points at its image in :class:`cop_eval.web.charts.ChartStore`.

Results are kept per :class:`ResultsKey`: the project's revision (it moves with every stored change:
a wave imported or replaced, the context, members, attendance or actions), the waves, the subgroup
and the anonymity rule. :data:`RESULT_STEPS` are the steps a progress page lists.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from cop_eval.compare.grouping import distinct_from_reserved, refuse_identifying_groups
from cop_eval.cycle.inputs import CycleInputs
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.measure.scoring import score_items
from cop_eval.privacy import DEFAULT_PRIVACY, PrivacyPolicy
from cop_eval.privacy.differencing import Release
from cop_eval.report.build import DEFAULT_TITLE, NO_GROUP, ReportOptions, build_report_facts
from cop_eval.report.compose import compose_report
from cop_eval.report.facts import ReportFacts
from cop_eval.report.model import ReportModel, Table
from cop_eval.report.render import ChartImage
from cop_eval.responses import ResponseSet
from cop_eval.store.models import WaveInfo
from cop_eval.web.charts import ChartStore
from cop_eval.web.page_store import PageStore
from cop_eval.web.released import page_releases, refuse_differencing, serve
from cop_eval.web.score_tables import scale_score_tables
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import codebook_digest, project_codebook

__all__ = [
    "ALL",
    "RESULT_STEPS",
    "Results",
    "ResultsCache",
    "ResultsKey",
    "SubgroupChoice",
    "build_results",
    "common_group_column",
    "results_for",
    "results_key",
    "scale_score_tables",
    "stored_waves",
    "subgroup_choices",
    "with_cover",
]

#: The value of the subgroup filter that means "everyone".
ALL = ""


@dataclass(frozen=True)
class SubgroupChoice:
    """A subgroup in the filter: ``hidden`` ones cannot be chosen (anonymity rule)."""

    value: str
    hidden: bool


@dataclass(frozen=True)
class Results:
    """What a results page shows: the report model, its facts and the drawn charts."""

    waves: tuple[str, ...]
    group_column: str | None
    group: str
    model: ReportModel
    facts: ReportFacts
    images: dict[str, ChartImage]
    scale_tables: tuple[Table, ...]
    choices: tuple[SubgroupChoice, ...]
    #: The sets of respondents the page shows, and the project's latest release when built
    #: (``Project.last_release``): recorded when served (:mod:`cop_eval.web.released`).
    releases: tuple[Release, ...] = ()
    ledger: int = 0


def common_group_column(waves: Sequence[ResponseSet]) -> str | None:
    """The subgroup column every one of ``waves`` carries (the first such), or ``None``."""
    if not waves:
        return None
    for column in waves[0].groups.columns:
        if all(column in rs.groups.columns for rs in waves[1:]):
            return str(column)
    return None


def _group_values(rs: ResponseSet, column: str) -> list[str]:
    refuse_identifying_groups(rs.groups[column], column)
    values = distinct_from_reserved(rs.groups[column].astype("object")).tolist()
    return [NO_GROUP if v is None or v != v or str(v).strip() == "" else str(v) for v in values]


def subgroup_choices(
    waves: Sequence[ResponseSet], column: str, privacy: PrivacyPolicy
) -> list[SubgroupChoice]:
    """Every subgroup of ``column`` in ``waves``; hidden when the suppression rule hides it in
    any of them (primary or complementary, :meth:`cop_eval.privacy.PrivacyPolicy.suppressed_groups`).

    Filtering the pages to a group hidden in the report would let its figures be read (or
    recovered from the total by subtraction), so such a filter is refused. Each scale is its own
    family: a group whose members skipped a scale can be hidden on that scale alone (and another
    group with it), so the scored counts of every scale of the common questionnaires count too.
    """
    names: dict[str, None] = {}
    hidden: set[str] = set()
    try:
        instruments = _instruments(waves)
    except OptionError:
        instruments = []
    for rs in waves:
        values = _group_values(rs, column)
        counts: dict[str, int] = {}
        for value in values:
            counts[value] = counts.get(value, 0) + 1
        names.update(dict.fromkeys(counts))
        hidden |= privacy.suppressed_groups(counts)
        codes = pd.Series(values, dtype="object")
        for instrument in instruments:
            scores = score_items(rs.items, instrument)
            for scale_id in scores.columns:
                scored = codes[scores[scale_id].notna().to_numpy()].value_counts()
                per_scale = {g: int(scored.get(g, 0)) for g in counts}
                hidden |= privacy.suppressed_groups(per_scale)
    return [SubgroupChoice(name, name in hidden) for name in sorted(names, key=str.casefold)]


def _only_group(rs: ResponseSet, column: str, group: str) -> ResponseSet:
    keep = np.array([v == group for v in _group_values(rs, column)], dtype=bool)
    return rs.take(np.flatnonzero(keep))


def _instruments(waves: Sequence[ResponseSet]) -> list[Instrument]:
    # Report on the instruments every chosen wave was imported with (in the first wave's order).
    common = [i for i in waves[0].instruments]
    for rs in waves[1:]:
        ids = {i.id for i in rs.instruments}
        common = [i for i in common if i.id in ids]
    if not common:
        raise OptionError(
            "These waves have no questionnaire in common, so they cannot be reported together. "
            "Choose waves imported with the same questionnaire."
        )
    return common


class ResultsCache:
    """Built results, most recent last; at most ``size`` kept. ``charts`` holds their charts.

    With ``disk``, results (and their charts) are also kept in each project's
    :class:`~cop_eval.web.page_store.PageStore`, and looked for there when they are not in
    memory: after a restart of the app, the pages of an unchanged project are not computed again.
    """

    def __init__(self, size: int = 12, *, disk: bool = False) -> None:
        self.size = size
        self._items: OrderedDict[Hashable, Results] = OrderedDict()
        self._lock = threading.Lock()
        # The model builder is not made for concurrent use: one build at a time.
        self.build_lock = threading.Lock()
        self.charts = ChartStore()
        self.disk = disk
        self._stores: dict[str, PageStore] = {}
        #: Board PDFs being laid out, by their key: asked for again meanwhile (the preparing and
        #: a click on the report page), the same layout is waited for, not started twice.
        self.pdfs_under_way: dict[Hashable, Callable[[], bytes]] = {}
        self.pdf_lock = threading.Lock()

    def store(self, directory: str) -> PageStore | None:
        """The page store of the project in ``directory`` (``None`` without ``disk``)."""
        if not self.disk:
            return None
        with self._lock:
            found = self._stores.get(directory)
            if found is None:
                found = self._stores[directory] = PageStore(Path(directory))
            return found

    def has(self, key: ResultsKey) -> bool:
        """Whether the results of ``key`` are kept (in memory, or a file in the project's
        store), without loading them."""
        with self._lock:
            if key in self._items:
                return True
        store = self.store(key.directory)
        return store is not None and store.path("results", key).is_file()

    def get(self, key: Hashable) -> Results | None:
        """The results of ``key``: kept in memory, or in the project's store."""
        with self._lock:
            found = self._items.get(key)
            if found is not None:
                self._items.move_to_end(key)
                return found
        store = self.store(key.directory) if isinstance(key, ResultsKey) else None
        kept = store.load("results", key) if store is not None else None
        if not isinstance(kept, Results):
            return None
        self.charts.register(kept.model, store)
        self._remember(key, kept)
        return kept

    def put(self, key: Hashable, value: Results) -> None:
        """Keep ``value`` (also on disk, for a :class:`ResultsKey`)."""
        self._remember(key, value)
        store = self.store(key.directory) if isinstance(key, ResultsKey) else None
        if store is not None:
            store.save("results", key, value)

    def _remember(self, key: Hashable, value: Results) -> None:
        with self._lock:
            self._items[key] = value
            while len(self._items) > self.size:
                self._items.popitem(last=False)


@dataclass(frozen=True)
class ResultsKey:
    """What results depend on: the project's state (its revision), the waves, subgroup and rule."""

    directory: str
    revision: int
    labels: tuple[str, ...]
    group: str
    privacy: PrivacyPolicy
    #: The project's own codebook (a digest of its file; ``""``: the built-in one).
    codebook: str = ""


#: The steps of building results, as the progress page lists them.
RESULT_STEPS = (
    "Reading the stored waves",
    "Checking which subgroups may be shown",
    "Scoring, reliability and wave comparison",
    "Laying out the results",
)


def stored_waves(directory: Path) -> list[WaveInfo]:
    """The stored waves (for the wave pickers)."""
    with open_project(directory) as project:
        return project.waves()


def results_key(
    directory: Path, labels: Sequence[str], *, group: str = ALL, privacy: PrivacyPolicy
) -> ResultsKey:
    """The key of the results of ``labels`` (time order) in the project's present state.

    Raises
    ------
    OptionError
        No waves chosen.
    StoreError
        A wave label that is not stored.
    """
    if not labels:
        raise OptionError("Import a wave first: there are no results without survey answers.")
    with open_project(directory) as project:
        infos = [project.wave(label) for label in labels]
        revision = project.revision()  # any change to waves, context, members or actions
    labels = tuple(w.label for w in infos)
    return ResultsKey(str(directory), revision, labels, group, privacy, codebook_digest(directory))


def _no_progress(step: str) -> None:
    return None


def build_results(
    key: ResultsKey, cache: ResultsCache, step: Callable[[str], None] = _no_progress
) -> Results:
    """Compute the results of ``key`` and keep them in ``cache``; ``step`` hears each step.

    Raises
    ------
    OptionError
        A subgroup that the anonymity rule hides, or that does not exist.
    """
    group, privacy = key.group, key.privacy
    step(RESULT_STEPS[0])
    with open_project(Path(key.directory)) as project:
        waves = project.load_waves(list(key.labels))
        # The cycle (context, membership, attendance, actions) describes the whole group.
        cycle = CycleInputs.from_project(project) if group == ALL else None
        ledger = project.last_release()
        released = tuple(project.releases())
    step(RESULT_STEPS[1])
    column = common_group_column(waves)
    choices = subgroup_choices(waves, column, privacy) if column else []
    if group != ALL:
        _check_group(column, choices, group, privacy)
        assert column is not None  # _check_group refuses a filter without a subgroup column
        refuse_differencing(waves, column, group, released, privacy)
        waves = [_only_group(rs, column, group) for rs in waves]
    step(RESULT_STEPS[2])
    options = ReportOptions(
        labels=key.labels,
        group_column=column,
        privacy=privacy,
        cycle=cycle,
        released=released,
        codebook=project_codebook(Path(key.directory)) if key.codebook else None,
    )
    with cache.build_lock:
        facts = build_report_facts(waves, _instruments(waves), options)
        step(RESULT_STEPS[3])
        model = compose_report(facts)
    results = Results(
        waves=key.labels,
        group_column=column,
        group=group,
        model=model,
        facts=facts,
        images=cache.charts.register(model, cache.store(key.directory)),
        scale_tables=scale_score_tables(facts),
        choices=tuple(choices),
        releases=page_releases(waves, facts, column, group),
        ledger=ledger,
    )
    cache.put(key, results)
    return results


def _check_group(
    column: str | None, choices: Sequence[SubgroupChoice], group: str, privacy: PrivacyPolicy
) -> None:
    if column is None:
        raise OptionError(
            "These waves have no subgroup column in common, so they cannot be filtered by "
            "subgroup. Choose 'All respondents'."
        )
    by_value = {c.value: c for c in choices}
    if group not in by_value:
        raise OptionError(f"There is no subgroup '{group}' in {column} in these waves.")
    if by_value[group].hidden:
        raise OptionError(
            f"'{group}' cannot be shown on its own: in at least one of these waves it has "
            f"fewer than {privacy.min_group_size} respondents, or is hidden so that a smaller "
            "group cannot be worked out from the totals (anonymity rule). Choose another "
            "subgroup or 'All respondents'."
        )


def results_for(
    directory: Path,
    labels: Sequence[str],
    *,
    group: str = ALL,
    privacy: PrivacyPolicy = DEFAULT_PRIVACY,
    cache: ResultsCache,
) -> Results:
    """Build (or fetch) the results of ``labels`` (time order), for everyone or one subgroup,
    and record them as shown (:func:`cop_eval.web.released.serve`).

    The charts are not drawn here: ``Results.images`` point at ``/charts/ID.png`` and
    ``cache.charts`` draws them when asked (:mod:`cop_eval.web.charts`).

    Raises
    ------
    OptionError
        No waves chosen, or a subgroup that the anonymity rules hide (or that does not exist).
    StoreError
        A wave label that is not stored.
    """
    key = results_key(directory, labels, group=group, privacy=privacy)
    cached = cache.get(key)
    return serve(key, cached if cached is not None else build_results(key, cache), cache)


def with_cover(results: Results, title: str | None, organisation: str | None) -> ReportModel:
    """The report model with the cover's title and organisation as the practitioner typed them.

    Only the cover text changes, so the cached facts and charts are reused.
    """
    facts = dataclasses.replace(
        results.facts,
        title=(title or "").strip() or DEFAULT_TITLE,
        organisation=(organisation or "").strip() or None,
    )
    return compose_report(facts)
