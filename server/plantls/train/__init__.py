"""Training: corpus, tokenizer, LoRA fine-tuning, pretraining from scratch, export."""
