"""The declarations of one ST file: POUs, variables, types and global variable lists.

Built from the syntax tree in one pass over the top-level nodes. Names keep the user's
spelling; lookups are case-insensitive (IEC 61131-3 identifiers are), so every map is keyed
by the upper-case name.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache, partial
from pathlib import PurePath
from typing import TYPE_CHECKING, Any

from tree_sitter import Node

from plantls.core.positions import Range, split_lines
from plantls.languages.st.syntax import SyntaxTree, comment_nodes

VAR_SECTIONS = {
    "var_block": "VAR",
    "var_input": "VAR_INPUT",
    "var_output": "VAR_OUTPUT",
    "var_in_out": "VAR_IN_OUT",
    "var_temp": "VAR_TEMP",
    "var_external": "VAR_EXTERNAL",
    "var_global": "VAR_GLOBAL",
    "var_config": "VAR_CONFIG",
    "var_access": "VAR_ACCESS",
}
POU_NODES = {
    "program_declaration": "PROGRAM",
    "function_block_declaration": "FUNCTION_BLOCK",
    "function_declaration": "FUNCTION",
    "method_declaration": "METHOD",
    "property_declaration": "PROPERTY",
    "interface_declaration": "INTERFACE",
    "method_signature": "METHOD",
    "property_signature": "PROPERTY",
}
STATEMENT_FIELDS = ("body",)


class _Deferred:
    """Fields that a model builder leaves out are worked out when first read.

    The builder makes declarations without calling ``__init__`` and gives some fields (the
    LSP ranges, the comment, the pragmas) as functions in ``_deferred``; the first read of
    such a field calls its function and keeps the value. A check reads few of them (the
    ranges of the declarations it reports), so most are never worked out. Objects made by
    calling the class have every field, as usual.
    """

    if not TYPE_CHECKING:

        def __getattr__(self, name: str) -> Any:
            deferred = self.__dict__.get("_deferred")
            work = deferred.get(name) if deferred is not None else None
            if work is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            value = work()
            self.__dict__[name] = value
            return value


def _deferred_fields(cls: type, *names: str) -> None:
    """Let ``names`` of a dataclass be deferred: drop the class attributes that hold their
    defaults (``__init__`` keeps its defaults), so a missing one reaches ``__getattr__``."""
    for name in names:
        if name in cls.__dict__:
            delattr(cls, name)


Deferred = dict[str, Callable[[], object]]


def _make(cls: type, values: dict[str, Any], deferred: Deferred) -> Any:
    """An instance of ``cls`` with ``values`` set and ``deferred`` worked out on first read.

    A declaration's ``key`` (its upper-case name, a cached property) is set at once: every
    declaration is filed by it, and a cached property's first read is slow."""
    obj: Any = object.__new__(cls)
    values["_deferred"] = deferred
    if "name" in values:
        values["key"] = values["name"].upper()
    obj.__dict__.update(values)
    return obj


@dataclass(frozen=True)
class TypeRef:
    """A type as written in a declaration.

    ``kind`` is ``named`` (elementary or user type), ``array``, ``pointer``, ``reference``,
    ``string``, ``enum`` (inline), ``struct`` (inline) or ``subrange``.
    """

    kind: str
    name: str = ""
    element: TypeRef | None = None
    bounds: tuple[tuple[int | None, int | None], ...] = ()
    text: str = ""

    @property
    def key(self) -> str:
        """Upper-case name for lookups (named types)."""
        return self.name.upper()

    def __str__(self) -> str:
        return self.text or self.name


