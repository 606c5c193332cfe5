"""The workspace symbol index for ST: every file's declarations, merged for lookups.

Files are re-indexed one at a time as they change; the merged maps are rebuilt lazily on the
next lookup after a change, which costs a pass over the file models (not a re-parse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantls.languages.st.model import FileModel, Gvl, Pou, TypeDecl, VarDecl


@dataclass
class StIndex:
    """Declarations of all ST files in the workspace (and of configured library stubs)."""

    files: dict[str, FileModel] = field(default_factory=dict)
    library_uris: set[str] = field(default_factory=set)
    known_libraries: frozenset[str] = frozenset()
    """Upper-case library namespaces (``st.known_libraries``) whose qualified names are accepted."""
    generation: int = 0
    _built: int = -1
    _pous: dict[str, list[Pou]] = field(default_factory=dict)
    _types: dict[str, list[TypeDecl]] = field(default_factory=dict)
    _gvls: dict[str, list[Gvl]] = field(default_factory=dict)
    _globals: dict[str, list[VarDecl]] = field(default_factory=dict)
    _enum_values: dict[str, list[VarDecl]] = field(default_factory=dict)
    _all_pous: list[Pou] = field(default_factory=list)
    _extended: frozenset[str] = frozenset()
    _interfaces: dict[int, tuple[Pou, Pou]] = field(default_factory=dict)
    """``interface_of`` answers by ``id(pou)`` (the POU kept with it), for this generation."""

    def update(self, model: FileModel) -> None:
        """Replace one file's declarations."""
        self.files[model.uri] = model
        self.generation += 1

    def remove(self, uri: str) -> None:
        """Forget one file."""
        if self.files.pop(uri, None) is not None:
            self.generation += 1

    def _ensure(self) -> None:
        if self._built == self.generation:
            return
        pous: dict[str, list[Pou]] = {}
        types: dict[str, list[TypeDecl]] = {}
        gvls: dict[str, list[Gvl]] = {}
        globals_: dict[str, list[VarDecl]] = {}
        enum_values: dict[str, list[VarDecl]] = {}
        for model in list(self.files.values()):  # a copy: files may change meanwhile
            for key, pou in model.pous.items():
                pous.setdefault(key, []).append(pou)
            for key, typ in model.types.items():
                types.setdefault(key, []).append(typ)
                for vkey, value in typ.values.items():
                    enum_values.setdefault(vkey, []).append(value)
            for key, gvl in model.gvls.items():
                gvls.setdefault(key, []).append(gvl)
                for vkey, var in gvl.vars.items():
                    globals_.setdefault(vkey, []).append(var)
        # A declaration-only POU (a B&R .fun interface) sorts after one with a body.
        for entries in pous.values():
            entries.sort(key=lambda p: (not p.vars, not p.body))
        self._pous, self._types, self._gvls = pous, types, gvls
        self._globals, self._enum_values = globals_, enum_values
        self._all_pous = [p for entries in pous.values() for p in entries]
        self._extended = frozenset(p.extends.upper() for p in self._all_pous if p.extends)
        self._interfaces = {}
        self._built = self.generation

    # -- lookups ------------------------------------------------------------------------
    def pous(self, name: str) -> list[Pou]:
        """POUs with this name (several when it is declared twice)."""
        self._ensure()
        return self._pous.get(name.upper(), [])

    def pou(self, name: str) -> Pou | None:
        """The POU with this name, preferring a declaration that has variables."""
        found = self.pous(name)
        return found[0] if found else None

    def interface_of(self, pou: Pou) -> Pou:
        """The declaration that carries a POU's variables.

        B&R keeps a function's interface in a ``.fun`` file and its body in a ``.st`` file
        of the same folder that declares no variables; the body then resolves through the
        interface: a same-named declaration in that folder with variables and no body.
        """
        if pou.vars or pou.parent is not None:
            return pou
        self._ensure()
        cached = self._interfaces.get(id(pou))
        if cached is not None and cached[0] is pou:
            return cached[1]
        found = pou
        folder = pou.uri.rsplit("/", 1)[0]
        for other in self.pous(pou.name):
            if (
                other is not pou
                and other.vars
                and not other.body
                and other.uri.rsplit("/", 1)[0] == folder
            ):
                found = other
                break
        self._interfaces[id(pou)] = (pou, found)
        return found

    def type(self, name: str) -> TypeDecl | None:
        """The user type with this name."""
        self._ensure()
        found = self._types.get(name.upper())
        return found[0] if found else None

    def gvl(self, name: str) -> Gvl | None:
        """The global variable list with this name."""
        self._ensure()
        found = self._gvls.get(name.upper())
        return found[0] if found else None

    def global_var(self, name: str) -> VarDecl | None:
        """A global variable by its plain name."""
        self._ensure()
        found = self._globals.get(name.upper())
        return found[0] if found else None

    def global_vars(self) -> dict[str, list[VarDecl]]:
        """All global variables by upper-case name."""
        self._ensure()
        return self._globals

    def enum_value(self, name: str) -> VarDecl | None:
        """An enum value by its unqualified name."""
        self._ensure()
        found = self._enum_values.get(name.upper())
        return found[0] if found else None

    def all_pous(self) -> list[Pou]:
        """Every top-level POU."""
        self._ensure()
        return list(self._all_pous)

    def extended_names(self) -> frozenset[str]:
        """Upper-case names that some POU of the workspace EXTENDS."""
        self._ensure()
        return self._extended

    def all_types(self) -> list[TypeDecl]:
        """Every user type."""
        self._ensure()
        return [t for entries in self._types.values() for t in entries]

    def all_gvls(self) -> list[Gvl]:
        """Every global variable list."""
        self._ensure()
        return [g for entries in self._gvls.values() for g in entries]

    def member_of_pou(self, pou: Pou, name: str) -> VarDecl | Pou | None:
        """A variable or member (method, property, action) of a POU, following EXTENDS."""
        seen: set[str] = set()
        current: Pou | None = self.interface_of(pou)
        key = name.upper()
        while current is not None and current.key not in seen:
            seen.add(current.key)
            if key in current.vars:
                return current.vars[key]
            if key in current.members:
                return current.members[key]
            current = self.pou(current.extends) if current.extends else None
        return None

    def field_of_type(self, typ: TypeDecl, name: str) -> VarDecl | None:
        """A struct field (following EXTENDS) or enum value of a type."""
        seen: set[str] = set()
        current: TypeDecl | None = typ
        key = name.upper()
        while current is not None and current.key not in seen:
            seen.add(current.key)
            if key in current.fields:
                return current.fields[key]
            if key in current.values:
                return current.values[key]
            current = self.type(current.extends) if current.extends else None
        return None
