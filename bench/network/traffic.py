"""Bytes that crossed the link to the registry, from the registry's own records.

Pulled bytes: the registry's access log (distribution writes one combined-log line per request to its
stdout, kept in `{run_dir}/registry.log` when bench started it) gives each GET's response size; the lines
after a mark are one build's pulls. Pushed bytes: a client uploads only blobs the registry lacks, so the
growth of the registry's blob store across a push is what was uploaded.
Both are None when the registry is not bench's own (no log, no storage directory).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from bench.config import EngineConfig

# 127.0.0.1 - - [26/Nov/2026:16:41:25 +0000] "GET /v2/bench/busybox/blobs/sha256:49af... HTTP/1.1" 200 1071305
# sizes in ASCII digits, at most 18 (an exabyte): a longer number is no size, and int() refuses 4,300 digits
_ACCESS = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>/v2/\S*) HTTP/[\d.]+" '
    r"(?P<status>[0-9]{3}) (?P<size>[0-9]{1,18}(?![0-9])|-)"
)


@dataclass(frozen=True)
class RegistryMark:
    """Where the registry's records stood at one moment."""

    log_offset: int | None
    blob_bytes: int | None
    index_offset: int | None = None


def log_path(engine: EngineConfig) -> Path:
    return Path(engine.run_dir) / "registry.log"


def pulled_bytes(lines: list[str]) -> int:
    """Sum of the response sizes of successful GETs (blobs and manifests) in access-log lines."""
    total = 0
    for line in lines:
        match = _ACCESS.search(line)
        if match and match["method"] == "GET" and match["status"].startswith("2") and match["size"] != "-":
            total += int(match["size"])
    return total


def blob_bytes(registry_dir: str | Path) -> int | None:
    """Bytes of every blob the registry stores (its content-addressed `data` files)."""
    root = Path(registry_dir) / "docker" / "registry" / "v2" / "blobs"
    if not root.is_dir():
        return None
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _dirs, files in os.walk(root)
        for name in files
        if name == "data"
    )


def index_log_path(engine: EngineConfig) -> Path:
    return Path(engine.run_dir) / "package-index.log"


_SERVED_FILE = re.compile(r'"GET /files/(?P<name>[^ "/]+) HTTP/[\d.]+" 200 ')


def served_file_bytes(lines: list[str], files_dir: Path) -> int:
    """Bytes of the files the package index served (its log has no sizes: the files on disk do)."""
    total = 0
    for line in lines:
        match = _SERVED_FILE.search(line)
        if match is None:
            continue
        try:
            total += (files_dir / match["name"]).stat().st_size
        except (OSError, ValueError):  # not a file of the index (no such file, a name too long or with NUL)
            continue
    return total


def wheel_downloads(lines: list[str]) -> int:
    """Wheel files served by the package index (http.server logs `"GET /files/NAME.whl HTTP/1.1" 200 -`)."""
    return sum(1 for line in lines if '"GET /files/' in line and ".whl HTTP/" in line and '" 200 ' in line)


def mark(engine: EngineConfig) -> RegistryMark:
    log, index = log_path(engine), index_log_path(engine)
    return RegistryMark(
        log.stat().st_size if log.is_file() else None,
        blob_bytes(engine.registry_dir),
        index.stat().st_size if index.is_file() else None,
    )


def _read_from(path: Path, offset: int) -> list[str]:
    with open(path, "rb") as handle:
        handle.seek(offset)
        return handle.read().decode("utf-8", errors="replace").splitlines()


def index_downloads_since(engine: EngineConfig, start: RegistryMark) -> tuple[int | None, int | None]:
    """(wheels, bytes) the package index served since `start`; None when bench's index keeps no log here."""
    if start.index_offset is None:
        return None, None
    lines = _read_from(index_log_path(engine), start.index_offset)
    return wheel_downloads(lines), served_file_bytes(
        lines, Path(engine.state_dir) / "package-index" / "files"
    )


def since(engine: EngineConfig, start: RegistryMark) -> tuple[int | None, int | None]:
    """(bytes pulled, bytes pushed) since `start`; None where the registry keeps no record bench can read."""
    pulled = pushed = None
    if start.log_offset is not None:
        pulled = pulled_bytes(_read_from(log_path(engine), start.log_offset))
    now = blob_bytes(engine.registry_dir)
    if start.blob_bytes is not None and now is not None:
        pushed = max(0, now - start.blob_bytes)
    return pulled, pushed
