"""The composed ST generator: reproducible, varied and in a house style per project (that it
checks clean is tested with the other generators, in test_synth.py)."""

from __future__ import annotations

import random
import re

from plantls.train.synth import generate_corpus
from plantls.train.synth_st import generate_composed_project


def _projects(seed: int, n: int) -> list[dict[str, str]]:
    rng = random.Random(seed)
    return [generate_composed_project(rng, i) for i in range(n)]


def test_same_seed_same_projects() -> None:
    assert _projects(3, 4) == _projects(3, 4)
    assert _projects(3, 4) != _projects(4, 4)


def test_projects_are_varied() -> None:
    projects = _projects(5, 20)
    text = "\n".join(t for p in projects for t in p.values())
    identifiers = set(re.findall(r"\b[bxnifrst][A-Z][A-Za-z]+\b", text))
    assert len(identifiers) > 400
    for construct in ("IF ", "ELSIF ", "CASE ", "FOR ", "METHOD ", "TYPE ", "VAR_GLOBAL", "R_TRIG"):
        assert construct in text, construct
    indents = {
        m.group(1)
        for p in projects
        for t in p.values()
        if (m := re.search(r"VAR_INPUT\n([ \t]+)", t))
    }
    assert len(indents) > 1  # more than one house style


def test_composed_projects_leave_the_other_files_alone() -> None:
    plain = generate_corpus(seed=2, n_st=2, n_dss=1, n_recipes=1)
    more = generate_corpus(seed=2, n_st=2, n_dss=1, n_recipes=1, n_composed=3)
    assert {k: v for k, v in more.items() if k in plain} == plain
    assert any(k.startswith("st/composed0002/") for k in more)
