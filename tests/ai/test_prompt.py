"""FIM detection from tokenizer vocabularies, and prompt budgets in real tokens."""

from __future__ import annotations

from pathlib import Path

import pytest
from transformers import AutoTokenizer

from plantls.ai.fim import detect
from plantls.ai.prompt import build_prompt


@pytest.mark.parametrize(
    ("vocab", "name", "prompt"),
    [
        ({"<fim_prefix>", "<fim_suffix>", "<fim_middle>"}, "plantls/starcoder",
         "<fim_prefix>P<fim_suffix>S<fim_middle>"),
        ({"<|fim_prefix|>", "<|fim_suffix|>", "<|fim_middle|>"}, "qwen2.5-coder",
         "<|fim_prefix|>P<|fim_suffix|>S<|fim_middle|>"),
        ({"<｜fim▁begin｜>", "<｜fim▁hole｜>", "<｜fim▁end｜>"}, "deepseek-coder",
         "<｜fim▁begin｜>P<｜fim▁hole｜>S<｜fim▁end｜>"),
        ({"▁<PRE>", "▁<SUF>", "▁<MID>"}, "codellama", "<PRE> P <SUF>S <MID>"),
    ],
)
def test_detect_fim_styles(vocab: set[str], name: str, prompt: str) -> None:
    style = detect(vocab)
    assert style is not None and style.name == name
    assert style.prompt("P", "S") == prompt


def test_no_fim_tokens() -> None:
    assert detect({"<bos>", "<eos>", "<start_of_turn>"}) is None  # Gemma 3


@pytest.fixture(scope="module")
def tok(tiny_model_dir: Path):
    return AutoTokenizer.from_pretrained(tiny_model_dir, local_files_only=True)


def test_fim_prompt_with_header_and_lang_token(tok) -> None:
    p = build_prompt("PROGRAM P\nVAR\n", "END_VAR\n", "(* PROGRAM P *)\n", "iec-st", tok, 512, 48)
    assert p.text == (
        "<|lang:iec-st|><fim_prefix>(* PROGRAM P *)\nPROGRAM P\nVAR\n<fim_suffix>END_VAR\n"
        "<fim_middle>"
    )
    assert p.ids is not None and p.tokens == len(p.ids)
    assert tok.convert_tokens_to_ids("<fim_middle>") == p.ids[-1]
    assert "<|endoftext|>" in p.stops


def test_budget_in_real_tokens(tok) -> None:
    prefix = "".join(f"    x{i} := {i};\n" for i in range(400))
    suffix = "".join(f"    y{i} := {i};\n" for i in range(400))
    p = build_prompt(prefix, suffix, "", "iec-st", tok, 512, 48)
    assert p.tokens <= 512 - 48
    assert prefix.endswith(p.prefix) and suffix.startswith(p.suffix)
    assert p.prefix.startswith("    x")  # cut at a line start
    prefix_tokens = len(tok.encode(p.prefix, add_special_tokens=False))
    suffix_tokens = len(tok.encode(p.suffix, add_special_tokens=False))
    assert prefix_tokens > 2 * suffix_tokens  # the prefix gets the larger share


def test_short_suffix_gives_room_to_the_prefix(tok) -> None:
    prefix = "".join(f"    x{i} := {i};\n" for i in range(400))
    p = build_prompt(prefix, "END_PROGRAM\n", "", "iec-st", tok, 512, 48)
    assert p.suffix == "END_PROGRAM\n"
    assert p.tokens > 400  # nearly the whole budget


def test_without_tokenizer_server_fim() -> None:
    p = build_prompt("PROGRAM P\n", "END_PROGRAM\n", "", "iec-st", None, 2048, 48,
                     server_fim=True)
    assert p.style is None and p.ids is None
    assert p.text == "PROGRAM P\n" and p.server_suffix == "END_PROGRAM\n"
