"""From a language's raw findings to what the user sees: settings, then suppression comments.

The same function serves the editor and ``plantls check`` (through ``Workspace.diagnostics``),
so a finding silenced in CI is silenced in the editor too.

Order of the steps for one document:

1. ``rules.per_path_ignores``, ``rules.select`` and ``rules.ignore`` drop findings.
2. Suppression comments drop findings. A comment is matched against the findings the rules
   produced *before* step 1, so a suppression of a rule that the configuration turns off is
   not reported as unused: the rule did find something there.
3. Every code of a suppression comment that matched nothing becomes a PLS001 finding
   (unused suppression), which steps 1 and 2 may silence in turn.
4. ``rules.severity`` overrides severities (the longest matching code or prefix wins).

Suppression comments, written in the comment syntax of the file's language:

- ``plantls: ignore[ST303]`` (or ``ignore[ST303, ST2]``, codes or prefixes): findings of those
  codes that start on the line of the comment. Like ruff's ``# noqa``, it is the same line,
  never the line below. Without a code list (``plantls: ignore``) every finding on the line.
- ``plantls: ignore-file[ST5]``: findings of those codes anywhere in the file; without a list,
  every finding in the file.

Where comments are: ST ``(* ... *)`` and ``// ...``; OpenDSS ``// ...``, ``! ...`` and
``/* ... */``; recipes and tool files ``# ...``. A language package can take over by giving
its language object a ``comment_spans(text) -> list[tuple[int, int]]`` method.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.positions import Range, iter_lines, normalize_lone_cr
from plantls.core.rules import Rule, RuleDoc, is_selected

if TYPE_CHECKING:
    from plantls.core.documents import Document
    from plantls.core.settings import Settings

MARKER = re.compile(
    r"plantls:[ \t]*(?P<kind>ignore-file|ignore)(?![\w-])(?:[ \t]*\[(?P<codes>[^\]\r\n]*)\])?",
    re.IGNORECASE,
)
CODE = re.compile(r"[A-Za-z]+[0-9]*")


# --------------------------------------------------------------------------------------
# The core rule
# --------------------------------------------------------------------------------------


class UnusedSuppression(Rule):
    """PLS001: a suppression comment that silences nothing."""

    code = "PLS001"
    name = "unused-suppression"
    language = "core"
    severity = Severity.WARNING
    summary = "Suppression comment that no longer matches any finding"
    doc = RuleDoc(
        why="""
A suppression comment (`plantls: ignore[CODE]` or `plantls: ignore-file[CODE]`) hides a
finding. When the code is fixed, or the finding moves to another line, the comment stays
behind and silently hides the next real problem of that kind on that line. A suppression that
matches nothing is also often a typo in the code (`ST3O3` for `ST303`) or a comment on the
wrong line: suppressions apply to findings that *start on the same line*, not the line below.
A code that no rule has is reported as well.
""",
        example="""
(* the ST303 finding here was fixed, but the comment stayed: *)
rSpeed := INT_TO_REAL(nSpeed);  (* plantls: ignore[ST303] *)
""",
        fix="""
Delete the comment, or the codes of it that are reported. If the finding is on another line,
move the comment to the line where the finding starts (`plantls check` prints it). To keep a
suppression on purpose, silence this rule for it: `plantls: ignore[ST303, PLS001]`, or turn it
off with `ignore = ["PLS001"]` in `plantls.toml`.
""",
    )

    def check(self, document: Document, analysis: Any) -> Iterable[Diagnostic]:
        """Findings come from :func:`apply_settings`, which sees all other findings."""
        return ()


UNUSED_SUPPRESSION = UnusedSuppression()
CORE_RULES: list[Rule] = [UNUSED_SUPPRESSION]


def core_rules() -> list[Rule]:
    """The rules of plantls itself (not of a language): PLS001, PLS002."""
    from plantls.core.limits import TOO_LARGE

    return [*CORE_RULES, TOO_LARGE]


def all_rules() -> list[Rule]:
    """Every rule: the core rules, each language's and the model's hints, sorted by code."""
    from plantls.ai.hints import AI_RULES  # light: no model library is imported
    from plantls.core.language import languages

    rules = [*core_rules(), *AI_RULES, *(rule for lang in languages() for rule in lang.rules())]
    return sorted(rules, key=lambda r: r.code)


@lru_cache(maxsize=1)
def _known_codes() -> frozenset[str]:
    return frozenset(rule.code for rule in all_rules())


def is_known_code(code: str) -> bool:
    """True when ``code`` is a rule code, or a prefix of one (``ST3``)."""
    code = code.upper()
    return any(known.startswith(code) for known in _known_codes())


# --------------------------------------------------------------------------------------
# Finding the comments
# --------------------------------------------------------------------------------------


def _st_comments(text: str) -> list[tuple[int, int]]:
    from plantls.languages.st.dialect import scan

    text = normalize_lone_cr(text)  # the scanner ends ``//`` comments at ``\n`` only
    return [
        (s.start, s.end)
        for s in scan(text)
        if s.kind == "comment" or (s.kind == "line" and text.startswith("//", s.start))
    ]


def _dss_comments(text: str) -> list[tuple[int, int]]:
    from plantls.languages.dss.syntax import parse

    return [(c.start, c.end) for c in parse(text).comments]


_YAML_QUOTED = re.compile(r"'(?:[^'\n]|'')*'|\"(?:[^\"\\\n]|\\.)*\"")


def _hash_comments(text: str) -> list[tuple[int, int]]:
    """YAML comments: ``#`` at the start of a line or after a blank, outside quotes."""
    spans = []
    for offset, line in iter_lines(text):
        i, n = 0, len(line)
        while i < n:
            ch = line[i]
            if ch in "'\"" and (i == 0 or line[i - 1] in " \t:[{,-?"):
                m = _YAML_QUOTED.match(line, i)
                i = m.end() if m else n
                continue
            if ch == "#" and (i == 0 or line[i - 1] in " \t"):
                spans.append((offset + i, offset + n))
                break
            i += 1
    return spans


