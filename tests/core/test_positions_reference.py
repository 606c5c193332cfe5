"""The line index built with C-level operations gives what the earlier per-line loops gave.

``_reference_line_starts`` and ``_reference_bytes`` are the implementations the faster ones
replaced (a regex or ``str.find`` loop, and one UTF-8 encode per line).
"""

from __future__ import annotations

import itertools
import random
import re

import pytest

from plantls.core.positions import LineIndex, line_starts

_BREAK = re.compile(r"\r\n?|\n")


def _reference_line_starts(text: str) -> list[int]:
    return [0, *(m.end() for m in _BREAK.finditer(text))]


def _reference_bytes(idx: LineIndex) -> tuple[list[int], list[int]]:
    text, starts = idx.text, idx.line_starts
    out, widths, total = [0], [], 0
    for line, (a, b) in enumerate(itertools.pairwise(starts)):
        size = len(text[a:b].encode("utf-8", errors="surrogatepass"))
        total += size
        out.append(total)
        widths.append(idx.line_end(line) - a if size == b - a else -1)
    last = text[starts[-1] :]
    widths.append(len(last) if last.isascii() else -1)
    return out, widths


_PIECES = ["a", "bc", " ", "\n", "\r", "\r\n", "\n\r", "ä", "😀", "\ud800", "\x0c", "\u2028", ""]


def _texts() -> list[str]:
    rng = random.Random(61131)
    out = ["", "\n", "\r", "\r\n", "\r\r\n\n", "x", "ä\r", "😀\r\n"]
    for _ in range(400):
        out.append("".join(rng.choice(_PIECES) for _ in range(rng.randrange(0, 30))))
    return out


@pytest.mark.parametrize("text", _texts())
def test_line_starts_and_byte_starts_match_the_reference(text: str) -> None:
    assert line_starts(text) == _reference_line_starts(text)
    idx = LineIndex(text)
    assert idx.line_starts == _reference_line_starts(text)
    out, widths = _reference_bytes(idx)
    assert idx._bytes() == out
    assert idx._ascii_widths == widths
    data = text.encode("utf-8", errors="surrogatepass")
    for b in range(len(data) + 2):
        ref = LineIndex(text)
        ref._byte_starts, ref._ascii_widths = out, widths
        assert idx.from_byte_offset(b) == ref.from_byte_offset(b)
