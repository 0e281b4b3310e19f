"""What the comment analysis returns: frozen models that go to JSON as they are (``to_dict``).

Anonymity is built into the models: a suppressed entry carries no count, share or quote (the
validators refuse one), so no template or export can show what the engine hid.
"""

from __future__ import annotations

from typing import Any

from pydantic import ConfigDict, Field, model_validator

from cop_eval.models import FrozenModel

__all__ = [
    "CandidateTheme",
    "CommentAnalysis",
    "CommentWave",
    "CommentsModel",
    "Quote",
    "ThemeCell",
    "ThemeChange",
    "ThemeResult",
]


class CommentsModel(FrozenModel):
    """The base of the comment results: frozen, with the JSON form as ``to_dict()``."""

    def to_dict(self) -> dict[str, Any]:
        """The JSON form (what ``cop-eval comments --json`` prints)."""
        return self.model_dump(mode="json", by_alias=True)


class _Hideable(CommentsModel):
    suppressed: bool = False
    reason: str | None = None

    @model_validator(mode="after")
    def _nothing_when_hidden(self) -> _Hideable:
        if self.suppressed:
            for name in ("n", "total", "share", "ci", "sentiment", "diff", "quotes", "commenters"):
                value = getattr(self, name, None)
                if value not in (None, (), []):
                    raise ValueError(f"a suppressed entry must not carry {name}")
        return self


class ThemeCell(_Hideable):
    """A theme in one wave or one subgroup: comments with it out of all comments."""

    label: str
    n: int | None = None
    total: int | None = None
    share: float | None = None
    ci: tuple[float, float] | None = None
    sentiment: float | None = None


class ThemeChange(_Hideable):
    """Change in a theme's share between two waves (Newcombe's hybrid score interval)."""

    from_: str = Field(alias="from")
    to: str
    diff: float | None = None
    ci: tuple[float, float] | None = None

    model_config = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)


class Quote(CommentsModel):
    """A redacted comment shown as an example (only from groups at or above the threshold)."""

    key: str
    text: str


class ThemeResult(_Hideable):
    """One theme of the codebook across the waves (top-level figures: the latest wave)."""

    theme: str
    label: str
    definition: str
    stage: int | None = None
    factor: str | None = None
    scales: tuple[str, ...] = ()
    n: int | None = None
    total: int | None = None
    share: float | None = None
    ci: tuple[float, float] | None = None
    sentiment: float | None = None
    by_wave: tuple[ThemeCell, ...] = ()
    changes: tuple[ThemeChange, ...] = ()
    by_group: tuple[ThemeCell, ...] = ()
    quotes: tuple[Quote, ...] = ()


class CandidateTheme(CommentsModel):
    """A theme suggested from comments no codebook theme caught (TF-IDF + NMF)."""

    terms: tuple[str, ...]
    n: int = Field(description="uncoded comments that load mostly on this candidate")
    examples: tuple[Quote, ...] = ()


class CommentWave(_Hideable):
    """One wave's comments: how many, from how many people, how many no theme caught."""

    label: str
    commenters: int | None = None
    comments: int | None = None
    uncoded: int | None = None
    sentiment: float | None = None


class CommentAnalysis(CommentsModel):
    """Themes, trends and quotes of the free-text answers of one or more waves."""

    instruments: tuple[str, ...]
    questions: tuple[str, ...]
    question_texts: tuple[str, ...] = ()
    codebook: str
    threshold: int = Field(
        description="the comment threshold: fewest commenters a figure or quote may come from"
    )
    group_column: str | None = None
    waves: tuple[CommentWave, ...]
    themes: tuple[ThemeResult, ...]
    candidates: tuple[CandidateTheme, ...] = ()
    hidden_groups: tuple[str, ...] = Field(
        default=(), description="subgroups of the latest wave whose comments are not shown"
    )
    notes: tuple[str, ...] = ()
