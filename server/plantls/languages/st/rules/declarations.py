"""ST1xx: declarations and names.

Every rule here reads the resolved references of :class:`StAnalysis` (one walk, done by the
resolver) and the file model; none of them resolves names again. Names that may come from a
library outside the workspace are reported as information, never as errors.
"""

from __future__ import annotations

import difflib
import functools
import os
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from tree_sitter import Node

from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document, uri_to_path
from plantls.core.positions import Range
from plantls.core.rules import RuleDoc
from plantls.languages.st import stdlib
from plantls.languages.st.analysis import Ref, StAnalysis
from plantls.languages.st.index import StIndex
from plantls.languages.st.model import FileModel, Pou, TypeDecl, TypeRef, VarDecl
from plantls.languages.st.rules.base import StRule, var_refs
from plantls.languages.st.syntax import error_nodes, walk

UNNECESSARY = ("unnecessary",)
PROJECT_MARKERS = (".plcproj", ".apj", ".project")
BNR_DECLARATION_FILES = (".var", ".fun", ".typ")
LOCAL_SECTIONS = ("VAR", "VAR_TEMP", "VAR_INST", "VAR_STAT")
VENDOR_TYPES = frozenset(
    {"BIT", "XWORD", "XINT", "UXINT", "__XWORD", "__XINT", "__UXINT", "PVOID", "ANY_OBJECT"}
)
"""Types CODESYS and TwinCAT build in that IEC 61131-3 does not list."""
TYPE_ARGUMENT_CALLS = frozenset(
    {"SIZEOF", "__NEW", "INDEXOF", "TO_STRING", "__QUERYINTERFACE", "__QUERYPOINTER"}
)
"""Builtins whose argument may be a type name rather than a variable."""
STUB_HINT = "declare it in a stub file under a folder listed in `st.library_paths`"


# -- shared helpers ---------------------------------------------------------------------------
def line_of(rng: Range) -> int:
    """1-based line of a range, for messages."""
    return rng.start.line + 1


def file_label(uri: str) -> str:
    """A short, readable name for a file URI: its last two path parts."""
    path = PurePosixPath(unquote(uri.split("://", 1)[-1]))
    return "/".join(path.parts[-2:]) if len(path.parts) > 1 else path.name


def outermost(pou: Pou) -> Pou:
    """The top-level POU a member belongs to."""
    while pou.parent is not None:
        pou = pou.parent
    return pou


def scope_chain(pou: Pou) -> list[Pou]:
    """``pou`` and the POUs around it, innermost first."""
    out = [pou]
    while out[-1].parent is not None:
        out.append(out[-1].parent)
    return out


def unresolved_base(index: StIndex, pou: Pou) -> str:
    """The first EXTENDS name in the scope's inheritance that the workspace does not declare."""
    for scope in scope_chain(pou):
        seen: set[str] = set()
        current: Pou | None = scope
        while current is not None and current.extends and current.key not in seen:
            seen.add(current.key)
            base = index.pou(current.extends)
            if base is None:
                return current.extends
            current = base
    return ""


def has_error(node: Node) -> bool:
    """True when the node contains a syntax error (declarations or uses may be lost)."""
    return bool(node.has_error)


def has_attribute_pragma(decl: VarDecl) -> bool:
    """True when an ``{attribute ...}`` pragma sits on or right before the declaration."""
    return "attribute" in decl.pragmas.lower()


def is_global_block(decl: VarDecl) -> bool:
    """True for a variable declared inside a VAR_GLOBAL block (not a B&R ``.var`` VAR block)."""
    parent = decl.node.parent if decl.node is not None else None
    return parent is not None and parent.type == "var_global"


def gvl_is_qualified_only(index: StIndex, decl: VarDecl) -> bool:
    """True when the global's list carries ``{attribute 'qualified_only'}``."""
    gvl = index.gvl(decl.owner)
    return gvl is not None and "qualified_only" in gvl.pragmas.lower().replace(" ", "_")


def refs_by_pou(analysis: StAnalysis) -> dict[int, list[Ref]]:
    """The analysis's refs grouped by the POU they appear in (computed once per analysis)."""
    cached = analysis.memo.get("refs_by_pou")
    if cached is None:
        cached = {}
        for ref in analysis.refs:
            cached.setdefault(id(ref.pou), []).append(ref)
        analysis.memo["refs_by_pou"] = cached
    return cached


def used_var_ids(analysis: StAnalysis) -> set[int]:
    """Ids of the VarDecls that some ref in this file names (computed once per analysis)."""
    cached = analysis.memo.get("used_var_ids")
    if cached is None:
        cached = set(var_refs(analysis))
        analysis.memo["used_var_ids"] = cached
    return cached


def declared_type_names(analysis: StAnalysis) -> set[str]:
    """Upper-case identifiers used inside declared types (``ARRAY[0..cMax]``, ``STRING(cLen)``)."""
    cached = analysis.memo.get("declared_type_names")
    if cached is None:
        cached = set()
        seen: set[int] = set()
        for decl in all_var_decls(analysis.model):
            if decl.node is None or decl.node.id in seen:
                continue  # names declared together share the declaration's node
            seen.add(decl.node.id)
            tnode = decl.node.child_by_field_name("type")
            if tnode is None:
                continue
            if tnode.named_child_count == 0:  # a name or a keyword type: no walk needed
                if tnode.type == "identifier":
                    cached.add(analysis.tree.text(tnode).upper())
                continue
            for node in walk(tnode):
                if node.type == "identifier":
                    cached.add(analysis.tree.text(node).upper())
        analysis.memo["declared_type_names"] = cached
    return cached