COMMENT_SCANNERS: dict[str, Callable[[str], list[tuple[int, int]]]] = {
    "iec-st": _st_comments,
    "opendss": _dss_comments,
    "fab-recipe": _hash_comments,
    "fab-tool": _hash_comments,
}


def comment_spans(language_id: str, text: str) -> list[tuple[int, int]]:
    """Offsets of the comments of ``text`` in the syntax of ``language_id``."""
    from plantls.core.language import language_by_id

    lang = language_by_id(language_id)
    own = getattr(lang, "comment_spans", None)
    if callable(own):
        return list(own(text))
    scanner = COMMENT_SCANNERS.get(language_id)
    return scanner(text) if scanner is not None else []


# --------------------------------------------------------------------------------------
# Suppressions
# --------------------------------------------------------------------------------------


@dataclass
class Suppression:
    """One ``plantls: ignore[...]`` or ``plantls: ignore-file[...]`` comment."""

    line: int
    """0-based line of the marker."""
    file_level: bool
    codes: tuple[str, ...]
    """Upper-case codes or prefixes; empty for every code."""
    range: Range
    """The marker, from ``plantls:`` to the closing bracket."""
    code_ranges: tuple[Range, ...] = ()
    used: set[str] = field(default_factory=set)
    """Codes (or ``*`` for a bare marker) that matched a finding."""

    def matches(self, code: str) -> str | None:
        """The code of this suppression that covers ``code``, or None."""
        if not self.codes:
            return "*"
        code = code.upper()
        best = None
        for c in self.codes:
            if code.startswith(c) and (best is None or len(c) > len(best)):
                best = c
        return best


def find_suppressions(doc: Document) -> list[Suppression]:
    """The suppression comments of a document, in order."""
    text = doc.text
    if "plantls" not in text and "PLANTLS" not in text.upper():
        return []
    found = []
    for start, end in comment_spans(doc.language_id, text):
        for m in MARKER.finditer(text, start, end):
            codes: list[str] = []
            ranges: list[Range] = []
            if m.group("codes") is not None:
                base = m.start("codes")
                for cm in CODE.finditer(m.group("codes")):
                    codes.append(cm.group().upper())
                    ranges.append(
                        doc.lines.range_of_offsets(base + cm.start(), base + cm.end())
                    )
                if not codes:  # ``ignore[]``: nothing to suppress
                    continue
            marker = doc.lines.range_of_offsets(m.start(), m.end())
            found.append(
                Suppression(
                    line=marker.start.line,
                    file_level=m.group("kind").lower() == "ignore-file",
                    codes=tuple(codes),
                    range=marker,
                    code_ranges=tuple(ranges),
                )
            )
    return found


def _suppressed(
    d: Diagnostic, suppressions: list[Suppression], mark: bool, skip: Suppression | None = None
) -> bool:
    hit = False
    for s in suppressions:
        if s is skip and not s.codes:  # a bare marker does not silence its own PLS001
            continue
        if not s.file_level and s.line != d.range.start.line:
            continue
        code = s.matches(d.code)
        if code is None:
            continue
        hit = True
        if mark:
            s.used.add(code)
    return hit


