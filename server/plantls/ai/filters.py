"""Completion post-processing: a chain of small named filters (in the style of Tabby's).

Each filter takes the raw suggestion and the context around the cursor and returns the text to
keep ("" drops the suggestion). They run in :data:`CHAIN` order; each has golden tests in
tests/ai/test_filters.py.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

# ST blocks: opener pattern -> the END keyword that closes it.
ST_BLOCKS: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.IGNORECASE), end)
    for pattern, end in (
        (r"^\s*IF\b.*\bTHEN\b", "END_IF"),
        (r"^\s*FOR\b.*\bDO\b", "END_FOR"),
        (r"^\s*WHILE\b.*\bDO\b", "END_WHILE"),
        (r"^\s*CASE\b.*\bOF\b", "END_CASE"),
        (r"^\s*REPEAT\b", "END_REPEAT"),
        (r"^\s*VAR(_INPUT|_OUTPUT|_IN_OUT|_TEMP|_GLOBAL|_EXTERNAL|_STAT|_INST)?\b", "END_VAR"),
        (r"^\s*STRUCT\b", "END_STRUCT"),
        (r"^\s*TYPE\b", "END_TYPE"),
        (r"^\s*PROGRAM\b", "END_PROGRAM"),
        (r"^\s*FUNCTION_BLOCK\b", "END_FUNCTION_BLOCK"),
        (r"^\s*FUNCTION\b", "END_FUNCTION"),
        (r"^\s*METHOD\b", "END_METHOD"),
        (r"^\s*ACTION\b", "END_ACTION"),
        (r"^\s*PROPERTY\b", "END_PROPERTY"),
        (r"^\s*INTERFACE\b", "END_INTERFACE"),
    )
)
ST_END = re.compile(r"^\s*(END_[A-Z_]+)\b", re.IGNORECASE)
ST_END_ON_LINE = re.compile(r"\b(END_(?:IF|FOR|WHILE|CASE|REPEAT))\b\s*;?", re.IGNORECASE)
PAIRS = {"(": ")", "[": "]", "{": "}"}
CLOSERS = {v: k for k, v in PAIRS.items()}


@dataclass(frozen=True)
class FilterContext:
    """The cursor's surroundings, as the filters need them."""

    language_id: str
    prefix: str
    """Document text before the cursor."""
    suffix: str
    """Document text after the cursor."""
    indent_unit: str = "    "

    @property
    def line_prefix(self) -> str:
        """Text of the cursor's line before the cursor."""
        return self.prefix.rsplit("\n", 1)[-1]

    @property
    def line_suffix(self) -> str:
        """Text of the cursor's line after the cursor."""
        return self.suffix.split("\n", 1)[0]

    @property
    def mid_line(self) -> bool:
        """True when code (not just closing brackets) follows the cursor on its line."""
        rest = self.line_suffix.strip()
        return bool(rest.strip(")]};,"))

    @property
    def indent(self) -> str:
        """Indentation of the cursor's line."""
        line = self.line_prefix
        return line[: len(line) - len(line.lstrip())]


Filter = Callable[[str, FilterContext], str]


@dataclass
class FilterTrace:
    """Which filters changed a suggestion (for tests and telemetry)."""

    changed_by: list[str] = field(default_factory=list)


def _indent_of(line: str) -> int:
    return len(line) - len(line.lstrip(" \t"))


# -- the filters ---------------------------------------------------------------------------------
def stop_at_block_end(text: str, ctx: FilterContext) -> str:
    """Stop where the suggestion leaves the cursor's block.

    ST: cut before an ``END_*`` that closes a block opened before the suggestion (the document
    already has it). Other languages: cut before the first line indented less than the cursor's
    block. A blank line after at least one full line ends a multi-line suggestion.
    """
    lines = text.split("\n")
    if len(lines) == 1:
        if ctx.language_id == "iec-st" and ST_END.match(text) and not ctx.line_prefix.strip():
            return ""  # an END_* at a fresh line closes an outer block
        return text
    keep = [lines[0]]
    depth = 0
    base = _indent_of(ctx.line_prefix)
    if ctx.language_id == "iec-st":
        depth = _st_depth_change(ctx.line_prefix + lines[0])
        if depth < 0:  # the first line closes an outer block
            return "" if not ctx.line_prefix.strip() else lines[0]
    for line in lines[1:]:
        if not line.strip():
            if any(k.strip() for k in keep):
                break
            keep.append(line)
            continue
        if ctx.language_id == "iec-st":
            change = _st_depth_change(line)
            if ST_END.match(line) and depth + min(change, 0) < 0:
                break
            depth += change
        elif _indent_of(line) < base:
            break
        keep.append(line)
    return "\n".join(keep)


def _st_depth_change(line: str) -> int:
    """+1 for a line opening an ST block, -1 for one closing it, 0 otherwise."""
    code = line.split("//", 1)[0]
    opens = sum(1 for pattern, _end in ST_BLOCKS if pattern.match(code))
    if opens:
        opens = 1  # FUNCTION_BLOCK also matches FUNCTION
    closes = 1 if ST_END.match(code) else 0
    if opens and ST_END_ON_LINE.search(code):
        return 0  # IF x THEN y; END_IF on one line
    return opens - closes


