"""The result cache of ``plantls check``: a file's findings kept between runs, like ruff's.

Where. ``.plantls_cache/`` in the current directory (``--cache-dir DIR`` elsewhere;
``--no-cache`` or ``PLANTLS_NO_CACHE=1`` to turn it off). The folder holds a ``.gitignore``
(``*``), a ``CACHEDIR.TAG`` and one JSON file per plantls build and settings,
``<version>/<settings digest>.json``, mapping file URIs to entries (a header line holds the
format and a SHA-256 of the rest, so a truncated or altered file is ignored). Nothing is
written anywhere else. Writes go to a temporary file that replaces the old one
(``os.replace``), so a reader sees the old or the new file, never half of one. An entry or a
file that cannot be read or does not have the expected shape is ignored (the file is checked
again); a folder that cannot be written means no caching, with one warning.

What is cached. The findings :meth:`Workspace.diagnostics` returns for a file: *after*
settings (select, ignore, severity overrides, per-path ignores) and suppression comments are
applied, so the whole settings object and the workspace folders are part of the key
(suppression comments are part of the file's text). The baseline and the output format are
applied after the cache, on every run.

The key of an entry (a digest; an entry is used only when it is equal):

- the cache format, the plantls version and a digest of plantls's own source files and of
  the grammar it loads (a development build that changes a rule invalidates the cache);
- the serialised settings, the workspace folders, the file's absolute path and language;
- the file's text (as decoded) and any decoding problem;
- what the findings depend on outside the file:

  - ST: :func:`plantls.languages.st.signature.workspace_signature`, the declarations of
    every ST file in the index, computed after the index is built (parsing every file,
    which a cached run still does);
  - OpenDSS: the texts of every OpenDSS file of the workspace and a listing (path, size,
    modification time) of every file under the workspace folders (a ``Redirect`` may reach a
    file that is not checked; DSS data files only need to exist). Runs with ``--engine``
    are not cached for OpenDSS;
  - recipes and tool files: the texts of every recipe and tool file of the workspace, the
    same listing, and the file a recipe names with ``tool_file`` (it may lie elsewhere);
  - any other language: not cached.

  When the listing would pass :data:`MAX_LISTED_FILES` files, OpenDSS and recipe files are
  not cached in that run.

Parallel runs (``--jobs``). The parent computes keys and reads the cache; the workers check
only the files that missed; the parent writes the file once at the end.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import secrets
import sys
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from plantls import __version__
from plantls.core.diagnostics import Diagnostic, Severity
from plantls.core.documents import Document, uri_to_path
from plantls.core.positions import Position, Range
from plantls.core.settings import Settings
from plantls.core.workspace import Workspace

FORMAT = 1
"""Bumped when the entries' layout or the key changes."""

DEFAULT_DIR = ".plantls_cache"
MAX_LISTED_FILES = 20_000
CACHEDIR_TAG = (
    "Signature: 8a477f597d28d172789f06886806bc55\n"
    "# This file is a cache directory tag created by plantls.\n"
    "# For information about cache directory tags see https://bford.info/cachedir/\n"
)


@dataclass
class Stats:
    """What a run did with the cache (read by tests)."""

    hits: int = 0
    misses: int = 0
    uncacheable: int = 0
    written: bool = False


LAST_STATS = Stats()
"""The statistics of the latest :func:`plantls.cli.check.check_paths` run with a cache."""


def disabled_by_env() -> bool:
    """``PLANTLS_NO_CACHE`` set to anything but empty, 0, false or no."""
    value = os.environ.get("PLANTLS_NO_CACHE", "").strip().lower()
    return value not in ("", "0", "false", "no")


# -- what every key shares -------------------------------------------------------------------


_CODE_DIGEST: str | None = None


