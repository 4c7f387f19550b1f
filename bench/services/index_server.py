"""The package index's HTTP server: Python's static file server with PyPI's caching headers.

PyPI serves distribution files as immutable (`Cache-Control: max-age=365000000, immutable, public`) and
its simple pages with a short max-age; pip's HTTP cache (what a `RUN --mount=type=cache` keeps) relies
on them. Without them pip would download every wheel again, which no real index makes it do.

    python -m bench.services.index_server PORT HOST DIRECTORY
"""

from __future__ import annotations

import functools
import sys
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer

FILES_CACHE = "max-age=365000000, immutable, public"
PAGES_CACHE = "max-age=600, public"


class IndexHandler(SimpleHTTPRequestHandler):
    def end_headers(self) -> None:
        self.send_header("Cache-Control", FILES_CACHE if self.path.startswith("/files/") else PAGES_CACHE)
        super().end_headers()


def main(argv: list[str]) -> None:
    port, host, directory = int(argv[0]), argv[1], argv[2]
    handler = functools.partial(IndexHandler, directory=directory)
    with ThreadingHTTPServer((host, port), handler) as server:
        server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