@dataclass
class VarDecl(_Deferred):
    """A declared variable, parameter, struct field or global."""

    name: str
    type: TypeRef | None
    section: str
    uri: str
    range: Range
    """Range of the name."""
    decl_range: Range
    node: Node | None = None
    init: Node | None = None
    constant: bool = False
    retain: bool = False
    address: str = ""
    comment: str = ""
    owner: str = ""
    """Name of the POU, type or GVL that declares it."""
    pragmas: str = ""
    """Pragmas (``{attribute 'hide'}``) on the declaration's line or the lines just above."""

    @cached_property
    def key(self) -> str:
        """Upper-case name (worked out once: names do not change)."""
        return self.name.upper()

    @property
    def is_input(self) -> bool:
        """A VAR_INPUT."""
        return self.section == "VAR_INPUT"

    @property
    def is_output(self) -> bool:
        """A VAR_OUTPUT."""
        return self.section == "VAR_OUTPUT"

    @property
    def is_global(self) -> bool:
        """Declared in a global variable list."""
        return self.section == "VAR_GLOBAL"


@dataclass
class VarSection(_Deferred):
    """One ``VAR`` ... ``END_VAR`` block of a POU or a global variable list."""

    keyword: str
    """``VAR``, ``VAR_INPUT`` ... (``VAR_INST`` and ``VAR_STAT`` as written)."""
    range: Range
    """Range of the whole block (worked out on first read: only the outline asks)."""
    decls: list[VarDecl]


@dataclass
class Pou(_Deferred):
    """A program organisation unit or one of its members (method, property, action)."""

    name: str
    kind: str
    uri: str
    range: Range
    name_range: Range
    node: Node
    return_type: TypeRef | None = None
    extends: str = ""
    implements: tuple[str, ...] = ()
    vars: dict[str, VarDecl] = field(default_factory=dict)
    sections: list[VarSection] = field(default_factory=list)
    members: dict[str, Pou] = field(default_factory=dict)
    body: list[Node] = field(default_factory=list)
    parent: Pou | None = None
    comment: str = ""
    access: str = ""

    @cached_property
    def key(self) -> str:
        """Upper-case name (worked out once: names do not change)."""
        return self.name.upper()

    @property
    def qualified_name(self) -> str:
        """``FB.Method`` for members, the name otherwise."""
        return f"{self.parent.name}.{self.name}" if self.parent else self.name

    def inputs(self) -> list[VarDecl]:
        """VAR_INPUT and VAR_IN_OUT parameters in order."""
        return [v for v in self.vars.values() if v.section in ("VAR_INPUT", "VAR_IN_OUT")]

    def outputs(self) -> list[VarDecl]:
        """VAR_OUTPUT parameters in order."""
        return [v for v in self.vars.values() if v.section == "VAR_OUTPUT"]


@dataclass
class TypeDecl(_Deferred):
    """A user type from a TYPE ... END_TYPE block."""

    name: str
    kind: str
    """``ENUM``, ``STRUCT``, ``UNION``, ``ALIAS``, ``SUBRANGE`` or ``ARRAY``."""
    uri: str
    range: Range
    name_range: Range
    node: Node
    fields: dict[str, VarDecl] = field(default_factory=dict)
    values: dict[str, VarDecl] = field(default_factory=dict)
    """Enum values, as constants of the enum type."""
    base: TypeRef | None = None
    extends: str = ""
    comment: str = ""

    @cached_property
    def key(self) -> str:
        """Upper-case name (worked out once: names do not change)."""
        return self.name.upper()


_deferred_fields(VarDecl, "comment", "pragmas")
_deferred_fields(Pou, "comment")
_deferred_fields(TypeDecl, "comment")


@dataclass
class Gvl:
    """A global variable list: a file's VAR_GLOBAL blocks, named after the file (TwinCAT)."""

    name: str
    uri: str
    range: Range
    vars: dict[str, VarDecl] = field(default_factory=dict)
    sections: list[VarSection] = field(default_factory=list)
    pragmas: str = ""
    """Pragmas just above its VAR_GLOBAL blocks (``{attribute 'qualified_only'}``)."""

    @property
    def key(self) -> str:
        """Upper-case name."""
        return self.name.upper()