def code_digest() -> str:
    """A digest of plantls's source files, of the ST grammar's files (path, size, mtime) and
    of the versions of the libraries findings depend on (parsers, schema validation)."""
    global _CODE_DIGEST
    if _CODE_DIGEST is not None:
        return _CODE_DIGEST
    digest = hashlib.sha256(f"{FORMAT} {__version__} {sys.version}".encode())
    package = Path(__file__).resolve().parent.parent
    for path in sorted(package.rglob("*")):
        if "__pycache__" in path.parts or not path.is_file():
            continue
        digest.update(path.relative_to(package).as_posix().encode())
        try:
            digest.update(hashlib.sha256(path.read_bytes()).digest())
        except OSError:
            digest.update(b"?")
    try:
        import tree_sitter
        import tree_sitter_iec61131_3_st as grammar

        for module in (grammar, tree_sitter):
            folder = Path(module.__file__ or "").parent
            for path in sorted(folder.iterdir()):
                if path.is_file():
                    st = path.stat()
                    digest.update(f"{path.name} {st.st_size} {st.st_mtime_ns}".encode())
    except (ImportError, OSError):
        digest.update(b"no grammar")
    from importlib import metadata

    for dist in ("ruamel.yaml", "jsonschema"):  # the grammar and tree-sitter: above
        try:
            digest.update(f"{dist} {metadata.version(dist)}".encode())
        except (metadata.PackageNotFoundError, ValueError):
            digest.update(f"{dist} ?".encode())
    _CODE_DIGEST = digest.hexdigest()
    return _CODE_DIGEST


def settings_digest(settings: Settings) -> str:
    """A digest of the whole settings object."""
    text = json.dumps(asdict(settings), sort_keys=True, default=repr)
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def text_digest(doc: Document) -> str | None:
    """A digest of a document's text and decoding problem (None when it cannot be hashed)."""
    try:
        data = doc.text.encode("utf-8", "surrogatepass")
    except UnicodeError:
        return None
    problem = (doc.decode_problem or "").encode("utf-8", "replace")
    return hashlib.sha256(data + b"\x00" + problem).hexdigest()


# -- findings as JSON --------------------------------------------------------------------------


def encode(found: list[Diagnostic]) -> list[Any] | None:
    """Findings as JSON values; None when one would not come back equal."""
    out = []
    for d in found:
        if d.data is not None:
            try:
                if json.loads(json.dumps(d.data)) != d.data:
                    return None
            except (TypeError, ValueError):
                return None
        r = d.range
        out.append(
            [
                d.code,
                d.message,
                [r.start.line, r.start.character, r.end.line, r.end.character],
                int(d.severity),
                d.source,
                list(d.tags),
                d.data,
            ]
        )
    return out


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError("expected a string")
    return value


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError("expected a whole number")
    return value


def decode(data: Any) -> list[Diagnostic]:
    """Findings from :func:`encode`'s JSON; ValueError (or TypeError) when malformed."""
    if not isinstance(data, list):
        raise ValueError("expected a list")
    out = []
    for item in data:
        if not isinstance(item, list) or len(item) != 7:
            raise ValueError("expected a finding")
        code, message, rng, severity, source, tags, extra = item
        if not isinstance(rng, list) or len(rng) != 4 or not isinstance(tags, list):
            raise ValueError("bad range or tags")
        if extra is not None and not isinstance(extra, dict):
            raise ValueError("bad data")
        a, b, c, e = (_int(x) for x in rng)
        out.append(
            Diagnostic(
                code=_str(code),
                message=_str(message),
                range=Range(Position(a, b), Position(c, e)),
                severity=Severity(_int(severity)),
                source=_str(source),
                tags=tuple(_str(t) for t in tags),
                data=extra,
            )
        )
    return out


def file_bytes(entries: dict[str, Any]) -> bytes:
    """A cache file: a header line (format, digest of the rest), then the entries as JSON."""
    body = json.dumps(entries, separators=(",", ":")).encode("ascii")
    header = json.dumps({"format": FORMAT, "sha256": hashlib.sha256(body).hexdigest()})
    return header.encode("ascii") + b"\n" + body


