"""LSP test settings: a server answer that breaks the LSP specification fails the test."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Turn pytest-lsp's specification warnings into errors for the tests in this folder."""
    for item in items:
        if "tests/lsp/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.filterwarnings("error::pytest_lsp.LspSpecificationWarning"))
