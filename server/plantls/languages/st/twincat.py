"""TwinCAT 3 XML (``.TcPOU``, ``.TcGVL``, ``.TcDUT``, ``.TcIO``) as virtual Structured Text.

TwinCAT keeps ST in CDATA sections: a POU's ``<Declaration>`` and ``<Implementation><ST>``,
and the same pair in each ``<Method>``, ``<Property>`` (``<Get>``/``<Set>``) and ``<Action>``
child. :func:`extract` turns a file into a *virtual ST text with exactly the XML file's line
and column structure*: every character outside the ST CDATA is blanked to spaces (line breaks
kept), and the keywords that TwinCAT leaves implicit are written into the blanked XML:

* ``END_FUNCTION_BLOCK``/``END_PROGRAM``/``END_FUNCTION``/``END_INTERFACE`` where the
  ``<POU>``/``<Itf>`` element closes;
* ``END_METHOD`` at ``</Method>``; ``GET``/``SET`` at ``<Get>``/``<Set>``, ``END_GET``/
  ``END_SET`` and ``END_PROPERTY`` where those close;
* ``ACTION <Name>:`` at ``<Action>`` and ``END_ACTION`` at ``</Action>``.

The result reads like TwinCAT's own text export (methods after the POU body), which the
dialect layer then handles like any other vendor ST. A finding computed on the virtual text
therefore lands on the XML file's own line and column. Implementations in LD, FBD, SFC or
CFC are XML, not CDATA, so they are simply blanked.

Malformed XML never raises: :func:`xml_problem` describes it, and :func:`extract` returns a
blank text with that problem, which the syntax layer reports as an ST001 finding.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from lxml import etree

from plantls.languages.st.dialect import blank, scan

TWINCAT_EXTENSIONS = (".tcpou", ".tcgvl", ".tcdut", ".tcio")

_XML_TOKEN = re.compile(
    r"<!\[CDATA\[|<!--.*?-->|<\?.*?\?>|<!DOCTYPE[^>]*>|<(/?)([A-Za-z_][\w.:-]*)([^>]*?)(/?)>",
    re.DOTALL,
)
_NAME_ATTR = re.compile(r"""\bName\s*=\s*(["'])(.*?)\1""")
_POU_KIND = re.compile(r"\b(PROGRAM|FUNCTION_BLOCK|FUNCTION|INTERFACE|CLASS)\b", re.IGNORECASE)
_ST_PARENTS = {"Declaration", "ST"}


@dataclass(frozen=True, slots=True)
class Problem:
    """A problem with the file itself: 0-based line, UTF-16 column and a message."""

    line: int
    character: int
    message: str


@dataclass
class Extracted:
    """A TwinCAT file as virtual ST: same lines and columns as the XML file."""

    text: str
    problems: list[Problem] = field(default_factory=list)
    synthetic: list[tuple[int, int]] = field(default_factory=list)
    """``(start, end)`` offsets in ``text`` of the keywords written into blanked XML."""


@dataclass
class _Element:
    """An XML element with the offsets the extraction needs."""

    tag: str
    start: int
    attrs: str
    end: int = -1
    children: list[_Element] = field(default_factory=list)
    cdata: list[tuple[int, int]] = field(default_factory=list)

    def child(self, tag: str) -> _Element | None:
        """The first child with this tag."""
        return next((c for c in self.children if c.tag == tag), None)

    @property
    def name(self) -> str:
        """The ``Name`` attribute."""
        m = _NAME_ATTR.search(self.attrs)
        return m.group(2) if m else ""


def is_twincat(path: str, text: str = "") -> bool:
    """True for a TwinCAT file, by extension or (without a path) by its root element."""
    if path:
        return path.lower().endswith(TWINCAT_EXTENSIONS)
    return "<TcPlcObject" in text[:2000]


def xml_problem(text: str) -> Problem | None:
    """Why the XML is not well-formed (lxml's message and position), or None when it is."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    try:
        etree.fromstring(text.encode("utf-8", errors="surrogatepass"), parser)
    except etree.XMLSyntaxError as exc:
        line, col = exc.position if exc.position else (1, 1)
        msg = re.sub(r",\s*line \d+, column \d+\s*$", "", exc.msg or str(exc))
        return Problem(max(line - 1, 0), max(col - 1, 0), f"TwinCAT XML is not well-formed: {msg}")
    except (ValueError, etree.LxmlError) as exc:
        return Problem(0, 0, f"TwinCAT XML cannot be read: {exc}")
    return None


def _elements(text: str) -> _Element:
    """A light element tree with offsets (the XML is known to be well-formed)."""
    root = _Element("#document", 0, "")
    stack = [root]
    pos = 0
    while True:
        m = _XML_TOKEN.search(text, pos)
        if m is None:
            break
        if m.group() == "<![CDATA[":
            end = text.find("]]>", m.end())
            end = len(text) if end == -1 else end
            stack[-1].cdata.append((m.end(), end))
            pos = end + 3
            continue
        pos = m.end()
        closing, tag, attrs, selfclosing = m.group(1), m.group(2), m.group(3), m.group(4)
        if tag is None:
            continue
        if closing:
            if len(stack) > 1:
                stack[-1].end = m.start()
                stack.pop()
            continue
        el = _Element(tag, m.start(), attrs or "")
        stack[-1].children.append(el)
        if selfclosing:
            el.end = m.start()
        else:
            stack.append(el)
    return root


class _Plan:
    """The CDATA stretches to keep and the keywords to write, in document order."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.keep: list[tuple[int, int]] = []
        self.puts: list[tuple[int, str]] = []

    def keep_cdata(self, el: _Element | None) -> None:
        """Keep the ST CDATA of a ``Declaration`` or of ``Implementation/ST``."""
        if el is None:
            return
        if el.tag == "Implementation":
            el = el.child("ST")
            if el is None:
                return
        if el.tag in _ST_PARENTS:
            self.keep.extend(el.cdata)

    def put(self, anchor: int, word: str) -> None:
        """Write ``word`` into the blanked XML at (or just after) ``anchor``."""
        if anchor >= 0:
            self.puts.append((anchor, word))

    def kind(self, decl: _Element | None) -> str:
        """The POU keyword its declaration starts with (``FUNCTION_BLOCK``...), or ''."""
        if decl is None or not decl.cdata:
            return ""
        start, end = decl.cdata[0]
        chunk = self.text[start:end]
        code = _code_view(chunk)
        m = _POU_KIND.search(code)
        return m.group(1).upper() if m else ""


def _code_view(chunk: str) -> str:
    """``chunk`` with comments, strings and pragmas blanked."""
    out, prev = [], 0
    for s in scan(chunk):
        out.append(chunk[prev : s.start])
        out.append(" " * (s.end - s.start))
        prev = s.end
    out.append(chunk[prev:])
    return "".join(out)


def _plan_member(plan: _Plan, el: _Element) -> None:
    """A Method, Property or Action of a POU or interface."""
    if el.tag == "Method":
        plan.keep_cdata(el.child("Declaration"))
        plan.keep_cdata(el.child("Implementation"))
        plan.put(el.end, "END_METHOD")
    elif el.tag == "Property":
        plan.keep_cdata(el.child("Declaration"))
        for acc in el.children:
            if acc.tag in ("Get", "Set"):
                word = acc.tag.upper()
                plan.put(acc.start, word)
                plan.keep_cdata(acc.child("Declaration"))
                plan.keep_cdata(acc.child("Implementation"))
                plan.put(acc.end, f"END_{word}")
        plan.put(el.end, "END_PROPERTY")
    elif el.tag == "Action":
        plan.put(el.start, f"ACTION {el.name or 'Action'}:")
        plan.keep_cdata(el.child("Implementation"))
        plan.put(el.end, "END_ACTION")


def _plan_unit(plan: _Plan, unit: _Element) -> None:
    """A POU, Itf, DUT or GVL element."""
    decl = unit.child("Declaration")
    plan.keep_cdata(decl)
    if unit.tag in ("DUT", "GVL"):
        return
    kind = plan.kind(decl) or ("INTERFACE" if unit.tag == "Itf" else "")
    plan.keep_cdata(unit.child("Implementation"))
    for child in unit.children:
        _plan_member(plan, child)
    if kind:
        plan.put(unit.end, f"END_{kind}")


def _place(gap: str, at: int, word: str, final: bool) -> tuple[str, int] | None:
    """Write `` word`` into a blanked gap at ``at`` or on a later line of the gap.

    Returns the new gap and the index just past the word, or None when the gap has no room
    (it would have to overwrite the next CDATA on the same line).
    """
    text = " " + word
    while True:
        nl = gap.find("\n", at)
        real_end = nl != -1 or final
        line_end = nl if nl != -1 else len(gap)
        if nl > 0 and gap[nl - 1] == "\r":
            line_end = nl - 1
        if at + len(text) <= line_end - (0 if real_end else 1):
            return gap[:at] + text + gap[at + len(text) :], at + len(text)
        if real_end and at <= line_end:
            return gap[:at] + text + gap[line_end:], at + len(text)
        if nl == -1:
            return None
        at = nl + 1


def _render(plan: _Plan) -> Extracted:
    """Build the virtual text: kept CDATA verbatim, everything else blank, words placed."""
    text = plan.text
    keep = sorted(plan.keep)
    puts = sorted(plan.puts)
    pieces: list[str] = []
    synthetic: list[tuple[int, int]] = []
    out_len = 0
    prev = 0
    pi = 0
    bounds = [*keep, (len(text), len(text))]
    for k, (ks, ke) in enumerate(bounds):
        raw_gap = text[prev:ks]
        gap = blank(raw_gap)
        same_width = len(gap) == len(raw_gap)  # no character blanks to two spaces
        used, delta = 0, 0
        while pi < len(puts) and puts[pi][0] < ks:
            anchor, word = puts[pi]
            pi += 1
            if same_width:
                local = max(anchor, prev) - prev + delta
            else:
                local = len(blank(text[prev : max(anchor, prev)])) + delta
            before = len(gap)
            placed = _place(gap, max(local, used), word, final=k == len(bounds) - 1)
            if placed is None:
                continue
            gap, used = placed
            delta += len(gap) - before
            synthetic.append((out_len + used - len(word), out_len + used))
        pieces.append(gap)
        out_len += len(gap)
        pieces.append(text[ks:ke])
        out_len += ke - ks
        prev = ke
    return Extracted("".join(pieces), [], synthetic)


def extract(text: str) -> Extracted:
    """The virtual ST text of a TwinCAT XML file (see the module docstring)."""
    problem = xml_problem(text)
    if problem is not None:
        return Extracted(blank(text), [problem])
    plan = _Plan(text)
    root = _elements(text)
    for top in root.children:
        for unit in top.children:
            if unit.tag in ("POU", "Itf", "DUT", "GVL"):
                _plan_unit(plan, unit)
    return _render(plan)
