"""The codebook: the themes comments are coded into, as data (YAML, validated like instruments).

```yaml
id: cop_themes
version: "1.0.0"
title: Themes of a community of practice's comments
description: What the themes are for.
sources: [{citation: "...", locator: "seeds/000:529-565"}]
themes:
  - id: time_to_reflect
    label: Time and space to reflect
    definition: Asks for, or values, time to think about what was learnt.
    stage: 3                         # optional: stage 1|2|3 of the model for professional groups
    factor: null                     # optional: le May success factor
    scales: [reflection.time_to_reflect]   # optional: instrument.scale the theme speaks to
    include: ["time to reflect", "headspace", "time to think"]
    exclude: ["plenty of time"]
    source: "seeds/000:313-324"      # optional: where the construct comes from
```

A comment has a theme when one of its ``include`` phrases occurs in it and none of its
``exclude`` phrases does, comparing word stems (:mod:`cop_eval.comments.coding`).
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError, model_validator

from cop_eval.errors import CopEvalError
from cop_eval.instruments.schema import Identifier, LeMayFactor, Source
from cop_eval.models import FrozenModel
from cop_eval.safe_yaml import YamlLimitError, line_of, load_yaml, read_text_file, yaml_lines

__all__ = [
    "BUILTIN_CODEBOOK",
    "PROJECT_CODEBOOK",
    "Codebook",
    "Theme",
    "builtin_codebook_path",
    "load_codebook",
    "project_codebook",
]

#: The file name of a project's own codebook in its folder (the web app's Import page keeps an
#: uploaded codebook there; the command line uses it for ``--project DIR`` without ``--codebook``).
PROJECT_CODEBOOK = "codebook.yaml"

#: The id of the codebook that ships with cop-eval, for the built-in instruments.
BUILTIN_CODEBOOK = "cop_themes"


class CodebookError(CopEvalError):
    """A codebook file is missing, unreadable or invalid."""


Phrase = Annotated[str, Field(min_length=1, max_length=200)]


class Theme(FrozenModel):
    """One theme: what it means, where it sits in the models, and the phrases that signal it."""

    id: Identifier
    label: str = Field(min_length=1)
    definition: str = Field(min_length=1)
    stage: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None
    factor: LeMayFactor | None = None
    scales: tuple[str, ...] = Field(default=(), description="instrument_id.scale_id")
    include: tuple[Phrase, ...] = Field(min_length=1)
    exclude: tuple[Phrase, ...] = ()
    source: str | None = None


class Codebook(FrozenModel):
    """A set of themes."""

    id: Identifier
    version: str
    title: str
    description: str
    sources: tuple[Source, ...] = ()
    themes: tuple[Theme, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Codebook:
        seen: set[str] = set()
        for theme in self.themes:
            if theme.id in seen:
                raise ValueError(f"theme id {theme.id} is used twice; give each theme its own id")
            seen.add(theme.id)
        return self

    def theme(self, theme_id: str) -> Theme:
        """The theme with this id (``KeyError`` when absent)."""
        for theme in self.themes:
            if theme.id == theme_id:
                return theme
        raise KeyError(theme_id)

    @property
    def theme_ids(self) -> tuple[str, ...]:
        """Theme ids in codebook order."""
        return tuple(t.id for t in self.themes)


def builtin_codebook_path() -> Path:
    """The built-in codebook file (in the wheel, or ``instruments/codebooks/`` in a checkout)."""
    packaged = resources.files("cop_eval") / "_resources" / "instruments" / "codebooks"
    folder = (
        Path(str(packaged))
        if packaged.is_dir()
        else Path(__file__).resolve().parents[2] / "instruments" / "codebooks"
    )
    return folder / f"{BUILTIN_CODEBOOK}.yaml"


def _problem(error: Any, data: Any, lines: dict[tuple[str | int, ...], int]) -> str:
    """One problem of a codebook: its line in the file, the key path, what is wrong and, for an
    unknown or missing key, how to put it right."""
    where, message = _where(tuple(error["loc"]), data), str(error["msg"])
    if error["type"] == "extra_forbidden":
        message = "unknown key; check the spelling against the keys in docs/comments.md (Themes)"
    elif error["type"] == "missing":
        message = "required key is missing; add it (docs/comments.md, Themes, lists every key)"
    line, whole = line_of(tuple(error["loc"]), lines)
    if line is not None and whole:
        return f"  - line {line}: {where}: {message}"
    if line is not None:
        return f"  - {where}: {message}, in the entry that starts on line {line}"
    return f"  - {where}: {message}"


def _where(loc: tuple[int | str, ...], data: Any) -> str:
    parts: list[str] = []
    node = data
    for step in loc:
        if isinstance(step, int):
            ident = (
                node[step].get("id")
                if isinstance(node, list) and step < len(node) and isinstance(node[step], dict)
                else None
            )
            parts[-1:] = [
                f"{parts[-1] if parts else ''}[{step}]" + (f" (id: {ident})" if ident else "")
            ]
            node = node[step] if isinstance(node, list) and step < len(node) else None
        else:
            parts.append(str(step))
            node = node.get(step) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


def project_codebook(directory: Path) -> Path | None:
    """The project's own codebook file (``DIR/codebook.yaml``), or ``None`` when it has none."""
    path = Path(directory) / PROJECT_CODEBOOK
    return path if path.is_file() else None


def load_codebook(ref: str | Path | None = None) -> Codebook:
    """Load a codebook: a YAML path, or ``None`` / ``"cop_themes"`` for the built-in one.

    Raises
    ------
    CodebookError
        The file is missing, not YAML, or does not follow the schema (every problem listed
        with its key path).
    """
    path = builtin_codebook_path() if ref in (None, BUILTIN_CODEBOOK) else Path(str(ref))
    try:
        text = read_text_file(path)
        data = load_yaml(text, str(path))
    except YamlLimitError as exc:
        raise CodebookError(str(exc)) from None
    except FileNotFoundError:
        raise CodebookError(f"{path}: codebook file not found; check the path.") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise CodebookError(f"{path}: cannot read the codebook ({exc}).") from None
    except yaml.YAMLError as exc:
        raise CodebookError(f"{path}: not valid YAML ({exc}).") from None
    if not isinstance(data, dict):
        raise CodebookError(
            f"{path}: a codebook must be a mapping with id, version, title, description and "
            f"themes, got {type(data).__name__}."
        )
    try:
        return Codebook.model_validate(data)
    except ValidationError as exc:
        lines = yaml_lines(text)
        problems = [_problem(e, data, lines) for e in exc.errors()]
        count = len(problems)
        raise CodebookError(
            "\n".join(
                [f"{path}: {count} problem{'s' if count != 1 else ''} in the codebook:", *problems]
            )
        ) from None
