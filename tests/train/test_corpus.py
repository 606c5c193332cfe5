"""Corpus collection: languages, TwinCAT XML, dedup, split by file, examples."""

from __future__ import annotations

from pathlib import Path

from plantls.train.corpus import build_examples, collect, language_of, read_source
from plantls.train.special_tokens import (
    EOS,
    FIM_MIDDLE,
    FIM_PREFIX,
    FIM_SUFFIX,
    LANG_TOKENS,
    SPECIAL_TOKENS,
    fim_prompt,
)

EXAMPLES = Path(__file__).parents[2] / "examples"


def test_special_tokens_contract() -> None:
    assert fim_prompt("a", "b", "iec-st") == "<|lang:iec-st|><fim_prefix>a<fim_suffix>b<fim_middle>"
    assert SPECIAL_TOKENS[:2] == ("<|endoftext|>", "<pad>")
    assert set(LANG_TOKENS) == {"iec-st", "opendss", "fab-recipe", "fab-tool"}


def test_languages() -> None:
    assert language_of(Path("a/MAIN.st")) == "iec-st"
    assert language_of(Path("a/FB_X.TcPOU")) == "iec-st"
    assert language_of(Path("a/master.dss")) == "opendss"
    assert language_of(Path("x.recipe.yaml")) == "fab-recipe"
    assert language_of(Path("x.tool.yaml")) == "fab-tool"
    assert language_of(Path("x.yaml")) is None


def test_twincat_becomes_structured_text() -> None:
    src = read_source(EXAMPLES / "bottling_line/plc/FB_Labeler.TcPOU")
    assert src is not None
    assert "<?xml" not in src.text and "CDATA" not in src.text
    assert "FUNCTION_BLOCK" in src.text and "END_FUNCTION_BLOCK" in src.text
    assert "\n\n\n" not in src.text


def test_dedup_and_split_by_file(tmp_path: Path, corpus_dir: Path) -> None:
    dup = tmp_path / "copy"
    dup.mkdir()
    first = sorted(corpus_dir.rglob("*.st"))[0]
    (dup / "again.st").write_text(first.read_text() + "\n\n", encoding="utf-8")
    corpus = collect([corpus_dir, dup], validation_share=0.3, seed=0)
    assert corpus.duplicates == 1
    train = {f.path for f in corpus.train}
    val = {f.path for f in corpus.validation}
    assert train and val and not train & val
    again = collect([corpus_dir, dup], validation_share=0.3, seed=0)
    assert [f.path for f in again.validation] == [f.path for f in corpus.validation]


def test_examples_are_reproducible_and_use_fim(corpus_dir: Path) -> None:
    corpus = collect([corpus_dir], 0.2, 0)
    a = build_examples(corpus.train, seed=1, fim_per_file=3)
    b = build_examples(corpus.train, seed=1, fim_per_file=3)
    assert a == b
    fim = [e for e in a if e.kind.startswith("fim")]
    assert fim and all(
        e.text.index(FIM_PREFIX) < e.text.index(FIM_SUFFIX) < e.text.index(FIM_MIDDLE)
        and e.text.endswith(EOS)
        for e in fim
    )
    assert all(e.text.startswith("<|lang:") for e in a)
    plain = build_examples(corpus.train, seed=1, fim=False)
    assert plain and all(FIM_PREFIX not in e.text for e in plain)
