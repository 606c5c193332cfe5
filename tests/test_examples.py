"""The demo: `plantls check examples/` finds exactly the mistakes planted in the example plant."""

import json
from pathlib import Path

from plantls.cli.check import check_paths
from plantls.core.diagnostics import Severity
from plantls.core.settings import Settings

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def expected() -> set[tuple[str, int, str]]:
    """Every expected_findings.json under examples/, paths relative to the JSON's folder."""
    out = set()
    for listing in EXAMPLES.rglob("expected_findings.json"):
        for item in json.loads(listing.read_text()):
            if item["code"].startswith("DSS5"):
                continue  # engine findings: only with --engine
            path = (listing.parent / item["path"]).resolve()
            out.add((str(path), item["line"], item["code"]))
    return out


def test_demo_finds_exactly_the_planted_mistakes() -> None:
    results = check_paths([EXAMPLES], Settings())
    found = set()
    for result in results:
        for d in result.diagnostics:
            if d.severity >= Severity.WARNING:
                found.add((str(Path(result.path).resolve()), d.range.start.line + 1, d.code))
    assert found == expected()


def test_example_plant_parses_cleanly() -> None:
    results = check_paths([EXAMPLES], Settings())
    assert results, "no example files were checked"
    assert not [d for r in results for d in r.diagnostics if d.code in ("ST001", "ST002")]
