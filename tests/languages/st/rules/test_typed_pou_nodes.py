"""``typed_pou_nodes`` (a tree-sitter query) gives the nodes ``pou_nodes`` (a walk) gives
for its types, in the same order."""

from __future__ import annotations

import sys

import pytest
from st_sources import ROOT, analyse, example_sources

from plantls.languages.st.rules.base import BODY_NODE_TYPES, pou_nodes, typed_pou_nodes

NESTED = """FUNCTION_BLOCK FB
VAR_INPUT a : INT; b : ARRAY[1..3] OF INT; END_VAR
VAR x : INT; END_VAR
x := ((a + 1) + (a * 2)) - b[b[1]] + INT#5;
IF a > 1 THEN
    IF x < 2 THEN RETURN; ELSIF x = 3 THEN x := F(F(1 + 2)); END_IF
ELSIF a < 0 THEN
    WHILE x > 0 DO x := x - 1; IF x = 5 THEN EXIT; END_IF END_WHILE
END_IF
CASE x OF 1: FOR x := 1 TO 3 DO CONTINUE; END_FOR 2: REPEAT x := x + 1; UNTIL x > 9 END_REPEAT
END_CASE
x := (a + ;
IF THEN x := 1 END_IF
END_FUNCTION_BLOCK
"""


def _sources() -> list[tuple[str, str]]:
    sys.path.insert(0, str(ROOT / "bench"))
    try:
        from st_generate import generate
    finally:
        sys.path.remove(str(ROOT / "bench"))
    generated = [("file:///w/nested.st", NESTED), ("file:///w/big.st", generate(800))]
    return [*generated, *example_sources()]


@pytest.mark.parametrize(("uri", "text"), _sources(), ids=lambda v: str(v)[-30:])
def test_same_nodes_in_the_same_order(uri: str, text: str) -> None:
    analysis = analyse(uri, text)
    total = 0
    for pou in analysis.model.all_pous():
        walked = [n.id for n in pou_nodes(analysis, pou) if n.type in BODY_NODE_TYPES]
        assert [n.id for n in typed_pou_nodes(analysis, pou)] == walked
        total += len(walked)
    if uri.endswith(("nested.st", "big.st")):
        assert total > 30
