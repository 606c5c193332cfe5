"""The file model: what each OpenDSS command does, resolved against the engine schema.

A file becomes a list of statements in source order: element definitions (``New``/``Edit``
with their ``~``/``More`` continuations merged in), includes (``Redirect``/``Compile``),
``Set`` options and other commands. Nothing here looks at other files.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from plantls.languages.dss.schema import ClassSchema, PropSchema, schema
from plantls.languages.dss.syntax import Command, ParsedScript, Token, parse

ELEMENT_VERBS = {"new", "edit"}
CONTINUATION_VERBS = {"~", "more", "m"}
INCLUDE_VERBS = {"redirect", "compile"}
DATA_COMMANDS = {"buscoords", "latlongcoords", "giscoords"}


@dataclass
class PropValue:
    """One property assignment of an element."""

    prop: PropSchema | None
    key: Token | None
    value: Token | None
    line: int
    positional: int = 0
    """1-based position when written without a name."""

    @property
    def name(self) -> str:
        """The property's canonical name, or the name as written."""
        if self.prop is not None:
            return self.prop.name
        return self.key.text if self.key else ""

    @property
    def text(self) -> str:
        """The value as written, without quotes."""
        return self.value.text if self.value else ""


@dataclass
class Element:
    """A ``New`` or ``Edit`` of one object, with its continuation lines."""

    verb: str
    cls: str
    """Canonical class name when known (``Line``, ``Circuit``), else as written."""
    name: str
    cls_token: Token
    name_token: Token
    cls_schema: ClassSchema | None
    line: int
    end_line: int
    start: int
    end: int
    uri: str
    props: list[PropValue] = field(default_factory=list)
    class_known: bool = True

    @property
    def key(self) -> str:
        """``line.l1``: how the engine identifies the element (case-insensitive)."""
        cls = "vsource" if self.cls.lower() == "circuit" else self.cls.lower()
        name = "source" if self.cls.lower() == "circuit" else self.name.lower()
        return f"{cls}.{name}"

    @property
    def full_name(self) -> str:
        """``Line.L1`` as written."""
        return f"{self.cls}.{self.name}"

    def get(self, name: str) -> PropValue | None:
        """The last assignment to a property (canonical name, case-insensitive)."""
        key = name.lower()
        for pv in reversed(self.props):
            if pv.prop is not None and (
                pv.prop.name.lower() == key or pv.prop.alt.lower() == key
            ):
                return pv
        return None

    def value(self, name: str) -> str | None:
        """A property's last value text."""
        pv = self.get(name)
        return pv.text if pv is not None else None


@dataclass
class Include:
    """A ``Redirect``/``Compile`` of another file."""

    verb: str
    token: Token | None
    target: Path | None
    line: int
    uri: str


@dataclass
class Other:
    """Any other command (Set, Solve, Clear, unknown ones)."""

    command: Command
    name: str
    """The engine command it resolves to (``Solve``), or "" when unknown."""
    uri: str
    line: int
    property_edit: bool = False
    """``Line.L1.Length=2``: the engine sets a property."""


Statement = Element | Include | Other


@dataclass
class FileModel:
    """One file's statements."""

    uri: str
    path: Path | None
    parsed: ParsedScript
    statements: list[Statement] = field(default_factory=list)

    @property
    def elements(self) -> list[Element]:
        """The element definitions of the file."""
        return [s for s in self.statements if isinstance(s, Element)]

    @property
    def data_files(self) -> list[Path]:
        """Files this script reads as data rather than as commands (bus coordinates)."""
        out = []
        for s in self.statements:
            if (
                isinstance(s, Other)
                and s.name.lower() in DATA_COMMANDS
                and s.command.params
                and s.command.params[0].value is not None
                and self.path is not None
            ):
                name = s.command.params[0].value.text.replace("\\", "/")
                out.append((self.path.parent / name).resolve())
        return out

    @property
    def looks_like_data(self) -> bool:
        """True when most lines are numbers or CSV rows, not commands."""
        cmds = self.parsed.commands
        if not cmds:
            return False
        odd = sum(
            1 for c in cmds
            if "," in c.verb.text or c.verb.text[:1].isdigit() or c.verb.text[:1] in "-."
        )
        return odd * 2 > len(cmds)

    @property
    def includes(self) -> list[Include]:
        """The Redirect/Compile statements of the file."""
        return [s for s in self.statements if isinstance(s, Include)]


