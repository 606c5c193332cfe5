"""Language packages. Adding a language means adding a package and one line here."""

from plantls.core.language import Language
from plantls.languages.st import ST_LANGUAGE

REGISTRY: list[Language] = [ST_LANGUAGE]
