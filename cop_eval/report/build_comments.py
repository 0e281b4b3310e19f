"""The comment facts of the report: :func:`~cop_eval.comments.analysis.analyse_comments` on the
report's waves, when its instruments ask open questions and someone answered them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from cop_eval.comments.agreement import Agreement, coding_agreement
from cop_eval.comments.analysis import analyse_comments
from cop_eval.comments.codebook import Codebook, load_codebook
from cop_eval.comments.results import CommentAnalysis
from cop_eval.cycle.inputs import CycleInputs
from cop_eval.errors import OptionError
from cop_eval.instruments import Instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.privacy.differencing import Release
from cop_eval.responses import ResponseSet

__all__ = ["coding_facts", "comment_facts"]


def comment_facts(
    responses: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    labels: Sequence[str],
    group_column: str | None,
    privacy: PrivacyPolicy,
    codebook: Codebook | Path | None = None,
    released: Sequence[Release] = (),
) -> CommentAnalysis | None:
    """Themes, trend and quotes of the open answers; ``None`` when there are none.
    ``released``: the project's ledger (the differencing rule for comment subgroups)."""
    asking = [i for i in instruments if i.comments]
    questions = {c.id for i in asking for c in i.comments}
    answered = any(
        rs.comments[q].notna().any() for rs in responses for q in questions if q in rs.comments
    )
    if not asking or not answered:
        return None
    book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    return analyse_comments(
        responses, asking, labels=labels, codebook=book, group_column=group_column,
        privacy=privacy, released=released,
    )  # fmt: skip


def coding_facts(
    cycle: CycleInputs | None, codebook: Codebook | Path | None = None
) -> Agreement | None:
    """Cohen's kappa per theme of the first two coders (by name) who coded comments by hand;
    ``None`` with fewer than two, or when they coded no comment in common."""
    codings = cycle.codings if cycle is not None else {}
    coders = sorted(codings, key=str.casefold)[:2]
    if len(coders) < 2:
        return None
    book = codebook if isinstance(codebook, Codebook) else load_codebook(codebook)
    first, second = coders
    try:
        return coding_agreement(codings[first], codings[second], book, names=(first, second))
    except OptionError:
        return None
