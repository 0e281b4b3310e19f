"""YAML from users (instruments, mappings, codebooks), read within limits.

``yaml.safe_load`` constructs no objects, but it still recurses once per nesting level (100,000
nested brackets end in ``RecursionError``) and expands aliases by reference, so a 1 KB file of
aliases of aliases ("billion laughs") becomes 10^9 values for whatever walks it next. The events
of the document are counted first, without recursion and without building anything; only a
document within the limits (:mod:`cop_eval.limits`: bytes, depth, values) is constructed.
"""

from __future__ import annotations

import stat
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

from cop_eval.limits import limit, over_limit

__all__ = [
    "YamlLimitError",
    "check_yaml_shape",
    "line_of",
    "load_yaml",
    "read_text_file",
    "yaml_lines",
]

#: A key path in a parsed document: mapping keys (as written) and list positions.
KeyPath = tuple[str | int, ...]


class YamlLimitError(ValueError):
    """A YAML document over a limit (the message names the limit and how to raise it)."""


def read_text_file(path: Path, *, limit_name: str = "max_yaml_bytes") -> str:
    """The text of a small UTF-8 file (BOM removed), refusing pipes, devices and big files.

    Raises
    ------
    FileNotFoundError, IsADirectoryError, UnicodeDecodeError, OSError
        As :meth:`pathlib.Path.read_text` does (callers word them).
    YamlLimitError
        Not a regular file, or over the size limit.
    """
    mode = path.stat().st_mode
    if stat.S_ISDIR(mode):
        raise IsADirectoryError(21, "Is a directory", str(path))
    if not stat.S_ISREG(mode):
        raise YamlLimitError(
            f"{path}: not a regular file (a named pipe, socket or device); give the file itself."
        )
    size = path.stat().st_size
    if size > limit(limit_name):
        raise YamlLimitError(over_limit(limit_name, str(path), f"a file of {size:,} bytes"))
    return path.read_text(encoding="utf-8-sig")


def check_yaml_shape(text: str, source: str) -> None:
    """Refuse a document nested deeper than ``max_yaml_depth`` or expanding (aliases included)
    to more than ``max_yaml_nodes`` values, from its parse events (no recursion).

    Raises
    ------
    YamlLimitError
        Over a limit.
    yaml.YAMLError
        Not valid YAML (raised by the parser, with its line and column).
    """
    if len(text) > limit("max_yaml_bytes"):
        raise YamlLimitError(
            over_limit("max_yaml_bytes", source, f"a document of {len(text):,} characters")
        )
    max_depth, max_nodes = limit("max_yaml_depth"), limit("max_yaml_nodes")
    sizes: dict[str, int] = {}  # expanded size of each anchored node
    stack: list[tuple[str | None, int]] = []  # open collections: (anchor, total when opened)
    total = 0
    for event in _events(text):
        if isinstance(event, yaml.CollectionStartEvent):
            stack.append((event.anchor, total))
            total += 1
            if len(stack) > max_depth:
                line = event.start_mark.line + 1 if event.start_mark else 0
                raise YamlLimitError(
                    over_limit("max_yaml_depth", f"{source}, line {line}", "nesting that deep")
                )
        elif isinstance(event, yaml.CollectionEndEvent):
            anchor, opened = stack.pop()
            if anchor:
                sizes[anchor] = total - opened
        elif isinstance(event, yaml.ScalarEvent):
            total += 1
            if event.anchor:
                sizes[event.anchor] = 1
        elif isinstance(event, yaml.AliasEvent):
            total += sizes.get(event.anchor or "", 1)
        if total > max_nodes:
            raise YamlLimitError(
                over_limit(
                    "max_yaml_nodes", source, "a document expanding to more values (aliases)"
                )
            )


def _events(text: str) -> Any:
    """Parse events through libyaml; a document it rejects is parsed by the pure-Python parser
    (an iterative state machine, as libyaml), whose messages are those users know."""
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is not None:
        try:
            return list(yaml.parse(text, Loader=loader))
        except yaml.YAMLError:
            pass
    return yaml.parse(text, Loader=yaml.SafeLoader)


def load_yaml(text: str, source: str) -> Any:
    """Parse YAML text safely: :func:`check_yaml_shape`, then ``safe_load`` (through libyaml
    when available; a document libyaml rejects is parsed again by the pure-Python loader so that
    messages name the problem and line as ``yaml.safe_load`` does)."""
    check_yaml_shape(text, source)
    loader = getattr(yaml, "CSafeLoader", None)
    if loader is None:
        return yaml.safe_load(text)
    try:
        return yaml.load(text, Loader=loader)  # CSafeLoader: the safe loader, in C
    except yaml.YAMLError:
        return yaml.safe_load(text)


def yaml_lines(text: str) -> dict[KeyPath, int]:
    """The line (1-based) of every key path of a document: a mapping key's own line, a list
    entry's first line (``{}`` when it is not YAML). For messages about a document that parsed
    (:func:`load_yaml` ran first, so it is within the limits); an alias is followed only where
    its anchor's node first occurs."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    try:
        root = yaml.compose(text, Loader=loader)
    except yaml.YAMLError:
        return {}
    lines: dict[KeyPath, int] = {}
    stack: list[tuple[KeyPath, yaml.Node | None]] = [((), root)]
    seen: set[int] = set()
    while stack:  # no recursion: as deep as the depth limit allows
        path, node = stack.pop()
        if node is None or id(node) in seen:
            continue
        seen.add(id(node))
        entries: list[tuple[KeyPath, yaml.Node, int]] = []
        if isinstance(node, yaml.MappingNode):
            entries = [
                ((*path, key.value), value, key.start_mark.line + 1)
                for key, value in node.value
                if isinstance(key, yaml.ScalarNode)
            ]
        elif isinstance(node, yaml.SequenceNode):
            entries = [
                ((*path, index), value, value.start_mark.line + 1)
                for index, value in enumerate(node.value)
            ]
        for sub, _, line in entries:
            lines.setdefault(sub, line)
        stack.extend((sub, value) for sub, value, _ in reversed(entries))  # in document order
    return lines


def line_of(loc: Sequence[str | int], lines: Mapping[KeyPath, int]) -> tuple[int | None, bool]:
    """Where a validation error's location ``loc`` is in the document: the line of the deepest
    key path of ``loc`` found in ``lines`` (``None``: none), and whether all of ``loc`` was found
    (``False`` for a missing key: the line is that of the entry that lacks it). Steps that are
    not keys in the file (a union's tag) are passed over."""
    path: KeyPath = ()
    line = None
    for index, step in enumerate(loc):
        if (*path, step) in lines:
            path = (*path, step)
            line = lines[path]
        elif any((*path, later) in lines for later in loc[index + 1 : index + 2]):
            continue  # a tag pydantic adds (a discriminated union's case), not in the file
        else:
            return line, False
    return line, True
