"""The README's editor sections are copy-paste correct: their snippets, with the checkout's
path in place of ``~/src/plantls``, start plantls in the real editors."""

from __future__ import annotations

import json
import re
from pathlib import Path

from editor_support import CASES, ROOT
from test_emacs import DRIVER as EMACS_DRIVER
from test_emacs import run_emacs
from test_neovim import pypi_nvim, run_nvim
from test_vscode import VSIX

README = ROOT / "README.md"
PLACEHOLDER = "~/src/plantls"


def snippet(section: str, language: str) -> str:
    """The first ``language`` code block under the README heading ``### section``."""
    text = README.read_text()
    start = text.index(f"\n### {section}\n")
    end = text.find("\n## ", start + 1)
    match = re.search(rf"```{language}\n(.*?)```", text[start:end], re.S)
    assert match, f"no {language} block under ### {section}"
    return match.group(1)


def test_readme_neovim_snippet(tmp_path: Path, plantls_bin: Path) -> None:
    lua = snippet("Neovim", "lua")
    assert 'dofile(vim.fn.expand("~/src/plantls/clients/neovim/plantls.lua"))' in lua
    result = run_nvim(pypi_nvim(), CASES[0], tmp_path, lua.replace(PLACEHOLDER, str(ROOT)))
    assert result["steps"]["attach"] and result["steps"]["diagnostics"], result
    assert "ST303" in [d["code"] for d in result["diagnostics"]]


def test_readme_emacs_snippet(tmp_path: Path, plantls_bin: Path) -> None:
    elisp = snippet("Emacs", "elisp")
    assert '"~/src/plantls/clients/emacs/plantls.el"' in elisp
    case = CASES[0]
    target = case.copy(tmp_path)
    result_file = tmp_path / "result.json"
    proc = run_emacs(
        tmp_path, ["-l", str(EMACS_DRIVER)], init=elisp.replace(PLACEHOLDER, str(ROOT)),
        PLANTLS_RESULT=str(result_file), PLANTLS_FILE=str(target),
    )  # fmt: skip
    result = json.loads(result_file.read_text())
    assert result.get("attached"), (result, proc.stderr)
    assert any("[ST303]" in d["text"] for d in result["diagnostics"]), result


def test_readme_vscode_section() -> None:
    sh = snippet("VS Code", "sh")
    assert "make vsix" in sh
    assert f"code --install-extension {VSIX.relative_to(ROOT)}" in sh  # what the e2e installs
    settings = json.loads(snippet("VS Code", "json"))
    manifest = json.loads((ROOT / "clients" / "vscode" / "package.json").read_text())
    schema = manifest["contributes"]["configuration"]["properties"]
    assert set(settings) <= set(schema), set(settings) - set(schema)
