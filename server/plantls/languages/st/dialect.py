"""Dialect handling: rewrite vendor ST into what the tree-sitter grammar accepts.

The invariant every rewrite keeps: **each character of the original text that survives keeps
its line and UTF-16 column**. A rewrite may only

* replace characters with spaces of the same UTF-16 width (line breaks are kept), or
* append text at the end of a line, or write it into a stretch it blanked.

So a node that comes from the user's text has the user's position, and the syntax tree can
be used without a position map.
"""

from __future__ import annotations


def to_standard(text: str) -> str:
    """Rewrite vendor extensions into grammar-accepted ST without moving any original token."""
    return text