def unused_findings(suppressions: list[Suppression]) -> list[tuple[Suppression, Diagnostic]]:
    """PLS001 findings for the codes of suppressions that matched nothing, with the
    suppression each one is about."""
    out = []
    rule = UNUSED_SUPPRESSION
    for s in suppressions:
        what = "plantls: ignore-file" if s.file_level else "plantls: ignore"
        if not s.codes:
            if "*" not in s.used:
                where = "in this file" if s.file_level else "on this line"
                message = f"unused suppression: `{what}` matches no finding {where}"
                out.append((s, rule.finding(s.range, message, tags=("unnecessary",))))
            continue
        for code, rng in zip(s.codes, s.code_ranges, strict=True):
            if code in s.used or code == UNUSED_SUPPRESSION.code:
                continue
            if not is_known_code(code):
                message = f"unused suppression: {code} is not a plantls rule code"
            elif s.file_level:
                message = f"unused suppression: no {code} finding in this file"
            else:
                message = f"unused suppression: no {code} finding starts on this line"
            out.append((s, rule.finding(rng, message, tags=("unnecessary",))))
    return out


# --------------------------------------------------------------------------------------
# Per-path ignores
# --------------------------------------------------------------------------------------


@lru_cache(maxsize=512)
def glob_regex(pattern: str) -> re.Pattern[str]:
    """A regex for a glob: ``*`` and ``?`` within a folder name, ``**`` across folders,
    ``[abc]`` classes. It matches a path or anything below it (a folder pattern)."""
    out, i, n = [], 0, len(pattern)
    while i < n:
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        elif pattern[i] == "[" and (close := pattern.find("]", i + 2)) != -1:
            body = pattern[i + 1 : close]
            if body.startswith("!"):
                body = "^" + body[1:]
            out.append("[" + body.replace("\\", "\\\\") + "]")
            i = close + 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + r"(?:/.*)?\Z")


def path_ignores(path: Path | None, settings: Settings, roots: Iterable[Path] = ()) -> set[str]:
    """The codes that ``rules.per_path_ignores`` turns off for the file at ``path``."""
    table = settings.rules.per_path_ignores
    if not table or path is None:
        return set()
    posix = PurePosixPath(path.as_posix())
    names = posix.parts[1:] if posix.is_absolute() else posix.parts
    codes: set[str] = set()
    for pattern, pattern_codes in table.items():
        pattern = pattern.replace("\\", "/")
        if "/" not in pattern:
            hit = any(glob_regex(pattern).match(name) for name in names)
        elif pattern.startswith("/") or re.match(r"[A-Za-z]:/", pattern):
            hit = glob_regex(pattern).match(str(posix)) is not None
        else:
            hit = any(
                glob_regex(f"{r.as_posix().rstrip('/')}/{pattern}").match(str(posix))
                for r in roots
            )
        if hit:
            codes.update(c.strip().upper() for c in pattern_codes if c.strip())
    return codes


# --------------------------------------------------------------------------------------
# The whole step
# --------------------------------------------------------------------------------------


def severity_override(code: str, overrides: dict[str, str]) -> Severity | None:
    """The severity ``rules.severity`` gives ``code`` (longest matching code or prefix)."""
    best: tuple[int, str] | None = None
    code = code.upper()
    for key, value in overrides.items():
        k = key.strip().upper()
        if k and code.startswith(k) and (best is None or len(k) > best[0]):
            best = (len(k), value)
    if best is None:
        return None
    try:
        return Severity.parse(best[1])
    except ValueError:
        return None


def apply_settings(
    doc: Document,
    found: list[Diagnostic],
    settings: Settings,
    roots: Iterable[Path] = (),
) -> list[Diagnostic]:
    """The findings the user sees: settings and suppression comments applied, sorted."""
    rules = settings.rules
    off = path_ignores(doc.path, settings, roots) if rules.per_path_ignores else set()

    def enabled(code: str) -> bool:
        return is_selected(code, rules.select, (*rules.ignore, *off))

    suppressions = find_suppressions(doc)
    kept = []
    for d in found:
        if _suppressed(d, suppressions, mark=True) or not enabled(d.code):
            continue
        kept.append(d)
    if suppressions and enabled(UNUSED_SUPPRESSION.code):
        for origin, d in unused_findings(suppressions):
            # ``ignore[..., PLS001]`` silences it
            if not _suppressed(d, suppressions, mark=False, skip=origin):
                kept.append(d)
    out = []
    for d in kept:
        severity = severity_override(d.code, rules.severity)
        out.append(replace(d, severity=severity) if severity is not None else d)
    out.sort(key=Diagnostic.sort_key)
    return out