def all_var_decls(model: FileModel) -> Iterator[VarDecl]:
    """Every variable, struct field and global the file declares."""
    for pou in model.all_pous():
        yield from pou.vars.values()
    for typ in model.types.values():
        yield from typ.fields.values()
    for gvl in model.gvls.values():
        yield from gvl.vars.values()


def object_node(node: Node) -> Node | None:
    """For the member part of ``a.b`` (or ``a.b.c``), the node of the object before it."""
    parent = node.parent
    if parent is None:
        return None
    if parent.type == "member_access_expression":
        return parent.child_by_field_name("object")
    if parent.type == "qualified_identifier":
        prev = node.prev_named_sibling
        return prev
    return None


def head_ref(analysis: StAnalysis, node: Node | None) -> Ref | None:
    """The ref that an object expression names (``a`` in ``a.b``, ``a[i]`` and ``a.b`` too)."""
    while node is not None:
        if node.type == "identifier":
            return analysis.ref_at(node)
        if node.type == "member_access_expression":
            node = node.child_by_field_name("member")
        elif node.type in ("index_expression", "parenthesized_expression"):
            node = node.child_by_field_name("object") or (
                node.named_children[0] if node.named_children else None
            )
        else:
            return None
    return None


def is_type_name_known(analysis: StAnalysis, name: str) -> bool:
    """True for elementary, generic, vendor, standard-FB and workspace type names."""
    key = name.upper()
    base = key.split("(")[0].split("[")[0].strip()
    return (
        base in stdlib.ELEMENTARY_TYPES
        or stdlib.is_generic(base)
        or base in VENDOR_TYPES
        or stdlib.function_block(base) is not None
        or analysis.index.pou(base) is not None
        or analysis.index.type(base) is not None
    )


def library_message(name: str, what: str) -> str:
    """The information text for a name that may come from a library."""
    if "." in name:
        head = name.split(".", 1)[0]
        return (
            f"{what} '{name}' is not declared in the workspace; '{head}' may be a library "
            f"namespace: list it in `st.known_libraries` to accept its names, or {STUB_HINT}"
        )
    return (
        f"{what} '{name}' is not declared in the workspace; it may come from a library: {STUB_HINT}"
    )


