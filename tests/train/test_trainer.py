"""LoRA training: deterministic, resumable, atomic, never overwriting; from-scratch models."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from safetensors.numpy import load_file

from plantls.train.tiny import tiny_config
from plantls.train.trainer import (
    TrainConfig,
    TrainingInterrupted,
    partial_dir,
    train_adapter,
)


def _weights(adapter: Path) -> dict:
    return load_file(str(adapter / "adapter_model.safetensors"))


def _same(a: Path, b: Path) -> bool:
    wa, wb = _weights(a), _weights(b)
    return wa.keys() == wb.keys() and all((wa[k] == wb[k]).all() for k in wa)


def test_from_scratch_model_layout(base_dir: Path) -> None:
    names = {p.name for p in base_dir.iterdir()}
    assert {
        "config.json",
        "model.safetensors",
        "tokenizer.json",
        "training_card.md",
        "loss.png",
    } <= names
    assert not list(base_dir.glob("*.bin"))
    config = json.loads((base_dir / "config.json").read_text())
    assert config["model_type"] == "gpt2"
    tok = json.loads((base_dir / "tokenizer.json").read_text())
    added = {t["content"]: t["id"] for t in tok["added_tokens"]}
    assert added["<|endoftext|>"] == 0 and "<fim_middle>" in added


def test_adapter_card_and_files(base_dir: Path, corpus_dir: Path, tmp_path: Path) -> None:
    result = train_adapter([corpus_dir], base_dir, tmp_path / "a", tiny_config(), progress=False)
    assert result.out == tmp_path / "a"
    names = {p.name for p in result.out.iterdir()}
    assert {
        "adapter_config.json",
        "adapter_model.safetensors",
        "training_card.md",
        "loss.png",
        "training.json",
    } <= names
    card = (result.out / "training_card.md").read_text()
    for needle in (
        "## Data",
        "train_files",
        "learning_rate",
        "trainable parameters",
        "validation loss",
        "training time",
        "c_attn",
    ):
        assert needle in card
    assert result.val_losses and result.steps == 6
    assert not partial_dir(tmp_path / "a").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["a"]


def test_same_seed_same_weights_and_no_overwrite(
    base_dir: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    a = train_adapter([corpus_dir], base_dir, tmp_path / "x", tiny_config(), progress=False)
    b = train_adapter([corpus_dir], base_dir, tmp_path / "x", tiny_config(), progress=False)
    c = train_adapter([corpus_dir], base_dir, tmp_path / "x", tiny_config(seed=5), progress=False)
    assert (a.out.name, b.out.name, c.out.name) == ("x", "x-v2", "x-v3")
    assert _same(a.out, b.out)
    assert not _same(a.out, c.out)


@pytest.mark.parametrize("sampled", [False, True], ids=["full", "sampled"])
def test_interrupted_run_leaves_no_adapter_and_resume_matches(
    base_dir: Path, corpus_dir: Path, tmp_path: Path, sampled: bool
) -> None:
    def config() -> TrainConfig:
        return tiny_config(sampled_softmax=sampled, sampled_vocab=64)

    full = train_adapter([corpus_dir], base_dir, tmp_path / "full", config(), progress=False)
    record = json.loads((full.out / "training.json").read_text())
    assert record["output_layer"].startswith("softmax over") == sampled

    def stop_at_5(step: int, loss: float) -> None:
        if step == 5:
            raise KeyboardInterrupt

    out = tmp_path / "run"
    with pytest.raises(TrainingInterrupted, match="--resume"):
        train_adapter([corpus_dir], base_dir, out, config(), on_step=stop_at_5, progress=False)
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if ".tmp-" in p.name]
    assert (partial_dir(out) / "checkpoint" / "state.pt").exists()  # saved at step 4

    seen: list[int] = []
    resumed = train_adapter(
        [corpus_dir],
        base_dir,
        out,
        config(),
        resume=True,
        on_step=lambda s, _l: seen.append(s),
        progress=False,
    )
    assert seen == [5, 6]
    assert resumed.out == out and not partial_dir(out).exists()
    assert _same(full.out, resumed.out)
    assert [round(v, 6) for _, v in resumed.losses] == [round(v, 6) for _, v in full.losses]


def test_resume_refuses_a_checkpoint_of_another_run(
    base_dir: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    def stop(step: int, loss: float) -> None:
        if step == 3:
            raise TrainingInterrupted

    out = tmp_path / "r"
    with pytest.raises(TrainingInterrupted):
        train_adapter([corpus_dir], base_dir, out, tiny_config(), on_step=stop, progress=False)
    with pytest.raises(ValueError, match="other data or options"):
        train_adapter(
            [corpus_dir],
            base_dir,
            out,
            tiny_config(learning_rate=1e-4),
            resume=True,
            progress=False,
        )


def test_long_fim_examples_keep_the_middle(base_dir: Path) -> None:
    from plantls.train.corpus import Example, fim_text
    from plantls.train.models import load_tokenizer
    from plantls.train.trainer import _tokenize

    tok = load_tokenizer(base_dir)
    text = fim_text("x := x + 1;\n" * 200, "y := 2;\n", "z := 3;\n" * 200, "iec-st")
    (ids,) = _tokenize(tok, [Example(text, "fim-line")], 64)
    decoded = tok.decode(ids)
    assert len(ids) <= 64
    assert decoded.endswith("<fim_middle>y := 2;\n<|endoftext|>")
    assert "<fim_prefix>" in decoded and "<fim_suffix>z := 3;" in decoded


def test_token_windows_cover_every_token() -> None:
    from plantls.train.trainer import token_windows

    lead, body = [100, 101], list(range(50))
    windows = token_windows(lead, body, 12)
    assert all(w[:2] == lead and len(w) <= 12 for w in windows)
    seen = {t for w in windows for t in w[2:]}
    assert seen == set(body)
    assert windows[-1][-1] == body[-1]
    assert token_windows(lead, body[:10], 12) == [lead + body[:10]]


def test_long_plain_examples_are_cut_into_windows_not_truncated(base_dir: Path) -> None:
    from plantls.train.corpus import Example
    from plantls.train.models import load_tokenizer
    from plantls.train.trainer import _tokenize

    tok = load_tokenizer(base_dir)
    lines = "".join(f"n{i} := n{i} + {i};\n" for i in range(60))
    seqs = _tokenize(tok, [Example("<|lang:iec-st|>" + lines, "next-line", "<|lang:iec-st|>")], 48)
    assert len(seqs) > 2 and all(len(s) <= 48 for s in seqs)
    lang = tok.convert_tokens_to_ids("<|lang:iec-st|>")
    assert all(lang in s[:2] for s in seqs)
    assert "n59 := n59 + 59;" in tok.decode(seqs[-1])


def test_validation_runs_at_most_max_validations_times(
    base_dir: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    cfg = tiny_config(max_steps=40, max_examples=8, max_validations=4, checkpoint_every=0)
    result = train_adapter([corpus_dir], base_dir, tmp_path / "v", cfg, progress=False)
    steps = [s for s, _ in result.val_losses]
    assert 2 <= len(steps) <= 5 and steps[-1] == 40


def test_prefix_prompt_base_trains_on_next_line_examples_only(
    base_dir: Path, corpus_dir: Path, tmp_path: Path
) -> None:
    import shutil

    prefix_base = tmp_path / "prefix-base"
    shutil.copytree(base_dir, prefix_base)
    (prefix_base / "plantls.json").write_text('{"prompt": "prefix"}')
    auto = train_adapter([corpus_dir], base_dir, tmp_path / "a", tiny_config(), progress=False)
    prefix = train_adapter([corpus_dir], prefix_base, tmp_path / "p", tiny_config(), progress=False)
    assert str(auto.data["example_kinds"]).startswith("FIM")
    assert str(prefix.data["example_kinds"]).startswith("next-line only")