def drop_suffix_repeat(text: str, ctx: FilterContext) -> str:
    """Drop text that repeats what already follows the cursor."""
    suffix = ctx.suffix
    # A whole line that is the next non-empty line of the suffix: cut from there.
    next_line = next((line.strip() for line in suffix.split("\n")[1:] if line.strip()), "")
    head = ctx.line_suffix.strip()
    lines = text.split("\n")
    for i, line in enumerate(lines):
        stripped = line.strip()
        if not stripped:
            continue
        if (i > 0 and stripped == next_line) or (head and i > 0 and stripped == head):
            text = "\n".join(lines[:i]).rstrip(" \t")
            break
    # The suggestion's tail overlapping the suffix's head (``foo);`` before ``);``).
    rest = suffix.lstrip(" \t")
    for size in range(min(len(text), len(rest)), 0, -1):
        if text.endswith(rest[:size]) and (size >= 2 or not rest[:size].isalnum()):
            return text[:-size].rstrip(" \t") if rest[:size].strip() else text
    return text


def single_line_mid_line(text: str, ctx: FilterContext) -> str:
    """Keep only the first line when the cursor is in the middle of a line."""
    if ctx.mid_line:
        return text.split("\n", 1)[0]
    return text


def balance_brackets(text: str, ctx: FilterContext) -> str:
    """Balance brackets with the line around the cursor, and close ST blocks the suggestion
    opens.

    A closing bracket that matches nothing is cut with what follows; closers that the rest of
    the line already provides are not repeated. A multi-line ST suggestion that opens ``IF`` /
    ``FOR`` / ``CASE``... without closing them gets the ``END_*`` lines, unless the document
    closes them right after the cursor.
    """
    stack: list[str] = []
    for ch in ctx.line_prefix:
        if ch in PAIRS:
            stack.append(ch)
        elif ch in CLOSERS and stack and stack[-1] == CLOSERS[ch]:
            stack.pop()
    own: list[str] = []
    outer = list(stack)
    cut = len(text)
    for i, ch in enumerate(text):
        if ch in PAIRS:
            own.append(ch)
        elif ch in CLOSERS:
            if own and own[-1] == CLOSERS[ch]:
                own.pop()
            elif outer and outer[-1] == CLOSERS[ch]:
                outer.pop()
                line_rest = ctx.line_suffix.lstrip()
                if line_rest.startswith(ch) and "\n" not in text[i:]:
                    cut = i  # the document already closes it
                    break
            else:
                cut = i
                break
    text = text[:cut].rstrip(" \t") if cut < len(text) else text
    if ctx.language_id == "iec-st" and "\n" in text:
        text = _close_st_blocks(text, ctx)
    return text


def _close_st_blocks(text: str, ctx: FilterContext) -> str:
    open_blocks: list[tuple[str, str]] = []
    lines = text.split("\n")
    for n, line in enumerate(lines):
        full = ctx.line_prefix + line if n == 0 else line
        code = full.split("//", 1)[0]
        indent = full[: _indent_of(full)]
        if ST_END.match(code):
            if open_blocks:
                open_blocks.pop()
            continue
        if ST_END_ON_LINE.search(code):
            continue
        for pattern, end in ST_BLOCKS:
            if pattern.match(code):
                open_blocks.append((end, indent))
                break
    if not open_blocks:
        return text
    following = next((line for line in ctx.suffix.split("\n")[1:] if line.strip()), "")
    out = text.rstrip("\n ")
    for end, indent in reversed(open_blocks):
        if following.strip().upper().startswith(end) and _indent_of(following) == len(indent):
            following = ""  # the document closes this block right after the suggestion
            continue
        out += f"\n{indent}{end}"
    return out


def normalise_indentation(text: str, ctx: FilterContext) -> str:
    """Use the document's indentation unit, drop indentation the line already has, trim
    trailing whitespace and newlines."""
    lines = text.split("\n")
    unit = ctx.indent_unit or "    "
    out = []
    for n, line in enumerate(lines):
        body = line.lstrip(" \t")
        lead = line[: len(line) - len(body)]
        if "\t" in lead and unit != "\t":
            lead = lead.replace("\t", unit)
        elif unit == "\t" and lead and "\t" not in lead:
            width = 4
            lead = "\t" * (len(lead) // width) + " " * (len(lead) % width)
        if n == 0 and not ctx.line_prefix.strip():
            lead = "" if ctx.line_prefix else lead
        out.append((lead + body).rstrip(" \t"))
    return "\n".join(out).rstrip("\n")


def drop_empty(text: str, ctx: FilterContext) -> str:
    """Drop suggestions that are empty or only whitespace."""
    return text if text.strip() else ""


CHAIN: tuple[tuple[str, Filter], ...] = (
    ("stop_at_block_end", stop_at_block_end),
    ("drop_suffix_repeat", drop_suffix_repeat),
    ("single_line_mid_line", single_line_mid_line),
    ("balance_brackets", balance_brackets),
    ("normalise_indentation", normalise_indentation),
    ("drop_empty", drop_empty),
)


def run_chain(text: str, ctx: FilterContext, trace: FilterTrace | None = None) -> str:
    """Run every filter in order; stop early once the suggestion is dropped."""
    for name, fn in CHAIN:
        new = fn(text, ctx)
        if new != text and trace is not None:
            trace.changed_by.append(name)
        text = new
        if not text:
            break
    return text


def detect_indent_unit(text: str) -> str:
    """The document's indentation: a tab, or the most common small step of spaces."""
    tabs = spaces = 0
    widths: dict[int, int] = {}
    for line in text.split("\n")[:2000]:
        lead = line[: len(line) - len(line.lstrip(" \t"))]
        if not lead or not line.strip():
            continue
        if lead.startswith("\t"):
            tabs += 1
        else:
            spaces += 1
            widths[len(lead)] = widths.get(len(lead), 0) + 1
    if tabs > spaces:
        return "\t"
    for width in (2, 4, 3, 8):
        if widths.get(width):
            return " " * width
    return "    "
