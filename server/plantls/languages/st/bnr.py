"""B&R Automation Studio: the syntax of its ST files, and the rewrites that make them parse.

An Automation Studio library splits each POU over several files:

* ``X.st`` holds only the body. A function is ``FUNCTION X`` ... ``END_FUNCTION`` with no
  return type and no VAR sections; a function block is ``FUNCTION_BLOCK X`` ...
  ``END_FUNCTION_BLOCK`` with no VAR sections. The dialect layer writes a synthetic
  ``: ANY`` after a function's name, so the tree is::

      (function_declaration name: (identifier) return_type: (generic_type)  ; synthetic ANY
                            body: ...)
      (function_block_declaration name: (identifier) body: ...)

  The names the body uses are declared elsewhere: resolving them is the semantic layer's
  job, through the three files below in the same folder.
* ``*.fun`` holds the interfaces: ``FUNCTION X : REAL VAR_INPUT ... END_VAR END_FUNCTION``
  and ``FUNCTION_BLOCK X VAR_INPUT ... END_VAR ... END_FUNCTION_BLOCK`` with no body, each
  a ``function_declaration``/``function_block_declaration`` whose var blocks
  (``var_input``, ``var_output``, ``var_in_out``, ``var_block`` for ``VAR``/``VAR
  CONSTANT``) carry the declarations.
* ``*.typ`` holds ``TYPE ... END_TYPE``: a ``type_declaration`` with one
  ``type_definition`` per type (structures are ``structure_type_inline``). ``STRING[10]``
  is written ``STRING(10)`` by the dialect layer; array values of structure fields are
  blanked (the grammar takes only expressions there).
* ``*.var`` holds ``VAR CONSTANT ... END_VAR`` at the top level, which the grammar only
  allows as ``VAR_GLOBAL``: :func:`top_level_var_blocks` writes ``VAR_GLOBAL``, so the tree
  is ``(global_var_declaration_block (var_global (var_qualifier_list) (variable_declaration
  ...)))``.

Bodies also bind dynamic variables with ``p ACCESS ADR(x);`` (:func:`access_bindings`).
These rewrites are part of :data:`plantls.languages.st.dialect.REWRITES`.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from plantls.languages.st.dialect import Edit, Source

BNR_DECLARATION_EXTENSIONS = (".fun", ".typ", ".var")
"""Automation Studio declaration files (ST declaration text)."""

_ACCESS = re.compile(r"(?<=\s)(ACCESS)(?=\s)", re.IGNORECASE)
_VAR_HEADER = re.compile(
    r"^([ \t]*)(VAR)((?:[ \t]+(?:CONSTANT|RETAIN|NON_RETAIN))*)[ \t]*(?=\r?$)",
    re.IGNORECASE | re.MULTILINE,
)
_POU_START = re.compile(
    r"\b(?:PROGRAM|FUNCTION_BLOCK|FUNCTION|CLASS|INTERFACE|CONFIGURATION|TYPE)\b"
)
_STARTS_WITH_VAR = re.compile(r"\s*VAR\b")


def access_bindings(src: Source) -> None:
    """``p ACCESS ADR(x);`` binds the dynamic variable ``p`` to an address: ``ACCESS`` is
    written as ``REF=`` (same line, shorter), so the tree holds a
    ``reference_assignment_statement`` with ``p`` on the left."""
    edits: list[Edit] = []
    if "ACCESS" not in src.upper:
        return
    for m in _ACCESS.finditer(src.code):
        edits.append((m.start(1), m.end(1), "REF=  "))
    src.apply(edits)


def top_level_var_blocks(src: Source) -> None:
    """``VAR`` or ``VAR CONSTANT`` that opens a file, before any POU (B&R ``.var`` files):
    the header is written as ``VAR_GLOBAL`` (the line grows), giving a
    ``global_var_declaration_block``. Only headers alone on their line are changed."""
    code = src.upper
    if not _STARTS_WITH_VAR.match(code):
        return
    pou = _POU_START.search(code)
    limit = pou.start() if pou is not None else len(code)
    edits: list[Edit] = []
    for m in _VAR_HEADER.finditer(code, 0, limit):
        edits.append((m.start(2), m.end(3), "VAR_GLOBAL" + m.group(3)))
    src.apply(edits)
