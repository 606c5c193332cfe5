"""Fields the model works out on first read (ranges, comments, pragmas) have the values an
eager build gives, are readable in any order, and make no reference cycle."""

from __future__ import annotations

import gc
import weakref
from dataclasses import fields

from plantls.core.positions import Position, Range
from plantls.languages.st import syntax
from plantls.languages.st.model import Pou, TypeDecl, VarDecl, build_model

TEXT = """(* Mixes two flows *)
FUNCTION_BLOCK FB_Mix
VAR_INPUT
    {attribute 'hide'}
    fA, fB : REAL; // the flows
END_VAR
fA := fB;
END_FUNCTION_BLOCK
TYPE E_Mode : (
    eOff := 0, // stopped
    eOn := 1
);
END_TYPE
"""


def _model():
    return build_model(syntax.parse(TEXT, "file:///w/mix.st"), "file:///w/mix.st")


def test_deferred_values() -> None:
    model = _model()
    fb = model.pous["FB_MIX"]
    assert fb.comment == "Mixes two flows"
    assert fb.name_range == Range(Position(1, 15), Position(1, 21))
    assert fb.range.start == Position(1, 0)
    a, b = fb.vars["FA"], fb.vars["FB"]
    assert a.range == Range(Position(4, 4), Position(4, 6))
    assert b.range == Range(Position(4, 8), Position(4, 10))
    assert a.decl_range == b.decl_range == Range(Position(4, 4), Position(4, 18))
    assert a.comment == b.comment == "the flows"
    assert "attribute 'hide'" in a.pragmas
    mode = model.types["E_MODE"]
    assert mode.name_range == Range(Position(8, 5), Position(8, 11))
    off = mode.values["EOFF"]
    assert off.comment == "stopped"
    assert off.pragmas == ""
    assert off.range == Range(Position(9, 4), Position(9, 8))


def test_every_field_is_readable_and_objects_compare() -> None:
    first, second = _model(), _model()
    objects: list[VarDecl | Pou | TypeDecl] = []
    for pou in first.all_pous():
        objects.append(pou)
        objects.extend(pou.vars.values())
    for typ in first.types.values():
        objects.append(typ)
        objects.extend(typ.values.values())
    assert len(objects) == 6
    for obj in objects:
        for f in fields(obj):
            getattr(obj, f.name)
    # a field set by hand wins over the deferred value
    decl = second.pous["FB_MIX"].vars["FA"]
    decl.comment = "mine"
    assert decl.comment == "mine"
    assert VarDecl.__dataclass_fields__["comment"].default == ""


def test_no_reference_cycle() -> None:
    tree = syntax.parse(TEXT, "file:///w/mix.st")
    model = build_model(tree, "file:///w/mix.st")
    ref = weakref.ref(model)
    gc.disable()
    try:
        del model
        assert ref() is None  # freed by reference counting alone
    finally:
        gc.enable()
