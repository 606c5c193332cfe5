"""Fuzzing from generators: plausible ST, TwinCAT, OpenDSS, recipe and tool files.

Each example runs every language entry point (diagnostics, symbols, hover, definition,
completion, signature help) at random positions; nothing may raise, every range must lie in
the document and each file must finish within the time bound (see fuzz_support).
"""

from __future__ import annotations

import pytest
from fuzz_strategies import (
    dss_file,
    positions,
    recipe_file,
    st_file,
    tool_file,
    twincat_file,
)
from fuzz_support import (
    EXAMPLES,
    FUZZ_EXAMPLES,
    exercise,
    fuzz_root,
    fuzz_settings,
    probe_positions,
)
from hypothesis import given
from hypothesis import strategies as st

from plantls.core.documents import Document, path_to_uri
from plantls.core.workspace import Workspace, read_document

pytestmark = pytest.mark.timeout(0 if FUZZ_EXAMPLES else 300)


def _with_example_tool() -> Workspace:
    """A workspace whose open documents include the example CVD tool file."""
    ws = Workspace([fuzz_root()])
    tool = read_document(EXAMPLES / "fab" / "cvd-cluster-01.tool.yaml")
    tool.uri = path_to_uri(fuzz_root() / "cvd.tool.yaml")
    ws.open(tool)
    return ws


@fuzz_settings(60)
@given(data=st.data(), text=st_file())
def test_fuzz_structured_text(data: st.DataObject, text: str) -> None:
    picks = data.draw(positions(text))
    exercise("F.st", text, probe_positions(text, picks))


@fuzz_settings(40)
@given(data=st.data(), named=twincat_file())
def test_fuzz_twincat_xml(data: st.DataObject, named: tuple[str, str]) -> None:
    name, text = named
    picks = data.draw(positions(text))
    exercise(name, text, probe_positions(text, picks))


@fuzz_settings(60)
@given(data=st.data(), text=dss_file(), lib=dss_file())
def test_fuzz_opendss(data: st.DataObject, text: str, lib: str) -> None:
    ws = Workspace([fuzz_root()])
    # a second script that the fuzzed one may Redirect to (and that may redirect back)
    ws.open(Document(path_to_uri(fuzz_root() / "lib.dss"), lib, "opendss"))
    picks = data.draw(positions(text))
    exercise("F.dss", text, probe_positions(text, picks), workspace=ws)


@fuzz_settings(60)
@given(data=st.data(), text=recipe_file())
def test_fuzz_recipe(data: st.DataObject, text: str) -> None:
    picks = data.draw(positions(text))
    exercise("F.recipe.yaml", text, probe_positions(text, picks), workspace=_with_example_tool())


@fuzz_settings(40)
@given(data=st.data(), text=tool_file())
def test_fuzz_tool_file(data: st.DataObject, text: str) -> None:
    picks = data.draw(positions(text))
    exercise("F.tool.yaml", text, probe_positions(text, picks))


@fuzz_settings(60)
@given(data=st.data(), text=st.text(max_size=400), suffix=st.sampled_from(
    ["F.st", "F.TcPOU", "F.dss", "F.recipe.yaml", "F.tool.yaml"]))
def test_fuzz_arbitrary_text(data: st.DataObject, text: str, suffix: str) -> None:
    """Unstructured text (any code points, surrogates excluded by hypothesis) in every language."""
    picks = data.draw(positions(text))
    exercise(suffix, text, probe_positions(text, picks))