@dataclass
class FileModel:
    """Everything one file declares."""

    uri: str
    pous: dict[str, Pou] = field(default_factory=dict)
    types: dict[str, TypeDecl] = field(default_factory=dict)
    gvls: dict[str, Gvl] = field(default_factory=dict)
    duplicates: list[tuple[VarDecl | Pou | TypeDecl, str]] = field(default_factory=list)
    """Declarations whose name was already taken in the same scope, with the scope's name."""

    _all_pous: list[Pou] | None = field(default=None, init=False, repr=False, compare=False)

    def all_pous(self) -> list[Pou]:
        """POUs and their members, outer first (listed once: the rules ask for them many
        times, and a model does not change after it is built; do not change the list)."""
        out = self._all_pous
        if out is None:
            out = []
            for pou in self.pous.values():
                out.append(pou)
                out.extend(pou.members.values())
            self._all_pous = out
        return out


def _starts_with_action(st: SyntaxTree, node: Node) -> bool:
    """Whether a method declaration is an ``ACTION`` (reads the start of it, not all)."""
    head = st.data[node.start_byte : min(node.end_byte, node.start_byte + 64)]
    if head[:1].isspace() or not head.isascii():
        return st.text(node).lstrip().upper().startswith("ACTION")
    return head[:6].upper() == b"ACTION"


class _FileText:
    """What deferred fields read: the tree, the comments by line and the user's lines, each
    worked out on first use. It holds no model, so declarations that refer to it through
    their deferred fields make no reference cycle."""

    def __init__(self, st: SyntaxTree) -> None:
        self.st = st
        self._comments: dict[int, str] | None = None
        self._lines: list[str] | None = None
        self._no_pragmas = "{" not in (st.original or st.source)

    @property
    def comments(self) -> dict[int, str]:
        """Comment text by line (the first comment that starts on each line)."""
        if self._comments is None:
            self._comments = self._collect_comments()
        return self._comments

    @property
    def lines(self) -> list[str]:
        """The user's lines."""
        if self._lines is None:
            self._lines = split_lines(self.st.original or self.st.source)
        return self._lines

    def _collect_comments(self) -> dict[int, str]:
        out: dict[int, str] = {}
        for node in sorted(comment_nodes(self.st.root), key=_start_byte):
            row = node.start_point[0]
            if row in out:
                continue
            text = self.st.text(node).strip()
            for opener, closer in (("(*", "*)"), ("/*", "*/"), ("//", "")):
                if text.startswith(opener):
                    text = text[len(opener) :]
                    if closer and text.endswith(closer):
                        text = text[: -len(closer)]
                    break
            out[row] = text.strip()
        return out

    def comment_for(self, node: Node) -> str:
        """The comment on the node's last line, else on the line above it."""
        comments = self.comments
        line = node.end_point[0]
        if line in comments:
            return comments[line]
        start = node.start_point[0]
        return comments.get(start - 1, "") if start > 0 else ""

    def pragmas_before(self, node: Node) -> str:
        """Pragma text on the node's first line before it, and on pragma lines above it
        (comment lines in between are passed over).

        Dialect handling blanks pragmas in the parsed text, so they are read from the user's.
        """
        if self._no_pragmas:
            return ""  # no '{' anywhere in the user's text
        lines = self.lines
        row, col = node.start_point
        if row >= len(lines):
            return ""
        col = len(lines[row].encode("utf-8")[:col].decode("utf-8", errors="ignore"))
        found = [lines[row][:col]] if "{" in lines[row][:col] else []
        row -= 1
        while row >= 0:
            text = lines[row].strip()
            if text.startswith("{") and text.endswith("}"):
                found.append(text)
            elif not text.startswith(("//", "(*")):
                break
            row -= 1
        return " ".join(found)