def parse_file(data: bytes) -> dict[str, Any] | None:
    """The entries of a cache file; None when it is not one, or not intact."""
    header, newline, body = data.partition(b"\n")
    if not newline:
        return None
    try:
        meta = json.loads(header)
        if (
            not isinstance(meta, dict)
            or meta.get("format") != FORMAT
            or meta.get("sha256") != hashlib.sha256(body).hexdigest()
        ):
            return None
        entries = json.loads(body)
    except (ValueError, RecursionError):
        return None
    return entries if isinstance(entries, dict) else None


# -- dependencies ---------------------------------------------------------------------------


@dataclass
class _Dependencies:
    """Per-language digests of what a file's findings depend on, computed once per run."""

    workspace: Workspace
    cache_dir: Path | None
    by_language: dict[str, str | None] = field(default_factory=dict)
    _listing: str | None = None
    _listed: bool = False
    _extra: dict[str, str] = field(default_factory=dict)

    def listing(self) -> str | None:
        """Every file under the workspace folders with its size and modification time."""
        if self._listed:
            return self._listing
        self._listed = True
        skip = self.cache_dir.resolve() if self.cache_dir is not None else None
        digest = hashlib.sha256()
        count = 0
        for root in self.workspace.roots:
            for folder, dirs, files in os.walk(root):
                dirs.sort()
                dirs[:] = [d for d in dirs if d != ".git" and Path(folder, d).resolve() != skip]
                for name in sorted(files):
                    count += 1
                    if count > MAX_LISTED_FILES:
                        return None
                    path = os.path.join(folder, name)
                    try:
                        st = os.stat(path)
                        digest.update(f"{path}\0{st.st_size}\0{st.st_mtime_ns}\n".encode(
                            "utf-8", "surrogateescape"
                        ))
                    except OSError:
                        digest.update(f"{path}\0?\n".encode("utf-8", "surrogateescape"))
        self._listing = digest.hexdigest()
        return self._listing

    def texts_of(self, language_ids: tuple[str, ...]) -> str | None:
        digest = hashlib.sha256()
        docs = sorted(
            (d for d in self.workspace.documents() if d.language_id in language_ids),
            key=lambda d: d.uri,
        )
        for doc in docs:
            text = text_digest(doc)
            if text is None:
                return None
            digest.update(f"{doc.uri}\0{doc.language_id}\0{text}\n".encode("utf-8", "replace"))
        return digest.hexdigest()

    def language(self, language_id: str) -> str | None:
        if language_id in self.by_language:
            return self.by_language[language_id]
        value: str | None = None
        try:
            value = self._compute(language_id)
        except Exception:  # when unsure, do not use the cache
            value = None
        self.by_language[language_id] = value
        return value

    def _compute(self, language_id: str) -> str | None:
        if language_id == "iec-st":
            from plantls.languages.st.language import StLanguage
            from plantls.languages.st.signature import workspace_signature

            return workspace_signature(StLanguage().state(self.workspace).index)
        if language_id == "opendss":
            if self.workspace.settings.dss.engine:
                return None
            texts, listing = self.texts_of(("opendss",)), self.listing()
            return None if texts is None or listing is None else f"{texts}:{listing}"
        if language_id in ("fab-recipe", "fab-tool"):
            texts, listing = self.texts_of(("fab-recipe", "fab-tool")), self.listing()
            return None if texts is None or listing is None else f"{texts}:{listing}"
        return None

    def extra(self, doc: Document) -> str | None:
        """For a recipe: the file its ``tool_file`` names (it may lie outside the folders)."""
        if doc.language_id != "fab-recipe":
            return ""
        try:
            from plantls.languages.recipe.analysis import parse_recipe

            tool_file = parse_recipe(doc).model.meta_text("tool_file")
            if not tool_file:
                return ""
            here = uri_to_path(doc.uri)
            path = (here.parent / tool_file) if here is not None else Path(tool_file)
            key = str(path)
            if key not in self._extra:
                try:
                    data = path.read_bytes() if path.is_file() else b"\x00missing"
                except OSError:
                    data = b"\x00unreadable"
                self._extra[key] = hashlib.sha256(data).hexdigest()
            return f"{key}\0{self._extra[key]}"
        except Exception:
            return None


# -- the cache -------------------------------------------------------------------------------


