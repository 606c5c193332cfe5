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
        from plantls.lsp.features.model_status import feature

        model = feature(server)
        telemetry = model.service.telemetry.stats()
        recent = [
            {
                "kind": r.kind,
                "outcome": r.outcome,
                "finish": r.finish,
                "generated_tokens": r.generated_tokens,
                "total_ms": round(r.total_ms, 1),
                "generation_ms": round(r.generation_ms, 1),
            }
            for r in list(model.service.telemetry.records)[-20:]
        ]
        return {
            "model": model.service.info(),
            "requests": dict(sorted(server.request_counts.items())),
            "completions": telemetry,
            "recent": recent,
        }
