"""All Structured Text rules, in code order."""

from __future__ import annotations

from plantls.languages.st.rules import control_flow, declarations, syntax_rules, timers
from plantls.languages.st.rules import types as type_rules
from plantls.languages.st.rules.base import StRule

ALL_RULES: list[StRule] = sorted(
    [
        *syntax_rules.RULES,
        *declarations.RULES,
        *control_flow.RULES,
        *type_rules.RULES,
        *timers.RULES,
    ],
    key=lambda r: r.code,
)
