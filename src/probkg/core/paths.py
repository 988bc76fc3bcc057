"""Where the project's folders are.

The CLI runs from a checkout, so every folder is found relative to the project
root: the folder holding `ontology/` and `graph/`. The corpus lives beside the
checkout in `../shared/sources/`, never inside it.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from probkg.core.errors import InputError

GRAPH_BASE = "https://w3id.org/probation-kg/graph/"
"""Named graphs are minted from a file's path relative to the project root."""


def is_project(folder: Path) -> bool:
    """A project root holds `ontology/` and `graph/`: how the root is found, and what `--root` must be."""
    return (folder / "ontology").is_dir() and (folder / "graph").is_dir()


def resolve(path: Path) -> Path:
    """`path.resolve()`, with a symbolic link loop as bad input that names the path.

    Python raises RuntimeError (3.11) or OSError for a loop, which reached users
    of `validate`, `lint` and `check-evidence` as a traceback and exit 1.
    """
    try:
        return path.resolve()
    except (RuntimeError, OSError) as exc:
        what = "a symbolic link loop" if "loop" in str(exc).lower() else str(exc)
        raise InputError(str(path), f"cannot follow this path: {what}") from None


def _find_root() -> Path:
    env = os.environ.get("PROBKG_ROOT")
    if env:
        return Path(env).resolve()
    for start in (Path.cwd(), Path(__file__).resolve().parent):
        for candidate in (start, *start.parents):
            if is_project(candidate):
                return candidate
    return Path.cwd()


@dataclass(frozen=True)
class Layout:
    """The project's folders; every command takes its defaults from here."""

    root: Path

    @property
    def ontology(self) -> Path:
        return self.root / "ontology"

    @property
    def graph(self) -> Path:
        return self.root / "graph"

    @property
    def shapes(self) -> Path:
        return self.root / "shapes"

    @property
    def queries(self) -> Path:
        return self.root / "queries"

    @property
    def build(self) -> Path:
        return self.root / "build"

    @property
    def sources(self) -> Path:
        return self.root.parent / "shared" / "sources"

    def data_files(self) -> list[Path]:
        """Ontology and graph files in a fixed order: what `build` loads."""
        files = sorted(self.ontology.rglob("*.ttl")) + sorted(self.graph.rglob("*.ttl"))
        return files

    def core_files(self) -> list[Path]:
        """What any subset of the graph needs beside it: the ontology and the documents (corpus and cited pages)."""
        return sorted(self.ontology.rglob("*.ttl")) + sorted((self.graph / "sources").glob("*.ttl"))

    def graph_name(self, path: Path) -> str:
        """The named graph a file is loaded into, its provenance: `GRAPH_BASE` and the file's path
        under graph/ without `.ttl` (`.../graph/reference/frameworks`, as the README says); a file
        elsewhere in the project keeps its path from the root (`.../graph/ontology/probation-kg`),
        one outside it is `external/{name}`."""
        path = resolve(path)
        for base in (self.graph, self.root):
            if path.is_relative_to(base):
                return GRAPH_BASE + path.relative_to(base).with_suffix("").as_posix()
        return GRAPH_BASE + (Path("external") / path.name).with_suffix("").as_posix()

    def file_of_graph(self, name: str) -> str:
        """The file a named graph was loaded from, as reports show it (from the project root):
        the inverse of `graph_name` for the files of the project."""
        rest = name.removeprefix(GRAPH_BASE)
        return f"graph/{rest}.ttl" if (self.graph / f"{rest}.ttl").is_file() else f"{rest}.ttl"


def layout(root: Path | None = None) -> Layout:
    """The project at `root` (refused unless it is one, so a mistyped --root builds nothing), or the one found."""
    if root is None:
        return Layout(_find_root())
    if not is_project(root):
        raise InputError(str(root), "not a probation-kg project folder (it needs ontology/ and graph/ folders)")
    return Layout(resolve(root))
