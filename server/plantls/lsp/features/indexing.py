"""The workspace index: first indexing with progress, file watchers, folder changes."""

from __future__ import annotations

import asyncio
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

from lsprotocol import types

from plantls.core.documents import uri_to_path
from plantls.core.language import language_for_path, languages
from plantls.core.settings import CONFIG_FILES
from plantls.lsp.features import configuration

if TYPE_CHECKING:
    from plantls.lsp.server import PlantLanguageServer

CLIENT_TIMEOUT_S = 5.0


def _any_case(ext: str) -> str:
    """A glob that matches an extension in any letter case (``.TcPOU``, ``.tcpou``)."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in ext.lstrip("."))


def watch_globs() -> list[str]:
    """Glob patterns for every file plantls reads: sources of all languages and config files."""
    exts = sorted({e for lang in languages() for e in lang.extensions})
    globs = [f"**/*.{_any_case(e)}" for e in exts]
    return globs + [f"**/{name}" for name in CONFIG_FILES]


async def register_watchers(server: PlantLanguageServer) -> None:
    """Ask the client to report file changes (and configuration changes) to us."""
    registrations = []
    if server.client_supports("workspace.did_change_watched_files.dynamic_registration"):
        watchers = [types.FileSystemWatcher(glob_pattern=g) for g in watch_globs()]
        registrations.append(
            types.Registration(
                id=f"plantls-watch-{uuid.uuid4()}",
                method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                register_options=types.DidChangeWatchedFilesRegistrationOptions(watchers=watchers),
            )
        )
    if server.client_supports("workspace.did_change_configuration.dynamic_registration"):
        registrations.append(
            types.Registration(
                id=f"plantls-config-{uuid.uuid4()}",
                method=types.WORKSPACE_DID_CHANGE_CONFIGURATION,
                register_options=types.DidChangeConfigurationRegistrationOptions(
                    section=configuration.SECTION
                ),
            )
        )
    if not registrations:
        return
    try:
        await asyncio.wait_for(
            server.client_register_capability_async(
                types.RegistrationParams(registrations=registrations)
            ),
            CLIENT_TIMEOUT_S,
        )
    except Exception as exc:
        server.log(f"client/registerCapability failed: {exc!r}", types.MessageType.Warning)


async def index_workspace(server: PlantLanguageServer) -> int:
    """Index every file under the roots, with work-done progress when the client shows it."""
    if not server.core.roots:
        return 0
    token: str | None = None
    if server.client_supports("window.work_done_progress"):
        token = f"plantls-index-{uuid.uuid4()}"
        try:
            await asyncio.wait_for(server.work_done_progress.create_async(token), CLIENT_TIMEOUT_S)
        except Exception as exc:
            server.log(f"cannot create progress: {exc!r}")
            token = None
    progress = server.work_done_progress
    if token is not None:
        progress.begin(
            token,
            types.WorkDoneProgressBegin(
                title="plantls: indexing", message="finding files", percentage=0
            ),
        )
    last = -1

    def report(done: int, total: int) -> None:
        nonlocal last
        percent = done * 100 // max(total, 1)
        if token is None or percent == last:
            return
        last = percent
        progress.report(
            token,
            types.WorkDoneProgressReport(message=f"{done}/{total} files", percentage=percent),
        )

    count = 0
    try:
        count = server.core.index_all(report)
    finally:
        server.touch()
        if token is not None:
            progress.end(token, types.WorkDoneProgressEnd(message=f"indexed {count} files"))
    return count


def _is_config(path: Path) -> bool:
    return path.name in CONFIG_FILES


def register(server: PlantLanguageServer) -> None:
    """Register didChangeWatchedFiles and didChangeWorkspaceFolders."""

    @server.handle(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
    def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
        settings_changed = False
        for event in params.changes:
            path = uri_to_path(event.uri)
            if path is not None and _is_config(path):
                settings_changed = True
            elif language_for_path(event.uri) is not None:
                server.core.file_changed(event.uri)
        server.touch()
        if settings_changed:
            configuration.apply_settings(server)
        server.publisher.everything_changed()

    @server.handle(types.WORKSPACE_DID_CHANGE_WORKSPACE_FOLDERS)
    async def did_change_folders(params: types.DidChangeWorkspaceFoldersParams) -> None:
        removed = {uri_to_path(f.uri) for f in params.event.removed}
        added = [uri_to_path(f.uri) for f in params.event.added]
        roots = [r for r in server.core.roots if r not in removed]
        roots += [p.resolve() for p in added if p is not None and p.is_dir()]
        server.core.roots = roots
        server.config.roots = roots
        configuration.apply_settings(server)
        await index_workspace(server)
        server.publisher.everything_changed()
