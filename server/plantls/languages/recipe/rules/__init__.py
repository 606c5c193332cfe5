"""All fab recipe rules, in code order."""

from __future__ import annotations

from plantls.languages.recipe.rules import limits, schema_rules, sequence
from plantls.languages.recipe.rules.base import RecipeRule

ALL_RULES: list[RecipeRule] = sorted(
    [*schema_rules.RULES, *limits.RULES, *sequence.RULES], key=lambda r: r.code
)
