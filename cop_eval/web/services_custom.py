"""A project's own questionnaires and comments codebook, uploaded on the Import page.

A questionnaire the library does not ship (a scale on which lower is better, a local pulse
survey) is an instrument YAML file, as ``cop-eval instruments validate`` checks it; a codebook
of comment themes is a codebook YAML file, as ``--codebook`` takes it. Uploaded on the Import
page, each is checked by the same loader as on the command line
(:func:`cop_eval.instruments.load_instrument`, :func:`cop_eval.comments.codebook.load_codebook`):
every mistake is listed with the file's name, the line (for a YAML syntax error) and the field,
and nothing is kept until the file is sound. A sound file is kept in the project folder
(``instruments/ID.yaml``; ``codebook.yaml``), written whole or not at all: the import page then
offers the questionnaire for this and later waves (each stored wave keeps its own copy of the
definition), and the comments pages, coding sheets and board report use the codebook.
"""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from cop_eval.comments.codebook import PROJECT_CODEBOOK, Codebook, load_codebook, project_codebook
from cop_eval.errors import CopEvalError, OptionError
from cop_eval.instruments import Instrument, builtin_instrument_ids, load_instrument
from cop_eval.outputs import write_atomic
from cop_eval.web.uploads import safe_filename
from cop_eval.web.words import web_words

__all__ = [
    "CODEBOOK_FILE",
    "INSTRUMENTS_DIR",
    "codebook_digest",
    "custom_instruments",
    "keep_codebook",
    "keep_instrument",
    "project_codebook",
]

INSTRUMENTS_DIR = "instruments"
CODEBOOK_FILE = PROJECT_CODEBOOK
#: The largest definition file taken (the built-in ones are under 20 kB).
MAX_BYTES = 1_000_000


def _checked(
    name: str, content: bytes, what: str
) -> tuple[str, Path, tempfile.TemporaryDirectory[str]]:
    """The upload written to a private temporary folder under its own (safe) name, so that the
    loader's messages name the file the practitioner chose."""
    shown = safe_filename(name or "upload.yaml")
    if not shown.lower().endswith((".yaml", ".yml")):
        raise OptionError(
            f"{shown}: {what} is a YAML file (ending in .yaml or .yml). Choose that file."
        )
    if len(content) > MAX_BYTES:
        raise OptionError(f"{shown}: larger than {MAX_BYTES // 1000} kB; is this {what}?")
    folder = tempfile.TemporaryDirectory(prefix="cop-eval-upload-")
    path = Path(folder.name) / shown
    path.write_bytes(content)
    return shown, path, folder


def _in_web_words(exc: CopEvalError, path: Path, shown: str) -> OptionError:
    text = str(exc).replace(str(path), shown).replace(str(path.parent) + "/", "")
    return OptionError(web_words(text))


def keep_instrument(directory: Path, name: str, content: bytes) -> Instrument:
    """Check an uploaded instrument YAML and keep it in the project (``instruments/ID.yaml``).

    Raises
    ------
    OptionError
        Every mistake in the file (file, line or field); an id of a built-in questionnaire.
    """
    shown, path, folder = _checked(name, content, "a questionnaire definition")
    with folder:
        try:
            instrument = load_instrument(path)
        except CopEvalError as exc:
            raise _in_web_words(exc, path, shown) from exc
    if instrument.id in builtin_instrument_ids():
        raise OptionError(
            f"{shown}: its id '{instrument.id}' is that of a questionnaire cop-eval ships. Give "
            "yours an id of its own (the id: line at the top), then upload it again."
        )
    target = directory / INSTRUMENTS_DIR / f"{instrument.id}.yaml"
    target.parent.mkdir(exist_ok=True)
    write_atomic(target, content, "the questionnaire definition")
    return instrument


def custom_instruments(directory: Path) -> list[Instrument]:
    """The questionnaires kept in the project (checked when kept; one changed since by hand and
    no longer sound is left out, so the import page still opens)."""
    found = []
    for path in sorted((directory / INSTRUMENTS_DIR).glob("*.yaml")):
        try:
            found.append(load_instrument(path))
        except CopEvalError:
            continue
    return found


def keep_codebook(directory: Path, name: str, content: bytes) -> Codebook:
    """Check an uploaded codebook YAML and keep it as the project's (``codebook.yaml``).

    Raises
    ------
    OptionError
        Every mistake in the file (file, line or field).
    """
    shown, path, folder = _checked(name, content, "a codebook")
    with folder:
        try:
            book = load_codebook(path)
        except CopEvalError as exc:
            raise _in_web_words(exc, path, shown) from exc
    write_atomic(directory / CODEBOOK_FILE, content, "the codebook")
    return book


def codebook_digest(directory: Path) -> str:
    """A digest of the project's codebook file (``""`` for the built-in one): results that
    code comments depend on it."""
    path = project_codebook(directory)
    return hashlib.sha256(path.read_bytes()).hexdigest()[:16] if path is not None else ""
