"""Loading instruments: YAML files, licensed item-text files and the built-in library."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import (
    ValidationError,
)

from cop_eval.errors import InstrumentError
from cop_eval.instruments.checks import cross_check
from cop_eval.instruments.schema import _ID_PATTERN, Instrument
from cop_eval.safe_yaml import (
    KeyPath,
    YamlLimitError,
    line_of,
    load_yaml,
    read_text_file,
    yaml_lines,
)


def _format_loc(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """Turn a pydantic error location into a key path that names item ids where it can."""
    parts: list[str] = []
    node: Any = data
    for key in loc:
        if isinstance(key, int):
            entry = node[key] if isinstance(node, list) and key < len(node) else None
            ident = entry.get("id") if isinstance(entry, Mapping) else None
            parts.append(f"[{key}]" + (f" (id: {ident})" if ident else ""))
            node = entry
        else:
            if key in {"continuum", "profile"}:  # discriminated-union tag, not a key in the file
                continue
            parts.append(("." if parts else "") + str(key))
            node = node.get(key) if isinstance(node, Mapping) else None
    return "".join(parts) or "(top level)"


def _pydantic_problems(
    exc: ValidationError, data: Mapping[str, Any], lines: Mapping[KeyPath, int]
) -> list[str]:
    """One line per problem: the line in the file (when ``lines`` knows it), the key path,
    what is wrong and how to put it right."""
    problems = []
    for err in exc.errors():
        if err["type"] == "value_error" and not err["loc"]:
            continue  # the cross-check, reported on its own
        raw = err.get("input")
        if (
            err["type"] == "too_short"
            and isinstance(raw, list)
            and len(raw) >= int((err.get("ctx") or {}).get("min_length", 0))
        ):
            continue  # long enough as written; the failing entries are reported themselves
        where = _format_loc(tuple(err["loc"]), data)
        message = err["msg"]
        if err["type"] == "extra_forbidden":
            message = "unknown key; check the spelling against docs/instruments.md"
        elif err["type"] == "missing":
            message = "required key is missing; add it (docs/instruments.md lists every key)"
        elif (
            err["type"] == "string_pattern_mismatch"
            and err["loc"][-1:] == ("id",)
            and (err["loc"][:1] == ("items",))
        ):
            message = (
                f"'{err.get('input')}' is not a valid item id: use letters, digits, '_', '.' "
                "and '-' (as the data's column is named, e.g. A1, Q1_1, high.strung), starting "
                "with a letter or digit"
            )
        elif err["type"] == "string_pattern_mismatch":
            message = (
                f"'{err.get('input')}' is not a valid id: use lower-case letters, digits and "
                "underscores, starting with a letter"
            )
        elif "input" in err and not isinstance(err["input"], dict | list):
            message = f"{message} (found {err['input']!r})"
        line, whole = line_of(tuple(err["loc"]), lines)
        if line is not None and whole:
            problems.append(f"line {line}: {where}: {message}")
        elif line is not None:  # a missing key: where the entry that lacks it starts
            problems.append(f"{where}: {message}, in the entry that starts on line {line}")
        else:
            problems.append(f"{where}: {message}")
    return problems


def _merge_item_texts(data: dict[str, Any], base: Path | None, source: str) -> None:
    """Fill in item wording from ``item_text_file`` (licensed instruments; see docs)."""
    ref = data.pop("item_text_file", None)
    if ref is None:
        return
    path = Path(str(ref))
    if not path.is_absolute() and base is not None:
        path = base / path
    if not path.is_file():
        raise InstrumentError(
            source,
            [
                f"item_text_file: '{ref}' not found (looked in {path}); put the licensed item "
                "wording there as a YAML mapping of item id to text"
            ],
        )
    try:
        texts = load_yaml(read_text_file(path), str(path))
    except YamlLimitError as exc:
        raise InstrumentError(source, [f"item_text_file: {exc}"]) from None
    except (yaml.YAMLError, UnicodeDecodeError, OSError) as exc:
        raise InstrumentError(
            source, [f"item_text_file: {path} is not readable YAML: {exc}"]
        ) from exc
    if texts is None:
        raise InstrumentError(
            source, [f"item_text_file: {path} is empty; give item id: text lines"]
        )
    if not isinstance(texts, Mapping):
        kind = type(texts).__name__
        raise InstrumentError(
            source, [f"item_text_file: {path} must be a mapping of item id to text, got {kind}"]
        )
    items = data.get("items")
    entries = [item for item in items if isinstance(item, dict)] if isinstance(items, list) else []
    known = {item.get("id") for item in entries}
    problems = [
        f"item_text_file: {path}: '{key}' is not an item id of this instrument"
        for key in texts
        if key not in known
    ]
    problems += [
        f"item_text_file: {path}: '{key}' has no text"
        for key, value in texts.items()
        if key in known and (value is None or not str(value).strip())
    ]
    lacking = [
        str(item.get("id"))
        for item in entries
        if not item.get("text") and item.get("id") not in texts
    ]
    if lacking:
        problems.append(f"item_text_file: {path} has no text for: {', '.join(lacking)}")
    if problems:
        raise InstrumentError(source, problems)
    for item in entries:
        if item.get("id") in texts and not item.get("text"):
            item["text"] = str(texts[item["id"]]).strip()


def parse_instrument(
    data: Any, *, source: str = "<instrument>", base_dir: Path | None = None, text: str = ""
) -> Instrument:
    """Validate an instrument given as a mapping (parsed YAML; ``text``, the YAML it was parsed
    from, gives each problem its line in the file).

    Raises
    ------
    InstrumentError
        Listing every structural and consistency problem, each with its key path.
    """
    if not isinstance(data, dict):
        found = "nothing" if data is None else type(data).__name__
        raise InstrumentError(
            source, [f"the file must be a YAML mapping (key: value), got {found}"]
        )
    data = dict(data)
    _merge_item_texts(data, base_dir, source)
    structural: list[str] = []
    try:
        instrument = Instrument.model_validate(data)
    except ValidationError as exc:
        structural = _pydantic_problems(exc, data, yaml_lines(text) if text else {})
    else:
        return instrument
    problems = structural + [p for p in cross_check(data) if p not in structural]
    raise InstrumentError(source, problems or ["the instrument is invalid"])


def fast_safe_load(text: str, source: str = "<yaml>") -> Any:
    """``yaml.safe_load`` through libyaml when PyYAML has it (5-10x faster; same objects),
    within the limits on depth and size (:func:`cop_eval.safe_yaml.load_yaml`).

    A document libyaml rejects is parsed again by the pure-Python loader, so error messages
    (problem and line) stay those of ``yaml.safe_load``.
    """
    return load_yaml(text, source)


def _read_yaml(path: Path) -> tuple[Any, str]:
    """The parsed document and its text."""
    try:
        text = read_text_file(path)
    except YamlLimitError as exc:
        raise InstrumentError(str(path), [str(exc)]) from None
    except FileNotFoundError as exc:
        raise InstrumentError(str(path), ["file not found; check the path"]) from exc
    except IsADirectoryError as exc:
        raise InstrumentError(str(path), ["is a folder, not a YAML file"]) from exc
    except UnicodeDecodeError as exc:
        raise InstrumentError(
            str(path), [f"not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from exc
    except OSError as exc:
        raise InstrumentError(str(path), [f"cannot read the file ({exc.strerror})"]) from None
    try:
        return fast_safe_load(text, str(path)), text
    except YamlLimitError as exc:
        raise InstrumentError(str(path), [str(exc)]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(str(path), [f"{where}YAML syntax error: {problem}"]) from exc


def instruments_dir() -> Path:
    """The folder of built-in instrument YAML files (in the wheel, or in a source checkout)."""
    packaged = resources.files("cop_eval") / "_resources" / "instruments"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent.parent / "instruments"


def builtin_instrument_ids() -> tuple[str, ...]:
    """Ids of the built-in instruments (file stems), sorted."""
    folder = instruments_dir()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml"))) if folder.is_dir() else ()


@cache
def _load_builtin(instrument_id: str) -> Instrument:
    path = instruments_dir() / f"{instrument_id}.yaml"
    data, text = _read_yaml(path)
    return parse_instrument(data, source=str(path), base_dir=path.parent, text=text)


def load_instrument(ref: str | Path) -> Instrument:
    """Load an instrument by built-in id or from a YAML file path.

    Examples
    --------
    >>> load_instrument("le_may_success_factors").title  # doctest: +SKIP
    'CoP success factors (le May)'
    """
    text = str(ref)
    looks_like_path = isinstance(ref, Path) or text.endswith((".yaml", ".yml")) or "/" in text
    if not looks_like_path and re.fullmatch(_ID_PATTERN, text):
        if text in builtin_instrument_ids():
            return _load_builtin(text)
        if not Path(text).exists():
            available = ", ".join(builtin_instrument_ids()) or "(none installed)"
            raise InstrumentError(
                text,
                [
                    f"no built-in instrument with this id and no such file; built-in ids are: {available}"
                ],
            )
    path = Path(text)
    data, text = _read_yaml(path)
    return parse_instrument(data, source=str(path), base_dir=path.parent, text=text)


def load_instruments(refs: Iterable[str | Path]) -> tuple[Instrument, ...]:
    """Load several instruments; ids must be distinct."""
    loaded = tuple(load_instrument(ref) for ref in refs)
    seen: set[str] = set()
    for instrument in loaded:
        if instrument.id in seen:
            raise InstrumentError(instrument.id, ["the same instrument id was given twice"])
        seen.add(instrument.id)
    return loaded


def load_builtin_instruments() -> tuple[Instrument, ...]:
    """Every built-in instrument, sorted by id."""
    return tuple(_load_builtin(i) for i in builtin_instrument_ids())
