"""Instrument definitions: the schema (pydantic), the loader and the built-in library.

An instrument is data, not code: a YAML file that lists items, the scales they score into, the
response scale, provenance and licence, and optional classification rules (e.g. McDermott's identity
continuum). :func:`load_instrument` takes a built-in id (``le_may_success_factors``) or a path, and
turns every problem in the file into one :class:`~cop_eval.errors.InstrumentError` that lists each
problem with its location.

Nothing here reverses items automatically: keying is declared per item (``reverse: true``) and applied
against the declared response scale, never the data's range.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Discriminator,
    Field,
    Tag,
    ValidationError,
    model_validator,
)

from cop_eval.errors import InstrumentError

__all__ = [
    "ClassificationLevel",
    "ContinuumClassification",
    "Instrument",
    "Item",
    "License",
    "ProfileClassification",
    "PublishedReliability",
    "ResponseScale",
    "Scale",
    "Source",
    "builtin_instrument_ids",
    "instruments_dir",
    "load_builtin_instruments",
    "load_instrument",
    "parse_instrument",
]

_ID_PATTERN = r"^[a-z][a-z0-9_]*$"
Identifier = Annotated[str, Field(pattern=_ID_PATTERN, max_length=64)]


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class ResponseScale(_Model):
    """The answer options: integer codes ``min..max`` with labels, plus answers that mean missing."""

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


class Source(_Model):
    """Where a construct or item wording comes from."""

    citation: str = Field(min_length=3)
    note: str | None = None
    locator: str | None = Field(
        default=None,
        description="file and line numbers, or page/table, e.g. 'seeds/000.txt:529-565'",
    )


class License(_Model):
    """Who may use and redistribute the instrument's wording."""

    status: Literal["project-authored", "open", "public-domain", "restricted", "proprietary"]
    item_text_redistributable: bool = True
    holder: str | None = None
    url: str | None = None
    note: str | None = None


class PublishedReliability(_Model):
    """A reliability coefficient reported in the literature, shown beside the observed one."""

    scale: Identifier
    alpha: float = Field(ge=0, le=1)
    n: int | None = Field(default=None, ge=1)
    population: str | None = None
    citation: str


class Item(_Model):
    """One question. ``text`` may be omitted only when the licence forbids redistributing it."""

    id: Identifier
    text: str | None = None
    scale: Identifier
    reverse: bool = False
    short: str | None = Field(default=None, description="short label for charts and tables")
    response_scale: ResponseScale | None = None


class Scale(_Model):
    """A scale (subscale) scored from its items."""

    id: Identifier
    label: str
    description: str | None = None
    method: Literal["mean", "sum"] = "mean"
    min_answered: float = Field(default=0.5, gt=0, le=1)
    stage: Annotated[int, Field(strict=True, ge=1, le=3)] | None = None


class ClassificationLevel(_Model):
    """One level of a continuum, endorsed through the score on one scale."""

    id: Identifier
    label: str
    scale: Identifier
    description: str | None = None


class ContinuumClassification(_Model):
    """Place each respondent, and the group, on an ordered continuum of levels (weak → strong).

    Rule (documented in ``description`` of each instrument that uses it): a level is *endorsed* when
    its scale score is at least ``threshold``. A respondent's level is the strongest endorsed level;
    when none is endorsed it is the weakest level. A respondent whose level scales are all missing is
    not classified. The group's level is the lower median of its members' levels.
    """

    kind: Literal["continuum"] = "continuum"
    id: Identifier
    label: str
    description: str
    levels: tuple[ClassificationLevel, ...] = Field(min_length=2)
    threshold: float
    group_rule: Literal["lower_median"] = "lower_median"


class ProfileClassification(_Model):
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


class Instrument(_Model):
    """A questionnaire: items, scales, response scale, provenance, licence and classifications."""

    id: Identifier
    version: str
    title: str
    description: str
    status: Literal["validated", "adapted", "seed-derived"]
    sources: tuple[Source, ...] = Field(min_length=1)
    license: License
    published_reliability: tuple[PublishedReliability, ...] = ()
    response_scale: ResponseScale
    items: tuple[Item, ...] = Field(min_length=2)
    scales: tuple[Scale, ...] = Field(min_length=1)
    classification: tuple[Classification, ...] = ()

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


