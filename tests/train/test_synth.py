"""The corpus generators: reproducible, varied, and clean under `plantls check`."""

from __future__ import annotations

from pathlib import Path

from plantls.cli.check import check_paths
from plantls.core.diagnostics import Severity
from plantls.core.settings import Settings
from plantls.train.synth import generate_corpus, write_corpus


def test_same_seed_same_files_other_seed_other_files() -> None:
    a = generate_corpus(seed=7, n_st=4, n_dss=2, n_recipes=3)
    b = generate_corpus(seed=7, n_st=4, n_dss=2, n_recipes=3)
    c = generate_corpus(seed=8, n_st=4, n_dss=2, n_recipes=3)
    assert a == b
    assert a != c


def test_files_are_varied() -> None:
    files = generate_corpus(seed=1, n_st=10, n_dss=0, n_recipes=0)
    fbs = {text for name, text in files.items() if "/FB_" in name}
    assert len(fbs) > 20
    kinds = {name.rsplit("/", 1)[1].split("_", 1)[0] for name in files}
    assert {"FB", "E", "ST", "GVL"} <= kinds


def test_generated_files_check_without_errors(tmp_path: Path) -> None:
    write_corpus(tmp_path, seed=11, n_st=4, n_dss=2, n_recipes=4, n_composed=25)
    results = check_paths([tmp_path], Settings())
    langs = {r.language for r in results}
    assert {"iec-st", "opendss", "fab-recipe"} <= langs
    assert sum("/composed" in Path(r.path).as_posix() for r in results) > 100
    errors = [
        (r.path, d.code, d.message)
        for r in results
        for d in r.diagnostics
        if d.severity >= Severity.ERROR
    ]
    assert errors == []
