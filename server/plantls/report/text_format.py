"""``path:line:col: CODE message`` lines, with 1-based lines and columns."""

from __future__ import annotations

from typing import TextIO

from plantls.report import FileResult, summary


def write_text(results: list[FileResult], out: TextIO) -> None:
    """One line per finding, then a summary line."""
    for result in results:
        for d in result.diagnostics:
            start = d.range.start
            out.write(
                f"{result.path}:{start.line + 1}:{start.character + 1}: {d.code} {d.message}\n"
            )
    counts = summary(results)
    total = sum(v for k, v in counts.items() if k != "files")
    parts = [f"{counts[k]} {k}" for k in ("error", "warning", "information", "hint") if counts[k]]
    detail = f" ({', '.join(parts)})" if parts else ""
    noun = "finding" if total == 1 else "findings"
    files = "file" if counts["files"] == 1 else "files"
    out.write(f"Found {total} {noun}{detail} in {counts['files']} {files}.\n")
