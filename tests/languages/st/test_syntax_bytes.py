"""Byte offsets of synthetic spans and node texts: the one-pass and slicing shortcuts give
what encoding each prefix and decoding each node gave."""

from __future__ import annotations

import random

import pytest

from plantls.languages.st import syntax
from plantls.languages.st.syntax import _byte_spans


def _reference(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    out = []
    for s, e in spans:
        bs = len(text[:s].encode("utf-8", errors="surrogatepass"))
        out.append((bs, bs + len(text[s:e].encode("utf-8", errors="surrogatepass"))))
    return out


@pytest.mark.parametrize("seed", range(40))
def test_byte_spans_match_encoding_each_prefix(seed: int) -> None:
    rng = random.Random(seed)
    text = "".join(rng.choice(["a", " ", "\n", "ä", "😀", "\ud800", "€"]) for _ in range(60))
    spans = []
    for _ in range(rng.randrange(0, 8)):
        s = rng.randrange(0, len(text) + 1)
        spans.append((s, rng.randrange(s, len(text) + 1)))
    sorted_spans = sorted(spans)
    assert _byte_spans(text, sorted_spans) == _reference(text, sorted_spans)
    assert _byte_spans(text, spans) == _reference(text, spans)  # any order still right
    assert _byte_spans("abc", [(0, 1)]) == [(0, 1)]


@pytest.mark.parametrize(
    "text",
    [
        "PROGRAM P\nVAR x : INT; END_VAR\nx := 1;\nEND_PROGRAM\n",
        "PROGRAM P\nVAR s : STRING := 'äö😀'; x : INT; END_VAR\nx := 1; (* ü *)\nEND_PROGRAM\n",
    ],
)
def test_node_text_is_the_decoded_bytes(text: str) -> None:
    st = syntax.parse(text)
    for node in syntax.walk(st.root):
        expected = st.data[node.start_byte : node.end_byte].decode("utf-8", errors="replace")
        assert st.text(node) == expected
