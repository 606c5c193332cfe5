"""What a model needs to know at a position in an ST file: the enclosing POU, the variables in
scope with their types, and the members of function block instances."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.lookup import pou_at

MAX_VARS = 40
MAX_MEMBERS = 8


def model_context(analysis: StAnalysis, pos: Position) -> str:
    """A short ``(* ... *)`` comment header; empty outside any POU."""
    pou = pou_at(analysis, pos)
    if pou is None:
        return ""
    lines = [f"{pou.kind} {pou.qualified_name}"]
    scopes = [pou]
    if pou.parent is not None:
        scopes.append(pou.parent)
    seen: set[str] = set()
    decls = []
    for scope in scopes:
        for var in scope.vars.values():
            if var.key not in seen:
                seen.add(var.key)
                decls.append(var)
    if decls:
        shown = [f"{v.name}: {v.type}" if v.type else v.name for v in decls[:MAX_VARS]]
        lines.append("vars: " + ", ".join(shown))
    members = []
    for var in decls[:MAX_VARS]:
        if var.type is None or var.type.kind != "named":
            continue
        fb = analysis.index.pou(var.type.name)
        if fb is None or fb.kind != "FUNCTION_BLOCK":
            continue
        names = [p.name for p in (*fb.inputs(), *fb.outputs())][:MAX_MEMBERS]
        if names:
            members.append(f"{var.name}.{{{', '.join(names)}}}")
    if members:
        lines.append("members: " + "; ".join(members[:MAX_MEMBERS]))
    body = "\n   ".join(line.replace("*)", "* )") for line in lines)
    return f"(* {body} *)\n"
