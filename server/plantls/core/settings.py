"""Settings: one typed schema, read from plantls.toml / pyproject.toml and from the editor.

Unknown keys and values of the wrong type never raise: they are skipped and described in
the ``warnings`` list, so the caller can show one clear message.
"""

from __future__ import annotations

import dataclasses
import difflib
import tomllib
import types
import typing
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal


@dataclass(frozen=True)
class ModelSettings:
    """Which language model to load and where."""

    backend: Literal["transformers", "llamacpp", "ctransformers", "openai", "none"] = "none"
    path: str = ""
    adapter: str = ""
    device: str = "cpu"
    url: str = ""
    api_key_env: str = ""
    name: str = ""
    """Model name sent to an OpenAI-compatible server (default: the first one it lists)."""
    merge_adapter: bool = True
    """Merge a LoRA adapter into the base weights after loading (faster generation)."""
    prose: Literal["auto", "on", "off"] = "auto"
    """Model-written explanations: ``auto`` allows them for instruction-tuned models only."""
    timeout_ms: int = 10000
    """How long to wait for a model server's answer."""
    threads: int = 0
    """CPU threads for generation (0: the library's default)."""


@dataclass(frozen=True)
class CompletionSettings:
    """Model completions while typing."""

    enabled: bool = True
    max_tokens: int = 48
    debounce_ms: int = 150
    validate: bool = True
    """Cut or drop suggestions that add syntax errors or undeclared names."""
    cache_size: int = 128
    """Completions remembered by surrounding text."""


@dataclass(frozen=True)
class HintsSettings:
    """Model-based hints."""

    unusual_lines: bool = False
    max_file_chars: int = 60000
    """Files larger than this get no unusual-line hints."""
    max_hints: int = 5
    """At most this many AI101 hints per file."""
    min_interval_ms: int = 3000
    """Rate limit: a file is scored at most once per interval."""


@dataclass(frozen=True)
class TelemetrySettings:
    """Local request telemetry (never sent anywhere)."""

    log: bool = True
    """Keep a rotating request log under the user's cache folder."""
    watts_per_core: int = 15
    """CPU energy estimate when no RAPL or NVML counter is readable."""
    log_max_kb: int = 1024


@dataclass(frozen=True)
class RulesSettings:
    """Which rules run, ruff style: codes or prefixes."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    fail_on: Literal["error", "warning", "information", "hint"] = "error"
    severity: dict[str, str] = field(default_factory=dict)
    """Severity overrides: code or prefix -> error | warning | information | hint."""
    per_path_ignores: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Glob -> codes or prefixes to ignore in matching files (like ruff's per-file-ignores).

    A pattern without ``/`` matches a file or folder name anywhere; a pattern with ``/`` is
    relative to the folder of the config file that sets it (to the workspace folders when it
    comes from the editor). ``**`` matches any number of folders.
    """


@dataclass(frozen=True)
class StSettings:
    """Structured Text options."""

    library_paths: tuple[str, ...] = ()
    """Folders or files with ST declarations of libraries that are not in the workspace."""
    known_libraries: tuple[str, ...] = ()
    """Library namespaces (such as ``Tc2_Standard``) whose names are accepted without stubs."""


@dataclass(frozen=True)
class DssSettings:
    """OpenDSS options."""

    engine: bool = False


@dataclass(frozen=True)
class Settings:
    """All plantls settings."""

    model: ModelSettings = field(default_factory=ModelSettings)
    completion: CompletionSettings = field(default_factory=CompletionSettings)
    hints: HintsSettings = field(default_factory=HintsSettings)
    rules: RulesSettings = field(default_factory=RulesSettings)
    st: StSettings = field(default_factory=StSettings)
    dss: DssSettings = field(default_factory=DssSettings)
    telemetry: TelemetrySettings = field(default_factory=TelemetrySettings)


CONFIG_FILES = ("plantls.toml", ".plantls.toml", "pyproject.toml")

