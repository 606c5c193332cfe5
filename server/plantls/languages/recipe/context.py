"""What a model needs to know at a position in a recipe: the step being edited, the chamber's
gases and its limits."""

from __future__ import annotations

from plantls.core.positions import Position
from plantls.languages.recipe.analysis import RecipeAnalysis
from plantls.languages.recipe.ide import _step_at

MAX_GASES = 20


def model_context(analysis: RecipeAnalysis, pos: Position) -> str:
    """A ``#`` comment header (empty when there is no step and no chamber)."""
    lines: list[str] = []
    offset = analysis.document.lines.offset(pos)
    step = _step_at(analysis, offset)
    if step is not None:
        lines.append(f"step {step.name} ({step.type})")
    chamber = analysis.chamber
    if chamber is not None:
        lines.append(f"chamber {chamber.name}")
        if chamber.gases:
            lines.append("gases: " + ", ".join(list(chamber.gases)[:MAX_GASES]))
        for label, limit, dim in (
            ("pressure", chamber.pressure, "pressure"),
            ("temperature", chamber.temperature, "temperature"),
        ):
            if limit.min is not None or limit.max is not None:
                lines.append(f"{label}: {limit.text(dim)}")
    return "".join(f"# {line}\n" for line in lines)
