"""A report's sections as data: headings, paragraphs, tables, lists, images and code blocks, and the
Document they make up, which every exporter (bench/report/export/) renders.

Sections (`bench.report.sections`) say *what* a report shows once; each exporter (Markdown, HTML,
terminal, JSON, CSV) only says how a document looks in its format, so no section is written twice. Text
may carry the inline Markdown that every format can show or strip: `code` and **bold**.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from bench.report.figures import FigureFile


@dataclass(frozen=True)
class Heading:
    text: str
    level: int = 2


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Table:
    """A table of display strings; `right[i]` right-aligns column i (numbers)."""

    headers: Sequence[str]
    rows: Sequence[Sequence[object]]
    right: Sequence[bool] = field(default_factory=tuple)


@dataclass(frozen=True)
class Bullets:
    items: Sequence[str]


#: A figure file beside the document is a block as it is; the exporter decides how to link it.
Image = FigureFile


@dataclass(frozen=True)
class Code:
    text: str
    lang: str = ""


Block = Heading | Paragraph | Table | Bullets | Image | Code


@dataclass(frozen=True)
class Document:
    """What every format renders: the blocks people read (Markdown, HTML, terminal) and the tables tools read
    (JSON: all of them with `about`; CSV: the first, the main one), built once from one model."""

    #: the level-1 heading of a file and the title of a page; None: none (`bench compare`'s table)
    title: str | None
    blocks: Sequence[Block]
    tables: Mapping[str, pd.DataFrame] = field(default_factory=dict)
    #: what the tables were computed from (run directories, the speedup's direction...)
    about: Mapping[str, Any] = field(default_factory=dict)
    #: where the Image blocks' files are (beside the file written); HTML inlines them from here
    directory: Path | None = None
