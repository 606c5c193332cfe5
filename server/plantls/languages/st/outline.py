"""Document symbols for ST: POU → VAR sections → variables, methods, actions; types; GVLs."""

from __future__ import annotations

from plantls.core.positions import Range
from plantls.core.symbols import Symbol, SymbolKind
from plantls.languages.st.model import FileModel, Pou, TypeDecl, VarDecl, VarSection

POU_KINDS = {
    "PROGRAM": SymbolKind.MODULE,
    "FUNCTION_BLOCK": SymbolKind.CLASS,
    "FUNCTION": SymbolKind.FUNCTION,
    "METHOD": SymbolKind.METHOD,
    "PROPERTY": SymbolKind.PROPERTY,
    "ACTION": SymbolKind.EVENT,
    "INTERFACE": SymbolKind.INTERFACE,
}


def _variable(var: VarDecl) -> Symbol:
    kind = SymbolKind.CONSTANT if var.constant else SymbolKind.VARIABLE
    if var.section in ("FIELD",):
        kind = SymbolKind.FIELD
    elif var.section == "ENUM":
        kind = SymbolKind.ENUM_MEMBER
    detail = str(var.type) if var.type else ""
    if var.address:
        detail = f"AT {var.address} : {detail}"
    return Symbol(var.name, kind, var.decl_range, var.range, detail)


def _sections(sections: list[VarSection]) -> list[Symbol]:
    out = []
    for section in sections:
        if not section.decls:
            continue
        children = [_variable(v) for v in section.decls]
        rng = section.range
        selection = Range(rng.start, rng.start)
        out.append(Symbol(section.keyword, SymbolKind.NAMESPACE, rng, selection, "", children))
    return out


def pou_symbol(pou: Pou) -> Symbol:
    """A POU with its sections and members."""
    detail = pou.kind
    if pou.return_type is not None:
        detail += f" : {pou.return_type}"
    if pou.extends:
        detail += f" EXTENDS {pou.extends}"
    children = _sections(pou.sections)
    children.extend(pou_symbol(member) for member in pou.members.values())
    return Symbol(
        pou.name, POU_KINDS.get(pou.kind, SymbolKind.MODULE), pou.range, pou.name_range, detail,
        children,
    )


def type_symbol(typ: TypeDecl) -> Symbol:
    """A user type with its fields or values."""
    kind = {"ENUM": SymbolKind.ENUM, "STRUCT": SymbolKind.STRUCT, "UNION": SymbolKind.STRUCT}
    members = list(typ.values.values()) or list(typ.fields.values())
    detail = typ.kind if typ.base is None else f"{typ.kind} {typ.base}"
    return Symbol(
        typ.name,
        kind.get(typ.kind, SymbolKind.TYPE),
        typ.range,
        typ.name_range,
        detail,
        [_variable(v) for v in members],
    )


def outline(model: FileModel) -> list[Symbol]:
    """The whole outline of a file, in source order."""
    symbols = [pou_symbol(p) for p in model.pous.values()]
    symbols.extend(type_symbol(t) for t in model.types.values())
    for gvl in model.gvls.values():
        children = [_variable(v) for v in gvl.vars.values()]
        symbols.append(
            Symbol(gvl.name, SymbolKind.MODULE, gvl.range, Range(gvl.range.start, gvl.range.start),
                   "VAR_GLOBAL", children)
        )
    symbols.sort(key=lambda s: s.range.start)
    return symbols
