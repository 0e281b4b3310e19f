"""The web app's own words for the hints in the library's messages that speak of the terminal.

Some library messages end with what to type on the command line ("use --wave W --replace",
"give --mapping MAP.yaml"). A practitioner in the browser has no command line: every message a
page shows passes through :func:`web_words`, which says instead what to do on the pages — and
where the message names a missing input, which field of which page takes it.
"""

from __future__ import annotations

import re

__all__ = ["TERMINAL", "web_words"]

#: What no page may show: a command to type, or a command-line option.
TERMINAL = re.compile(
    r"`cop-eval [^`]*`|cop-eval (init|check|serve|members|report|reliability|actions)\b"
    r"|(?<![\w-])--[a-z][a-z-]+"
)

_REPLACE_BOX = "tick “Replace a stored wave of the same name” on the review page"
_MAPPING = "choose its column under “Items to match by hand” on the review page"

_RULES: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern), words)
    for pattern, words in (
        (
            r"Create one with `cop-eval init [^`]*`, or check the --project path\.",
            "Create a project there on the Projects page, or check the folder's name.",
        ),
        (
            r"Create one with Project\.create\([^)]*\), or check the project path\.",
            "Create a project there on the Projects page, or check the folder's name.",
        ),
        (
            r"Point --project at a folder made with `cop-eval init`\.",
            "Open a folder that was made as a cop-eval project (Projects page).",
        ),
        (
            r"See why with `cop-eval check[^`]*`\.",
            "The import report on the review page says why.",
        ),
        (
            r"Choose another label, or add replace=True to replace it",
            f"Give the wave another name, or {_REPLACE_BOX} to replace it",
        ),
        (
            r"Choose another --wave label, or add --replace to replace it",
            f"Give the wave another name, or {_REPLACE_BOX} to replace it",
        ),
        (
            r"To store it again \(e\.g\. with other instruments\), use --wave (.+?) --replace\.",
            r"To store it again (e.g. with other questionnaires), upload it again, name the "
            rf"wave \1 and {_REPLACE_BOX}.",
        ),
        (r"re-import the wave with --replace", f"upload the wave again and {_REPLACE_BOX}"),
        (r",? ?e\.g\. --wave ([^\s.]+)\.", r", e.g. \1."),
        (
            r"Say which with --mapping MAP\.yaml \(a line '[^']*', see docs/import\.md\)",
            f"Say which: {_MAPPING}",
        ),
        (
            r"Name the columns by item id \(see `cop-eval instruments show ID`\) or by the item "
            r"text, or give --mapping MAP\.yaml \(docs/import\.md\)\.",
            "Rename the columns in the file to the questions' wording, or "
            "choose each item's column under “Items to match by hand” on the review page.",
        ),
        (r"give --mapping MAP\.yaml \(docs/import\.md\)", _MAPPING),
        (r"\(a mapping file, docs/import\.md\)", f"({_MAPPING})"),
        (r"--mapping MAP\.yaml", _MAPPING),
        (
            r"or leave --format out to detect it",
            "or choose “Detect it” under “Where does the file come from?” on the upload page",
        ),
        (r"--format (\w+)", r"the format “\1” was chosen"),
        (r"--sheet '([^']*)'", r"the sheet “\1” was named"),
        (r"leave --sheet out", "leave the sheet field empty"),
        (r"--sheet", "the sheet field"),
        (
            r"cop-eval members set, or --members N",
            "enter each wave's number of members on the “Context and members” page",
        ),
        (
            r"or compare with --design independent",
            "or compare the waves as independent samples",
        ),
        (
            r"write the sheet with `cop-eval comments export` and code it there",
            "download the coding sheet on the page “Coding by hand” and code it there",
        ),
        (
            r"the candidate themes `cop-eval comments` suggests",
            "the candidate themes the comments page suggests",
        ),
        (r"`cop-eval check`", "the import report of each wave"),
        (r"\(see (the )?`cop-eval [^`]*`\)", ""),
        (r",? ?\(?see docs/[a-z_]+\.md\)?", ""),
        (r" ?\(docs/[a-z_]+\.md\)", ""),
    )
)


def web_words(message: str) -> str:
    """``message`` with its terminal hints said as what to do on the pages.

    Examples
    --------
    >>> web_words("Choose another --wave label, or add --replace to replace it.")
    'Give the wave another name, or tick “Replace a stored wave of the same name” on the review page to replace it.'
    """
    for pattern, words in _RULES:
        message = pattern.sub(words, message)
    return message