RULES_ALIASES = ("select", "ignore", "fail_on", "severity", "per_path_ignores")
"""Keys of ``[rules]`` that may also be written at the top level (``select = [...]``)."""

VERBATIM_TABLES = ("severity", "per_path_ignores")
"""Tables whose keys are codes or globs: kept as written (no dotted-key or ``-`` handling)."""

SEVERITY_VALUES = ("error", "warning", "information", "info", "hint")


def _coerce(value: Any, hint: Any, key: str) -> Any:
    """Convert ``value`` to the annotated type or raise ValueError with a readable reason."""
    origin = typing.get_origin(hint)
    if hint is bool:
        if isinstance(value, bool):
            return value
        raise ValueError(f"{key} must be true or false, not {value!r}")
    if hint is int:
        if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
            return value
        raise ValueError(f"{key} must be a non-negative whole number, not {value!r}")
    if hint is str:
        if isinstance(value, str):
            return value
        raise ValueError(f"{key} must be a string, not {value!r}")
    if origin is Literal:
        choices = typing.get_args(hint)
        if value in choices:
            return value
        raise ValueError(f"{key} must be one of {', '.join(map(str, choices))}; got {value!r}")
    if origin is tuple:
        if isinstance(value, str):
            value = [v for v in value.replace(",", " ").split() if v]
        if isinstance(value, list) and all(isinstance(v, str) for v in value):
            return tuple(value)
        raise ValueError(f"{key} must be a list of strings, not {value!r}")
    if origin is dict:
        if isinstance(value, dict):
            value_hint = typing.get_args(hint)[1]
            return {str(k): _coerce(v, value_hint, f"{key}.{k}") for k, v in value.items()}
        raise ValueError(f"{key} must be a table, not {value!r}")
    if origin in (typing.Union, types.UnionType):
        return value
    raise ValueError(f"{key}: unsupported setting type")


def _normalise(data: dict[str, Any]) -> dict[str, Any]:
    """Turn ``{"model.backend": x}`` and ``fail-on`` style keys into nested snake_case tables."""
    out: dict[str, Any] = {}
    for raw_key, value in data.items():
        parts = str(raw_key).replace("-", "_").split(".")
        target = out
        for part in parts[:-1]:
            target = target.setdefault(part, {})
            if not isinstance(target, dict):
                break
        else:
            if isinstance(value, dict) and parts[-1] not in VERBATIM_TABLES:
                existing = target.setdefault(parts[-1], {})
                if isinstance(existing, dict):
                    existing.update(_normalise(value))
                    continue
            target[parts[-1]] = value
    return out


def _merge_into(obj: Any, data: dict[str, Any], prefix: str, warnings: list[str]) -> Any:
    hints = typing.get_type_hints(type(obj))
    names = {f.name for f in dataclasses.fields(obj)}
    changes: dict[str, Any] = {}
    for key, value in data.items():
        dotted = f"{prefix}{key}"
        if key not in names:
            close = difflib.get_close_matches(key, sorted(names), n=1)
            hint = f" (did you mean {prefix}{close[0]}?)" if close else ""
            warnings.append(f"unknown setting {dotted!r}{hint}")
            continue
        hint_t = hints[key]
        current = getattr(obj, key)
        if dataclasses.is_dataclass(current):
            if isinstance(value, dict):
                changes[key] = _merge_into(current, value, f"{dotted}.", warnings)
            else:
                warnings.append(f"setting {dotted!r} must be a table, not {value!r}")
            continue
        if typing.get_origin(hint_t) is dict and isinstance(value, dict):
            value_hint = typing.get_args(hint_t)[1]
            table = {}
            for name, item in value.items():  # one bad entry does not drop the others
                try:
                    table[str(name)] = _coerce(item, value_hint, f"{dotted}.{name}")
                except ValueError as exc:
                    warnings.append(f"{exc}; ignored")
            changes[key] = table
            continue
        try:
            changes[key] = _coerce(value, hint_t, dotted)
        except ValueError as exc:
            warnings.append(f"{exc}; using the default {current!r}")
    return dataclasses.replace(obj, **changes) if changes else obj


