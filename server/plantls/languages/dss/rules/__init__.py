"""All OpenDSS rules, in code order."""

from __future__ import annotations

from plantls.languages.dss.rules import engine_rules, references, syntax_rules, topology, units
from plantls.languages.dss.rules.base import DssRule

ALL_RULES: list[DssRule] = sorted(
    [*syntax_rules.RULES, *references.RULES, *topology.RULES, *units.RULES, *engine_rules.RULES],
    key=lambda r: r.code,
)
