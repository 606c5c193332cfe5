"""Where the server's settings come from: config file, initializationOptions, the client."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from plantls.core.settings import Settings, find_config, load_config_file, merge_settings

SECTION = "plantls"


def unwrap(options: Any) -> Any:
    """The settings table from ``{"plantls": {...}}`` or from the table itself."""
    if isinstance(options, dict) and isinstance(options.get(SECTION), dict):
        return options[SECTION]
    if options == {}:
        return None
    return options


@dataclass
class SettingsState:
    """The layers of settings, merged in order: file, initializationOptions, client."""

    roots: list[Path] = field(default_factory=list)
    init_options: Any = None
    client: Any = None
    config_file: Path | None = None
    shown: set[str] = field(default_factory=set)

    def build(self) -> tuple[Settings, list[str]]:
        """Merge all layers; returns the settings and every warning found on the way."""
        settings, warnings = Settings(), []
        self.config_file = None
        for root in self.roots:
            path = find_config(root)
            if path is not None:
                self.config_file = path
                settings, found = load_config_file(path, settings)
                warnings += found
                break
        settings, found = merge_settings(
            settings, unwrap(self.init_options), origin="initializationOptions"
        )
        warnings += found
        settings, found = merge_settings(
            settings, unwrap(self.client), origin="workspace/configuration"
        )
        warnings += found
        return settings, warnings

    def new_warnings(self, warnings: list[str]) -> list[str]:
        """Warnings not shown to the user before (each is shown once per session)."""
        fresh = [w for w in dict.fromkeys(warnings) if w not in self.shown]
        self.shown.update(fresh)
        return fresh
