"""The workspace index for OpenDSS: every file's model, and who includes whom.

Files are re-modelled one at a time as they change. The include graph and the choice of
each file's root script are rebuilt lazily after a change (a pass over the models, no
re-parse).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from plantls.core.documents import path_to_uri
from plantls.languages.dss.model import FileModel


@dataclass
class DssIndex:
    """OpenDSS files of the workspace."""

    files: dict[str, FileModel] = field(default_factory=dict)
    generation: int = 0
    _built: int = -1
    _includers: dict[str, list[str]] = field(default_factory=dict)
    _data: set[str] = field(default_factory=set)

    def update(self, model: FileModel) -> None:
        """Replace one file's model."""
        self.files[model.uri] = model
        self.generation += 1

    def remove(self, uri: str) -> None:
        """Forget one file."""
        if self.files.pop(uri, None) is not None:
            self.generation += 1

    def _ensure(self) -> None:
        if self._built == self.generation:
            return
        includers: dict[str, list[str]] = {}
        data: set[str] = set()
        for uri in sorted(self.files):
            for path in self.files[uri].data_files:
                data.add(path_to_uri(path))
            for inc in self.files[uri].includes:
                if inc.target is not None:
                    target = path_to_uri(inc.target)
                    if target != uri:
                        includers.setdefault(target, []).append(uri)
        self._includers = includers
        self._data = data
        self._built = self.generation

    def is_data(self, uri: str) -> bool:
        """True when a script reads ``uri`` as data (``Buscoords file.dss``), or it looks so."""
        self._ensure()
        if uri in self._data:
            return True
        model = self.files.get(uri)
        return model is not None and model.looks_like_data

    def includers(self, uri: str) -> list[str]:
        """Files that Redirect/Compile ``uri``."""
        self._ensure()
        return self._includers.get(uri, [])

    def root_of(self, uri: str) -> str:
        """The top script that (transitively) runs ``uri``; ``uri`` itself when none does.

        When several do, the first in path order wins, so results are stable.
        """
        self._ensure()
        seen = {uri}
        current = uri
        while True:
            parents = [p for p in self._includers.get(current, []) if p not in seen]
            if not parents:
                return current
            current = parents[0]
            seen.add(current)
