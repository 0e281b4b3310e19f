"""The instrument schema: frozen pydantic models with ``extra="forbid"``.

The model validator runs :func:`cop_eval.instruments.checks.cross_check` so that one
:class:`~cop_eval.errors.InstrumentError` can list every problem of a file.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Annotated, Any, Literal

from pydantic import (
    Discriminator,
    Field,
    Tag,
    model_validator,
)

from cop_eval.instruments.checks import cross_check
from cop_eval.models import FrozenModel

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=_ID_PATTERN, max_length=64)]
#: Item ids are written as the data's columns name them (``A1``, ``Q1_1``, ``high.strung``,
#: ``SQ001``, ``EE-3``): letters, digits, ``_ . -``, case kept.
_ITEM_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.\-]*$"
ItemId = Annotated[str, Field(pattern=_ITEM_ID_PATTERN, max_length=64)]


class ResponseScale(FrozenModel):
    """The answer options: integer codes ``min..max`` with labels, plus answers that mean missing.

    Every code needs a label where answers arrive as text ("Agree"); a numeric rating (0-10, or
    a 0-1000 measure) needs labels for its two ends only.
    """

    min: int
    max: int
    labels: dict[int, str]
    missing_labels: tuple[str, ...] = ("Don't know", "Not applicable")

    @property
    def points(self) -> int:
        """Number of scored answer options."""
        return self.max - self.min + 1

    def reverse(self, value: float) -> float:
        """Reverse-key one answer against the declared range: ``min + max - value``."""
        return self.min + self.max - value

    def label_of(self, code: int) -> str:
        """The label of ``code``, or the code itself where only the ends are labelled."""
        return self.labels.get(code, str(code))

    @property
    def fully_labelled(self) -> bool:
        """Every code from ``min`` to ``max`` has a label."""
        return all(code in self.labels for code in range(self.min, self.max + 1))


class Source(FrozenModel):
    """Where a construct or item wording comes from."""

    citation: str = Field(min_length=3)
    note: str | None = None
    locator: str | None = Field(
        default=None,
        description="file and line numbers, or page/table, e.g. 'seeds/000.txt:529-565'",
    )


class License(FrozenModel):
    """Who may use and redistribute the instrument's wording."""

    status: Literal["project-authored", "open", "public-domain", "restricted", "proprietary"]
    item_text_redistributable: bool = True
    holder: str | None = None
    url: str | None = None
    note: str | None = None


class PublishedReliability(FrozenModel):
    """A reliability coefficient reported in the literature, shown beside the observed one."""

    scale: Identifier
    alpha: float = Field(ge=0, le=1)
    n: int | None = Field(default=None, ge=1)
    population: str | None = None
    citation: str


class Item(FrozenModel):
    """One question. ``text`` may be omitted only when the licence forbids redistributing it."""

    id: ItemId
    text: str | None = None
    scale: Identifier
    reverse: bool = False
    short: str | None = Field(default=None, description="short label for charts and tables")
    response_scale: ResponseScale | None = None


class Scale(FrozenModel):
    """A scale (subscale) scored from its items."""

    id: Identifier
    label: str
    description: str | None = None
    method: Literal["mean", "sum"] = "mean"
    min_answered: float = Field(default=0.5, gt=0, le=1)
    stage: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None
    direction: Literal["higher_is_better", "lower_is_better", "neutral"] = Field(
        default="higher_is_better",
        description="what a higher score means: better (the default), worse (stress, workload) "
        "or neither (a kind of community rather than a quality); verdicts, reliable-change "
        "counts, colours and summaries follow it",
    )


class StatusRules(FrozenModel):
    """How the report's dashboard labels each scale: strength, watch or concern.

    Thresholds are points on the response scale, read as if a higher score were better; a scale
    whose ``direction`` is ``lower_is_better`` uses their mirror image (``min + max - value``),
    and a ``neutral`` scale gets no status. Left out, a threshold takes its default from the
    response scale (on 1-5: strength 4, concern 3, favourable 3.5). The report's methods print
    the rules it used.
    """

    strength: float | None = Field(
        default=None,
        description="a latest mean at least this good is a strength (default: three quarters "
        "of the way up the response scale, 4 on 1-5), unless it deteriorated reliably",
    )
    concern: float | None = Field(
        default=None,
        description="a latest mean worse than this is a concern (default: the midpoint, 3 on "
        "1-5); between concern and strength: watch",
    )
    favourable: float | None = Field(
        default=None,
        description="a respondent's scale score at least this good counts as favourable, for the "
        "% favourable (default: 3.5 on 1-5, nearer 'agree' than 'neither')",
    )
    decline_is_concern: bool = Field(
        default=True,
        description="a deterioration since the previous wave that the verdict calls likely real "
        "makes the scale a concern whatever its level",
    )


#: The success factors of le May (2009), thesis Table 4.1: what a comment or theme may belong to.
LeMayFactor = Literal[
    "membership", "commitment", "relevance", "enthusiasm", "infrastructure", "skills", "resources"
]


