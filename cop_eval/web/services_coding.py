"""Coding comments by hand, for the web app: the codebook, the coding sheet, codes, agreement.

The automatic coding finds a theme by its phrases. People check it: a coder downloads the coding
sheet (the redacted comments the anonymity rule lets out, one column per theme), marks each
comment's themes, and uploads it again; Cohen's kappa per theme then says how far two coders (or
a coder and the automatic coding) agree. Everything goes through the library
(:mod:`cop_eval.comments`), exactly as the ``comments export|import|agreement`` commands do.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cop_eval.comments.agreement import Agreement, coding_agreement
from cop_eval.comments.api import automatic_codes, project_comment_inputs, sheet_comments
from cop_eval.comments.codebook import Codebook, load_codebook
from cop_eval.comments.sheet import read_sheet, write_sheet
from cop_eval.errors import DataImportError, OptionError
from cop_eval.privacy import PrivacyPolicy
from cop_eval.web.results import common_group_column
from cop_eval.web.services import open_project
from cop_eval.web.services_custom import project_codebook
from cop_eval.web.words import web_words

__all__ = [
    "AUTOMATIC",
    "SHEET_STEPS",
    "CodingOverview",
    "coding_overview",
    "coding_sheet",
    "store_codes",
]

#: The value (and the name) of the automatic coding in the agreement form.
AUTOMATIC = "automatic coding"
SHEET_STEPS = ("Loading the stored comments", "Writing the coding sheet")


@dataclass(frozen=True)
class CodingOverview:
    """What the coding page shows: the codebook, who coded, and the agreement asked for."""

    codebook: Codebook
    description: str  # the codebook's, in the web's words
    stored: int
    coders: tuple[tuple[str, int], ...]  # (coder, comments coded)
    first: str
    second: str
    agreement: Agreement | None


def _pair(coders: list[str], first: str, second: str) -> tuple[str, str]:
    """The two codings to compare: those asked for, else the first two coders (or the first
    coder and the automatic coding)."""
    if not coders:
        raise OptionError("No coded sheet is stored yet: upload one, then compare the codings.")
    known = {*coders, AUTOMATIC}
    for name in (first, second):
        if name and name not in known:
            raise OptionError(
                f"No codes by '{name}' are stored. Coders: {', '.join(coders) or 'none yet'}."
            )
    first = first or (coders[0] if coders else "")
    second = second or (coders[1] if len(coders) > 1 else AUTOMATIC)
    if first == second:
        raise OptionError("Choose two different codings to compare.")
    return first, second


def coding_overview(directory: Path, first: str = "", second: str = "") -> CodingOverview:
    """The codebook, the coders and, once someone coded, the agreement of two codings."""
    book = load_codebook(project_codebook(directory))
    with open_project(directory) as project:
        stored = len(project.comments.review())
        names = project.comments.coders()
        coders = tuple((name, len(project.comments.codes(name))) for name in names)
        if not names and not (first or second):
            return CodingOverview(book, web_words(book.description), stored, coders, "", "", None)
        first, second = _pair(names, first, second)
        codings = {
            name: (
                automatic_codes(project, book)
                if name == AUTOMATIC
                else project.comments.codes(name)
            )
            for name in (first, second)
        }
    agreement = coding_agreement(codings[first], codings[second], book, names=(first, second))
    return CodingOverview(
        book, web_words(book.description), stored, coders, first, second, agreement
    )


def coding_sheet(
    directory: Path, privacy: PrivacyPolicy, step: Callable[[str], None]
) -> tuple[bytes, int]:
    """The coding sheet (xlsx bytes) of the comments the anonymity rule lets out, and how many
    comments it holds."""
    book = load_codebook(project_codebook(directory))
    step(SHEET_STEPS[0])
    waves, instruments, rules = project_comment_inputs(directory, (), None)
    comments = sheet_comments(
        waves,
        instruments,
        book,
        group_column=common_group_column(waves),
        privacy=privacy,
        rules=rules,
    )
    step(SHEET_STEPS[1])
    with tempfile.TemporaryDirectory(prefix="cop-eval-sheet-") as folder:
        path = Path(folder) / "coding-sheet.xlsx"
        count = write_sheet(comments, book, path)
        return path.read_bytes(), count


def store_codes(directory: Path, path: Path, coder: str) -> str:
    """Store the codes of an uploaded coded sheet; returns the sentence for the page."""
    book = load_codebook(project_codebook(directory))
    if path.suffix.lower() != ".xlsx":
        raise DataImportError(
            f"{path.name} is not a coding sheet: upload the Excel workbook (.xlsx) downloaded "
            "on this page, with your marks in it."
        )
    with open_project(directory) as project:
        codes = read_sheet(path, book, project.comments.keys())
        name = coder.strip() or (codes.coder or "").strip()
        if not name:
            raise OptionError(
                "The sheet names no coder in its cell B1: write the coder's name in the field "
                "'Coded by' and upload it again."
            )
        if name == AUTOMATIC:
            raise OptionError(f"'{AUTOMATIC}' is the name of the automatic coding; give yours.")
        count = project.comments.save_codes(name[:80], codes.codes)
    return (
        f"Stored the codes of {count} comments by {name[:80]} (an earlier sheet of theirs is "
        "replaced). Their agreement with the other codings is below."
    )
