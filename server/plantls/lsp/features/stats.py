"""``plantls/stats``: request counts and the model's state."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

METHOD = "plantls/stats"


def register(server: PlantLanguageServer) -> None:
    """Register the stats request."""

    @server.handle(METHOD, default=dict)
    def stats(params: Any) -> dict[str, Any]:
        return {
            "model": {"state": "none"},
            "requests": dict(sorted(server.request_counts.items())),
        }
