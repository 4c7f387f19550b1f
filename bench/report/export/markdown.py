"""Markdown (report.md, summary.md, --export-markdown): a document's blocks as GitHub-flavoured Markdown.

The same text, with images inlined, is the body of report.html (`html`), so the two formats cannot
disagree. Deterministic for a given run (fixed bootstrap seed, no clock), hence golden-file tested.
Markdown tables are written here (a dozen lines) rather than with `DataFrame.to_markdown`, which needs the
extra `tabulate` dependency.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from bench.report.document import Block, Bullets, Code, Document, Heading, Image, Paragraph, Table


def _escape(value: object) -> str:
    """A value safe inside a Markdown table cell: no pipes, no line breaks."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[bool] = ()
) -> str:
    """A GitHub-flavoured Markdown table; `right[i]` right-aligns column i (numbers)."""
    align = [("---:" if i < len(right) and right[i] else "---") for i in range(len(headers))]
    lines = [
        "| " + " | ".join(_escape(h) for h in headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(_escape(v) for v in row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def _fence(text: str, lang: str = "") -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}{lang}", text.rstrip("\n"), fence]


def block_lines(block: Block, src: Callable[[str], str] = str) -> list[str]:
    """One block as Markdown lines, followed by the blank line that separates blocks."""
    match block:
        case Heading(text, level):
            lines = [f"{'#' * level} {text}"]
        case Paragraph(text):
            lines = [text]
        case Table(headers, rows, right):
            lines = [markdown_table(headers, rows, right)]
        case Bullets(items):
            lines = [f"- {item}" for item in items]
        case Image(name, title, caption):
            lines = [f"![{title}]({src(name)})", "", f"*{caption}*"]
        case Code(text, lang):
            lines = _fence(text, lang)
    return [*lines, ""]


def markdown_text(document: Document, src: Callable[[str], str] = str) -> str:
    """The document's text; `src` maps a figure file name to the image reference (a path, or a data URI)."""
    lines = block_lines(Heading(document.title, 1)) if document.title is not None else []
    for block in document.blocks:
        lines += block_lines(block, src)
    return "\n".join(lines).rstrip("\n") + "\n"


class MarkdownExporter:
    """Images linked by file name: the figures sit beside the file."""

    name = "markdown"

    def render(self, document: Document) -> str:
        return markdown_text(document)


EXPORTER = MarkdownExporter
