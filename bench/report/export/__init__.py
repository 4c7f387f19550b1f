"""Every format a report is rendered in, one module each behind one interface (as hyperfine's src/export/).

An exporter turns a Document (bench/report/document.py: the blocks people read, the tables tools read)
into the text of its format. `formats()` finds the exporters by module, so a new format is one file here
that defines EXPORTER. Which document goes into which file is bench/report/files.py; `Exports` writes
the files a command's --export-json/--export-csv/--export-markdown ask for.
May import: the rest of report/ below files.py (document, figures) and the layers below report/.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from bench.report.document import Document


class Exporter(Protocol):
    """One format: a document in, the text of its file (or of the terminal) out."""

    #: the format's name: the registry's key and the module's name (--export-<name> for files)
    name: str

    def render(self, document: Document) -> str: ...


def formats() -> dict[str, Callable[..., Exporter]]:
    """Every exporter by format name, found in this package's modules (each defines EXPORTER, a class
    whose keyword arguments are its options: the page's links for HTML, the console for the terminal)."""
    found: dict[str, Callable[..., Exporter]] = {}
    for module in pkgutil.iter_modules(__path__):
        exporter = getattr(importlib.import_module(f"{__name__}.{module.name}"), "EXPORTER", None)
        if exporter is not None:
            found[exporter.name] = exporter
    return found


def render(document: Document, name: str, **options: Any) -> str:
    """The document in the format `name`."""
    return formats()[name](**options).render(document)


def write(document: Document, name: str, path: Path, **options: Any) -> Path:
    """The document in the format `name` as the file `path`; returns the path."""
    path = Path(path)
    path.write_text(render(document, name, **options), encoding="utf-8")
    return path


@dataclass(frozen=True)
class Exports:
    """Where each requested export goes, by format name, in the order written (--export-json F...)."""

    paths: Mapping[str, Path] = field(default_factory=dict)

    @property
    def wanted(self) -> bool:
        return bool(self.paths)

    def write(self, document: Document) -> list[Path]:
        """Every requested file of the document; returns the files written."""
        return [write(document, name, path) for name, path in self.paths.items()]
