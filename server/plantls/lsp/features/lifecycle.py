"""initialize and initialized: roots, first settings, watchers, the first index."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.core.documents import uri_to_path
from plantls.core.workspace import Workspace
from plantls.lsp.features import configuration, indexing

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer


def workspace_roots(params: types.InitializeParams) -> list[Path]:
    """Local folders of the workspace, from workspaceFolders, rootUri or rootPath."""
    uris = [f.uri for f in params.workspace_folders or []]
    if not uris and params.root_uri:
        uris = [params.root_uri]
    roots = [p for p in map(uri_to_path, uris) if p is not None]
    if not roots and not uris and params.root_path:
        roots = [Path(params.root_path)]
    return [r for r in roots if r.is_dir()]


def register(server: PlantLanguageServer) -> None:
    """Register initialize and initialized."""

    @server.handle(types.INITIALIZE)
    def initialize(params: types.InitializeParams) -> None:
        server.config.roots = workspace_roots(params)
        server.config.init_options = params.initialization_options
        server.core = Workspace(server.config.roots, server.core.settings)
        server.core.settings = server.config.build()[0]

    @server.handle(types.INITIALIZED)
    async def initialized(params: types.InitializedParams) -> None:
        try:
            await configuration.pull_client_settings(server)
            configuration.apply_settings(server)
            await indexing.register_watchers(server)
            await indexing.index_workspace(server)
        except Exception:
            server.log_exception("workspace setup")
        finally:
            server.index_ready.set()
            server.publisher.everything_changed()
