"""The training loss of ``plantls train``: next-token cross-entropy, with the output layer
applied only where it is needed.

Two savings, both on the output layer, which dominates a LoRA step for large-vocabulary
bases (Gemma 3's is 262,144 × 640: about two thirds of the arithmetic of a step):

* **Only labelled positions.** The decoder body runs on every position; the output layer and
  its softmax only on the rows that have a label (padding and prompt parts have none). This
  gives exactly the loss and gradients of transformers' ``labels=`` loss.
* **Only a candidate vocabulary** (:class:`OutputVocab`, opt-in: ``--sampled-softmax``). The
  softmax runs over the tokens that occur in the training data plus a fresh random sample of
  the other tokens at each step, instead of over all of them. A project's code uses a few
  thousand of Gemma's 262,144 tokens, so a step costs about a third. This is a sampled
  softmax: each sampled token's logit is raised by the log of how many unsampled tokens it
  stands for, so the sample weighs in the softmax as much as the whole rest of the vocabulary
  would (without that, the rest is never pushed down and the adapted model learned less per
  step). Validation always uses the full softmax, so validation losses stay comparable with
  the base's. It is not the default, because the full softmax is exact; models/README.md
  compares the two on Gemma 3.
"""

from __future__ import annotations

import math
from typing import Any


def head_parts(model: Any) -> tuple[Any, Any] | None:
    """(decoder body, output layer) of a causal LM (peft-wrapped or not), or None when its
    logits are not a plain linear map of the body's last hidden state."""
    base = model.get_base_model() if hasattr(model, "get_base_model") else model
    body = getattr(base, getattr(base, "base_model_prefix", ""), None)
    head = base.get_output_embeddings() if hasattr(base, "get_output_embeddings") else None
    config = base.config
    if body is None or head is None or getattr(head, "bias", None) is not None:
        return None
    if getattr(config, "final_logit_softcapping", None) or getattr(config, "logit_scale", None):
        return None
    return body, head


def causal_lm_loss(
    model: Any,
    ids: Any,
    mask: Any,
    labels: Any,
    vocab: Any | None = None,
    offsets: Any | None = None,
) -> Any:
    """The causal LM loss of ``model(input_ids, attention_mask, labels).loss``, with the output
    layer applied only at positions whose label is not -100.

    Mean next-token cross-entropy over the shifted labels that are not -100, like
    transformers' ``ForCausalLMLoss``. With ``vocab`` (a sorted 1-D tensor of token ids that
    holds every label), the softmax runs over those tokens only, each logit plus its entry in
    ``offsets`` when given. Models whose logits are not a plain linear map of the last hidden
    state get the full computation.
    """
    import torch

    parts = head_parts(model)
    if parts is None:
        return model(input_ids=ids, attention_mask=mask, labels=labels).loss
    body, head = parts
    hidden = body(input_ids=ids, attention_mask=mask, use_cache=False)[0]
    targets = labels[:, 1:]
    keep = targets != -100
    rows = hidden[:, :-1][keep]
    wanted = targets[keep]
    if vocab is None:
        return torch.nn.functional.cross_entropy(head(rows).float(), wanted)
    logits = (rows @ head.weight[vocab].T).float()
    if offsets is not None:
        logits = logits + offsets
    return torch.nn.functional.cross_entropy(logits, torch.searchsorted(vocab, wanted))


class OutputVocab:
    """The candidate tokens of each training step: every token of the training data plus
    ``sampled`` others drawn at random, seeded by the run's seed and the step (so a resumed
    run draws the same ones)."""

    def __init__(self, seqs: list[list[int]], size: int, sampled: int, seed: int) -> None:
        import torch

        self.seen = torch.tensor(sorted({t for s in seqs for t in s}), dtype=torch.long)
        self.size = size
        self.sampled = sampled
        self.seed = seed

    @classmethod
    def for_run(
        cls, model: Any, seqs: list[list[int]], sampled: int, seed: int
    ) -> OutputVocab | None:
        """A candidate vocabulary when the model's output layer can be computed in part and
        is larger than the candidates would be, else None (full softmax)."""
        parts = head_parts(model)
        if parts is None or not seqs:
            return None
        vocab = cls(seqs, int(parts[1].weight.shape[0]), sampled, seed)
        return vocab if vocab.size > len(vocab.seen) + sampled else None

    def for_step(self, step: int) -> tuple[Any, Any]:
        """The sorted candidate ids of training step ``step``, and the offset of each one's
        logit: 0 for the training data's tokens, log(unsampled / sampled) for the others."""
        import torch

        g = torch.Generator().manual_seed(self.seed * 1_000_003 + step)
        extra = torch.randint(0, self.size, (self.sampled,), generator=g)
        vocab = torch.unique(torch.cat([self.seen, extra]))
        sampled = ~torch.isin(vocab, self.seen)
        count = int(sampled.sum())
        offsets = torch.zeros(len(vocab))
        if count:
            offsets[sampled] = math.log((self.size - len(self.seen)) / count)
        return vocab, offsets

    def describe(self) -> str:
        """One line for the training card."""
        return (
            f"softmax over {len(self.seen):,} tokens of the training data + {self.sampled:,} "
            f"sampled per step, of {self.size:,}"
        )
