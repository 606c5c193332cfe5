"""LSP features, one small module each, registered in one place."""

from __future__ import annotations

from typing import TYPE_CHECKING

from plantls.lsp.features import (
    configuration,
    diagnostics,
    explain,
    indexing,
    inline_completion,
    lifecycle,
    model_status,
    navigation,
    stats,
    sync,
    training,
    writing,
)

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

FEATURES = (
    lifecycle,
    configuration,
    indexing,
    sync,
    diagnostics,
    navigation,
    writing,
    stats,
    model_status,
    inline_completion,
    explain,
    training,
)


def register_all(server: PlantLanguageServer) -> None:
    """Register every feature module's handlers on ``server``."""
    for module in FEATURES:
        module.register(server)