class CommentQuestion(FrozenModel):
    """An open (free-text) question, matched to a column like an item.

    Answers are stored with the wave, redacted (names, e-mails, phone numbers, ...) before any
    output, and shown only for groups of at least the comment threshold.
    """

    id: ItemId
    text: str = Field(min_length=1)
    stage: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None
    factor: LeMayFactor | None = None


class ClassificationLevel(FrozenModel):
    """One level of a continuum, endorsed through the score on one scale."""

    id: Identifier
    label: str
    scale: Identifier
    description: str | None = None


class ContinuumClassification(FrozenModel):
    """Place each respondent, and the group, on an ordered continuum of levels (weak → strong).

    Rule (documented in ``description`` of each instrument that uses it, and implemented in
    :mod:`cop_eval.measure.continuum`): a level is *endorsed* when its scale score is at least
    ``threshold``. A respondent's level is the endorsed level with the highest score; a respondent
    who endorses no level, endorses two or more levels equally, gave the same answer to every
    item of the continuum (straight-lining), or has no score is *not classified*. The group's
    level is the lower median of the classified members' levels, "too close to call" when a 95%
    interval of the share at or below a boundary between levels contains 50%; ``sensitivity``
    is how far the threshold is moved either way to show whether the cut-off decides it.
    """

    kind: Literal["continuum"] = "continuum"
    id: Identifier
    label: str
    description: str
    levels: tuple[ClassificationLevel, ...] = Field(min_length=2)
    threshold: float
    member_rule: Literal["highest_endorsed"] = "highest_endorsed"
    group_rule: Literal["lower_median"] = "lower_median"
    sensitivity: float = Field(default=0.25, ge=0)


class ProfileClassification(FrozenModel):
    """Compare a set of scales to name the strongest and weakest (e.g. le May's success factors).

    The margin between the weakest scale and the next weakest says how clearly it stands out;
    a margin below ``tie_margin`` is reported as a tie.
    """

    kind: Literal["profile"] = "profile"
    id: Identifier
    label: str
    description: str
    scales: tuple[Identifier, ...] = Field(min_length=2)
    tie_margin: float = Field(default=0.1, ge=0)


def _classification_kind(value: Any) -> str:
    # ``kind`` may be left out: a rule without it is a continuum (the documented default).
    if isinstance(value, Mapping):
        return str(value.get("kind", "continuum"))
    return str(getattr(value, "kind", "continuum"))


Classification = Annotated[
    Annotated[ContinuumClassification, Tag("continuum")]
    | Annotated[ProfileClassification, Tag("profile")],
    Discriminator(_classification_kind),
]


class Instrument(FrozenModel):
    """A questionnaire: items, scales, response scale, provenance, licence and classifications."""

    id: Identifier
    version: str
    title: str
    description: str
    status: Literal["validated", "adapted", "seed-derived", "custom"] = Field(
        description="validated (published evidence), adapted (a validated instrument changed), "
        "seed-derived (written by the cop-eval project from a published framework) or custom "
        "(written by its user, not validated)"
    )
    sources: tuple[Source, ...] = Field(min_length=1)
    license: License
    published_reliability: tuple[PublishedReliability, ...] = ()
    response_scale: ResponseScale
    items: tuple[Item, ...] = Field(min_length=2)
    scales: tuple[Scale, ...] = Field(min_length=1)
    classification: tuple[Classification, ...] = ()
    status_rules: StatusRules = StatusRules()

    comments: tuple[CommentQuestion, ...] = ()

    @model_validator(mode="after")
    def _cross_check(self) -> Instrument:
        problems = cross_check(self.model_dump(mode="python"))
        if problems:
            raise ValueError("; ".join(problems))
        return self

    # -- convenience views -------------------------------------------------------------------
    @property
    def item_ids(self) -> tuple[str, ...]:
        """Item ids in questionnaire order."""
        return tuple(item.id for item in self.items)

    @property
    def scale_ids(self) -> tuple[str, ...]:
        """Scale ids in declaration order."""
        return tuple(scale.id for scale in self.scales)

    @property
    def comment_ids(self) -> tuple[str, ...]:
        """Open-question ids in questionnaire order."""
        return tuple(comment.id for comment in self.comments)

    def item(self, item_id: str) -> Item:
        """Return the item with this id (``KeyError`` when absent)."""
        for item in self.items:
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def scale(self, scale_id: str) -> Scale:
        """Return the scale with this id (``KeyError`` when absent)."""
        for scale in self.scales:
            if scale.id == scale_id:
                return scale
        raise KeyError(scale_id)

    def items_of(self, scale_id: str) -> tuple[Item, ...]:
        """The items that score into ``scale_id``, in questionnaire order."""
        return tuple(item for item in self.items if item.scale == scale_id)

    def response_scale_of(self, item_id: str) -> ResponseScale:
        """The response scale that applies to an item (its own, or the instrument default)."""
        return self.item(item_id).response_scale or self.response_scale

    def published_alpha(self, scale_id: str) -> PublishedReliability | None:
        """The published reliability for a scale, if the instrument declares one."""
        for entry in self.published_reliability:
            if entry.scale == scale_id:
                return entry
        return None
