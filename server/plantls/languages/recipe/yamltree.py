"""YAML to a small positioned tree, built from ruamel.yaml's parser events.

Recipes are read from parser events rather than constructed objects so that:

- every key and value keeps its exact start and end (string offsets), not only a start;
- duplicate keys are kept and reported with both places, instead of ending the parse;
- anchors and aliases are never expanded (no "billion laughs"), and are reported;
- nothing is constructed from tags: a recipe is data, never code.

Problems become :class:`YamlProblem` objects; nothing here raises for bad input.
"""

from __future__ import annotations

import bisect
import io
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.error import MarkedYAMLError, YAMLError
from ruamel.yaml.events import (
    AliasEvent,
    DocumentStartEvent,
    MappingEndEvent,
    MappingStartEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
)

from plantls.core.positions import line_starts

MAX_CHARS = 1_000_000
"""Recipe and tool files above this size are not parsed (a real one is a few kilobytes)."""
MAX_DEPTH = 64
"""Deeper nesting than this is reported and not analysed."""
MAX_NODES = 200_000

_NULL = re.compile(r"^(?:~|null|Null|NULL|)$")
_BOOL_TRUE = re.compile(r"^(?:true|True|TRUE)$")
_BOOL_FALSE = re.compile(r"^(?:false|False|FALSE)$")
_INT = re.compile(r"^[-+]?(?:[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$")
_FLOAT = re.compile(
    r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)
_STD_TAGS = {"str", "int", "float", "bool", "null", "map", "seq"}


@dataclass(eq=False)
class Node:
    """A YAML node with its span as string offsets into the document text."""

    start: int
    end: int

    def plain(self) -> Any:
        """The node as plain Python data (dicts, lists, scalars)."""
        raise NotImplementedError


@dataclass(eq=False)
class Scalar(Node):
    """A scalar: ``value`` is str, int, float, bool or None; ``quoted`` for quoted styles."""

    value: Any = None
    text: str = ""
    quoted: bool = False

    def plain(self) -> Any:
        """The value itself."""
        return self.value


@dataclass(eq=False)
class Entry:
    """One ``key: value`` pair of a mapping."""

    key: Scalar
    value: Node

    @property
    def name(self) -> str:
        """The key as text."""
        return self.key.text


@dataclass(eq=False)
class Mapping(Node):
    """A mapping, entries in source order (duplicates kept; :meth:`get` returns the first)."""

    entries: list[Entry] = field(default_factory=list)

    def get(self, key: str) -> Node | None:
        """The value of ``key``, if present."""
        entry = self.entry(key)
        return entry.value if entry else None

    def entry(self, key: str) -> Entry | None:
        """The first entry named ``key``."""
        for e in self.entries:
            if e.key.text == key:
                return e
        return None

    def keys(self) -> list[str]:
        """Key names, in order."""
        return [e.key.text for e in self.entries]

    def plain(self) -> Any:
        """A dict (first occurrence of a duplicate key wins)."""
        out: dict[str, Any] = {}
        for e in self.entries:
            out.setdefault(e.key.text, e.value.plain())
        return out


@dataclass(eq=False)
class Sequence(Node):
    """A sequence."""

    items: list[Node] = field(default_factory=list)

    def plain(self) -> Any:
        """A list."""
        return [i.plain() for i in self.items]


@dataclass(frozen=True)
class YamlProblem:
    """Something wrong with the YAML itself, at a string span."""

    start: int
    end: int
    message: str
    fatal: bool = True
    """True when the tree is not complete or not safe to analyse."""


@dataclass
class YamlTree:
    """The parsed document: its root (None when unreadable) and the problems found."""

    root: Node | None
    problems: list[YamlProblem]

    @property
    def analysable(self) -> bool:
        """True when rules can run on the tree."""
        return self.root is not None and not any(p.fatal for p in self.problems)


def _resolve(text: str) -> Any:
    """YAML 1.2 core-schema resolution of a plain scalar."""
    if _NULL.match(text):
        return None
    if _BOOL_TRUE.match(text):
        return True
    if _BOOL_FALSE.match(text):
        return False
    if _INT.match(text):
        try:
            return int(text, 0) if text.lstrip("+-")[:2] in ("0x", "0o") else int(text)
        except ValueError:
            return text
    if _FLOAT.match(text):
        lowered = text.lower()
        if lowered.endswith("inf"):
            return -math.inf if lowered.startswith("-") else math.inf
        if lowered.endswith("nan"):
            return math.nan
        return float(text)
    return text


