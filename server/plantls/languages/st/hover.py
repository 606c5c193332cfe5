"""Hover text for ST: declarations from the workspace, and the IEC standard library."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.core.symbols import Hover
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.lookup import find
from plantls.languages.st.model import Gvl, Pou, TypeDecl, VarDecl


def _code(text: str) -> str:
    return f"```iecst\n{text}\n```"


def var_markdown(var: VarDecl) -> str:
    """A variable: section, name, type, initial value, address and its comment."""
    section = var.section
    if var.constant and section not in ("ENUM",):
        section += " CONSTANT"
    decl = var.name
    if var.address:
        decl += f" AT {var.address}"
    if var.type is not None and var.section != "ENUM":
        decl += f" : {var.type}"
    init = _init_text(var)
    if init:
        decl += f" := {init}"
    lines = [_code(f"({section}) {decl}")]
    if var.section == "ENUM":
        lines.append(f"Value of enum `{var.owner}`.")
    elif var.owner:
        lines.append(f"Declared in `{var.owner}`.")
    if var.comment:
        lines.append(var.comment)
    return "\n\n".join(lines)


def _init_text(var: VarDecl) -> str:
    """The initial value as written (whichever file declares it)."""
    raw = var.init.text if var.init is not None else None
    return " ".join(raw.decode("utf-8", "replace").split()) if raw else ""


def pou_markdown(pou: Pou) -> str:
    """A POU: its header, parameters and comment."""
    header = f"{pou.kind} {pou.qualified_name}"
    if pou.return_type is not None:
        header += f" : {pou.return_type}"
    if pou.extends:
        header += f" EXTENDS {pou.extends}"
    if pou.implements:
        header += f" IMPLEMENTS {', '.join(pou.implements)}"
    parts = [_code(header)]
    if pou.comment:
        parts.append(pou.comment)
    rows = [
        f"- `{v.name} : {v.type}` ({v.section}){' — ' + v.comment if v.comment else ''}"
        for v in pou.vars.values()
        if v.section in ("VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT")
    ]
    if rows:
        parts.append("\n".join(rows))
    members = [f"`{m.name}` ({m.kind.lower()})" for m in pou.members.values()]
    if members:
        parts.append("Members: " + ", ".join(members))
    return "\n\n".join(parts)


def type_markdown(typ: TypeDecl) -> str:
    """A user type: kind, base, fields or values."""
    header = f"TYPE {typ.name} : {typ.kind}"
    if typ.base is not None:
        header = f"TYPE {typ.name} : {typ.base}"
    if typ.extends:
        header += f" EXTENDS {typ.extends}"
    parts = [_code(header)]
    if typ.comment:
        parts.append(typ.comment)
    if typ.values:
        parts.append("Values: " + ", ".join(f"`{v.name}`" for v in typ.values.values()))
    if typ.fields:
        parts.append("\n".join(f"- `{f.name} : {f.type}`" for f in typ.fields.values()))
    return "\n\n".join(parts)


def gvl_markdown(gvl: Gvl) -> str:
    """A global variable list."""
    return f"{_code(f'VAR_GLOBAL ({gvl.name})')}\n\n{len(gvl.vars)} global variables."


def hover(analysis: StAnalysis, pos: Position) -> Hover | None:
    """Markdown for the name at ``pos``."""
    found = find(analysis, pos)
    if found is None:
        return None
    rng = analysis.tree.range(found.node)
    target = found.target
    text: str | None = None
    if isinstance(target, VarDecl):
        text = var_markdown(target)
        typ_name = target.type.name if target.type is not None else ""
        std = stdlib.function_block(typ_name) if typ_name else None
        if std is not None:
            text += f"\n\n---\n\n{stdlib.hover_markdown(std.name)}"
    elif isinstance(target, Pou):
        text = pou_markdown(target)
    elif isinstance(target, TypeDecl):
        text = type_markdown(target)
    elif isinstance(target, Gvl):
        text = gvl_markdown(target)
    elif found.kind in ("std_fb", "std_fn", "std_type", "builtin"):
        text = stdlib.hover_markdown(found.name)
    elif found.kind == "library":
        text = (
            f"`{found.name}` is not declared in this workspace; it may come from a library. "
            "Add the library's declarations to `st.library_paths` for full checking."
        )
    return Hover(text, rng) if text else None
