"""Tokenizer and parser for OpenDSS scripts, with an exact offset for every token and value.

OpenDSS is line oriented. Each line holds one command: a verb (``New``, ``Edit``, ``~``,
``Set``, ``Redirect``, ...) and parameters that are either positional values or
``name=value`` pairs, separated by spaces or commas. A value may be quoted or bracketed with
``"..."``, ``'...'``, ``(...)``, ``[...]`` or ``{...}``; the engine reads up to the first
matching closing character. ``//`` and ``!`` start a comment that runs to the end of the
line; ``/*`` ... ``*/`` comment out whole blocks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantls.core.positions import iter_lines

CLOSERS = {'"': '"', "'": "'", "(": ")", "[": "]", "{": "}"}
DELIMS = " \t,="


@dataclass(frozen=True, slots=True)
class Token:
    """A piece of text at ``start``..``end`` (string offsets); ``text`` excludes quotes."""

    text: str
    start: int
    end: int
    quote: str = ""

    @property
    def inner_start(self) -> int:
        """Offset of the first character inside the quotes."""
        return self.start + (1 if self.quote else 0)


@dataclass(slots=True)
class Param:
    """A positional value (``name`` is None) or a ``name=value`` pair."""

    name: Token | None
    value: Token | None

    @property
    def start(self) -> int:
        """Offset where the parameter begins."""
        first = self.name or self.value
        return first.start if first else 0

    @property
    def end(self) -> int:
        """Offset where the parameter ends."""
        last = self.value or self.name
        return last.end if last else 0


@dataclass(slots=True)
class Command:
    """One command line: the verb and its parameters."""

    verb: Token
    params: list[Param]
    line: int
    start: int
    end: int

    @property
    def word(self) -> str:
        """The verb in lower case."""
        return self.verb.text.lower()


@dataclass(slots=True)
class Comment:
    """A comment's span (for folding and semantic tokens)."""

    start: int
    end: int


@dataclass
class ParsedScript:
    """A whole file: its commands and comments in order."""

    text: str
    commands: list[Command] = field(default_factory=list)
    comments: list[Comment] = field(default_factory=list)


def _token(line: str, i: int, base: int) -> tuple[Token | None, int]:
    """Read one token starting at ``line[i]`` (not whitespace); return it and the next index."""
    ch = line[i]
    if ch in CLOSERS:
        close = CLOSERS[ch]
        j = line.find(close, i + 1)
        if j == -1:  # unterminated: the engine takes the rest of the line
            return Token(line[i + 1 :], base + i, base + len(line), ch), len(line)
        return Token(line[i + 1 : j], base + i, base + j + 1, ch), j + 1
    j = i
    while j < len(line) and line[j] not in DELIMS:
        if line[j] == "/" and line.startswith("//", j):
            break
        j += 1
    return Token(line[i:j], base + i, base + j), j


def _skip(line: str, i: int, allow_eq: bool = False) -> int:
    while i < len(line) and (line[i] in " \t," or (allow_eq and line[i] == "=")):
        i += 1
    return i


def _is_comment(line: str, i: int) -> bool:
    return line.startswith("//", i) or line[i] == "!"


def parse_line(line: str, base: int) -> tuple[list[Param], int | None]:
    """Parameters of the text after a verb, and the offset where a trailing comment starts."""
    params: list[Param] = []
    i = _skip(line, 0)
    while i < len(line):
        if _is_comment(line, i):
            return params, base + i
        if line[i] == "=":  # a stray '=' (``Tap = 1.05`` after a property-edit verb)
            i = _skip(line, i + 1)
            continue
        tok, i = _token(line, i, base)
        j = _skip(line, i)
        if j < len(line) and line[j] == "=" and tok is not None and not tok.quote:
            j = _skip(line, j + 1)
            value = None
            if j < len(line) and not _is_comment(line, j):
                value, j = _token(line, j, base)
            params.append(Param(tok, value))
            i = _skip(line, j)
        else:
            params.append(Param(None, tok))
            i = j
    return params, None


def parse(text: str) -> ParsedScript:
    """Parse a whole script."""
    script = ParsedScript(text)
    in_block = False
    block_start = 0
    # lines as LSP counts them: \n, \r\n and a lone \r each end one
    for lineno, (base, line) in enumerate(iter_lines(text)):
        stripped = line.lstrip()
        lead = len(line) - len(stripped)
        if in_block:
            end = line.find("*/")
            if end == -1:
                continue
            in_block = False
            script.comments.append(Comment(block_start, base + end + 2))
            continue
        if not stripped:
            continue
        if stripped.startswith("/*"):
            end = line.find("*/", lead + 2)
            if end == -1:
                in_block = True
                block_start = base + lead
            else:
                script.comments.append(Comment(base + lead, base + end + 2))
            continue
        if _is_comment(line, lead):
            script.comments.append(Comment(base + lead, base + len(line)))
            continue
        # the verb: everything up to whitespace ('~' may be glued to its first parameter)
        if stripped[0] == "~":
            verb = Token("~", base + lead, base + lead + 1)
            rest_at = lead + 1
        else:
            j = lead
            while j < len(line) and line[j] not in " \t" and not line.startswith("//", j):
                if line[j] == "!":
                    break
                j += 1
            verb = Token(line[lead:j], base + lead, base + j)
            rest_at = j
        params, comment_at = parse_line(line[rest_at:], base + rest_at)
        end = comment_at if comment_at is not None else base + len(line.rstrip())
        if comment_at is not None:
            script.comments.append(Comment(comment_at, base + len(line)))
        end = max(end, verb.end)
        script.commands.append(Command(verb, params, lineno, verb.start, end))
    if in_block:
        script.comments.append(Comment(block_start, len(text)))
    return script


def split_array(token: Token) -> list[Token]:
    """The items of an array value (``[1 2 3]``, ``(a, b)``, ``"1 2"``) with their offsets."""
    items: list[Token] = []
    text = token.text
    base = token.inner_start
    i = 0
    while i < len(text):
        while i < len(text) and text[i] in " \t,|":
            i += 1
        if i >= len(text):
            break
        j = i
        while j < len(text) and text[j] not in " \t,|":
            j += 1
        items.append(Token(text[i:j], base + i, base + j))
        i = j
    return items


def split_bus(spec: str) -> tuple[str, list[str]]:
    """``b1.1.2`` → (``b1``, [``1``, ``2``])."""
    name, *nodes = spec.split(".")
    return name, nodes
