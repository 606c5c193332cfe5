"""A signature of what the ST files of a workspace declare, for ``plantls check``'s cache.

An ST file's findings depend on its own text and on the declarations of every other ST file
in the index (a program uses function blocks, types and globals declared elsewhere; ST102
quotes the file and line of a duplicate). :func:`workspace_signature` hashes, for every file
model of the index (library stubs included), the declarations with their positions and their
text: POU headers and variable sections (types, initial values, pragmas, comments), types,
global lists, duplicates, plus how many statements each body has and whether its node has a
syntax error. Statement bodies themselves are left out, so editing a body line in one file
(without moving a declaration) leaves the other files' cached findings valid.

It also includes the PLC project each file belongs to (:func:`project_of`: names are
compared per project, found from project files on disk).

Anything a rule could read from another file's model is in here, erring on the side of
more: a signature that changes too often only costs cache hits.
"""

from __future__ import annotations

import hashlib
import marshal
from typing import Any

from tree_sitter import Node

from plantls.core.positions import Range
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import FileModel, Gvl, Pou, TypeDecl, TypeRef, VarDecl
from plantls.languages.st.rules.declarations import project_of


def _range(r: Range) -> tuple[int, int, int, int]:
    return (r.start.line, r.start.character, r.end.line, r.end.character)


def _node(node: Node | None) -> Any:
    if node is None:
        return None
    parent = node.parent
    return (
        node.type,
        node.start_byte,
        node.end_byte,
        node.has_error,
        node.text,
        parent.type if parent is not None else None,
    )


def _typeref(t: TypeRef | None) -> Any:
    if t is None:
        return None
    return (t.kind, t.name, _typeref(t.element) if t.element else None, t.bounds, t.text)


def _var(v: VarDecl) -> Any:
    return (
        v.name,
        _typeref(v.type),
        v.section,
        v.uri,
        _range(v.range),
        _range(v.decl_range),
        _node(v.node),
        _node(v.init),
        v.constant,
        v.retain,
        v.address,
        v.comment,
        v.owner,
        v.pragmas,
    )


def _sections(sections: list[Any]) -> Any:
    return [(s.keyword, _range(s.range), [_var(v) for v in s.decls]) for s in sections]


def _body_spans(pou: Pou, out: list[tuple[int, int]]) -> None:
    if pou.body:
        out.append((pou.body[0].start_byte, pou.body[-1].end_byte))
    for member in pou.members.values():
        _body_spans(member, out)


def _declaration_text(pou: Pou) -> bytes:
    """The POU's source text without its statements (nor its members' statements)."""
    text = pou.node.text or b""
    start = pou.node.start_byte
    spans: list[tuple[int, int]] = []
    _body_spans(pou, spans)
    parts = []
    at = 0
    for begin, end in sorted(spans):
        begin, end = max(begin - start, at), min(end - start, len(text))
        if begin >= end:
            continue
        parts.append(text[at:begin])
        at = end
    parts.append(text[at:])
    return b"\x00".join(parts)


def _pou(p: Pou) -> Any:
    return (
        p.name,
        p.kind,
        p.uri,
        _range(p.range),
        _range(p.name_range),
        p.node.type,
        p.node.has_error,
        _declaration_text(p),
        _typeref(p.return_type),
        p.extends,
        p.implements,
        [(k, _var(v)) for k, v in p.vars.items()],
        _sections(p.sections),
        [(k, _pou(m)) for k, m in p.members.items()],
        len(p.body),
        p.parent.name if p.parent is not None else None,
        p.comment,
        p.access,
    )


def _type(t: TypeDecl) -> Any:
    return (
        t.name,
        t.kind,
        t.uri,
        _range(t.range),
        _range(t.name_range),
        _node(t.node),
        [(k, _var(v)) for k, v in t.fields.items()],
        [(k, _var(v)) for k, v in t.values.items()],
        _typeref(t.base),
        t.extends,
        t.comment,
    )


def _gvl(g: Gvl) -> Any:
    return (
        g.name,
        g.uri,
        _range(g.range),
        [(k, _var(v)) for k, v in g.vars.items()],
        _sections(g.sections),
        g.pragmas,
    )


def _duplicate(d: Any) -> Any:
    if isinstance(d, Pou):
        return ("pou", _pou(d))
    if isinstance(d, TypeDecl):
        return ("type", _type(d))
    return ("var", _var(d))


def file_signature(model: FileModel) -> bytes:
    """A digest of one file model's declarations (see the module doc)."""
    data = (
        model.uri,
        project_of(model.uri),
        [(k, _pou(p)) for k, p in model.pous.items()],
        [(k, _type(t)) for k, t in model.types.items()],
        [(k, _gvl(g)) for k, g in model.gvls.items()],
        [(_duplicate(d), scope) for d, scope in model.duplicates],
    )
    # marshal version 0: a plain serialisation (no references to shared objects, no interned
    # strings), the same bytes for the same values; only written, never loaded
    return hashlib.sha256(marshal.dumps(data, 0)).digest()


def workspace_signature(index: StIndex) -> str:
    """A digest of the declarations of every file in ``index`` (see the module doc)."""
    digest = hashlib.sha256()
    for uri in sorted(index.files):
        digest.update(uri.encode("utf-8", "surrogatepass"))
        digest.update(file_signature(index.files[uri]))
    for uri in sorted(index.library_uris):
        digest.update(b"library:" + uri.encode("utf-8", "surrogatepass"))
    digest.update(repr(sorted(index.known_libraries)).encode())
    return digest.hexdigest()
