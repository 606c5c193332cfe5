"""OpenDSS scripts (``.dss``): parsing, engine schema, workspace model, rules, IDE features."""

from plantls.languages.dss.language import DSS_LANGUAGE

__all__ = ["DSS_LANGUAGE"]