def _rules_aliases(data: dict[str, Any]) -> dict[str, Any]:
    """Move top-level ``select``, ``ignore``, ``fail-on``, ... into the ``rules`` table."""
    moved = {k: data.pop(k) for k in RULES_ALIASES if k in data}
    if moved:
        rules = data.get("rules")
        if rules is None or isinstance(rules, dict):
            data["rules"] = {**moved, **(rules or {})}
    return data


def _checked_rules(settings: Settings, warnings: list[str]) -> Settings:
    """Drop severity overrides with unknown severities, with a warning for each."""
    severity = settings.rules.severity
    bad = {k: v for k, v in severity.items() if v.strip().lower() not in SEVERITY_VALUES}
    if not bad:
        return settings
    for code, value in bad.items():
        warnings.append(
            f"rules.severity.{code} must be one of error, warning, information, hint; "
            f"got {value!r}; ignored"
        )
    kept = {k: v for k, v in severity.items() if k not in bad}
    return dataclasses.replace(settings, rules=dataclasses.replace(settings.rules, severity=kept))


def anchored_patterns(settings: Settings, folder: Path) -> Settings:
    """Make the ``per_path_ignores`` patterns that contain ``/`` absolute, below ``folder``."""
    table = settings.rules.per_path_ignores
    if not table:
        return settings
    anchored = {}
    for pattern, codes in table.items():
        if "/" in pattern.replace("\\", "/") and not Path(pattern).is_absolute():
            pattern = (folder.resolve() / pattern).as_posix()
        anchored[pattern] = codes
    return dataclasses.replace(
        settings, rules=dataclasses.replace(settings.rules, per_path_ignores=anchored)
    )


def merge_settings(base: Settings, data: Any, origin: str = "") -> tuple[Settings, list[str]]:
    """Overlay ``data`` (a mapping, possibly with dotted keys) on ``base``.

    Returns the new settings and a list of warnings; never raises for bad data.
    """
    warnings: list[str] = []
    if data is None:
        return base, warnings
    if not isinstance(data, dict):
        return base, [f"{origin or 'settings'}: expected a table of settings, got {data!r}"]
    merged = _merge_into(base, _rules_aliases(_normalise(data)), "", warnings)
    merged = _checked_rules(merged, warnings)
    if origin:
        warnings = [f"{origin}: {w}" for w in warnings]
    return merged, warnings


def find_config(start: Path) -> Path | None:
    """The nearest plantls.toml, .plantls.toml or pyproject.toml with [tool.plantls]."""
    start = start.resolve()
    folder = start if start.is_dir() else start.parent
    for candidate in (folder, *folder.parents):
        for name in CONFIG_FILES:
            path = candidate / name
            if not path.is_file():
                continue
            if name != "pyproject.toml":
                return path
            try:
                if "plantls" in tomllib.loads(path.read_text()).get("tool", {}):
                    return path
            except (OSError, tomllib.TOMLDecodeError, UnicodeDecodeError):
                continue
    return None


def load_config_file(path: Path, base: Settings | None = None) -> tuple[Settings, list[str]]:
    """Read settings from a plantls.toml or a pyproject.toml's [tool.plantls]."""
    base = base or Settings()
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        return base, [f"{path}: cannot read settings: {exc}"]
    except tomllib.TOMLDecodeError as exc:
        return base, [f"{path}: invalid TOML: {exc}"]
    if path.name == "pyproject.toml":
        data = data.get("tool", {}).get("plantls", {})
    settings, warnings = merge_settings(base, data, origin=str(path))
    own, _ = merge_settings(Settings(), data)
    if own.rules.per_path_ignores:  # this file's patterns are relative to its folder
        table = anchored_patterns(own, path.parent).rules.per_path_ignores
        settings = dataclasses.replace(
            settings, rules=dataclasses.replace(settings.rules, per_path_ignores=table)
        )
    return settings, warnings
