"""The README's CI section and .pre-commit-hooks.yaml are copy-paste correct."""

import re
import shlex
from io import StringIO
from pathlib import Path

import pytest
from ruamel.yaml import YAML

from plantls.cli.main import build_parser
from plantls.core.language import languages

REPO = Path(__file__).resolve().parents[2]


def ci_section() -> str:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    start = text.index("\n## CI\n")
    end = text.index("\n## ", start + 1)
    return text[start:end]


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", ci_section(), re.S)


def plantls_commands() -> list[list[str]]:
    """Every ``plantls check ...`` command in the section's shell and YAML blocks."""
    commands = []
    for block in blocks("sh") + blocks("yaml"):
        for line in block.splitlines():
            m = re.search(r"(plantls check[^#|<>]*)", line)
            if m:
                commands.append(shlex.split(m.group(1))[1:])
    return commands


def test_yaml_blocks_parse() -> None:
    found = blocks("yaml")
    assert len(found) == 3
    for block in found:
        YAML(typ="safe").load(StringIO(block))


def test_commands_parse() -> None:
    commands = plantls_commands()
    assert len(commands) >= 10
    parser = build_parser()
    for argv in commands:
        args = parser.parse_args(argv)
        assert args.command == "check"
        assert args.paths or args.stdin_filename


def test_github_job_uploads_what_it_writes() -> None:
    job = YAML(typ="safe").load(StringIO(blocks("yaml")[0]))
    assert job["permissions"]["security-events"] == "write"
    steps = job["jobs"]["plantls"]["steps"]
    run = next(s["run"] for s in steps if "--format sarif" in s.get("run", ""))
    upload = next(s for s in steps if str(s.get("uses", "")).startswith(
        "github/codeql-action/upload-sarif@"))
    assert f"--output-file {upload['with']['sarif_file']}" in run
    assert upload["if"] == "always()"


def test_gitlab_job_reports() -> None:
    job = YAML(typ="safe").load(StringIO(blocks("yaml")[1]))["plantls"]
    script = " ".join(job["script"])
    reports = job["artifacts"]["reports"]
    assert f"--format gitlab -o {reports['codequality']}" in script
    assert f"--format junit -o {reports['junit']}" in script
    assert "sast" not in reports  # GitLab's SAST reports are not SARIF


def test_suppression_examples_are_suppressions() -> None:
    from plantls.core.suppressions import MARKER

    text = ci_section()
    assert len(MARKER.findall(text)) >= 5


@pytest.fixture(scope="module")
def hook() -> dict:
    (hook,) = YAML(typ="safe").load((REPO / ".pre-commit-hooks.yaml").read_text())
    return hook


def test_pre_commit_hook(hook: dict) -> None:
    assert hook["id"] == "plantls" and hook["language"] == "python"
    assert hook["entry"] == "plantls check"
    pyproject = (REPO / "pyproject.toml").read_text()
    assert 'plantls = "plantls.cli.main:main"' in pyproject
    build_parser().parse_args([*hook["entry"].split()[1:], "x.st"])


def test_pre_commit_files_match_every_language(hook: dict) -> None:
    files = re.compile(hook["files"])
    for lang in languages():
        for ext in lang.extensions:
            for name in (f"plc/a{ext}", f"plc/a{ext.upper()}"):
                assert files.search(name), name
    for name in ("a.py", "config.yaml", "a.st.bak", "README.md", "recipe.yaml.orig"):
        assert not files.search(name), name