class ModelBuilder:
    """Builds a FileModel from a syntax tree."""

    def __init__(self, st: SyntaxTree, uri: str) -> None:
        self.st = st
        self.uri = uri
        self.model = FileModel(uri)
        self.text = _FileText(st)

    # -- helpers ------------------------------------------------------------------------
    def pragmas_before(self, node: Node) -> str:
        """See :meth:`_FileText.pragmas_before`."""
        return self.text.pragmas_before(node)

    def _name(self, node: Node | None) -> str:
        return self.st.text(node) if node is not None else ""

    # -- types --------------------------------------------------------------------------
    def type_ref(self, node: Node | None) -> TypeRef | None:
        """A TypeRef from a type node."""
        if node is None:
            return None
        text = self.st.text(node)
        if not text.isidentifier():  # a plain name has no white space to normalise
            text = " ".join(text.split())
        kind = node.type
        if kind in ("elementary_type", "identifier", "qualified_identifier", "generic_type"):
            return _named_ref(text)
        if kind == "string_type":
            base = text.split("(")[0].split("[")[0].strip()
            return TypeRef("string", name=base.upper(), text=text)
        if kind == "array_type":
            bounds: list[tuple[int | None, int | None]] = []
            for sub in node.children_by_field_name("range"):
                bounds.append((self._int(sub.child_by_field_name("lower")),
                               self._int(sub.child_by_field_name("upper"))))
            element = self.type_ref(node.child_by_field_name("element_type"))
            return TypeRef("array", element=element, bounds=tuple(bounds), text=text)
        if kind == "pointer_type":
            target = self.type_ref(node.child_by_field_name("target"))
            return TypeRef("pointer", element=target, text=text)
        if kind == "reference_type":
            target = self.type_ref(node.child_by_field_name("target") or _last_named(node))
            return TypeRef("reference", element=target, text=text)
        if kind == "enumerated_type_inline":
            return TypeRef("enum", text=text)
        if kind == "structure_type_inline":
            return TypeRef("struct", text=text)
        if kind in ("subrange_type", "subrange"):
            sub_base = node.child_by_field_name("base") or node.child_by_field_name("type")
            if sub_base is None:  # ``INT(0..100)``: the base type is an unnamed child
                sub_base = next(
                    (c for c in node.named_children if c.type == "elementary_type"), None
                )
            name = self.st.text(sub_base) if sub_base is not None else "DINT"
            return TypeRef("subrange", name=name, text=text)
        return TypeRef("named", name=text, text=text)

    def _int(self, node: Node | None) -> int | None:
        if node is None:
            return None
        text = self.st.text(node).replace("_", "").strip()
        try:
            if "#" in text:
                base, _, digits = text.rpartition("#")
                radix = base.rsplit("#", 1)[-1]
                return int(digits, int(radix)) if radix.isdigit() else int(digits)
            return int(text)
        except ValueError:
            return None

    # -- variables ----------------------------------------------------------------------
    def var_section(self, node: Node, owner: str) -> tuple[str, list[VarDecl]]:
        """The section keyword and its variables."""
        section = VAR_SECTIONS.get(node.type, "VAR")
        text = self.st.text(node)
        first = _FIRST_WORD.match(text) if node.child_count else None
        if first is not None and first.group(1).upper() in ("VAR_INST", "VAR_STAT"):
            section = first.group(1).upper()
        qualifiers: set[str] = set()
        lines: list[Node] = []
        for child in node.children:  # one pass: a block may hold hundreds of lines
            kind = child.type
            if kind == "variable_declaration":
                lines.append(child)
            elif kind == "var_qualifier_list":
                qualifiers.update(self.st.text(q).upper() for q in child.named_children)
        end = text.find("\n")
        header = (text if end == -1 else text[:end]).upper()
        constant = "CONSTANT" in qualifiers or " CONSTANT" in header
        retain = bool({"RETAIN", "PERSISTENT"} & qualifiers)
        decls: list[VarDecl] = []
        for child in lines:
            decls.extend(self.variables(child, section, owner, constant, retain))
        return section, decls

    def variables(
        self, node: Node, section: str, owner: str, constant: bool = False, retain: bool = False
    ) -> list[VarDecl]:
        """The variables of one declaration line (``a, b : INT := 1;``), or of a struct field.

        A ``variable_declaration`` names its variables in ``names`` and its initial value in
        ``initial_value``; a ``structure_field`` uses ``name`` and ``value``.
        """
        type_ref = self.type_ref(node.child_by_field_name("type"))
        init = node.child_by_field_name("initial_value")  # the first one
        if init is None:
            init = node.child_by_field_name("value")
        address = node.child_by_field_name("address")
        single = node.child_by_field_name("name")
        names = [single] if single is not None else node.children_by_field_name("names")
        out = []
        st = self.st
        comment = partial(self.text.comment_for, node)
        pragmas = partial(self.text.pragmas_before, node)
        decl_range = partial(st.range, node)
        address_text = st.text(address) if address is not None else ""
        for name in names:
            if not name.is_named:
                continue
            values = {
                "name": st.text(name),
                "type": type_ref,
                "section": section,
                "uri": self.uri,
                "node": node,
                "init": init,
                "constant": constant,
                "retain": retain,
                "address": address_text,
                "owner": owner,
            }
            deferred: Deferred = {
                "range": partial(st.range, name),
                "decl_range": decl_range,
                "comment": comment,
                "pragmas": pragmas,
            }
            out.append(_make(VarDecl, values, deferred))
        return out

    def _add_vars(
        self,
        target: dict[str, VarDecl],
        sections: list[VarSection],
        node: Node,
        owner: str,
    ) -> None:
        section, decls = self.var_section(node, owner)
        sections.append(self._section(section, node, decls))
        for decl in decls:
            if decl.key in target:
                self.model.duplicates.append((decl, owner))
            else:
                target[decl.key] = decl

    def _section(self, keyword: str, node: Node, decls: list[VarDecl]) -> VarSection:
        """A :class:`VarSection` whose range is worked out when first read."""
        values = {"keyword": keyword, "decls": decls}
        section: VarSection = _make(VarSection, values, {"range": partial(self.st.range, node)})
        return section

    # -- POUs ---------------------------------------------------------------------------
    def pou(self, node: Node, parent: Pou | None = None) -> Pou | None:
        """A POU (or method/property) from its declaration node."""
        name_node = node.child_by_field_name("name")
        if name_node is None:
            return None
        kind = POU_NODES.get(node.type, "PROGRAM")
        if kind == "METHOD" and _starts_with_action(self.st, node):
            kind = "ACTION"
        ret = node.child_by_field_name("return_type") or (
            node.child_by_field_name("type") if kind == "PROPERTY" else None
        )
        extends = node.child_by_field_name("extends")
        values = {
            "name": self.st.text(name_node),
            "kind": kind,
            "uri": self.uri,
            "node": node,
            "return_type": self.type_ref(ret),
            "extends": self.st.text(extends) if extends is not None else "",
            "implements": tuple(
                self.st.text(n) for n in node.children_by_field_name("implements")
            ),
            "vars": {},
            "sections": [],
            "members": {},
            "body": [],
            "parent": parent,
            "access": "",
        }
        deferred: Deferred = {
            "range": partial(self.st.range, node),
            "name_range": partial(self.st.range, name_node),
            "comment": partial(self.text.comment_for, name_node),
        }
        pou: Pou = _make(Pou, values, deferred)
        for child in node.named_children:
            if child.type in VAR_SECTIONS:
                self._add_vars(pou.vars, pou.sections, child, pou.qualified_name)
            elif child.type in POU_NODES:
                member = self.pou(child, pou)
                if member is None:
                    continue
                if member.key in pou.members:
                    self.model.duplicates.append((member, pou.name))
                else:
                    pou.members[member.key] = member
            elif child.type == "property_accessor":
                # GET and SET locals share the property's scope; a name both declare
                # resolves to the first declaration.
                for sub in child.named_children:
                    if sub.type in VAR_SECTIONS:
                        section, decls = self.var_section(sub, pou.qualified_name)
                        pou.sections.append(self._section(section, sub, decls))
                        for decl in decls:
                            pou.vars.setdefault(decl.key, decl)
                pou.body.extend(child.children_by_field_name("body"))
        pou.body.extend(node.children_by_field_name("body"))
        return pou

    def type_declaration(self, node: Node) -> None:
        """Every type in a TYPE ... END_TYPE block."""
        for definition in node.named_children:
            if definition.type != "type_definition":
                continue
            name_node = definition.child_by_field_name("name")
            body = definition.child_by_field_name("definition")
            if name_node is None:
                continue
            name = self.st.text(name_node)
            values: dict[str, Any] = {
                "name": name,
                "kind": "ALIAS",
                "uri": self.uri,
                "node": definition,
                "fields": {},
                "values": {},
                "base": None,
                "extends": "",
            }
            deferred: Deferred = {
                "range": partial(self.st.range, definition),
                "name_range": partial(self.st.range, name_node),
                "comment": partial(self.text.comment_for, name_node),
            }
            decl: TypeDecl = _make(TypeDecl, values, deferred)
            if body is not None and body.type == "enumerated_type_inline":
                decl.kind = "ENUM"
                base = body.child_by_field_name("base") or body.child_by_field_name("type")
                decl.base = self.type_ref(base) if base is not None else None
                enum_type = TypeRef("named", name=name, text=name)
                for enumerator in body.named_children:
                    if enumerator.type != "enumerator":
                        continue
                    value_name = enumerator.child_by_field_name("name")
                    if value_name is None:
                        continue
                    value: VarDecl = _make(
                        VarDecl,
                        {
                            "name": self.st.text(value_name),
                            "type": enum_type,
                            "section": "ENUM",
                            "uri": self.uri,
                            "node": enumerator,
                            "init": enumerator.child_by_field_name("value"),
                            "constant": True,
                            "retain": False,
                            "address": "",
                            "owner": name,
                            "pragmas": "",
                        },
                        {
                            "range": partial(self.st.range, value_name),
                            "decl_range": partial(self.st.range, enumerator),
                            "comment": partial(self.text.comment_for, enumerator),
                        },
                    )
                    if value.key in decl.values:
                        self.model.duplicates.append((value, name))
                    else:
                        decl.values[value.key] = value
            elif body is not None and body.type == "structure_type_inline":
                is_union = self.st.text(body).lstrip().upper().startswith("UNION")
                decl.kind = "UNION" if is_union else "STRUCT"
                ext = body.child_by_field_name("extends") or definition.child_by_field_name(
                    "extends"
                )
                decl.extends = (
                    self.st.text(ext) if ext is not None else self._blanked_extends(name_node)
                )
                for fnode in body.named_children:
                    if fnode.type not in ("structure_field", "variable_declaration"):
                        continue
                    for var in self.variables(fnode, "FIELD", name):
                        if var.key in decl.fields:
                            self.model.duplicates.append((var, name))
                        else:
                            decl.fields[var.key] = var
            elif body is not None:
                decl.base = self.type_ref(body)
                decl.kind = {"array": "ARRAY", "subrange": "SUBRANGE"}.get(
                    decl.base.kind if decl.base else "", "ALIAS"
                )
            self._add_type(decl)

    def _blanked_extends(self, name_node: Node) -> str:
        """The base of ``TYPE S EXTENDS Base :``, whose ``EXTENDS Base`` dialect handling
        blanks (it keeps its line and column in the user's text)."""
        pos = self.st.lines.from_byte_point(*name_node.end_point)
        lines = self.text.lines
        line = lines[pos.line] if pos.line < len(lines) else ""
        m = _EXTENDS.match(line, pos.character)
        return m.group(1) if m else ""

    def _add_type(self, decl: TypeDecl) -> None:
        if decl.key in self.model.types or decl.key in self.model.pous:
            self.model.duplicates.append((decl, ""))
        else:
            self.model.types[decl.key] = decl

    def global_block(self, node: Node, gvl_name: str) -> None:
        """A VAR_GLOBAL block (or a top-level VAR block of a B&R .var file)."""
        gvl = self.model.gvls.get(gvl_name.upper())
        if gvl is None:
            gvl = Gvl(name=gvl_name, uri=self.uri, range=self.st.range(node))
            self.model.gvls[gvl.key] = gvl
        gvl.pragmas = " ".join(p for p in (gvl.pragmas, self.pragmas_before(node)) if p)
        target = node
        if node.type == "global_var_declaration_block":
            for child in node.named_children:
                if child.type in VAR_SECTIONS:
                    target = child
                    break
        section, decls = self.var_section(target, gvl_name)
        section = "VAR_GLOBAL"
        for d in decls:
            d.section = section
        gvl.sections.append(self._section(section, node, decls))
        for decl in decls:
            if decl.key in gvl.vars:
                self.model.duplicates.append((decl, gvl_name))
            else:
                gvl.vars[decl.key] = decl

    def _is_member_holder(self, node: Node) -> bool:
        """True for the block dialect handling wrote to hold members written after a body."""
        name_node = node.child_by_field_name("name")
        return name_node is not None and self.st.is_synthetic(name_node)

    def _merge_members(self, pou: Pou, holder: Pou) -> None:
        """Give ``pou`` the members (and any variables) of its synthetic holder block."""
        for member in holder.members.values():
            member.parent = pou
            if member.key in pou.members:
                self.model.duplicates.append((member, pou.name))
            else:
                pou.members[member.key] = member
        for key, decl in holder.vars.items():
            pou.vars.setdefault(key, decl)
        pou.body.extend(holder.body)

    def build(self) -> FileModel:
        """Walk the top level of the tree."""
        gvl_name = ""  # the file's stem, worked out for its first VAR_GLOBAL block
        for node in _top_level(self.st.root):
            if node.type in POU_NODES:
                pou = self.pou(node)
                if pou is None:
                    continue
                existing = self.model.pous.get(pou.key)
                if existing is not None and self._is_member_holder(node):
                    self._merge_members(existing, pou)
                elif pou.key in self.model.pous or pou.key in self.model.types:
                    self.model.duplicates.append((pou, ""))
                else:
                    self.model.pous[pou.key] = pou
            elif node.type == "type_declaration":
                self.type_declaration(node)
            elif node.type == "global_var_declaration_block" or node.type in VAR_SECTIONS:
                gvl_name = gvl_name or PurePath(self.uri.rsplit("/", 1)[-1]).stem
                self.global_block(node, gvl_name)
        return self.model


@lru_cache(maxsize=4096)
def _named_ref(text: str) -> TypeRef:
    """``TypeRef("named", text, text=text)``, shared (TypeRefs are immutable; building a
    frozen dataclass costs more than looking one up)."""
    return TypeRef("named", name=text, text=text)


_FIRST_WORD = re.compile(r"\s*(\S+)")
"""The first word of a text (what ``text.split(None, 1)[0]`` gives, without the rest)."""
_EXTENDS = re.compile(r"\s*EXTENDS\s+([A-Za-z_][\w.]*)", re.IGNORECASE)


def _top_level(root: Node) -> list[Node]:
    """Top-level declarations, looking through namespaces and stray ERROR wrappers."""
    out: list[Node] = []
    for node in root.named_children:
        if node.type in ("namespace_declaration", "ERROR"):
            out.extend(_top_level(node))
        else:
            out.append(node)
    return out


def _start_byte(node: Node) -> int:
    return node.start_byte


def _last_named(node: Node) -> Node | None:
    children = node.named_children
    return children[-1] if children else None


def build_model(st: SyntaxTree, uri: str) -> FileModel:
    """The declarations of one parsed ST file."""
    return ModelBuilder(st, uri).build()
