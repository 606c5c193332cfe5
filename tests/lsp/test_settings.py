"""Settings end to end: config file, initializationOptions, workspace/configuration, changes."""

from __future__ import annotations

from pathlib import Path

import pytest
from lsp_harness import PROFILES, codes, diagnostics, open_doc, running, wait_for
from lsprotocol import types
from pytest_lsp import LanguageClient

BROKEN = "PROGRAM Main\nVAR\n    x : INT;\nEND_VAR\nx := x + ;\nEND_PROGRAM\n"


def warnings_shown(client: LanguageClient) -> list[str]:
    return [m.message for m in client.messages if m.type == types.MessageType.Warning]


async def settled(client: LanguageClient, uri: str) -> list[str]:
    """Codes once the server has checked ``uri`` (pushed or pulled)."""
    return codes(await diagnostics(client, uri))


@pytest.mark.parametrize("profile", PROFILES)
async def test_unknown_key_warns_and_ignore_suppresses(profile: str, tmp_path: Path) -> None:
    options = {"rules": {"ignore": ["ST001"]}, "bogus": 1}
    async with running(profile, tmp_path, options) as client:
        await wait_for(lambda: warnings_shown(client))
        shown = warnings_shown(client)
        assert len(shown) == 1
        assert "bogus" in shown[0]
        uri = open_doc(client, tmp_path / "a.st", BROKEN)
        assert "ST001" not in await settled(client, uri)


async def test_options_under_plantls_key(tmp_path: Path) -> None:
    options = {"plantls": {"rules": {"ignore": ["ST001"]}}}
    async with running("visual-studio-code", tmp_path, options) as client:
        uri = open_doc(client, tmp_path / "a.st", BROKEN)
        assert "ST001" not in await settled(client, uri)
        assert warnings_shown(client) == []


async def test_bad_value_warns_once(tmp_path: Path) -> None:
    options = {"completion": {"max_tokens": "many"}}
    async with running("neovim", tmp_path, options) as client:
        await wait_for(lambda: warnings_shown(client))
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        uri = open_doc(client, tmp_path / "a.st", BROKEN)
        assert "ST001" in await settled(client, uri)
        shown = warnings_shown(client)
        assert len(shown) == 1 and "max_tokens" in shown[0]


async def test_config_file_in_workspace_root(tmp_path: Path) -> None:
    (tmp_path / "plantls.toml").write_text('[rules]\nignore = ["ST001"]\n')
    async with running("emacs", tmp_path) as client:
        uri = open_doc(client, tmp_path / "a.st", BROKEN)
        assert "ST001" not in await settled(client, uri)


@pytest.mark.parametrize("profile", PROFILES)
async def test_workspace_configuration_and_change(profile: str, tmp_path: Path) -> None:
    config = {"rules": {"ignore": ["ST001"]}}
    async with running(profile, tmp_path, configuration=config) as client:
        uri = open_doc(client, tmp_path / "a.st", BROKEN)
        assert "ST001" not in await settled(client, uri)
        client.set_configuration({"rules": {"ignore": []}}, section="plantls")
        client.workspace_did_change_configuration(types.DidChangeConfigurationParams(settings=None))
        found = await diagnostics(client, uri, lambda ds: "ST001" in codes(ds))
        assert "ST001" in codes(found)
