"""Fine-tuning from the editor: `plantls.fineTune` trains an adapter with work-done progress."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest
from lsp_harness import running
from lsprotocol import types

sys.path.insert(0, str(Path(__file__).parents[1] / "ai"))
import tiny_model

EXAMPLE_PLC = Path(__file__).parents[2] / "examples" / "bottling_line" / "plc"


@pytest.fixture(scope="module")
def tiny() -> Path:
    return tiny_model.cached()


async def test_fine_tune_command_trains_an_adapter(tiny: Path, tmp_path: Path) -> None:
    root = tmp_path / "plant"
    shutil.copytree(EXAMPLE_PLC, root)
    options = {"model": {"path": str(tiny)}, "telemetry": {"log": False}}
    async with running("visual-studio-code", root, options=options) as client:
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="plantls.fineTune",
                arguments=[{"folders": [root.as_uri()], "max_steps": 3}],
            )
        )
        assert isinstance(result, dict) and "error" not in result, result
        adapter = Path(result["adapter"])
        assert (adapter / "adapter_config.json").is_file()
        assert adapter.is_relative_to(root / ".plantls" / "adapters")
        assert result["steps"] == 3
        runs = [list(v) for v in client.progress_reports.values()]
        training = [r for r in runs if getattr(r[0], "title", "") == "plantls: fine-tuning"]
        assert training, runs
        assert isinstance(training[0][-1], types.WorkDoneProgressEnd)
        # A second run never overwrites the first adapter.
        again = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(
                command="plantls.fineTune",
                arguments=[{"folders": [root.as_uri()], "max_steps": 1}],
            )
        )
        assert Path(again["adapter"]) != adapter and (adapter / "adapter_config.json").is_file()


async def test_fine_tune_without_a_base_model_says_so(tmp_path: Path) -> None:
    root = tmp_path / "plant"
    root.mkdir()
    options = {"model": {"path": str(tmp_path / "missing")}, "telemetry": {"log": False}}
    async with running("neovim", root, options=options) as client:
        result = await client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="plantls.fineTune", arguments=[])
        )
        assert "no base model" in result["error"]
