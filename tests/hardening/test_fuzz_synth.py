"""Fuzzing seeded by the training corpus generators (plantls.train.synth): whole generated
projects (ST projects, feeders with their Redirect-ed files, recipes) in one workspace, one
of their files mutated, every entry point run on every file."""

from __future__ import annotations

import random

import pytest
from fuzz_support import FUZZ_EXAMPLES, exercise, fuzz_root, fuzz_settings, probe_positions
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_mutations import mutated

from plantls.core.documents import Document, decode_text, path_to_uri
from plantls.core.language import language_for_path
from plantls.core.workspace import Workspace

synth = pytest.importorskip("plantls.train.synth")

pytestmark = pytest.mark.timeout(0 if FUZZ_EXAMPLES else 300)

GENERATORS = {
    "st": synth.generate_st_project,
    "dss": synth.generate_feeder,
    "recipe": synth.generate_recipe,
}


@pytest.mark.parametrize(("kind", "examples"), [("st", 5), ("dss", 12), ("recipe", 12)])
def test_fuzz_synth_projects(kind: str, examples: int) -> None:
    @fuzz_settings(examples)
    @given(data=st.data(), seed=st.integers(0, 2**32 - 1))
    def run(data: st.DataObject, seed: int) -> None:
        files = GENERATORS[kind](random.Random(seed), seed % 100)
        names = sorted(n for n in files if language_for_path(n) is not None)
        assert names, f"the {kind} generator made no file plantls checks"
        victim = data.draw(st.sampled_from(names), label="mutated file")
        raw = data.draw(mutated(files[victim].encode()), label="bytes")
        files = {**files, victim: decode_text(raw)[0]}
        root = fuzz_root() / f"synth-{kind}"
        ws = Workspace([root])
        for name in names:
            lang = language_for_path(name)
            assert lang is not None
            ws.open(Document(path_to_uri(root / name), files[name], lang.id))
        for name in names:
            picks = data.draw(st.lists(st.tuples(st.integers(0, 60), st.integers(0, 40)),
                                       max_size=2), label="positions")
            exercise(name, files[name], probe_positions(files[name], picks), workspace=ws,
                     uri=path_to_uri(root / name))
            lang = language_for_path(name)
            assert lang is not None
            ws.open(Document(path_to_uri(root / name), files[name], lang.id))

    run()
