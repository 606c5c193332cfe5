"""Completion and signature help for ST.

Both work from the text before the cursor as much as from the tree, because the code being
typed is usually not valid yet: ``tDelay.`` or ``tDelay(IN := x,`` do not parse.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from plantls.core.positions import Position
from plantls.core.symbols import CompletionItem, ParameterInfo, SignatureInfo, SymbolKind
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import Ref, RefKind, Resolver, StAnalysis, Target
from plantls.languages.st.lookup import pou_at
from plantls.languages.st.model import Gvl, Pou, TypeDecl, VarDecl

_CHAIN = re.compile(r"((?:[A-Za-z_]\w*(?:\[[^\[\]]*\])?\^?\s*\.\s*)+)(\w*)$")
_IDENT = re.compile(r"[A-Za-z_]\w*")


def _line_prefix(analysis: StAnalysis, pos: Position) -> str:
    lines = analysis.document.lines
    start = lines.line_starts[pos.line] if pos.line < lines.line_count else len(lines.text)
    return lines.text[start : lines.offset(pos)]


def _var_item(var: VarDecl, sort: str = "1") -> CompletionItem:
    kind = SymbolKind.CONSTANT if var.constant else SymbolKind.VARIABLE
    if var.section == "ENUM":
        kind = SymbolKind.ENUM_MEMBER
    elif var.section == "FIELD":
        kind = SymbolKind.FIELD
    detail = f"{var.type}" if var.type is not None else ""
    if var.section not in ("ENUM", "FIELD"):
        detail = f"{detail} ({var.section})" if detail else var.section
    return CompletionItem(var.name, kind, detail, var.comment, sort_text=f"{sort}{var.name}")


def _pou_item(pou: Pou, sort: str = "2") -> CompletionItem:
    kinds = {
        "FUNCTION": SymbolKind.FUNCTION,
        "METHOD": SymbolKind.METHOD,
        "PROPERTY": SymbolKind.PROPERTY,
        "FUNCTION_BLOCK": SymbolKind.CLASS,
        "INTERFACE": SymbolKind.INTERFACE,
        "ACTION": SymbolKind.EVENT,
    }
    detail = pou.kind + (f" : {pou.return_type}" if pou.return_type else "")
    return CompletionItem(
        pou.name, kinds.get(pou.kind, SymbolKind.MODULE), detail, pou.comment,
        sort_text=f"{sort}{pou.name}",
    )


def _call_snippet(name: str, params: Iterable[tuple[str, str]]) -> str:
    args = ", ".join(f"{p} := ${{{i}:{p.lower()}}}" for i, (p, _t) in enumerate(params, 1))
    return f"{name}({args})$0"


def _fb_call_item(var: VarDecl, fb: stdlib.FunctionBlockDef | Pou) -> CompletionItem:
    """``tDelay(IN := ..., PT := ...)``: the formal call of an FB instance, as a snippet."""
    if isinstance(fb, Pou):
        params = [(v.name, str(v.type)) for v in fb.inputs()]
    else:
        params = [(p.name, p.type) for p in fb.inputs]
    return CompletionItem(
        f"{var.name}(…)",
        SymbolKind.SNIPPET,
        f"formal call of {var.type}",
        "",
        insert_text=_call_snippet(var.name, params),
        snippet=True,
        sort_text=f"1{var.name}~",
    )


# -- members after a dot -------------------------------------------------------------------
def _resolve_chain(analysis: StAnalysis, chain: str, pou: Pou) -> tuple[RefKind, Target]:
    """Resolve ``a.b[1].c.`` to what ``c`` names."""
    resolver = Resolver(analysis)
    parts = [p for p in re.split(r"\s*\.\s*", chain.strip()) if p]
    kind: RefKind = "unknown"
    target: Target = None
    for i, part in enumerate(parts):
        ident = _IDENT.match(part)
        if ident is None:
            return "unknown", None
        name = ident.group(0)
        if i == 0:
            if name.upper() == "THIS":
                owner = pou
                while owner.parent is not None:
                    owner = owner.parent
                kind, target = "pou", owner
                continue
            if name.upper() == "SUPER":
                owner = pou
                while owner.parent is not None:
                    owner = owner.parent
                base = analysis.index.pou(owner.extends) if owner.extends else None
                kind, target = "pou", base
                continue
            kind, target = resolver.lookup(name, pou)
        else:
            kind, target = resolver.member(Ref(pou.node, name, kind, target, pou), name)
    return kind, target


def _members(
    analysis: StAnalysis, kind: RefKind, target: Target, inside: Pou
) -> list[CompletionItem]:
    """What can follow a dot after a resolved name."""
    items: list[CompletionItem] = []
    if isinstance(target, Gvl):
        return [_var_item(v) for v in target.vars.values()]
    if isinstance(target, TypeDecl) and kind == "type":
        return [_var_item(v) for v in target.values.values()]
    what: object = target
    if isinstance(target, VarDecl):
        what = analysis.members_of_type(target.type)
    if isinstance(what, Pou):
        owner = inside
        while owner.parent is not None:
            owner = owner.parent
        private_ok = what is owner or kind == "pou"
        seen: set[str] = set()
        current: Pou | None = analysis.index.interface_of(what)
        while current is not None and current.key not in seen:
            seen.add(current.key)
            for var in current.vars.values():
                if private_ok or var.section in ("VAR_INPUT", "VAR_OUTPUT", "VAR_IN_OUT"):
                    items.append(_var_item(var))
            items.extend(_pou_item(m, "1") for m in current.members.values())
            current = analysis.index.pou(current.extends) if current.extends else None
        return items
    if isinstance(what, TypeDecl):
        fields = analysis.index.type(what.name)
        seen_t: set[str] = set()
        while fields is not None and fields.key not in seen_t:
            seen_t.add(fields.key)
            items.extend(_var_item(v) for v in fields.fields.values())
            fields = analysis.index.type(fields.extends) if fields.extends else None
        return items
    if isinstance(what, stdlib.FunctionBlockDef):
        for param in (*what.outputs, *what.inputs, *what.in_outs):
            role = "output" if param in what.outputs else "input"
            items.append(
                CompletionItem(param.name, SymbolKind.FIELD, f"{param.type} ({role})", param.doc,
                               sort_text=("0" if role == "output" else "1") + param.name)
            )
    return items


# -- names in scope --------------------------------------------------------------------------
def _scope_items(analysis: StAnalysis, pou: Pou | None) -> list[CompletionItem]:
    items: list[CompletionItem] = []
    index = analysis.index
    scope = pou
    while scope is not None:
        iface = index.interface_of(scope)
        for var in iface.vars.values():
            items.append(_var_item(var, "0"))
            fb = analysis.members_of_type(var.type)
            if isinstance(fb, (Pou, stdlib.FunctionBlockDef)) and (
                not isinstance(fb, Pou) or fb.kind == "FUNCTION_BLOCK"
            ):
                items.append(_fb_call_item(var, fb))
        items.extend(_pou_item(m, "1") for m in scope.members.values())
        scope = scope.parent
    for entries in index.global_vars().values():
        items.append(_var_item(entries[0], "1"))
    for p in index.all_pous():
        if p.kind != "INTERFACE":
            items.append(_pou_item(p))
    for t in index.all_types():
        items.append(CompletionItem(t.name, SymbolKind.STRUCT if t.kind == "STRUCT" else
                                    SymbolKind.ENUM if t.kind == "ENUM" else SymbolKind.TYPE,
                                    f"TYPE {t.kind}", t.comment, sort_text=f"2{t.name}"))
    for g in index.all_gvls():
        items.append(CompletionItem(g.name, SymbolKind.MODULE, "global variable list",
                                    sort_text=f"2{g.name}"))
    for fb in stdlib.FUNCTION_BLOCKS.values():
        items.append(CompletionItem(fb.name, SymbolKind.CLASS, f"standard FB ({fb.category})",
                                    fb.summary, sort_text=f"3{fb.name}"))
    for fn in stdlib.FUNCTIONS.values():
        params = [(p.name, p.type) for p in fn.params]
        items.append(CompletionItem(
            fn.name, SymbolKind.FUNCTION, f"{fn.name}({', '.join(t for _, t in params)}) : "
            f"{fn.return_type}", fn.summary,
            insert_text=f"{fn.name}(" + ", ".join(
                f"${{{i}:{p.lower()}}}" for i, (p, _t) in enumerate(params, 1)) + ")$0",
            snippet=True, sort_text=f"4{fn.name}"))
    for name in stdlib.ELEMENTARY_TYPES:
        items.append(CompletionItem(name, SymbolKind.TYPE, "elementary type",
                                    sort_text=f"5{name}"))
    for kw in stdlib.KEYWORDS:
        items.append(CompletionItem(kw, SymbolKind.KEYWORD, sort_text=f"6{kw}"))
    return items


def complete(analysis: StAnalysis, pos: Position) -> list[CompletionItem]:
    """Completion candidates at ``pos``."""
    prefix = _line_prefix(analysis, pos)
    pou = pou_at(analysis, pos)
    chain = _CHAIN.search(prefix)
    if chain is not None:
        scope = pou or next(iter(analysis.model.all_pous()), None)
        if scope is None:
            return []
        kind, target = _resolve_chain(analysis, chain.group(1), scope)
        return _members(analysis, kind, target, scope)
    items = _scope_items(analysis, pou)
    unique: dict[str, CompletionItem] = {}
    for item in items:
        unique.setdefault(item.label.upper(), item)
    return list(unique.values())


# -- signature help ---------------------------------------------------------------------------
def _open_call(text: str) -> tuple[str, int, str] | None:
    """Find the unclosed ``name(`` before the cursor: callee text, comma count, current arg."""
    depth = 0
    commas = 0
    i = len(text) - 1
    while i >= 0:
        ch = text[i]
        if ch == ")":
            depth += 1
        elif ch == "(":
            if depth == 0:
                head = re.search(r"([A-Za-z_][\w.^]*)\s*$", text[:i])
                if head is None:
                    return None
                current = text[i + 1 :].rsplit(",", 1)[-1]
                return head.group(1), commas, current
            depth -= 1
        elif ch == "," and depth == 0:
            commas += 1
        elif ch == ";" and depth == 0:
            return None
        i -= 1
    return None


def _signature(name: str, params: list[tuple[str, str, str]], outputs: list[tuple[str, str]],
               doc: str, returns: str = "") -> tuple[str, tuple[ParameterInfo, ...]]:
    labels = [f"{p} := {t}" if t else p for p, t, _ in params]
    label = f"{name}({', '.join(labels)})"
    if outputs:
        label += " => " + ", ".join(f"{o} : {t}" for o, t in outputs)
    if returns:
        label += f" : {returns}"
    return label, tuple(ParameterInfo(lbl, d) for lbl, (_p, _t, d) in zip(labels, params,
                                                                          strict=True))


def signature_help(analysis: StAnalysis, pos: Position) -> SignatureInfo | None:
    """The signature of the call that encloses ``pos``."""
    lines = analysis.document.lines
    start_line = min(max(0, pos.line - 20), lines.line_count - 1)
    text = lines.text[lines.line_starts[start_line] : lines.offset(pos)]
    opened = _open_call(text)
    if opened is None:
        return None
    callee, commas, current = opened
    pou = pou_at(analysis, pos)
    if pou is None:
        return None
    head, _, _rest = callee.rpartition(".")
    if head:
        kind, target = _resolve_chain(analysis, head + ".", pou)
        kind, target = Resolver(analysis).member(Ref(pou.node, callee, kind, target, pou),
                                                 callee.rsplit(".", 1)[-1])
    else:
        kind, target = Resolver(analysis).lookup(callee, pou)
    what: object = target
    if isinstance(target, VarDecl):
        what = analysis.members_of_type(target.type)
    params: list[tuple[str, str, str]]
    if isinstance(what, stdlib.FunctionBlockDef):
        params = [(p.name, p.type, p.doc) for p in (*what.inputs, *what.in_outs)]
        outputs = [(p.name, p.type) for p in what.outputs]
        label, infos = _signature(callee, params, outputs, what.summary)
        doc = what.summary
    elif isinstance(what, stdlib.FunctionDef):
        params = [(p.name, p.type, p.doc) for p in what.params]
        label, infos = _signature(callee, params, [], what.summary, what.return_type)
        doc = what.summary
    elif isinstance(what, Pou):
        iface = analysis.index.interface_of(what)
        params = [(v.name, str(v.type), v.comment) for v in iface.inputs()]
        outputs = [(v.name, str(v.type)) for v in iface.outputs()]
        returns = str(what.return_type) if what.return_type else ""
        label, infos = _signature(callee, params, outputs, what.comment, returns)
        doc = what.comment
    else:
        return None
    active = commas
    named = re.match(r"\s*([A-Za-z_]\w*)\s*(?::=|=>)", current)
    if named:
        names = [p[0].upper() for p in params]
        if named.group(1).upper() in names:
            active = names.index(named.group(1).upper())
    return SignatureInfo(label, doc, infos, min(active, max(len(infos) - 1, 0)))
