"""The fab example: its findings are exactly the ones recorded in expected_findings.json."""

from __future__ import annotations

import json
from pathlib import Path

from plantls.cli.check import check_paths
from plantls.core.settings import Settings

REPO = Path(__file__).resolve().parents[3]
FAB = REPO / "examples" / "fab"


def test_example_findings_match_the_record() -> None:
    expected = json.loads((FAB / "expected_findings.json").read_text())
    results = check_paths([FAB], Settings())
    got = [
        {
            "path": Path(r.path).resolve().relative_to(FAB).as_posix(),
            "line": d.range.start.line + 1,
            "code": d.code,
        }
        for r in results
        for d in r.diagnostics
    ]
    key = lambda f: (f["path"], f["line"], f["code"])  # noqa: E731
    assert sorted(got, key=key) == sorted(expected, key=key)
    codes = {f["code"] for f in expected}
    assert {"RCP101", "RCP201", "RCP204", "RCP302", "RCP303", "RCP304", "RCP305"} <= codes
    clean = [r for r in results if r.path.endswith("pecvd_nitride.recipe.yaml")]
    assert clean and clean[0].diagnostics == []