def split_object(text: str) -> tuple[str, str]:
    """``Line.L1`` → (``Line``, ``L1``); ``L1`` → ("", ``L1``). The name may hold dots."""
    cls, dot, name = text.partition(".")
    if not dot:
        return "", text
    return cls, name


def _add_props(el: Element, cmd: Command, params: list, start_index: int) -> int:
    """Resolve parameters of a New/Edit/~ line into property assignments."""
    pointer = start_index
    cls = el.cls_schema
    for p in params:
        if p.name is not None:
            prop = cls.prop(p.name.text) if cls else None
            if prop is not None:
                pointer = prop.index
            el.props.append(PropValue(prop, p.name, p.value, cmd.line))
        else:
            pointer += 1
            prop = cls.positional(pointer) if cls else None
            el.props.append(PropValue(prop, None, p.value, cmd.line, positional=pointer))
    el.end_line = cmd.line
    el.end = cmd.end
    return pointer


def build_model(uri: str, text: str, path: Path | None) -> FileModel:
    """Model a file's text."""
    parsed = parse(text)
    model = FileModel(uri, path, parsed)
    sch = schema()
    current: Element | None = None
    pointer = 0
    last_class = ""
    for cmd in parsed.commands:
        word = cmd.word
        if word in CONTINUATION_VERBS:
            if current is not None:
                pointer = _add_props(current, cmd, cmd.params, pointer)
            else:
                model.statements.append(Other(cmd, "More", uri, cmd.line))
            continue
        if word in ELEMENT_VERBS:
            params = list(cmd.params)
            obj: Token | None = None
            if params:
                first = params[0]
                if first.name is None or first.name.text.lower() == "object":
                    obj = first.value
                    params = params[1:]
            if obj is None:
                model.statements.append(Other(cmd, cmd.verb.text.capitalize(), uri, cmd.line))
                current = None
                continue
            cls_text, name = split_object(obj.text)
            if not cls_text:
                cls_text = last_class
            canonical = sch.class_name(cls_text) if cls_text else None
            cls_len = len(obj.text) - len(name) - 1 if "." in obj.text else 0
            o0 = obj.inner_start
            cls_tok = Token(cls_text, o0, o0 + max(cls_len, 0))
            name_tok = Token(name, o0 + (cls_len + 1 if cls_len >= 0 and "." in obj.text else 0),
                             o0 + len(obj.text))
            current = Element(
                verb=word,
                cls=canonical or cls_text,
                name=name,
                cls_token=cls_tok,
                name_token=name_tok,
                cls_schema=sch.cls(canonical) if canonical else None,
                line=cmd.line,
                end_line=cmd.line,
                start=cmd.start,
                end=cmd.end,
                uri=uri,
                class_known=canonical is not None,
            )
            if canonical:
                last_class = cls_text
            pointer = _add_props(current, cmd, params, 0)
            model.statements.append(current)
            continue
        current = None if word not in ("//",) else current
        if word in INCLUDE_VERBS or (sch.command(word) or _none).name.lower() in INCLUDE_VERBS:
            tok = cmd.params[0].value if cmd.params else None
            target = None
            if tok is not None and tok.text and path is not None:
                target = (path.parent / tok.text.replace("\\", "/")).resolve()
            model.statements.append(Include(word, tok, target, cmd.line, uri))
            continue
        found = sch.command(word)
        if found is None and "=" not in cmd.verb.text and cmd.verb.text.count(".") >= 2:
            model.statements.append(Other(cmd, "", uri, cmd.line, property_edit=True))
            continue
        if found is None and "=" in cmd.verb.text and "." in cmd.verb.text.split("=")[0]:
            model.statements.append(Other(cmd, "", uri, cmd.line, property_edit=True))
            continue
        if found is None and cmd.params and cmd.params[0].name is None and cmd.verb.text.count(
            "."
        ) >= 2:
            model.statements.append(Other(cmd, "", uri, cmd.line, property_edit=True))
            continue
        model.statements.append(Other(cmd, found.name if found else "", uri, cmd.line))
        if found is not None and found.name.lower() == "clear":
            last_class = ""
    return model


class _None:
    name = ""


_none = _None()
