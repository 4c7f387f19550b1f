"""HTML (report.html, a site's pages): the document's Markdown rendered to one self-contained page.

Rendered with markdown-it-py (CommonMark plus GFM tables), which rich already brings in; figures are
embedded as base64 data URIs so the file can be mailed, attached to CI or opened offline.
"""

from __future__ import annotations

import base64
import html
from pathlib import Path

from bench.report.document import Document
from bench.report.export.markdown import markdown_text

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 70rem; margin: 2rem auto;
       padding: 0 1rem; color: #1b1b1b; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #ccc; padding: 0.25rem 0.5rem; vertical-align: top; }
th { background: #f3f3f3; }
img { max-width: 100%; height: auto; border: 1px solid #eee; }
pre { background: #f6f8fa; padding: 0.75rem; overflow-x: auto; font-size: 0.85rem; }
code { font-size: 0.9em; }
nav a { margin-right: 1rem; }
"""


def markdown_to_html(text: str) -> str:
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).enable("table").render(text)


def page(title: str, body_html: str, nav: str = "") -> str:
    """A complete HTML document with the report's style; `nav` is optional HTML above the body."""
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<title>{html.escape(title)}</title>\n<link rel="icon" href="data:,">\n'
        f"<style>{STYLE}</style>\n</head>\n<body>\n{nav}{body_html}</body>\n</html>\n"
    )


def data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


class HtmlExporter:
    """Every figure embedded (from `Document.directory`); `nav`: HTML above the page (a site's links)."""

    name = "html"

    def __init__(self, nav: str = "") -> None:
        self.nav = nav

    def render(self, document: Document) -> str:
        directory = document.directory
        src = str if directory is None else (lambda name: data_uri(directory / name))
        return page(document.title or "", markdown_to_html(markdown_text(document, src)), self.nav)


EXPORTER = HtmlExporter