def _scalar_value(ev: ScalarEvent, problems: list[YamlProblem], start: int, end: int) -> Any:
    tag = ev.tag
    text = ev.value
    if tag:
        tag_text = str(tag)
        short = tag_text.rsplit(":", 1)[-1].lstrip("!")
        if short not in _STD_TAGS and tag_text not in ("!",):
            problems.append(
                YamlProblem(start, end, f"YAML tag {tag_text} is not allowed in this file", False)
            )
            return text
        if short == "str":
            return text
        value = _resolve(text)
        return value
    if ev.implicit and ev.implicit[0] and not ev.style:
        return _resolve(text)
    return text


def _mark_index(mark: Any, fallback: int = 0) -> int:
    idx = getattr(mark, "index", None)
    return idx if isinstance(idx, int) else fallback


def _explain(exc: MarkedYAMLError) -> str:
    problem = str(exc.problem or exc.context or "invalid YAML").strip()
    if "'\\t'" in problem or "\\t" in problem or "\t" in problem:
        return "tab character: YAML indentation must use spaces, never tabs"
    context = f" ({exc.context.strip()})" if exc.context and exc.problem else ""
    return f"invalid YAML: {problem}{context}"


def _line_offset(text: str, line: int, column: int) -> int:
    """The offset of a YAML mark's line and column (YAML, like LSP, also ends a line at a
    lone ``\\r``)."""
    starts = line_starts(text)
    if line >= len(starts):
        return len(text)
    return min(starts[line] + column, len(text))


def _line_number(text: str, offset: int) -> int:
    """The 1-based line of an offset."""
    return bisect.bisect_right(line_starts(text), offset)


def _events(text: str) -> Iterator[Any]:
    yaml = YAML(typ="rt")
    return iter(yaml.parse(io.StringIO(text)))


def parse_yaml(text: str) -> YamlTree:
    """Parse one YAML document into a positioned tree; never raises."""
    problems: list[YamlProblem] = []
    if len(text) > MAX_CHARS:
        return YamlTree(
            None,
            [YamlProblem(0, 0, f"file has {len(text):,} characters, over the "
                         f"{MAX_CHARS:,} limit for recipe and tool files; not checked")],
        )
    tab = re.search(r"(?:^|(?<=\r))( *)\t", text, re.MULTILINE)
    root: Node | None = None
    stack: list[Mapping | Sequence] = []
    pending_key: list[Scalar | None] = []
    documents = 0
    count = 0
    try:
        for ev in _events(text):
            count += 1
            if count > MAX_NODES:
                problems.append(YamlProblem(0, 0, "file has too many YAML nodes; not checked"))
                return YamlTree(None, problems)
            if isinstance(ev, DocumentStartEvent):
                documents += 1
                if documents > 1:
                    s = _mark_index(ev.start_mark)
                    problems.append(
                        YamlProblem(s, s + 3, "only one YAML document per file is allowed; "
                                    "the rest of the file is ignored", False)
                    )
                    break
                continue
            start = _mark_index(ev.start_mark)
            end = _mark_index(ev.end_mark, start)
            node: Node | None = None
            anchor = getattr(ev, "anchor", None)
            if isinstance(ev, AliasEvent):
                problems.append(
                    YamlProblem(start, end, f"alias *{ev.anchor}: anchors and aliases are not "
                                "allowed; write each value out so a reviewer sees it in place")
                )
                node = Scalar(start, end, None, f"*{ev.anchor}")
            elif anchor and isinstance(ev, ScalarEvent | MappingStartEvent | SequenceStartEvent):
                problems.append(
                    YamlProblem(start, start + len(anchor) + 1, f"anchor &{anchor}: anchors and "
                                "aliases are not allowed in recipe and tool files", False)
                )
            tag = getattr(ev, "tag", None)
            if tag and isinstance(ev, MappingStartEvent | SequenceStartEvent):
                short = str(tag).rsplit(":", 1)[-1].lstrip("!")
                if short not in _STD_TAGS:
                    problems.append(
                        YamlProblem(start, end, f"YAML tag {tag} is not allowed in this file",
                                    False)
                    )
            if isinstance(ev, ScalarEvent):
                node = Scalar(start, end, _scalar_value(ev, problems, start, end), ev.value,
                              bool(ev.style))
            elif isinstance(ev, MappingStartEvent | SequenceStartEvent):
                if len(stack) >= MAX_DEPTH:
                    problems.append(
                        YamlProblem(start, start, f"nested more than {MAX_DEPTH} levels deep; "
                                    "not checked")
                    )
                    return YamlTree(None, problems)
                container: Mapping | Sequence = (
                    Mapping(start, end)
                    if isinstance(ev, MappingStartEvent)
                    else Sequence(start, end)
                )
                _attach(container, stack, pending_key, problems, text)
                if not stack:
                    root = container
                stack.append(container)
                pending_key.append(None)
                continue
            elif isinstance(ev, MappingEndEvent | SequenceEndEvent):
                done = stack.pop()
                pending_key.pop()
                last = done.entries[-1].value if isinstance(done, Mapping) and done.entries else (
                    done.items[-1] if isinstance(done, Sequence) and done.items else None
                )
                if last is not None:
                    done.end = max(done.end, last.end)
                if isinstance(done, Sequence | Mapping) and _is_flow_end(text, end):
                    done.end = max(done.end, end)
                if stack:
                    stack[-1].end = max(stack[-1].end, done.end)
                continue
            if node is None:
                continue
            if not stack:
                root = node
            else:
                _attach(node, stack, pending_key, problems, text)
                stack[-1].end = max(stack[-1].end, node.end)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        if tab is not None and "\t" in str(exc.problem or ""):
            s = tab.start() + len(tab.group(1))
            problems.append(YamlProblem(s, s + 1, _explain(exc)))
        elif mark is not None:
            s = _line_offset(text, mark.line, mark.column)
            problems.append(YamlProblem(s, min(s + 1, len(text)), _explain(exc)))
        else:
            problems.append(YamlProblem(0, 0, _explain(exc)))
        return YamlTree(root, problems)
    except (YAMLError, RecursionError, ValueError, TypeError) as exc:
        problems.append(YamlProblem(0, 0, f"cannot read this YAML: {exc}"))
        return YamlTree(None, problems)
    return YamlTree(root, problems)