class ResultCache:
    """Findings by file for one settings object, read at the start of a run, written at the end."""

    def __init__(self, folder: Path, settings: Settings, warn: Any = None) -> None:
        self.folder = folder
        self.settings = settings
        self.settings_digest = settings_digest(settings)
        self.path = folder / __version__ / f"{self.settings_digest[:32]}.json"
        self.stats = Stats()
        self._warn = warn or _warn
        self._entries: dict[str, Any] = {}
        self._new: dict[str, Any] = {}
        self._gone: set[str] = set()
        self._deps: _Dependencies | None = None
        self._load()

    def _load(self) -> None:
        try:
            with self.path.open("rb") as f:
                entries = parse_file(f.read())
        except OSError:
            return
        if entries is not None:
            self._entries = entries

    def begin(self, workspace: Workspace) -> None:
        """Start a run over ``workspace`` (its indexes built: keys read them)."""
        self._deps = _Dependencies(workspace, self.folder)

    def key(self, doc: Document) -> str | None:
        """The key of a document's findings in this run, or None when it is not cached."""
        deps = self._deps
        if deps is None:
            return None
        text = text_digest(doc)
        if text is None:
            return None
        depends = deps.language(doc.language_id)
        if depends is None:
            return None
        extra = deps.extra(doc)
        if extra is None:
            return None
        parts = [
            code_digest(),
            self.settings_digest,
            [str(r) for r in deps.workspace.roots],
            doc.uri,
            doc.language_id,
            text,
            depends,
            extra,
        ]
        return hashlib.sha256(json.dumps(parts).encode("utf-8", "surrogatepass")).hexdigest()

    def get(self, doc: Document, key: str | None) -> list[Diagnostic] | None:
        """The cached findings of ``doc`` under ``key``, if any."""
        if key is None:
            self.stats.uncacheable += 1
            self._gone.add(doc.uri)
            return None
        entry = self._entries.get(doc.uri)
        if isinstance(entry, dict) and entry.get("key") == key:
            try:
                found = decode(entry.get("findings"))
            except (TypeError, ValueError):
                found = None
            if found is not None:
                self.stats.hits += 1
                return found
        self.stats.misses += 1
        return None

    def put(self, doc: Document, key: str | None, found: list[Diagnostic]) -> None:
        """Remember freshly computed findings."""
        if key is None:
            return
        encoded = encode(found)
        if encoded is None:
            self._gone.add(doc.uri)
            return
        self._new[doc.uri] = {"key": key, "findings": encoded}

    def save(self) -> None:
        """Write the entries of this run (with the earlier ones for other files) atomically."""
        global LAST_STATS
        LAST_STATS = self.stats
        if not self._new and not self._gone.intersection(self._entries):
            return  # nothing changed: the file is not rewritten
        entries = {
            uri: entry
            for uri, entry in self._entries.items()
            if uri not in self._gone and _still_there(uri)
        }
        entries.update(self._new)
        try:
            self._prepare_folder()
            self.path.parent.mkdir(parents=True, exist_ok=True)
            tmp = self.path.with_name(f".tmp-{os.getpid()}-{secrets.token_hex(4)}.json")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(file_bytes(entries))
                os.replace(tmp, self.path)
            except BaseException:
                with contextlib.suppress(OSError):
                    os.unlink(tmp)
                raise
        except (OSError, ValueError, TypeError) as exc:
            self._warn(f"cannot write the cache in {self.folder} ({exc}); not caching")
            return
        self.stats.written = True

    def _prepare_folder(self) -> None:
        """Create the cache folder with its ``.gitignore`` and ``CACHEDIR.TAG``."""
        self.folder.mkdir(parents=True, exist_ok=True)
        for name, text in ((".gitignore", "*\n"), ("CACHEDIR.TAG", CACHEDIR_TAG)):
            target = self.folder / name
            if not target.is_file():
                target.write_text(text, encoding="utf-8")


def _warn(message: str) -> None:
    print(f"plantls: warning: {message}", file=sys.stderr)


def _still_there(uri: str) -> bool:
    path = uri_to_path(uri)
    return path is not None and path.is_file()
