"""The training loss computes the output layer only at target positions, and is still the
loss (and gradient) of the full-logits computation."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
import torch

from plantls.train.loss import OutputVocab, causal_lm_loss, head_parts
from plantls.train.models import load_model
from plantls.train.trainer import _collate


def _batch() -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    g = torch.Generator().manual_seed(0)
    seqs = [torch.randint(5, 300, (n,), generator=g).tolist() for n in (17, 9, 12)]
    ids, mask, labels = _collate(seqs, pad_id=1)
    labels[0, :6] = -100  # a prompt part without loss
    return ids, mask, labels


def _lora(base_dir: Path) -> torch.nn.Module:
    from peft import LoraConfig, get_peft_model

    torch.manual_seed(0)
    model = get_peft_model(
        load_model(base_dir),
        LoraConfig(
            r=4,
            lora_alpha=8,
            target_modules=["c_attn", "c_proj", "c_fc"],
            task_type="CAUSAL_LM",
            fan_in_fan_out=True,
        ),
    )
    with torch.no_grad():  # LoRA B starts at zero: make every LoRA weight get a gradient
        for name, p in model.named_parameters():
            if "lora_B" in name:
                p.normal_(0, 0.05)
    return model


def _loss_and_grads(model: torch.nn.Module, full: bool) -> tuple[float, dict[str, torch.Tensor]]:
    ids, mask, labels = _batch()
    model.zero_grad(set_to_none=True)
    if full:
        loss = model(input_ids=ids, attention_mask=mask, labels=labels).loss
    else:
        loss = causal_lm_loss(model, ids, mask, labels)
    loss.backward()
    grads = {n: p.grad.clone() for n, p in model.named_parameters() if p.grad is not None}
    return float(loss.detach()), grads


def test_lora_loss_and_gradient_equal_full_logits(base_dir: Path) -> None:
    model = _lora(base_dir)
    assert head_parts(model) is not None  # the gathered-rows path, not the fallback
    ref_loss, ref = _loss_and_grads(model, full=True)
    loss, got = _loss_and_grads(model, full=False)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    assert got.keys() == ref.keys() and any("lora_A" in n for n in got)
    for name in ref:
        assert torch.allclose(got[name], ref[name], rtol=1e-4, atol=1e-6), name
    assert not model.get_base_model().lm_head.weight.requires_grad


def test_trainable_head_loss_and_gradient_equal_full_logits(base_dir: Path) -> None:
    model = load_model(base_dir)  # from scratch: tied embeddings, everything trainable
    ref_loss, ref = _loss_and_grads(model, full=True)
    loss, got = _loss_and_grads(model, full=False)
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    assert got.keys() == ref.keys()
    for name in ref:
        assert torch.allclose(got[name], ref[name], rtol=1e-4, atol=1e-6), name


def test_validation_loss_without_gradients(base_dir: Path) -> None:
    model = _lora(base_dir)
    ids, mask, labels = _batch()
    with torch.no_grad():
        ref = model(input_ids=ids, attention_mask=mask, labels=labels).loss
        got = causal_lm_loss(model, ids, mask, labels)
    assert not got.requires_grad
    assert float(got) == pytest.approx(float(ref), rel=1e-5)


def test_fim_examples_are_scored_on_their_middle_only() -> None:
    fim_middle = 4
    seqs = [[9, 2, 10, 11, 3, 12, fim_middle, 20, 21, 0], [9, 30, 31, 32]]
    _ids, mask, labels = _collate(seqs, pad_id=1, fim_middle=fim_middle)
    # FIM example: only the middle and its end token are targets
    assert labels[0].tolist() == [-100] * 7 + [20, 21, 0]
    # plain next-line window: every token (the first is never predicted), padding is not
    assert labels[1].tolist() == [9, 30, 31, 32] + [-100] * 6
    assert mask[1].tolist() == [1] * 4 + [0] * 6
    _, _, all_labels = _collate(seqs, pad_id=1)
    assert all_labels[0].tolist() == seqs[0]


def test_candidate_vocabulary_of_every_token_is_the_full_loss(base_dir: Path) -> None:
    model = _lora(base_dir)
    ids, mask, labels = _batch()
    size = model.get_base_model().lm_head.weight.shape[0]
    with torch.no_grad():
        ref = causal_lm_loss(model, ids, mask, labels)
        got = causal_lm_loss(model, ids, mask, labels, torch.arange(size))
    assert float(got) == pytest.approx(float(ref), rel=1e-5)


def test_candidate_vocabulary_loss_is_a_softmax_over_the_candidates(base_dir: Path) -> None:
    model = _lora(base_dir)
    ids, mask, labels = _batch()
    vocab = torch.unique(torch.cat([labels[labels != -100], torch.tensor([2, 3, 399])]))
    with torch.no_grad():
        logits = model(input_ids=ids, attention_mask=mask).logits[:, :-1]
        targets = labels[:, 1:]
        keep = targets != -100
        picked = logits[keep][:, vocab]
        ref = torch.nn.functional.cross_entropy(picked, torch.searchsorted(vocab, targets[keep]))
        full = causal_lm_loss(model, ids, mask, labels)
        got = causal_lm_loss(model, ids, mask, labels, vocab)
    assert float(got) == pytest.approx(float(ref), rel=1e-5)
    assert float(got) < float(full)  # fewer competitors, lower loss


def test_output_vocab_is_seeded_per_step_and_holds_the_data(base_dir: Path) -> None:
    model = _lora(base_dir)
    seqs = [[5, 9, 12], [9, 40]]
    assert OutputVocab.for_run(model, seqs, 400, 0) is None  # no smaller than the vocabulary
    a = OutputVocab.for_run(model, seqs, 8, 0)
    b = OutputVocab.for_run(model, seqs, 8, 0)
    assert a is not None and b is not None
    first, offsets = a.for_step(3)
    assert torch.equal(first, b.for_step(3)[0])  # a resumed run draws the same candidates
    assert not torch.equal(first, a.for_step(4)[0])
    assert torch.equal(first, torch.sort(first).values)
    assert {5, 9, 12, 40} <= set(first.tolist())
    # the data's tokens count once; each sampled one stands for (rest / sampled) tokens
    seen = torch.isin(first, torch.tensor([5, 9, 12, 40]))
    assert offsets[seen].eq(0).all()
    sampled = int((~seen).sum())
    assert 0 < sampled <= 8
    expected = math.log((a.size - 4) / sampled)
    assert offsets[~seen].tolist() == pytest.approx([expected] * sampled)
    assert "4 tokens of the training data" in a.describe()