def _is_flow_end(text: str, end: int) -> bool:
    return 0 < end <= len(text) and text[end - 1] in "]}"


def _attach(
    node: Node,
    stack: list[Mapping | Sequence],
    pending_key: list[Scalar | None],
    problems: list[YamlProblem],
    text: str,
) -> None:
    if not stack:
        return
    parent = stack[-1]
    if isinstance(parent, Sequence):
        parent.items.append(node)
        return
    key = pending_key[-1]
    if key is None:
        if isinstance(node, Scalar):
            pending_key[-1] = node
            if node.value is None and not node.text:
                problems.append(YamlProblem(node.start, node.end, "empty key", False))
        else:
            problems.append(
                YamlProblem(node.start, node.start + 1,
                            "complex mapping keys are not allowed; use a plain name")
            )
            pending_key[-1] = Scalar(node.start, node.start, None, "?")
        return
    duplicate = parent.entry(key.text)
    if duplicate is not None:
        problems.append(
            YamlProblem(
                key.start,
                key.end,
                f"duplicate key '{key.text}' (first defined on line "
                f"{_line_number(text, duplicate.key.start)}); YAML readers disagree "
                "on which one wins",
                False,
            )
        )
    parent.entries.append(Entry(key, node))
    pending_key[-1] = None


def walk(node: Node | None) -> Iterator[Node]:
    """Every node under ``node``, depth first, without recursion."""
    if node is None:
        return
    todo: list[Node] = [node]
    while todo:
        n = todo.pop()
        yield n
        if isinstance(n, Mapping):
            for e in reversed(n.entries):
                todo.append(e.value)
                todo.append(e.key)
        elif isinstance(n, Sequence):
            todo.extend(reversed(n.items))


def node_at(root: Node | None, offset: int) -> tuple[list[Node | Entry], Node | None]:
    """The chain of entries/items leading to the innermost node containing ``offset``.

    Returns (path of containers and entries, innermost node).
    """
    path: list[Node | Entry] = []
    node = root
    found: Node | None = None
    while node is not None and node.start <= offset <= node.end:
        found = node
        path.append(node)
        nxt: Node | None = None
        if isinstance(node, Mapping):
            for e in node.entries:
                if e.key.start <= offset <= e.key.end:
                    path.append(e)
                    path.append(e.key)
                    return path, e.key
                if e.value.start <= offset <= e.value.end and (
                    e.value.end > e.value.start or isinstance(e.value, Scalar)
                ):
                    path.append(e)
                    nxt = e.value
                    break
        elif isinstance(node, Sequence):
            for item in node.items:
                if item.start <= offset <= item.end:
                    nxt = item
                    break
        node = nxt
    return path, found
