"""LSP-free types shared by every layer: positions, documents, findings, rules, settings."""
