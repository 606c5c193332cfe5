"""Settings from the client: initializationOptions, workspace/configuration, changes."""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from lsprotocol import types

from plantls.lsp.settings import SECTION

__all__ = ["SECTION", "apply_settings", "pull_client_settings", "register"]

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

CLIENT_TIMEOUT_S = 5.0


async def pull_client_settings(server: PlantLanguageServer) -> None:
    """Ask the client for the ``plantls`` section, when it supports that."""
    if not server.client_supports("workspace.configuration"):
        return
    try:
        result = await asyncio.wait_for(
            server.workspace_configuration_async(
                types.ConfigurationParams(items=[types.ConfigurationItem(section=SECTION)])
            ),
            CLIENT_TIMEOUT_S,
        )
    except Exception as exc:
        server.log(f"workspace/configuration failed: {exc!r}", types.MessageType.Warning)
        return
    server.config.client = result[0] if result else None


def apply_settings(server: PlantLanguageServer) -> None:
    """Merge every layer into the workspace settings and tell the user about problems once."""
    settings, warnings = server.config.build()
    server.core.settings = settings
    server.touch()
    for hook in server.settings_hooks:
        try:
            hook()
        except Exception:
            server.log_exception("settings hook")
    fresh = server.config.new_warnings(warnings)
    for warning in fresh:
        server.log(f"settings: {warning}", types.MessageType.Warning)
    if fresh:
        more = f" (and {len(fresh) - 3} more, see the log)" if len(fresh) > 3 else ""
        server.show("plantls settings: " + "; ".join(fresh[:3]) + more)


def register(server: PlantLanguageServer) -> None:
    """Register workspace/didChangeConfiguration."""

    @server.handle(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
    async def did_change_configuration(params: types.DidChangeConfigurationParams) -> None:
        if server.client_supports("workspace.configuration"):
            await pull_client_settings(server)
        else:
            pushed: Any = params.settings
            server.config.client = pushed
        apply_settings(server)
        server.publisher.everything_changed()
