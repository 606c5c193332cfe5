"""Go to definition for ST, across files."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.core.symbols import Location
from plantls.languages.st.analysis import StAnalysis
from plantls.languages.st.lookup import find
from plantls.languages.st.model import Gvl, Pou, TypeDecl, VarDecl


def definition(analysis: StAnalysis, pos: Position) -> list[Location]:
    """The declaration of the name at ``pos``."""
    found = find(analysis, pos)
    if found is None:
        return []
    target = found.target
    if isinstance(target, VarDecl):
        return [Location(target.uri, target.range)]
    if isinstance(target, Pou):
        return [Location(target.uri, target.name_range)]
    if isinstance(target, TypeDecl):
        return [Location(target.uri, target.name_range)]
    if isinstance(target, Gvl):
        return [Location(target.uri, target.range)]
    return []
