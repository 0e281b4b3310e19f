"""Comments of a project, for the command line, the web app and the report."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from cop_eval.comments.analysis import Comment, shareable_comments
from cop_eval.comments.codebook import Codebook
from cop_eval.comments.coding import Coder
from cop_eval.comments.redaction import RedactionRules
from cop_eval.errors import OptionError, StoreError
from cop_eval.instruments import Instrument, load_instrument
from cop_eval.privacy import PrivacyPolicy
from cop_eval.responses import ResponseSet

if TYPE_CHECKING:
    from cop_eval.store import Project

__all__ = [
    "automatic_codes",
    "commented_instruments",
    "project_comment_inputs",
    "sheet_comments",
]


def commented_instruments(waves: Sequence[ResponseSet]) -> tuple[Instrument, ...]:
    """The instruments of the latest wave that ask open questions."""
    return tuple(i for i in waves[-1].instruments if i.comments) if waves else ()


def project_comment_inputs(
    project_dir: Path, instruments: Sequence[str | Path], group_column: str | None
) -> tuple[list[ResponseSet], tuple[Instrument, ...], RedactionRules]:
    """The stored waves, the instruments to analyse and the project's redaction rules.

    ``instruments`` empty means every stored instrument with open questions. The rules carry
    the project's names and kept words when its key is at hand (stored comments are already
    redacted with them; redacting again is harmless).
    """
    from cop_eval.store import Project

    with Project.open(project_dir) as project:
        waves = project.load_waves()
        try:
            terms = project.comments.terms()
            rules = RedactionRules(names=terms.names, keep=terms.keep)
        except StoreError:  # no key: the stored (redacted) text is used as it is
            rules = RedactionRules()
    if not waves:
        raise StoreError(f"{project_dir}: the project has no waves yet.")
    if group_column is not None:
        waves = [_with_group(w, group_column) for w in waves]
    if instruments:
        wanted = [load_instrument(ref).id for ref in instruments]
        stored = {i.id: i for i in waves[-1].instruments}
        missing = [w for w in wanted if w not in stored]
        if missing:
            raise OptionError(
                f"{project_dir}: the latest wave was not imported with {', '.join(missing)}; it "
                f"holds {', '.join(stored)}."
            )
        chosen = tuple(stored[w] for w in wanted)
    else:
        chosen = commented_instruments(waves)
    return waves, chosen, rules


def _with_group(wave: ResponseSet, name: str) -> ResponseSet:
    """The wave with its one subgroup column named ``name`` (as the other commands do)."""
    import dataclasses

    columns = [str(c) for c in wave.groups.columns]
    if name in columns:
        return wave
    if len(columns) == 1:
        return dataclasses.replace(wave, groups=wave.groups.rename(columns={columns[0]: name}))
    raise OptionError(
        f"wave {wave.wave!r} has no subgroup column {name!r} (subgroup columns: "
        f"{', '.join(columns) or 'none'})."
    )


def sheet_comments(
    waves: Sequence[ResponseSet],
    instruments: Sequence[Instrument],
    codebook: Codebook,
    *,
    group_column: str | None,
    privacy: PrivacyPolicy,
    rules: RedactionRules,
) -> list[Comment]:
    """The comments a coding sheet may hold (see :func:`shareable_comments`)."""
    return shareable_comments(
        waves, instruments, codebook, group_column=group_column, privacy=privacy, rules=rules
    )


def automatic_codes(project: Project, codebook: Codebook) -> dict[str, tuple[str, ...]]:
    """The automatic themes of every stored comment, by comment key."""
    coder = Coder(codebook)
    return {c.key: coder.theme_ids(coder(c.text)) for c in project.comments.review()}
