"""Shared pieces for OpenDSS rules."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import ClassVar

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import Rule
from plantls.languages.dss.analysis import DssAnalysis
from plantls.languages.dss.model import Element, PropValue


class DssRule(Rule):
    """An OpenDSS rule: ``check`` receives the document's :class:`DssAnalysis`."""

    language: ClassVar[str] = "opendss"

    def check(self, document: Document, analysis: DssAnalysis) -> Iterable[Diagnostic]:
        """Yield findings."""
        raise NotImplementedError


def own_elements(analysis: DssAnalysis) -> Iterator[Element]:
    """Element statements written in the analysed document."""
    for stmt in analysis.model.statements:
        if isinstance(stmt, Element):
            yield stmt


def props(el: Element, *kinds: str) -> Iterator[PropValue]:
    """Property assignments of an element whose schema kind is one of ``kinds``."""
    for pv in el.props:
        if pv.prop is not None and pv.value is not None and pv.prop.kind in kinds:
            yield pv


def where(analysis: DssAnalysis, el: Element) -> str:
    """``line 12`` or ``line 12 of lines.dss`` for an element in another file."""
    if el.uri == analysis.uri:
        return f"line {el.line + 1}"
    return f"line {el.line + 1} of {el.uri.rsplit('/', 1)[-1]}"
