"""What is under the cursor in an OpenDSS file."""

from __future__ import annotations

from dataclasses import dataclass

from plantls.core.positions import Position
from plantls.languages.dss.analysis import DssAnalysis
from plantls.languages.dss.model import Element, Include, Other, PropValue
from plantls.languages.dss.syntax import Command, Token, split_array


@dataclass
class Found:
    """A token and what it is: command, class, element, property, value, option, include."""

    kind: str
    token: Token
    element: Element | None = None
    prop: PropValue | None = None
    item: Token | None = None
    command: Command | None = None
    include: Include | None = None


def _hit(tok: Token | None, offset: int) -> bool:
    return tok is not None and tok.start <= offset <= tok.end


def find(analysis: DssAnalysis, pos: Position) -> Found | None:
    """The token at ``pos``."""
    offset = analysis.document.lines.offset(pos)
    for stmt in analysis.model.statements:
        if isinstance(stmt, Element):
            if not (stmt.start <= offset <= stmt.end) and not any(
                _hit(pv.value, offset) or _hit(pv.key, offset) for pv in stmt.props
            ):
                continue
            if _hit(stmt.cls_token, offset) and stmt.cls_token.end > stmt.cls_token.start:
                return Found("class", stmt.cls_token, stmt)
            if _hit(stmt.name_token, offset):
                return Found("element", stmt.name_token, stmt)
            for pv in stmt.props:
                if _hit(pv.key, offset) and pv.key is not None:
                    return Found("property", pv.key, stmt, pv)
                if _hit(pv.value, offset) and pv.value is not None:
                    item = None
                    if pv.value.quote:
                        item = next(
                            (t for t in split_array(pv.value) if t.start <= offset <= t.end), None
                        )
                    return Found("value", pv.value, stmt, pv, item=item)
        elif isinstance(stmt, Include):
            if _hit(stmt.token, offset) and stmt.token is not None:
                return Found("include", stmt.token, include=stmt)
        elif isinstance(stmt, Other):
            cmd = stmt.command
            if not (cmd.start <= offset <= cmd.end):
                continue
            if _hit(cmd.verb, offset):
                return Found("command", cmd.verb, command=cmd)
            for p in cmd.params:
                if _hit(p.name, offset) and p.name is not None:
                    return Found("option", p.name, command=cmd)
                if _hit(p.value, offset) and p.value is not None:
                    kind = "option" if p.name is None and stmt.name.lower() == "get" else "arg"
                    return Found(kind, p.value, command=cmd)
    for cmd in analysis.model.parsed.commands:
        if _hit(cmd.verb, offset):
            return Found("command", cmd.verb, command=cmd)
    return None
