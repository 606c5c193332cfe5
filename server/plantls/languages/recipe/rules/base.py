"""Shared pieces for recipe rules."""

from __future__ import annotations

from collections.abc import Iterable
from typing import ClassVar

from plantls.core.diagnostics import Diagnostic
from plantls.core.documents import Document
from plantls.core.rules import Rule
from plantls.languages.recipe.analysis import RecipeAnalysis
from plantls.languages.recipe.model import Chamber, Step

FALLBACK_INERT = frozenset({"N2", "Ar", "He"})


class RecipeRule(Rule):
    """A fab recipe rule: ``check`` receives the document's :class:`RecipeAnalysis`."""

    language: ClassVar[str] = "fab-recipe"

    def check(self, document: Document, analysis: RecipeAnalysis) -> Iterable[Diagnostic]:
        """Yield findings."""
        raise NotImplementedError


def is_inert(gas: str, chamber: Chamber | None) -> bool:
    """Inert per the chamber's gas line, else by name (N2, Ar, He)."""
    if chamber is not None and gas in chamber.gases:
        return chamber.gases[gas].inert
    return gas in FALLBACK_INERT


def process_gases(step: Step, chamber: Chamber | None) -> list[str]:
    """Gases flowing in a step that are not inert."""
    return [g for g in step.flowing() if not is_inert(g, chamber)]


def is_purge(step: Step, chamber: Chamber | None, min_time: float | None) -> tuple[bool, str]:
    """Whether a step is a purge that separates chemistries, and why not when it is not."""
    if step.type != "purge":
        return False, ""
    flowing = step.flowing()
    if not flowing or any(not is_inert(g, chamber) for g in flowing):
        return False, f"{step.label()} does not flow only inert gas"
    t = step.time_s()
    if min_time is not None and t is not None and t < min_time:
        return False, f"{step.label()} lasts {t:g} s, under the tool's {min_time:g} s purge minimum"
    return True, ""


def dedupe(found: Iterable[Diagnostic]) -> list[Diagnostic]:
    """Drop repeated findings (cycle bodies are walked twice)."""
    seen: set[tuple[object, str]] = set()
    out = []
    for d in found:
        key = (d.range, d.message)
        if key not in seen:
            seen.add(key)
            out.append(d)
    return out
