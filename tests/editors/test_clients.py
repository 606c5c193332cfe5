"""The editor clients agree with the server: settings schema, languages and file names.

No editor needed: these read clients/vscode/package.json and the files it names.
"""

from __future__ import annotations

import dataclasses
import json
import shutil
import subprocess
import typing
from typing import Any

import pytest
from editor_support import CLIENTS, missing

from plantls.core.language import language_for_path
from plantls.core.settings import Settings

VSCODE = CLIENTS / "vscode"
MANIFEST = json.loads((VSCODE / "package.json").read_text())
CONTRIBUTES = MANIFEST["contributes"]
PROPERTIES: dict[str, dict[str, Any]] = CONTRIBUTES["configuration"]["properties"]
CLIENT_ONLY = {"plantls.server.path", "plantls.server.args", "plantls.trace.server"}


def setting_fields(obj: Any = None, prefix: str = "") -> dict[str, tuple[Any, Any]]:
    """Every server setting as ``{"model.backend": (type hint, default)}``."""
    obj = obj if obj is not None else Settings()
    hints = typing.get_type_hints(type(obj))
    out: dict[str, tuple[Any, Any]] = {}
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if dataclasses.is_dataclass(value):
            out.update(setting_fields(value, f"{prefix}{f.name}."))
        else:
            out[prefix + f.name] = (hints[f.name], value)
    return out


def json_default(value: Any) -> Any:
    return list(value) if isinstance(value, tuple) else value


def test_every_server_setting_is_in_the_vscode_schema() -> None:
    fields = setting_fields()
    missing = sorted(f"plantls.{k}" for k in fields if f"plantls.{k}" not in PROPERTIES)
    assert not missing, f"add these to clients/vscode/package.json: {missing}"
    extra = sorted(set(PROPERTIES) - CLIENT_ONLY - {f"plantls.{k}" for k in fields})
    assert not extra, f"not server settings: {extra}"


@pytest.mark.parametrize("key", sorted(setting_fields()))
def test_schema_entry_matches_the_setting(key: str) -> None:
    hint, default = setting_fields()[key]
    prop = PROPERTIES[f"plantls.{key}"]
    assert prop.get("description") or prop.get("markdownDescription"), key
    assert prop["default"] == json_default(default), key
    if typing.get_origin(hint) is typing.Literal:
        assert prop["type"] == "string" and set(prop["enum"]) == set(typing.get_args(hint)), key
    expected_type = {bool: "boolean", int: "integer", str: "string"}.get(hint)
    if expected_type:
        assert prop["type"] == expected_type, key
    if typing.get_origin(hint) is tuple:
        assert prop["type"] == "array", key
    if typing.get_origin(hint) is dict:
        assert prop["type"] == "object", key


def sample_names(language: dict[str, Any]) -> list[str]:
    names = [f"sample{ext}" for ext in language.get("extensions", [])]
    names += [p.replace("*", "sample") for p in language.get("filenamePatterns", [])]
    return names


@pytest.mark.parametrize("language", CONTRIBUTES["languages"], ids=lambda lang: lang["id"])
def test_vscode_file_names_match_the_server(language: dict[str, Any]) -> None:
    names = sample_names(language)
    assert names
    for name in names:
        if name.endswith(".yml"):
            continue  # the server reads *.recipe.yaml / *.tool.yaml; .yml is editor-only
        found = language_for_path(f"/work/{name}")
        assert found is not None and found.id == language["id"], (name, found)


def test_contributed_files_exist_and_parse() -> None:
    files = [lang["configuration"] for lang in CONTRIBUTES["languages"]]
    files += [g["path"] for g in CONTRIBUTES["grammars"]]
    files += [s["path"] for s in CONTRIBUTES["snippets"]]
    ids = {lang["id"] for lang in CONTRIBUTES["languages"]}
    for rel in files:
        data = json.loads((VSCODE / rel).read_text())
        assert data, rel
    for grammar in CONTRIBUTES["grammars"]:
        assert grammar["language"] in ids
        data = json.loads((VSCODE / grammar["path"]).read_text())
        assert data["scopeName"] == grammar["scopeName"]
    for snippets in CONTRIBUTES["snippets"]:
        assert snippets["language"] in ids
        for name, body in json.loads((VSCODE / snippets["path"]).read_text()).items():
            assert body["prefix"] and body["body"] and body["description"], name


def test_commands_are_declared_and_registered() -> None:
    source = "\n".join(p.read_text() for p in (VSCODE / "src").glob("*.ts"))
    declared = {c["command"] for c in CONTRIBUTES["commands"]}
    assert declared == {
        "plantls.explainFinding",
        "plantls.showStats",
        "plantls.fineTuneWorkspace",
        "plantls.restartServer",
    }
    for command in declared:
        assert f"registerCommand('{command}'" in source, command


def test_vsix_ignores_sources() -> None:
    ignore = (VSCODE / ".vscodeignore").read_text().split()
    assert ignore[0] == "**" and "!dist/extension.js" in ignore
    assert MANIFEST["main"] == "./dist/extension.js"


def test_grammars_tokenize_the_examples() -> None:
    """clients/vscode/test/grammars.test.js: the TextMate grammars, run by vscode-textmate."""
    if shutil.which("node") is None:
        missing("node", "install Node 20")
    if not (VSCODE / "node_modules" / "vscode-textmate").exists():
        missing("the extension's npm packages", "run 'make vsix'")
    proc = subprocess.run(
        ["node", "--test", "test/"], cwd=VSCODE, capture_output=True, text=True, timeout=120
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
