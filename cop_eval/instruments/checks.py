"""Cross-checks of an instrument. They run on plain dicts so that they can also report on a file
whose structure pydantic rejected, and list every problem with its key path and item id."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from cop_eval.limits import limit, over_limit


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
    if hi - lo + 1 > limit("max_scale_points"):
        return [over_limit("max_scale_points", where, f"a scale of {hi - lo + 1:,} points")]
    if not isinstance(labels, Mapping):
        return []
    problems = _same_labels(labels, where)
    keys = {int(k) for k in labels if isinstance(k, int) or str(k).lstrip("-").isdigit()}
    ends = [v for v in (lo, hi) if v not in keys]
    if ends:
        # A numeric rating needs its ends named; text answers need every code (docs/instruments.md).
        problems.append(
            f"{where}.labels: no label for {' and '.join(map(str, ends))}; label at least "
            f"both ends ({lo} and {hi}), and every value from {lo} to {hi} if answers arrive "
            "as text"
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


def _same_labels(labels: Mapping[Any, Any], where: str) -> list[str]:
    """Two codes with one label: a text answer would score as whichever code came last."""
    codes: dict[str, list[str]] = {}
    for code, text in labels.items():
        folded = " ".join(str(text).split()).casefold()
        codes.setdefault(folded, []).append(str(code))
    return [
        f"{where}.labels: codes {' and '.join(found)} have the same label "
        f"{str(labels[_key(labels, found[0])]).strip()!r}; an answer given as that text could "
        "not be scored. Give each code its own label"
        for found in codes.values()
        if len(found) > 1
    ]


def _key(labels: Mapping[Any, Any], code: str) -> Any:
    return next(k for k in labels if str(k) == code)


def _check_status_rules(data: Mapping[str, Any]) -> list[str]:
    rules, rs = data.get("status_rules"), data.get("response_scale")
    if not (isinstance(rules, Mapping) and isinstance(rs, Mapping)):
        return []
    lo, hi = rs.get("min"), rs.get("max")
    if not (isinstance(lo, int) and isinstance(hi, int)):
        return []
    problems = []
    values = {}
    for key in ("strength", "concern", "favourable"):
        value = rules.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            values[key] = float(value)
            if not lo <= value <= hi:
                problems.append(
                    f"status_rules.{key}: {value} lies outside the response scale ({lo}..{hi})"
                )
    strength = values.get("strength", lo + 0.75 * (hi - lo))
    concern = values.get("concern", (lo + hi) / 2)
    if concern >= strength:
        problems.append(
            f"status_rules: concern ({concern:g}) must be below strength ({strength:g}); scores "
            "between the two are 'watch'"
        )
    return problems


def _ids_of(entries: list[Any], kind: str, problems: list[str]) -> list[str]:
    """The string ids of ``entries``, in order; a repeated id is reported in ``problems``."""
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


def _check_id_clashes(
    data: Mapping[str, Any], item_ids: list[str], scale_ids: list[str], problems: list[str]
) -> None:
    """Ids that differ only in case, or name both an item and a scale (or an open question)."""
    folded: dict[str, str] = {}
    for item_id in item_ids:
        other = folded.setdefault(item_id.casefold(), item_id)
        if other != item_id:
            problems.append(
                f"item ids {other} and {item_id} differ only in case; columns are matched to "
                "items without regard to case, so give them distinct ids"
            )
    clash = sorted(set(item_ids) & set(scale_ids))
    if clash:
        problems.append(f"ids used for both an item and a scale: {', '.join(clash)}; rename one")
    comment_ids = _ids_of(_as_list(data.get("comments")), "comments", problems)
    clash = sorted(set(comment_ids) & (set(item_ids) | set(scale_ids)))
    if clash:
        problems.append(
            f"ids used for both an open question (comments) and an item or scale: "
            f"{', '.join(clash)}; rename one"
        )


def _check_items(data: Mapping[str, Any], scale_ids: list[str]) -> list[str]:
    """Each item's scale, text and response scale; every scale has at least two items."""
    problems: list[str] = []
    per_scale: dict[str, int] = dict.fromkeys(scale_ids, 0)
    license_ = data.get("license")
    redistributable = not (
        isinstance(license_, Mapping) and license_.get("item_text_redistributable") is False
    )
    for index, item in enumerate(_as_list(data.get("items"))):
        if not isinstance(item, Mapping):
            continue
        where = _where("items", index, item)
        scale = item.get("scale")
        if isinstance(scale, str):
            if scale in per_scale:
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
    for index, scale in enumerate(_as_list(data.get("scales"))):
        ident = scale.get("id") if isinstance(scale, Mapping) else None
        if isinstance(ident, str) and per_scale.get(ident, 0) < 2:
            problems.append(
                f"{_where('scales', index, scale)}: has {per_scale.get(ident, 0)} item(s); "
                "a scale needs at least two items"
            )
    return problems


def _check_published(data: Mapping[str, Any], known_scales: set[str]) -> list[str]:
    return [
        f"published_reliability[{index}].scale: '{entry['scale']}' is not a scale "
        "of this instrument"
        for index, entry in enumerate(_as_list(data.get("published_reliability")))
        if isinstance(entry, Mapping)
        and isinstance(entry.get("scale"), str)
        and entry["scale"] not in known_scales
    ]


def _check_classification(data: Mapping[str, Any], known_scales: set[str]) -> list[str]:
    problems = []
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


def cross_check(data: Mapping[str, Any]) -> list[str]:
    """Return every consistency problem in an instrument given as a plain mapping.

    Checks: ids unique; every item names an existing scale; every scale has at least two items;
    labels cover min..max; classification rules name existing scales and levels are distinct;
    item text present unless the licence forbids redistributing it; published reliability names
    existing scales.
    """
    problems: list[str] = []
    item_ids = _ids_of(_as_list(data.get("items")), "items", problems)
    scale_ids = _ids_of(_as_list(data.get("scales")), "scales", problems)
    _check_id_clashes(data, item_ids, scale_ids, problems)
    problems.extend(_check_items(data, scale_ids))
    problems.extend(_check_response_scale(data.get("response_scale"), "response_scale"))
    problems.extend(_check_status_rules(data))
    problems.extend(_check_published(data, set(scale_ids)))
    problems.extend(_check_classification(data, set(scale_ids)))
    return problems
