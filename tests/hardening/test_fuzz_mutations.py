"""Fuzzing from mutations of the example files: byte flips, deletions, duplications,
truncation, splices between files and bad encodings.

Mutated bytes are decoded the way plantls reads files from disk (``decode_text``: UTF-8,
else Latin-1, NULs blanked), so every input is one the server or the CLI can really meet.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from fuzz_support import FUZZ_EXAMPLES, example_files, exercise, fuzz_settings, probe_positions
from hypothesis import given
from hypothesis import strategies as st

from plantls.core.documents import decode_text

pytestmark = pytest.mark.timeout(0 if FUZZ_EXAMPLES else 300)

EXAMPLES = example_files()
SOURCES = {p: p.read_bytes() for p in EXAMPLES}
INTERESTING = [b"\x00", b"\xff", b"\xc3", b"\xe2\x82", b"\xf0\x9f\x98\x80", b"\r", b"\r\n",
               b"\n", b"\t", b"'", b'"', b"(*", b"*)", b"]]>", b"<![CDATA[", b"<", b"&",
               b"/*", b"*/", b"!", b"~", b"=", b"[", b"(", b"{", b"}", b":", b"- ", b"${",
               b"\xef\xbb\xbf", b"\xed\xa0\x80", b"END_IF", b"END_VAR", b"New ", b"Redirect "]


@st.composite
def mutated(draw: st.DrawFn, data: bytes) -> bytes:
    """``data`` after one to four random mutations."""
    out = bytearray(data)
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 7))
        n = len(out)
        at = draw(st.integers(0, n))
        if kind == 0 and n:  # flip bits in one byte
            i = min(at, n - 1)
            out[i] ^= draw(st.integers(1, 255))
        elif kind == 1:  # delete a stretch
            out[at : at + draw(st.integers(1, 200))] = b""
        elif kind == 2:  # duplicate a stretch
            piece = out[at : at + draw(st.integers(1, 400))]
            out[at:at] = piece * draw(st.integers(1, 3))
        elif kind == 3:  # truncate
            del out[at:]
        elif kind == 4:  # insert an interesting token
            out[at:at] = draw(st.sampled_from(INTERESTING))
        elif kind == 5:  # splice in a piece of another example
            other = SOURCES[draw(st.sampled_from(EXAMPLES))]
            s = draw(st.integers(0, len(other)))
            out[at:at] = other[s : s + draw(st.integers(1, 300))]
        elif kind == 6:  # swap two lines
            lines = bytes(out).split(b"\n")
            if len(lines) > 1:
                i = draw(st.integers(0, len(lines) - 1))
                j = draw(st.integers(0, len(lines) - 1))
                lines[i], lines[j] = lines[j], lines[i]
                out = bytearray(b"\n".join(lines))
        else:  # re-encode: UTF-16 or Latin-1 (an editor saving with another encoding)
            text = bytes(out).decode("utf-8", errors="replace")
            enc = draw(st.sampled_from(["utf-16", "latin-1", "cp1252"]))
            out = bytearray(text.encode(enc, errors="replace"))
    return bytes(out)


def _names(pattern: str) -> list[Path]:
    return [p for p in EXAMPLES if p.match(pattern)]


@pytest.mark.parametrize(
    ("pattern", "examples"),
    [("*.st", 50), ("*.TcPOU", 30), ("*.dss", 50), ("*.recipe.yaml", 40), ("*.tool.yaml", 20)],
)
def test_fuzz_mutated_examples(pattern: str, examples: int) -> None:
    files = _names(pattern)
    assert files, f"no example matches {pattern}"

    @fuzz_settings(examples)
    @given(data=st.data(), source=st.sampled_from(files))
    def run(data: st.DataObject, source: Path) -> None:
        raw = data.draw(mutated(SOURCES[source]), label="bytes")
        text, _ = decode_text(raw)
        picks = data.draw(st.lists(st.tuples(st.integers(0, 200), st.integers(0, 120)),
                                   max_size=3), label="positions")
        exercise(source.name, text, probe_positions(text, picks))

    run()
