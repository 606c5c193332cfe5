"""Batch Emacs with clients/emacs/plantls.el, loaded the way the README says (``load``).

Debian's Emacs 28 (``emacs-nox``) with the ``elpa-eglot`` package. Emacs opens an example
file in plantls's major mode, eglot starts ``plantls serve`` from PATH through the
registration in ``eglot-server-programs``, the findings arrive in flymake, and a hover on
``TON`` returns its doc. ``plantls-settings`` reach the server (ST303 becomes an error).
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
from editor_support import CASES, CLIENTS, Case, editor_env, missing

CONFIG = CLIENTS / "emacs" / "plantls.el"
DRIVER = Path(__file__).parent / "emacs" / "driver.el"


def emacs() -> str:
    exe = shutil.which("emacs")
    if exe is None:
        missing("Emacs (emacs-nox, elpa-eglot)", "run 'make editors'")
    return exe


def write_init(tmp_path: Path, text: str | None = None) -> Path:
    """The user's init file, as in the README: settings, then load."""
    init = tmp_path / "init.el"
    if text is not None:
        init.write_text(text)
        return init
    init.write_text(
        f'(setq plantls-settings \'(:rules (:severity (:ST303 "error"))))\n(load "{CONFIG}")\n'
    )
    return init


def run_emacs(
    tmp_path: Path, args: list[str], init: str | None = None, **env: str
) -> subprocess.CompletedProcess[str]:
    # -q: no user init file, but Debian's site-start, which activates the elpa-eglot package
    return subprocess.run(
        [emacs(), "--batch", "-q", "-l", str(write_init(tmp_path, init)), *args],
        env=editor_env(tmp_path / "home", **env), capture_output=True, text=True, timeout=150,
        stdin=subprocess.DEVNULL, cwd=tmp_path,
    )  # fmt: skip


@pytest.mark.parametrize("case", CASES, ids=[c.filetype for c in CASES])
def test_emacs_eglot(case: Case, tmp_path: Path, plantls_bin: Path) -> None:
    target = case.copy(tmp_path)
    result_file = tmp_path / "result.json"
    hover = {}
    if case.hover:
        line, _ = case.hover_position(target)
        hover = {"PLANTLS_HOVER_LINE": str(line + 1), "PLANTLS_HOVER_WORD": case.hover}
    proc = run_emacs(
        tmp_path, ["-l", str(DRIVER)],
        PLANTLS_RESULT=str(result_file), PLANTLS_FILE=str(target), **hover,
    )  # fmt: skip
    assert result_file.exists(), f"emacs wrote no result (rc {proc.returncode}):\n{proc.stderr}"
    result: dict[str, Any] = json.loads(result_file.read_text())
    assert "error" not in result, (result, proc.stderr)
    assert result["eglot_library"], "eglot is not available"
    assert result["major_mode"] == f"{case.filetype}-mode"
    assert result["attached"], proc.stderr
    assert result["command"] == ["plantls", "serve"]
    assert result["language_id"] in (None, case.filetype)
    lines = [(d["line"], d["text"]) for d in result["diagnostics"]]
    assert any(line == case.line and f"plantls [{case.code}]" in text for line, text in lines), (
        lines
    )
    if case.code == "ST303":
        st303 = next(d for d in result["diagnostics"] if "[ST303]" in d["text"])
        assert st303["type"] == "eglot-error", "plantls-settings did not reach the server"
        assert result["comment_start"] == "// "
    if case.hover:
        assert "FUNCTION_BLOCK TON" in result["hover"] and "On-delay timer" in result["hover"]


def test_emacs_modes_and_registration(tmp_path: Path) -> None:
    """auto-mode-alist picks each mode; eglot's contact is plantls with the settings."""
    out = tmp_path / "modes.json"
    names = ["a.st", "b.iecst", "c.TcPOU", "d.TcGVL", "e.TcDUT", "f.dss", "g.recipe.yaml",
             "h.tool.yaml", "i.yaml"]  # fmt: skip
    elisp = f"""
      (require 'eglot)
      (require 'json)
      (let ((modes (mapcar (lambda (name)
                             (cons name (symbol-name (or (assoc-default name auto-mode-alist
                                                                        #'string-match)
                                                         'none))))
                           '({" ".join(f'"{n}"' for n in names)})))
            (contact (cdr (assoc '(iec-st-mode opendss-mode fab-recipe-mode fab-tool-mode)
                                 eglot-server-programs))))
        (with-temp-file "{out}"
          (insert (json-encode
                   (list (cons 'modes modes)
                         (cons 'contact (funcall contact))
                         (cons 'derived (and (provided-mode-derived-p 'iec-st-mode 'prog-mode)
                                             (provided-mode-derived-p 'fab-tool-mode 'prog-mode)
                                             t)))))))
    """
    proc = run_emacs(tmp_path, ["--eval", f"(progn {elisp})"])
    assert out.exists(), proc.stderr
    data = json.loads(out.read_text())
    modes = data["modes"]
    for name in names[:5]:
        assert modes[name] == "iec-st-mode", modes
    assert modes["f.dss"] == "opendss-mode"
    assert modes["g.recipe.yaml"] == "fab-recipe-mode"
    assert modes["h.tool.yaml"] == "fab-tool-mode"
    assert modes["i.yaml"] != "fab-recipe-mode"
    assert data["contact"][:2] == ["plantls", "serve"]
    assert data["contact"][2] == "initializationOptions"  # json-encode drops the colon
    assert data["contact"][3] == {"rules": {"severity": {"ST303": "error"}}}
    assert data["derived"] is True