# -- ST101 --------------------------------------------------------------------------------------
class UndeclaredIdentifier(StRule):
    """ST101."""

    code = "ST101"
    name = "undeclared-identifier"
    severity = Severity.ERROR
    summary = "A name is used that no declaration in scope provides"
    doc = RuleDoc(
        why=(
            "A variable that is not declared is almost always a typo or a declaration that was "
            "deleted; the compiler will refuse the download. plantls looks in the POU, its "
            "methods, actions and properties, inherited blocks, VAR_EXTERNAL, global variable "
            "lists, enum values and the standard library.\n\n"
            "Calls, types and namespaces that are not in the workspace are different: they "
            "usually come from a library (Tc2_Standard, a vendor library, your own). Those are "
            "reported once per name and file as information, not as errors. Give plantls the "
            "library's declarations as stub files in `st.library_paths`, or list the namespace "
            "in `st.known_libraries` so that `Tc2_System.F_GetVersion` style names are silent."
        ),
        example=(
            "PROGRAM MAIN\n"
            "VAR\n"
            "    nCount : INT;\n"
            "END_VAR\n"
            "nCuont := nCount + 1;   (* typo: nCuont is not declared *)\n"
            "END_PROGRAM"
        ),
        fix=(
            "Correct the spelling or declare the variable in the VAR section where it belongs. "
            "For library names, add stubs (`st.library_paths`) or the namespace to "
            "`st.known_libraries`."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Errors for plain unknown names; information once per name for library names."""
        known = analysis.index.known_libraries
        info_done: set[str] = set()
        error_done: set[tuple[int, str]] = set()
        broken: dict[int, bool] = {}
        for ref in analysis.refs:
            if ref.kind == "library" and not ref.qualified:
                key = ref.name.upper()
                if key in known or key in info_done:
                    continue
                info_done.add(key)
                yield self._library_info(analysis, ref)
            elif ref.kind == "unknown" and not ref.qualified:
                if analysis.tree.is_synthetic(ref.node):
                    continue  # a direct address (%MW10) or other text dialect handling wrote
                yield from self._unknown(analysis, ref, info_done, error_done, broken)

    def _library_info(self, analysis: StAnalysis, ref: Ref) -> Diagnostic:
        """Information for a callee or namespace that the workspace does not declare."""
        parent = ref.node.parent
        is_call = parent is not None and parent.type == "call_expression"
        what = "function or block" if is_call else "name"
        if not is_call:
            return self.finding(
                analysis.tree.range(ref.node),
                f"'{ref.name}' is not declared in the workspace; it may be a library namespace "
                f"or global list: list it in `st.known_libraries` to accept names qualified "
                f"with it, or {STUB_HINT}",
                severity=Severity.INFORMATION,
            )
        return self.finding(
            analysis.tree.range(ref.node),
            library_message(ref.name, what),
            severity=Severity.INFORMATION,
        )

    def _unknown(
        self,
        analysis: StAnalysis,
        ref: Ref,
        info_done: set[str],
        error_done: set[tuple[int, str]],
        broken: dict[int, bool],
    ) -> Iterator[Diagnostic]:
        """One plain unknown name: an error unless a library or lost declaration may explain it."""
        key = ref.name.upper()
        rng = analysis.tree.range(ref.node)
        top = outermost(ref.pou)
        if id(top) not in broken:
            broken[id(top)] = declarations_broken(top)
        if broken[id(top)]:
            return
        if _is_type_argument(analysis, ref.node):
            if key not in info_done and key not in analysis.index.known_libraries:
                info_done.add(key)
                yield self.finding(
                    rng, library_message(ref.name, "type or name"), severity=Severity.INFORMATION
                )
            return
        top_name = top.node.child_by_field_name("name")
        if top_name is not None and analysis.tree.is_synthetic(top_name):
            if key not in info_done:
                info_done.add(key)
                yield self.finding(
                    rng,
                    f"'{ref.name}' is not declared here; {ref.pou.kind.lower()} "
                    f"{ref.pou.name} stands alone in this file, so it may be a member of the "
                    "block it belongs to",
                    severity=Severity.INFORMATION,
                )
            return
        base = unresolved_base(analysis.index, ref.pou)
        if base:
            if key not in info_done:
                info_done.add(key)
                yield self.finding(
                    rng,
                    f"'{ref.name}' is not declared here; it may be inherited from '{base}', "
                    f"which is not in the workspace ({STUB_HINT})",
                    severity=Severity.INFORMATION,
                )
            return
        iface = analysis.index.interface_of(top)
        if iface is top and not any(scope.sections for scope in scope_chain(ref.pou)):
            if key not in info_done:
                info_done.add(key)
                yield self.finding(
                    rng,
                    f"'{ref.name}' is not declared: {top.kind} {top.name} declares no variables "
                    "and its interface (a B&R .fun or .var file) is not in the workspace",
                    severity=Severity.INFORMATION,
                )
            return
        if looks_like_constant(ref.name) and not ref.write:
            if key not in info_done and key not in analysis.index.known_libraries:
                info_done.add(key)
                yield self.finding(
                    rng,
                    f"'{ref.name}' is not declared in the workspace; the upper-case name looks "
                    f"like a library constant: {STUB_HINT}",
                    severity=Severity.INFORMATION,
                )
            return
        if (id(ref.pou), key) in error_done:
            return
        error_done.add((id(ref.pou), key))
        yield self.finding(rng, f"'{ref.name}' is not declared{_suggestion(analysis, ref)}")


def looks_like_constant(name: str) -> bool:
    """True for ``ADSLOG_MSGTYPE_ERROR`` style names: upper case with an underscore.

    Libraries (Tc2_System, Tc2_EtherCAT ...) export many global constants that code uses
    without a namespace; by convention they are written this way, variables are not.
    """
    return "_" in name.strip("_") and name.upper() == name and any(c.isalpha() for c in name)


def declarations_broken(pou: Pou) -> bool:
    """True when a syntax error lies outside the POU's statements (a declaration may be lost)."""
    if not pou.node.has_error:
        return False
    spans = [(s.start_byte, s.end_byte) for p in [pou, *pou.members.values()] for s in p.body]
    for node in error_nodes(pou.node):
        if not any(a <= node.start_byte and node.end_byte <= b for a, b in spans):
            return True
    return False


def _is_type_argument(analysis: StAnalysis, node: Node) -> bool:
    """True when ``node`` is the argument of SIZEOF, __NEW and similar type-taking builtins."""
    args = node.parent
    if args is None or args.type != "argument_list":
        return False
    call = args.parent
    fn = call.child_by_field_name("function") if call is not None else None
    return fn is not None and analysis.tree.text(fn).upper() in TYPE_ARGUMENT_CALLS


def _suggestion(analysis: StAnalysis, ref: Ref) -> str:
    """`` (did you mean 'x'?)`` when a declared name in scope is close to the unknown one."""
    names: dict[str, str] = {}
    for scope in scope_chain(ref.pou):
        for decl in analysis.index.interface_of(scope).vars.values():
            names.setdefault(decl.key, decl.name)
        for member in scope.members.values():
            names.setdefault(member.key, member.name)
    for key, decls in analysis.index.global_vars().items():
        names.setdefault(key, decls[0].name)
    close = difflib.get_close_matches(ref.name.upper(), list(names), n=1, cutoff=0.8)
    return f" (did you mean '{names[close[0]]}'?)" if close else ""


# -- ST102 --------------------------------------------------------------------------------------
Declared = VarDecl | Pou | TypeDecl


class DuplicateDeclaration(StRule):
    """ST102."""

    code = "ST102"
    name = "duplicate-declaration"
    severity = Severity.ERROR
    summary = "A name is declared twice in the same scope"
    doc = RuleDoc(
        why=(
            "Two declarations with the same name in one scope (two variables of a POU, two "
            "methods of a block, two values of an enum, two POUs or types of one project) do "
            "not compile, and while you edit it is unclear which one a use refers to. "
            "IEC 61131-3 names are case-insensitive: `nSpeed` and `NSPEED` are the same name.\n\n"
            "POUs and types declared in two files are compared only inside one project: the "
            "files below the same TwinCAT `.plcproj`, B&R `.apj`, CODESYS `.project` or "
            "`plantls.toml`. A repository that holds several projects may reuse names."
        ),
        example=(
            "FUNCTION_BLOCK FB_Pump\n"
            "VAR\n"
            "    bRun : BOOL;\n"
            "    BRUN : BOOL;   (* same name as bRun *)\n"
            "END_VAR"
        ),
        fix="Rename or delete one of the two declarations.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Duplicates in the file, then POUs and types declared again in another file."""
        model = analysis.model
        for decl, scope in model.duplicates:
            if decl.name == "_":
                continue  # the placeholder name of an unnamed located variable (AT %IX0.0)
            first = _first_declaration(model, decl, scope)
            if first is not None and _case_sensitive_file(model.uri):
                original = analysis.tree.lines.line_text(first.start.line)
                if decl.name not in original[first.start.character : first.end.character]:
                    continue  # B&R names are case-sensitive: cE and ce are two constants
            where = f" (first declared on line {line_of(first)})" if first else ""
            what = _what(decl)
            in_scope = f" in {scope}" if scope else ""
            yield self.finding(
                _name_range(decl), f"{what} '{decl.name}' is already declared{in_scope}{where}"
            )
        yield from self._across_files(analysis)

    def _across_files(self, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """A top-level POU or type that an earlier file (by path) of the same project declares."""
        index = analysis.index
        uri = analysis.model.uri
        project: str | None = None  # worked out for the first earlier file with the name
        own: list[Pou | TypeDecl] = [*analysis.model.pous.values(), *analysis.model.types.values()]
        for decl in own:
            others: list[Pou | TypeDecl] = [*index.pous(decl.name), *_types_named(index, decl.name)]
            for other in others:
                if other.uri >= uri or other.uri in index.library_uris:
                    continue
                if project is None:
                    project = project_of(uri)
                if not project:
                    return
                if project_of(other.uri) != project:
                    continue
                if isinstance(decl, Pou) and isinstance(other, Pou) and _split_pair(decl, other):
                    continue
                yield self.finding(
                    decl.name_range,
                    f"{_what(decl)} '{decl.name}' is also declared in {file_label(other.uri)} "
                    f"(line {line_of(other.name_range)})",
                )
                break


def project_of(uri: str) -> str:
    """The PLC project folder a file belongs to (see :func:`project_root`); "" when none."""
    path = uri_to_path(uri)
    return project_root(str(path.parent)) if path is not None else ""


@functools.lru_cache(maxsize=4096)
def project_root(folder: str) -> str:
    """The nearest folder at or above ``folder`` that holds a project file.

    A TwinCAT ``.plcproj``, a B&R ``.apj``, a CODESYS ``.project`` or a ``plantls.toml``
    marks the files below it as one program. A repository often holds several projects
    (examples, test data, one PLC per machine) that reuse names such as MAIN; names are only
    compared within one project.
    """
    current = Path(folder)
    for candidate in (current, *current.parents):
        try:
            names = [entry.name.lower() for entry in os.scandir(candidate) if entry.is_file()]
        except OSError:
            continue
        if any(n.endswith(PROJECT_MARKERS) or n == "plantls.toml" for n in names):
            return str(candidate)
    return ""


def _types_named(index: StIndex, name: str) -> list[TypeDecl]:
    return [t for t in index.all_types() if t.key == name.upper()] if index.type(name) else []


def _split_pair(a: Pou, b: Pou) -> bool:
    """True for a B&R interface (variables, no body) and its body file (body, no variables)."""

    def interface_and_body(x: Pou, y: Pou) -> bool:
        return bool(x.sections) and not x.body and bool(y.body) and not y.sections

    return interface_and_body(a, b) or interface_and_body(b, a)


def _case_sensitive_file(uri: str) -> bool:
    """True for B&R Automation Studio declaration files, whose compiler is case-sensitive."""
    return uri.lower().endswith(BNR_DECLARATION_FILES)


def _what(decl: Declared) -> str:
    """A word for the kind of declaration."""
    if isinstance(decl, Pou):
        return decl.kind.replace("_", " ").lower()
    if isinstance(decl, TypeDecl):
        return "type"
    return {"ENUM": "enum value", "FIELD": "field"}.get(decl.section, "variable")


def _name_range(decl: Declared) -> Range:
    return decl.range if isinstance(decl, VarDecl) else decl.name_range


def _first_declaration(model: FileModel, decl: Declared, scope: str) -> Range | None:
    """Where the declaration that ``decl`` duplicates is, when the file model knows it."""
    key = decl.key
    if isinstance(decl, VarDecl):
        if decl.section in ("ENUM", "FIELD"):
            typ = model.types.get(scope.upper())
            found = (typ.values if decl.section == "ENUM" else typ.fields).get(key) if typ else None
            return found.range if found else None
        if decl.section == "VAR_GLOBAL":
            gvl = model.gvls.get(scope.upper())
            found = gvl.vars.get(key) if gvl else None
            return found.range if found else None
        for pou in model.all_pous():
            if pou.qualified_name.upper() == scope.upper() and key in pou.vars:
                return pou.vars[key].range
        return None
    if scope:
        parent = model.pous.get(scope.upper())
        member = parent.members.get(key) if parent else None
        return member.name_range if member else None
    other = model.pous.get(key) or model.types.get(key)
    return other.name_range if other else None


# -- ST103 --------------------------------------------------------------------------------------
class UnusedVariable(StRule):
    """ST103."""

    code = "ST103"
    name = "unused-variable"
    summary = "A local variable is declared but never used"
    doc = RuleDoc(
        why=(
            "A local that nothing reads or writes is dead weight: it costs memory in every "
            "instance, and it makes readers wonder what it was meant for (often: a signal that "
            "was never wired up). The check covers VAR, VAR_TEMP, VAR_INST and VAR_STAT of "
            "functions, function blocks, methods, actions and properties. A block's VAR counts "
            "as used when any of its methods, actions or properties uses it.\n\n"
            "Not reported: inputs, outputs and in-outs (the interface), globals, VAR of a "
            "PROGRAM (an HMI or another task may read it by name), variables at an `AT %` "
            "address, variables with an `{attribute ...}` pragma (tools use them), names that "
            "start with `_`, VAR of a block that other blocks of the workspace extend, and "
            "instances whose type has an FB_init (declaring them runs code)."
        ),
        example=(
            "FUNCTION F_Scale : REAL\n"
            "VAR_INPUT\n"
            "    nRaw : INT;\n"
            "END_VAR\n"
            "VAR\n"
            "    fOffset : REAL;   (* never used *)\n"
            "END_VAR\n"
            "F_Scale := INT_TO_REAL(nRaw) * 0.1;\n"
            "END_FUNCTION"
        ),
        fix="Delete the declaration, or use the variable where it was meant to be used.",
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every unreferenced local of every POU with a body and no syntax errors."""
        used = used_var_ids(analysis)
        # worked out for the first candidate (most files have none)
        named: set[tuple[int, str]] | None = None
        in_types: set[str] | None = None
        extended = _extended_blocks(analysis.index)
        for top in analysis.model.pous.values():
            if has_error(top.node):
                continue
            for pou in [top, *top.members.values()]:
                if not pou.body and not (pou is top and top.members):
                    continue
                for decl in self._candidates(analysis, pou, extended, used):
                    if named is None or in_types is None:
                        named = {(id(r.pou), r.name.upper()) for r in analysis.refs
                                 if not r.qualified}
                        in_types = declared_type_names(analysis)
                    if decl.key in in_types or (id(pou), decl.key) in named:
                        continue
                    yield self.finding(
                        decl.range,
                        f"{_section_word(decl)} '{decl.name}' of {pou.qualified_name} is never "
                        "used",
                        tags=UNNECESSARY,
                    )

    def _candidates(
        self, analysis: StAnalysis, pou: Pou, extended: frozenset[str], used: set[int]
    ) -> Iterator[VarDecl]:
        """Locals of one POU that the rule may report (the ``used`` ones left out first:
        the cheapest test)."""
        top = outermost(pou)
        for decl in (d for section in pou.sections for d in section.decls):
            if id(decl) in used or decl.section not in LOCAL_SECTIONS:
                continue
            if pou.kind == "PROGRAM" and decl.section != "VAR_TEMP":
                continue
            if (
                pou.kind == "FUNCTION_BLOCK"
                and decl.section != "VAR_TEMP"
                and (top.key in extended or _is_abstract(analysis, top))
            ):
                continue
            if decl.address or decl.name.startswith("_") or has_attribute_pragma(decl):
                continue
            if _runs_code_when_declared(analysis, decl):
                continue
            yield decl


def _section_word(decl: VarDecl) -> str:
    return "constant" if decl.constant else "local variable"


def _extended_blocks(index: StIndex) -> frozenset[str]:
    """Upper-case names of the blocks that some workspace POU extends."""
    return index.extended_names()


def _is_abstract(analysis: StAnalysis, pou: Pou) -> bool:
    """True for FUNCTION_BLOCK ABSTRACT (its VARs are meant for subclasses)."""
    name_node = pou.node.child_by_field_name("name")
    end = name_node.start_byte if name_node is not None else pou.node.start_byte
    header = analysis.tree.data[pou.node.start_byte : end].upper()
    return b"ABSTRACT" in header


def _runs_code_when_declared(analysis: StAnalysis, decl: VarDecl) -> bool:
    """True for an instance with constructor arguments or of a block with FB_init/FB_exit."""
    if decl.type is None or decl.type.kind != "named":
        return False
    if "(" in decl.type.text:
        return True
    fb = analysis.index.pou(decl.type.name)
    return fb is not None and bool({"FB_INIT", "FB_EXIT", "FB_REINIT"} & set(fb.members))


# -- ST104 --------------------------------------------------------------------------------------
class ShadowedGlobal(StRule):
    """ST104."""

    code = "ST104"
    name = "local-shadows-global"
    summary = "A local variable or parameter has the name of a global variable"
    doc = RuleDoc(
        why=(
            "Inside the POU the local wins, so code that means the global (an alarm flag, a "
            "machine state) silently reads or writes the local copy instead. This is easy to "
            "miss in review because the name looks right. Globals in a list with "
            "`{attribute 'qualified_only'}` are always written `GVL.name`, so they are not "
            "reported; neither is VAR_EXTERNAL, which declares the global itself."
        ),
        example=(
            "VAR_GLOBAL\n"
            "    bEmergencyStop : BOOL;\n"
            "END_VAR\n\n"
            "FUNCTION_BLOCK FB_Conveyor\n"
            "VAR\n"
            "    bEmergencyStop : BOOL;   (* hides the global *)\n"
            "END_VAR"
        ),
        fix=(
            "Rename the local, or use VAR_EXTERNAL when you mean the global. Marking the global "
            "list `{attribute 'qualified_only'}` prevents the mix-up altogether."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every POU variable whose name matches a VAR_GLOBAL that is not qualified-only."""
        globals_ = analysis.index.global_vars()
        if not globals_:
            return
        for pou in analysis.model.all_pous():
            for decl in pou.vars.values():
                same_name = globals_.get(decl.key)
                if not same_name or decl.section in ("VAR_EXTERNAL", "VAR_GLOBAL"):
                    continue  # (most variables: no global has the name)
                shadowed = next(
                    (
                        g
                        for g in same_name
                        if is_global_block(g) and not gvl_is_qualified_only(analysis.index, g)
                    ),
                    None,
                )
                if shadowed is None:
                    continue
                yield self.finding(
                    decl.range,
                    f"'{decl.name}' in {pou.qualified_name} hides the global variable "
                    f"'{shadowed.name}' of {shadowed.owner} ({file_label(shadowed.uri)}, line "
                    f"{line_of(shadowed.range)})",
                )


# -- ST105 --------------------------------------------------------------------------------------
class AssignmentToInputOrConstant(StRule):
    """ST105."""

    code = "ST105"
    name = "assignment-to-input-or-constant"
    summary = "A block's VAR_INPUT is assigned inside the block, or a CONSTANT anywhere"
    doc = RuleDoc(
        why=(
            "An input of a function block or program belongs to the caller: the block should "
            "read it, not change it. Writing it inside the block overwrites what the caller "
            "passed, and the new value sticks in the instance until the next call sets it "
            "again, so behaviour depends on who called last and with which arguments "
            "(warning). Inputs of functions and methods are copies that live for one call; "
            "reusing them is a style question and not reported. A CONSTANT cannot change at "
            "all: the compiler rejects the assignment (error)."
        ),
        example=(
            "FUNCTION_BLOCK FB_Valve\n"
            "VAR_INPUT\n"
            "    bOpen : BOOL;\n"
            "END_VAR\n"
            "IF bFault THEN\n"
            "    bOpen := FALSE;   (* overwrites the caller's command *)\n"
            "END_IF"
        ),
        fix=(
            "Copy the input to a local and change the copy, or make it a VAR_IN_OUT when the "
            "block is meant to reset the caller's variable. For a constant, declare a normal "
            "variable instead."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Every write ref to a constant, and unqualified writes to the POU's own inputs."""
        for refs in var_refs(analysis).values():
            decl = refs[0].target
            assert isinstance(decl, VarDecl)
            if decl.constant or decl.is_input:  # the variables a write may be reported for
                yield from self._writes(analysis, decl, refs)

    def _writes(
        self, analysis: StAnalysis, decl: VarDecl, refs: list[Ref]
    ) -> Iterator[Diagnostic]:
        """The findings for the writes among one constant's or input's refs."""
        for ref in refs:
            if not ref.write:
                continue
            if decl.section == "ENUM" and not ref.qualified:
                continue  # more likely a variable whose declaration is missing (ST101)
            if decl.constant:
                what = "enum value" if decl.section == "ENUM" else "constant"
                yield self.finding(
                    analysis.tree.range(ref.node),
                    f"'{ref.name}' is a {what} ({decl.owner}, line {line_of(decl.range)}); it "
                    "cannot be assigned",
                    severity=Severity.ERROR,
                )
            elif decl.is_input and _own_input(analysis, ref, decl):
                if decl.type is not None and decl.type.kind == "reference":
                    continue
                yield self.finding(
                    analysis.tree.range(ref.node),
                    f"assignment to input '{decl.name}' of {decl.owner}: the value the caller "
                    "passed is overwritten",
                )


def _own_input(analysis: StAnalysis, ref: Ref, decl: VarDecl) -> bool:
    """True when the write is inside the block or program (or a member) that declares the input.

    A FUNCTION's or METHOD's input is a copy that lives for one call: changing it is a style
    question, not a surprise for the caller, so only inputs that persist in an instance count.
    """
    if ref.qualified:
        obj = object_node(ref.node)
        is_this = (
            obj is not None
            and obj.type == "dereference_expression"
            and any(c.type == "this_expression" for c in obj.named_children)
        )
        if not is_this:
            return False
    return any(
        scope.kind in ("FUNCTION_BLOCK", "PROGRAM")
        and decl is analysis.index.interface_of(scope).vars.get(decl.key)
        for scope in scope_chain(ref.pou)
    )


# -- ST106 --------------------------------------------------------------------------------------
class OutputWrittenFromOutside(StRule):
    """ST106."""

    code = "ST106"
    name = "output-written-from-outside"
    severity = Severity.ERROR
    summary = "An output of a block instance is assigned from outside the block"
    doc = RuleDoc(
        why=(
            "A VAR_OUTPUT is the block's answer: the block writes it and everyone else reads "
            "it. IEC 61131-3 forbids writing it from outside. Where a compiler accepts it, the "
            "value lasts only until the block's next call overwrites it, so the write looks "
            "like it works during a test and fails on the machine (a timer's Q, a counter's "
            "CV)."
        ),
        example=(
            "fbDelay(IN := bStart, PT := T#2S);\n"
            "IF bReset THEN\n"
            "    fbDelay.Q := FALSE;   (* the next call sets Q again *)\n"
            "END_IF"
        ),
        fix=(
            "Change the block's inputs instead (call the timer with IN := FALSE, the counter "
            "with RESET := TRUE), or keep your own variable next to the output."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Writes to ``instance.output``."""
        for ref in analysis.refs:
            if not ref.write or not ref.qualified:
                continue
            obj_node = object_node(ref.node)
            if obj_node is None or _is_self(obj_node):
                continue
            block = _output_owner(analysis, ref, obj_node)
            if block is None:
                continue
            instance = analysis.tree.text(obj_node)
            yield self.finding(
                analysis.tree.range(ref.node),
                f"'{ref.name}' is an output of {block}: '{instance}.{ref.name}' is written by "
                "the block itself and must not be assigned from outside",
            )


def _is_self(node: Node) -> bool:
    """True for ``THIS^`` and ``SUPER^``."""
    return node.type == "dereference_expression" and any(
        c.type in ("this_expression", "super_expression") for c in node.named_children
    )


def _output_owner(analysis: StAnalysis, ref: Ref, obj_node: Node) -> str | None:
    """The block type name when ``ref`` is an output of the instance ``obj_node`` names."""
    if isinstance(ref.target, VarDecl):
        if ref.target.section != "VAR_OUTPUT":
            return None
        owner = ref.target.owner.split(".")[0].upper()
        if any(scope.key == owner for scope in scope_chain(ref.pou)):
            return None
        return ref.target.owner
    head = head_ref(analysis, obj_node)
    if head is None or not isinstance(head.target, VarDecl):
        return None
    what = analysis.members_of_type(head.target.type)
    if isinstance(what, stdlib.FunctionBlockDef) and any(
        p.name.upper() == ref.name.upper() for p in what.outputs
    ):
        return what.name
    return None


# -- ST107 --------------------------------------------------------------------------------------
class UnknownType(StRule):
    """ST107."""

    code = "ST107"
    name = "unknown-type"
    severity = Severity.INFORMATION
    summary = "A declaration uses a type that neither the workspace nor the standard declares"
    doc = RuleDoc(
        why=(
            "A type that nobody declares is either a typo or comes from a library that is not "
            "in the workspace. plantls cannot tell which, so it says so once per name and file "
            "and then checks everything else it can. Without the type it cannot check members, "
            "outputs or enum values of the variables that use it."
        ),
        example=(
            "VAR\n"
            "    stAxis : ST_AxisStatus;   (* declared nowhere in the workspace *)\n"
            "    sIp : T_IPv4Addr;         (* from Tc2_TcpIp: a library type *)\n"
            "END_VAR"
        ),
        fix=(
            "Fix the spelling, add the missing DUT, or give plantls the library's declarations "
            "as stubs (`st.library_paths`). Names written with a library namespace "
            "(`Tc2_TcpIp.T_IPv4Addr`) are silent once the namespace is in "
            "`st.known_libraries`."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Once per unknown type name in the file."""
        done: set[str] = set()
        for name, where in _type_uses(analysis):
            key = name.upper()
            if key in done:
                continue
            done.add(key)
            head = key.split(".", 1)[0]
            if "." in key and head in analysis.index.known_libraries:
                continue
            tail = name.rsplit(".", 1)[-1]
            if is_type_name_known(analysis, tail if "." in name else name):
                continue
            yield self.finding(where(), library_message(name, "type"))


def _type_uses(analysis: StAnalysis) -> Iterator[tuple[str, Callable[[], Range]]]:
    """Named types used in the file's declarations, each with a function that gives the
    range of the use (computed only for the few that are reported)."""
    model = analysis.model
    for decl in all_var_decls(model):
        name = _named_type(decl.type)
        if name is not None:  # the type node is looked up only for a reported use
            yield name, functools.partial(_decl_type_use_range, analysis, name, decl.node)
    for pou in model.all_pous():
        if pou.return_type is not None:
            ret = pou.node.child_by_field_name("return_type") or pou.node.child_by_field_name(
                "type"
            )
            yield from _named_types(analysis, pou.return_type, ret)
        # the model read the same fields: where it found none, there is none to look for
        # (a POU node has many children), unless a syntax error left an empty one
        unsure = pou.node.has_error
        for fname, named in (("extends", pou.extends), ("implements", pou.implements)):
            if not named and not unsure:
                continue
            for node in pou.node.children_by_field_name(fname):
                yield analysis.tree.text(node), functools.partial(analysis.tree.range, node)
    for typ in model.types.values():
        body = typ.node.child_by_field_name("definition")
        if typ.base is not None and typ.kind != "ENUM":
            yield from _named_types(analysis, typ.base, body)
        if typ.extends:
            yield typ.extends, functools.partial(_same, typ.name_range)


def _same(rng: Range) -> Range:
    return rng


def _named_type(ref: TypeRef | None) -> str | None:
    """The named type inside a type reference (array elements, pointer targets), or None."""
    while ref is not None and ref.kind in ("array", "pointer", "reference"):
        ref = ref.element
    if ref is None or ref.kind != "named" or not ref.name:
        return None
    return ref.name.split("(")[0].strip()


def _named_types(
    analysis: StAnalysis, ref: TypeRef | None, node: Node | None
) -> Iterable[tuple[str, Callable[[], Range]]]:
    """The named types inside a type reference (array elements, pointer targets)."""
    name = _named_type(ref)
    if name is None:
        return ()
    return ((name, functools.partial(_type_use_range, analysis, name, node)),)


def _decl_type_use_range(analysis: StAnalysis, name: str, decl_node: Node | None) -> Range:
    """:func:`_type_use_range` in the type of a variable declaration."""
    tnode = decl_node.child_by_field_name("type") if decl_node is not None else None
    return _type_use_range(analysis, name, tnode)


def _type_use_range(analysis: StAnalysis, name: str, node: Node | None) -> Range:
    """Where a type reference names ``name``: the identifier, else the whole reference."""
    if node is None:
        return Range.of(0, 0, 0, 0)
    for sub in walk(node):
        if sub.type in ("identifier", "qualified_identifier") and analysis.tree.text(sub) == name:
            return analysis.tree.range(sub)
    return analysis.tree.range(node)


# -- ST108 --------------------------------------------------------------------------------------
STRAIGHT = ("assignment_statement", "invocation_statement", "empty_statement")
ALWAYS_EVALUATED = {
    "if_statement": ("condition",),
    "case_statement": ("subject",),
    "while_statement": ("condition",),
    "for_statement": ("start", "end", "step"),
}


class ReadBeforeWrite(StRule):
    """ST108."""

    code = "ST108"
    name = "read-before-write"
    summary = "A temporary local is read before anything assigns it"
    doc = RuleDoc(
        why=(
            "Locals of a FUNCTION or METHOD, and VAR_TEMP everywhere, start again from their "
            "initial value on every call: they do not remember the last scan. Reading one "
            "before assigning it reads that default (0, FALSE, empty) every time, which is "
            "usually a sign that the author expected it to keep its value, as an FB's VAR "
            "would.\n\n"
            "The check is deliberately narrow: it follows only the straight-line statements at "
            "the top of the body, stops following a variable at the first branch or loop that "
            "mentions it, and treats passing the variable to a call, ADR(), REF() or a member "
            "assignment as a write. Locals with an initial value are never reported, and only "
            "plain values count (numbers, booleans, strings, enums, pointers), not block "
            "instances, structures or arrays."
        ),
        example=(
            "FUNCTION F_CountPulses : INT\n"
            "VAR_INPUT\n"
            "    bPulse : BOOL;\n"
            "END_VAR\n"
            "VAR\n"
            "    nCount : INT;\n"
            "END_VAR\n"
            "nCount := nCount + 1;   (* always 0 + 1: nCount is not kept between calls *)\n"
            "F_CountPulses := nCount;"
        ),
        fix=(
            "Assign the local before reading it, give it an initial value in the declaration, "
            "or, when it must keep its value between calls, move it into a FUNCTION_BLOCK's "
            "VAR (or a VAR_INST of the method)."
        ),
    )

    def check(self, document: Document, analysis: StAnalysis) -> Iterator[Diagnostic]:
        """Follow the straight-line prefix of each POU body."""
        for pou in analysis.model.all_pous():
            if not pou.body or has_error(outermost(pou).node):
                continue
            tracked = self._tracked(analysis, pou)
            if tracked:
                yield from self._follow(analysis, pou, tracked)

    def _tracked(self, analysis: StAnalysis, pou: Pou) -> dict[int, VarDecl]:
        """Plain-valued locals of the POU that start from their default on every call."""
        temporary_pou = pou.kind in ("FUNCTION", "METHOD")
        used = var_refs(analysis)  # a local nothing names is never settled: not followed
        out: dict[int, VarDecl] = {}
        for decl in pou.vars.values():
            wanted = decl.section == "VAR_TEMP" or (temporary_pou and decl.section == "VAR")
            if not wanted or decl.init is not None or decl.constant or decl.address:
                continue
            if id(decl) not in used:
                continue
            if _is_plain_value(analysis, decl):
                out[id(decl)] = decl
        return out

    def _follow(
        self, analysis: StAnalysis, pou: Pou, tracked: dict[int, VarDecl]
    ) -> Iterator[Diagnostic]:
        """Walk top-level statements in order, settling each tracked local at its first use."""
        for stmt in pou.body:
            if not tracked:
                return
            if stmt.type in STRAIGHT:
                yield from self._settle(analysis, [stmt], tracked, final=True)
                continue
            fields = ALWAYS_EVALUATED.get(stmt.type, ())
            evaluated = [n for f in fields for n in stmt.children_by_field_name(f)]
            yield from self._settle(analysis, evaluated, tracked, final=True)
            # Anything mentioned in a branch or loop is no longer followed.
            yield from self._settle(analysis, [stmt], tracked, final=False)
            if stmt.type in ("return_statement", "exit_statement", "continue_statement"):
                return

    def _settle(
        self, analysis: StAnalysis, nodes: list[Node], tracked: dict[int, VarDecl], final: bool
    ) -> Iterator[Diagnostic]:
        """Decide the tracked locals these nodes mention (reads before writes: reported)."""
        for ref in _refs_in_order(analysis, nodes):
            decl = ref.target
            if not isinstance(decl, VarDecl) or id(decl) not in tracked or ref.qualified:
                continue
            del tracked[id(decl)]
            if final and ref.read and not ref.write and _plain_read(ref.node):
                yield self.finding(
                    analysis.tree.range(ref.node),
                    f"'{decl.name}' is read before it is assigned; as a "
                    f"{decl.section} of {ref.pou.qualified_name} it holds its default value "
                    "here on every call",
                )


def _is_plain_value(analysis: StAnalysis, decl: VarDecl) -> bool:
    """True for elementary, string, enum and pointer locals (not instances, structs, arrays)."""
    resolved = analysis.resolve_type(decl.type)
    if resolved is None:
        return False
    if resolved.kind in ("string", "pointer", "reference", "subrange"):
        return True
    if resolved.kind != "named":
        return False
    if resolved.key in stdlib.ELEMENTARY_TYPES:
        return True
    typ = analysis.index.type(resolved.name)
    return typ is not None and typ.kind == "ENUM"


def _refs_in_order(analysis: StAnalysis, nodes: list[Node]) -> Iterator[Ref]:
    """Refs under ``nodes`` in evaluation order: an assignment's right side before its left."""
    for node in nodes:
        if node.type == "assignment_statement":
            right = node.child_by_field_name("right")
            left = node.child_by_field_name("left")
            yield from _refs_in_order(analysis, [n for n in (right, left) if n is not None])
            continue
        for sub in walk(node):
            if sub.type == "identifier":
                ref = analysis.ref_at(sub)
                if ref is not None:
                    yield ref


def _plain_read(node: Node) -> bool:
    """True when the identifier is read as a value, not passed where it may be written."""
    child, parent = node, node.parent
    while parent is not None:
        ptype = parent.type
        if ptype in ("argument_list", "address_of_expression", "named_argument"):
            return False
        if ptype in ("member_access_expression", "index_expression") and (
            parent.child_by_field_name("object") == child
        ):
            return _plain_read(parent)
        if ptype == "assignment_statement":
            return parent.child_by_field_name("left") != child
        if ptype.endswith("_statement"):
            return True
        child, parent = parent, parent.parent
    return True


RULES: list[StRule] = [
    UndeclaredIdentifier(),
    DuplicateDeclaration(),
    UnusedVariable(),
    ShadowedGlobal(),
    AssignmentToInputOrConstant(),
    OutputWrittenFromOutside(),
    UnknownType(),
    ReadBeforeWrite(),
]
