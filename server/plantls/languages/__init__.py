"""Language packages. Adding a language means adding a package and one line here."""

from plantls.core.language import Language
from plantls.languages.dss import DSS_LANGUAGE
from plantls.languages.recipe import RECIPE_LANGUAGE, TOOL_LANGUAGE
from plantls.languages.st import ST_LANGUAGE

REGISTRY: list[Language] = [ST_LANGUAGE, RECIPE_LANGUAGE, TOOL_LANGUAGE, DSS_LANGUAGE]
