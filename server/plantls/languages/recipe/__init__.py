"""Fab recipes (``*.recipe.yaml``) and tool capability files (``*.tool.yaml``)."""

from plantls.languages.recipe.language import RecipeLanguage, ToolLanguage

RECIPE_LANGUAGE = RecipeLanguage()
TOOL_LANGUAGE = ToolLanguage()

__all__ = ["RECIPE_LANGUAGE", "TOOL_LANGUAGE", "RecipeLanguage", "ToolLanguage"]
