"""The model layer: backends, prompts, completion pipeline, explanations, hints, telemetry.

Nothing here imports pygls or lsprotocol; the LSP layer adapts it.
"""