# ---------------------------------------------------------------------------------------------
# Cross-checks. They run on plain dicts so that they can also report on a file whose structure
# is partly invalid: the user gets every problem in one message, not one per attempt.
# ---------------------------------------------------------------------------------------------


def _as_list(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _where(kind: str, index: int, entry: Any) -> str:
    ident = entry.get("id") if isinstance(entry, Mapping) else None
    return f"{kind}[{index}]" + (f" (id: {ident})" if ident else "")


def _check_response_scale(rs: Any, where: str) -> list[str]:
    if not isinstance(rs, Mapping):
        return []
    lo, hi, labels = rs.get("min"), rs.get("max"), rs.get("labels")
    if not (isinstance(lo, int) and isinstance(hi, int)):
        return []
    if lo >= hi:
        return [f"{where}: min ({lo}) must be less than max ({hi})"]
    if not isinstance(labels, Mapping):
        return []
    problems = []
    keys = {int(k) for k in labels if isinstance(k, int) or str(k).lstrip("-").isdigit()}
    missing = [v for v in range(lo, hi + 1) if v not in keys]
    if missing:
        problems.append(
            f"{where}.labels: no label for {', '.join(map(str, missing))}; "
            f"give a label for every value from {lo} to {hi}"
        )
    outside = sorted(k for k in keys if k < lo or k > hi)
    if outside:
        problems.append(f"{where}.labels: {outside} lie outside min..max ({lo}..{hi})")
    texts = [str(t).strip().casefold() for t in labels.values()]
    for missing_label in _as_list(rs.get("missing_labels")):
        if str(missing_label).strip().casefold() in texts:
            problems.append(
                f"{where}.missing_labels: '{missing_label}' is also a scored label; "
                "an answer cannot be both a score and missing"
            )
    return problems


def cross_check(data: Mapping[str, Any]) -> list[str]:
    """Return every consistency problem in an instrument given as a plain mapping.

    Checks: ids unique; every item names an existing scale; every scale has at least two items;
    labels cover min..max; classification rules name existing scales and levels are distinct;
    item text present unless the licence forbids redistributing it; published reliability names
    existing scales.
    """
    problems: list[str] = []
    items = _as_list(data.get("items"))
    scales = _as_list(data.get("scales"))

    def ids_of(entries: list[Any], kind: str) -> list[str]:
        seen: dict[str, int] = {}
        out = []
        for index, entry in enumerate(entries):
            ident = entry.get("id") if isinstance(entry, Mapping) else None
            if not isinstance(ident, str):
                continue
            if ident in seen:
                problems.append(
                    f"{kind}[{index}] (id: {ident}): duplicate id, already used by "
                    f"{kind}[{seen[ident]}]; give each {kind[:-1]} its own id"
                )
            else:
                seen[ident] = index
            out.append(ident)
        return out

    item_ids = ids_of(items, "items")
    scale_ids = ids_of(scales, "scales")
    clash = sorted(set(item_ids) & set(scale_ids))
    if clash:
        problems.append(f"ids used for both an item and a scale: {', '.join(clash)}; rename one")

    known_scales = set(scale_ids)
    per_scale: dict[str, int] = dict.fromkeys(scale_ids, 0)
    license_ = data.get("license")
    redistributable = not (
        isinstance(license_, Mapping) and license_.get("item_text_redistributable") is False
    )
    for index, item in enumerate(items):
        if not isinstance(item, Mapping):
            continue
        where = _where("items", index, item)
        scale = item.get("scale")
        if isinstance(scale, str):
            if scale in known_scales:
                per_scale[scale] += 1
            else:
                problems.append(
                    f"{where}.scale: '{scale}' is not a scale of this instrument; "
                    f"scales are: {', '.join(scale_ids) or '(none)'}"
                )
        text = item.get("text")
        if redistributable and not (isinstance(text, str) and text.strip()):
            problems.append(
                f"{where}.text: missing; every item needs its wording unless "
                "license.item_text_redistributable is false"
            )
        problems.extend(
            _check_response_scale(item.get("response_scale"), f"{where}.response_scale")
        )

    for index, scale in enumerate(scales):
        ident = scale.get("id") if isinstance(scale, Mapping) else None
        if isinstance(ident, str) and per_scale.get(ident, 0) < 2:
            problems.append(
                f"{_where('scales', index, scale)}: has {per_scale.get(ident, 0)} item(s); "
                "a scale needs at least two items"
            )

    problems.extend(_check_response_scale(data.get("response_scale"), "response_scale"))

    for index, entry in enumerate(_as_list(data.get("published_reliability"))):
        if (
            isinstance(entry, Mapping)
            and isinstance(entry.get("scale"), str)
            and entry["scale"] not in known_scales
        ):
            problems.append(
                f"published_reliability[{index}].scale: '{entry['scale']}' is not a scale "
                "of this instrument"
            )

    for index, rule in enumerate(_as_list(data.get("classification"))):
        if not isinstance(rule, Mapping):
            continue
        where = _where("classification", index, rule)
        named: list[tuple[str, Any]] = []
        if rule.get("kind", "continuum") == "continuum":
            levels = _as_list(rule.get("levels"))
            named = [
                (f"{where}.levels[{i}].scale", lvl.get("scale"))
                for i, lvl in enumerate(levels)
                if isinstance(lvl, Mapping)
            ]
            used = [s for _, s in named if isinstance(s, str)]
            if len(set(used)) != len(used):
                problems.append(f"{where}.levels: two levels use the same scale")
        else:
            named = [
                (f"{where}.scales[{i}]", s) for i, s in enumerate(_as_list(rule.get("scales")))
            ]
        for location, scale in named:
            if isinstance(scale, str) and scale not in known_scales:
                problems.append(f"{location}: '{scale}' is not a scale of this instrument")
    return problems


# ---------------------------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------------------------


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


def _pydantic_problems(exc: ValidationError, data: Mapping[str, Any]) -> list[str]:
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
            message = "required key is missing"
        elif err["type"] == "string_pattern_mismatch":
            message = (
                f"'{err.get('input')}' is not a valid id: use lower-case letters, digits and "
                "underscores, starting with a letter"
            )
        elif "input" in err and not isinstance(err["input"], dict | list):
            message = f"{message} (found {err['input']!r})"
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
        texts = yaml.safe_load(path.read_text(encoding="utf-8-sig"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise InstrumentError(
            source, [f"item_text_file: {path} is not readable YAML: {exc}"]
        ) from None
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
    data: Any, *, source: str = "<instrument>", base_dir: Path | None = None
) -> Instrument:
    """Validate an instrument given as a mapping (parsed YAML).

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
        structural = _pydantic_problems(exc, data)
    else:
        return instrument
    problems = structural + [p for p in cross_check(data) if p not in structural]
    raise InstrumentError(source, problems or ["the instrument is invalid"])


def _read_yaml(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InstrumentError(str(path), ["file not found; check the path"]) from None
    except IsADirectoryError:
        raise InstrumentError(str(path), ["is a folder, not a YAML file"]) from None
    except UnicodeDecodeError as exc:
        raise InstrumentError(
            str(path), [f"not UTF-8 text (byte {exc.start}); save it as UTF-8"]
        ) from None
    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise InstrumentError(str(path), [f"{where}YAML syntax error: {problem}"]) from None


def instruments_dir() -> Path:
    """The folder of built-in instrument YAML files (in the wheel, or in a source checkout)."""
    packaged = resources.files("cop_eval") / "_resources" / "instruments"
    if packaged.is_dir():
        return Path(str(packaged))
    return Path(__file__).resolve().parent.parent / "instruments"


def builtin_instrument_ids() -> tuple[str, ...]:
    """Ids of the built-in instruments (file stems), sorted."""
    folder = instruments_dir()
    return tuple(sorted(p.stem for p in folder.glob("*.yaml"))) if folder.is_dir() else ()


@cache
def _load_builtin(instrument_id: str) -> Instrument:
    path = instruments_dir() / f"{instrument_id}.yaml"
    return parse_instrument(_read_yaml(path), source=str(path), base_dir=path.parent)


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
    instrument = parse_instrument(_read_yaml(path), source=str(path), base_dir=path.parent)
    return instrument


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
