"""The file model reads pragmas from the user's lines as LSP counts them."""

from __future__ import annotations

import pytest

from plantls.languages.st import syntax
from plantls.languages.st.model import build_model

GVL = (
    "(* Zähler \f form feed *)\n{attribute 'qualified_only'}\n"
    "VAR_GLOBAL\n    nCount : INT;\nEND_VAR\n"
)


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"])
def test_pragma_above_a_global_list(newline: str) -> None:
    text = GVL.replace("\n", newline)
    model = build_model(syntax.parse(text, "file:///GVL_Plant.st"), "file:///GVL_Plant.st")
    (gvl,) = model.gvls.values()
    assert "qualified_only" in gvl.pragmas
