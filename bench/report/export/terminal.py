"""The terminal (rich): a document's blocks as rich tables and plain lines, the same blocks as report.md.

What a run prints at its end is the report's TERMINAL_SECTIONS (the summary without environment and
configuration); `bench compare` prints its table here too. Inline Markdown marks (backticks, bold) are
dropped, verdict cells are coloured, and count columns that are 0 in every row are left out (a terminal
is narrow; the files keep them). The level-1 title is left out: the command line said what this is.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table as RichTable

from bench.report.document import Block, Bullets, Code, Document, Heading, Image, Paragraph, Table

#: Width when the output is not a terminal (a CI log, a pipe), where rich would assume 80 columns and
#: squeeze a twelve-column table into ellipses.
LOG_WIDTH = 160
#: cells whose text ends with one of these words are coloured (verdicts of comparisons and of compare)
STYLES = {"faster": "green", "improvement": "green", "slower": "red", "regression": "red", "failed": "red"}
_INLINE = re.compile(r"\*\*|`")


def plain(text: object) -> str:
    """Text without inline Markdown marks, escaped for rich markup."""
    return escape(_INLINE.sub("", str(text)))


def _cell(value: object) -> str:
    text = plain(value)
    style = next((s for word, s in STYLES.items() if text.endswith(word)), "")
    return f"[{style}]{text}[/]" if style else text


def _informative(block: Table) -> list[int]:
    """Columns worth the terminal's short width: all but number columns that are 0 in every row."""
    numbers = [i < len(block.right) and block.right[i] for i in range(len(block.headers))]
    zero = [bool(block.rows) and all(str(row[i]) == "0" for row in block.rows) for i in range(len(numbers))]
    return [i for i in range(len(numbers)) if not (numbers[i] and zero[i])]


def _table(block: Table, title: str | None) -> RichTable:
    table = RichTable(
        title=title,
        title_justify="left",
        header_style="bold",
        box=box.SIMPLE_HEAD,
        show_edge=False,
        pad_edge=False,
        padding=(0, 0, 0, 1),
    )
    columns = _informative(block)
    for i in columns:
        right = i < len(block.right) and block.right[i]
        table.add_column(plain(block.headers[i]), justify="right" if right else "left", overflow="fold")
    for row in block.rows:
        table.add_row(*(_cell(row[i]) for i in columns))
    return table


def print_blocks(console: Console, document: Sequence[Block]) -> None:
    """Print blocks; a level-3 heading just before a table becomes that table's title."""
    if not console.is_terminal:
        console.width = max(console.width, LOG_WIDTH)
    title: str | None = None
    for block in document:
        if title is not None and not isinstance(block, Table):
            console.print(f"[bold]{title}[/]")
            title = None
        match block:
            case Heading(text, level) if level >= 3:
                title = plain(text)
            case Heading(text, _):
                console.print(f"\n[bold underline]{plain(text)}[/]")
            case Paragraph(text):
                console.print(f"[dim]{plain(text)}[/]")
            case Table():
                console.print(_table(block, title))
                title = None
            case Bullets(items):
                for item in items:
                    console.print(f"- {_cell(item)}")
            case Image() | Code():
                pass  # figures and configuration are for files, not for the terminal
    if title is not None:
        console.print(f"[bold]{title}[/]")


class TerminalExporter:
    """`show` prints on the console (its width, colours and recording are rich's); `render` is that text."""

    name = "terminal"

    def __init__(self, console: Console | None = None) -> None:
        self.console = console if console is not None else Console()

    def show(self, document: Document) -> None:
        print_blocks(self.console, document.blocks)

    def render(self, document: Document) -> str:
        with self.console.capture() as captured:
            self.show(document)
        return captured.get()


EXPORTER = TerminalExporter
