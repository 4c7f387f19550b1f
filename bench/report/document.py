"""A report's sections as data: headings, paragraphs, tables, lists, images and code blocks.

Sections (`bench.report.sections`) say *what* a report shows once; each exporter (Markdown, HTML,
terminal) only says how a block looks in its format, so no section is written twice. Text may carry the
inline Markdown that every format can show or strip: `code` and **bold**.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

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
