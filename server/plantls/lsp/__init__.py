"""The language server: a thin pygls layer that turns core results into LSP messages.

Nothing here knows about a particular language; features live in ``features/`` and are
registered in one place (``features.register_all``).
"""
