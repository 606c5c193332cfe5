"""``lists_holding`` (from the nodes' parents) gives the lists ``statement_lists`` (a walk)
gives that hold one of the nodes."""

from __future__ import annotations

import pytest
from st_sources import analyse, example_sources
from tree_sitter import Node

from plantls.languages.st.rules.base import pou_nodes
from plantls.languages.st.rules.control_flow import JUMPS, lists_holding, statement_lists

SOURCE = """FUNCTION_BLOCK FB
VAR_INPUT a : INT; END_VAR
VAR x : INT; END_VAR
IF a > 1 THEN
    IF x < 2 THEN RETURN; x := 1; ELSIF x = 3 THEN EXIT; ELSE CONTINUE; x := 2; END_IF
ELSIF a < 0 THEN
    WHILE x > 0 DO x := x - 1; IF x = 5 THEN EXIT; END_IF END_WHILE
END_IF
CASE x OF 1: FOR x := 1 TO 3 DO CONTINUE; END_FOR 2: REPEAT RETURN; UNTIL x > 9 END_REPEAT
ELSE RETURN; x := 3;
END_CASE
RETURN;
x := 4;
x := (a + ;
IF THEN RETURN END_IF
END_FUNCTION_BLOCK
"""


def _sources() -> list[tuple[str, str]]:
    return [("file:///w/jumps.st", SOURCE), *example_sources()]


def _ids(lists: list[list[Node]]) -> set[tuple[int, ...]]:
    return {tuple(n.id for n in lst) for lst in lists}


@pytest.mark.parametrize(("uri", "text"), _sources(), ids=lambda v: str(v)[-30:])
def test_the_lists_that_hold_the_nodes(uri: str, text: str) -> None:
    analysis = analyse(uri, text)
    for pou in analysis.model.all_pous():
        every = list(statement_lists(pou))
        nodes = pou_nodes(analysis, pou)
        got = lists_holding(pou, nodes)
        assert len(got) == len(_ids(got))  # each list once
        assert _ids(got) == _ids([lst for lst in every if lst])
        jumps = [n for n in nodes if n.type in JUMPS]
        jump_ids = {n.id for n in jumps}
        expected = [lst for lst in every if any(n.id in jump_ids for n in lst)]
        assert _ids(lists_holding(pou, jumps)) == _ids(expected)
        if uri.endswith("jumps.st") and pou.name == "FB":
            assert len(expected) >= 8
