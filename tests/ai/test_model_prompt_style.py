"""A model folder can ask for plain prefix prompts although its vocabulary has FIM tokens."""

from __future__ import annotations

import json
from pathlib import Path

from plantls.ai.prompt import build_prompt, model_prompt_style

FIM_VOCAB = {"<fim_prefix>", "<fim_suffix>", "<fim_middle>", "<|endoftext|>"}
SHIPPED = Path(__file__).resolve().parents[2] / "models" / "plantls-tiny"


def test_style_from_the_model_folder(tmp_path: Path) -> None:
    assert model_prompt_style("") == "auto"
    assert model_prompt_style(str(tmp_path)) == "auto"  # no plantls.json
    (tmp_path / "plantls.json").write_text(json.dumps({"prompt": "prefix"}))
    assert model_prompt_style(str(tmp_path)) == "prefix"
    (tmp_path / "plantls.json").write_text("{broken")
    assert model_prompt_style(str(tmp_path)) == "auto"
    (tmp_path / "plantls.json").write_text(json.dumps({"prompt": "sideways"}))
    assert model_prompt_style(str(tmp_path)) == "auto"


def test_the_shipped_model_completes_from_a_prefix() -> None:
    # its FIM completions are poor (models/plantls-tiny/README.md): 0-3 % exact match
    assert model_prompt_style(str(SHIPPED)) == "prefix"


def test_prefix_prompt_despite_fim_tokens() -> None:
    args = ("x := 1;\ny := ", ";\nz := 3;", "", "iec-st", None, 256, 16)
    fim = build_prompt(*args, vocab=FIM_VOCAB)
    plain = build_prompt(*args, vocab=FIM_VOCAB, fim=False)
    assert "<fim_suffix>" in fim.text and "z := 3" in fim.text
    assert "<fim_" not in plain.text and plain.text.endswith("y := ")
