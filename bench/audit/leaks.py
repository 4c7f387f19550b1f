"""Where a secret value ended up: search bytes, image layers, image configs and directories for it.

A secret is looked for as its raw bytes and as the encodings a build step or a tool may have turned it
into: lowercase and uppercase hex, and standard and URL-safe base64 at each of the three byte alignments
(the base64 of a secret embedded in a larger encoded blob depends on where it starts, so the stable middle
of each alignment is searched). Findings name where (a layer digest and path, a config field, a file of
a directory) and the secret only by its fingerprint: the value itself is never printed or stored.

Pure: no engine here (bench/audit/image_leaks.py saves images and calls these).
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import os
import tarfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from bench.audit.key_material import private_key_parts
from bench.errors import BenchError

MIN_SECRET_BYTES = 8  # shorter values match by chance in any image of some size
CHUNK_BYTES = 1 << 20
UNTAGGED = "intermediate image"  # how an untagged image of an archive is named in findings


class SecretInputError(BenchError):
    """A secret that cannot be searched for (missing, empty, too short); the message says what to do."""


@dataclass(frozen=True)
class Secret:
    """One secret value and the byte strings that betray it (the value, hex, base64 at each alignment)."""

    value: bytes = field(repr=False)
    name: str = "secret"
    #: pieces of the value that betray it on their own, searched as they are (an SSH key's base64 body
    #: lines: a key re-wrapped, re-indented or with other line endings no longer holds the whole value)
    parts: tuple[bytes, ...] = field(default=(), repr=False)

    @property
    def fingerprint(self) -> str:
        """What reports show instead of the value: the first 8 hex digits of its sha256."""
        return hashlib.sha256(self.value).hexdigest()[:8]

    def needles(self) -> dict[str, bytes]:
        """encoding name -> bytes to search for."""
        found = {
            "plain": self.value,
            "hex": self.value.hex().encode(),
            "HEX": self.value.hex().upper().encode(),
        }
        for shift in range(3):
            for kind, encode in (("base64", base64.b64encode), ("base64url", base64.urlsafe_b64encode)):
                stable = _stable_base64(self.value, shift, encode)
                if len(stable) >= MIN_SECRET_BYTES and stable not in found.values():
                    found[f"{kind}@{shift}"] = stable  # URL-safe equals standard without + or /
        for number, part in enumerate(self.parts, start=1):
            if len(part) >= MIN_SECRET_BYTES and part not in found.values():
                found[f"part {number}"] = part
        return found

    def __repr__(self) -> str:
        return f"Secret(name={self.name!r}, fingerprint={self.fingerprint})"


def _stable_base64(value: bytes, shift: int, encode) -> bytes:
    """The base64 characters fixed by `value` alone when it starts `shift` bytes into a 3-byte group."""
    encoded = encode(b"\0" * shift + value)
    start = -(-8 * shift // 6)  # ceil: the characters that mix in the bytes before the secret
    end = 8 * (shift + len(value)) // 6  # floor: the characters that mix in the bytes after it
    return encoded[start:end]


def read_secret_file(path: str | Path) -> Secret:
    """The secret in a file (one trailing newline, as `echo` writes, is not part of it)."""
    file = Path(path)
    if not file.is_file():
        raise SecretInputError(f"secret file {file} does not exist; give a file holding the secret value")
    value = file.read_bytes()
    value = value[:-2] if value.endswith(b"\r\n") else value[:-1] if value.endswith(b"\n") else value
    if not value:
        raise SecretInputError(f"secret file {file} is empty; give a file holding the secret value")
    if len(value) < MIN_SECRET_BYTES:
        raise SecretInputError(
            f"secret in {file} is {len(value)} bytes; at least {MIN_SECRET_BYTES} are needed to search"
            " for it without matching by chance"
        )
    return Secret(value, file.name, private_key_parts(value))  # a key file: its body lines too


@dataclass(frozen=True)
class Finding:
    """One place a secret was found: `where` is a layer digest + path, a config field or a file."""

    fingerprint: str
    encoding: str
    where: str

    def line(self) -> str:
        return f"LEAK {self.fingerprint} ({self.encoding}) in {self.where}"


class Matcher:
    """Searches streams and bytes for the needles of several secrets at once."""

    def __init__(self, secrets: Iterable[Secret]) -> None:
        self.secrets = list(secrets)
        self._needles = [
            (s.fingerprint, enc, needle) for s in self.secrets for enc, needle in s.needles().items()
        ]
        self._overlap = max((len(n) for _, _, n in self._needles), default=1) - 1
        self.searched_bytes = 0  # file content searched so far (uncompressed), for throughput figures

    def in_bytes(self, data: bytes) -> list[tuple[str, str]]:
        """(fingerprint, encoding) of every needle found in `data`."""
        return [(fp, enc) for fp, enc, needle in self._needles if needle in data]

    def in_stream(self, stream: IO[bytes]) -> list[tuple[str, str]]:
        """The same over a stream read in chunks; a needle across a chunk boundary is still found."""
        found: dict[tuple[str, str], None] = {}
        tail = b""
        for chunk in iter(lambda: stream.read(CHUNK_BYTES), b""):
            self.searched_bytes += len(chunk)
            window = tail + chunk
            for hit in self.in_bytes(window):
                found[hit] = None
            tail = window[-self._overlap :] if self._overlap else b""
        return list(found)

    def findings(self, hits: Iterable[tuple[str, str]], where: str) -> list[Finding]:
        return [Finding(fp, enc, where) for fp, enc in hits]


def short_digest(digest: str) -> str:
    """`sha256:0123...` -> `sha256:0123456789ab` (enough to tell layers apart in a line)."""
    algorithm, _, hexdigits = digest.rpartition(":")
    return f"{algorithm or 'sha256'}:{hexdigits[:12]}"


def scan_layer(matcher: Matcher, layer: tarfile.TarFile, label: str) -> list[Finding]:
    """Every file of one layer tar (its content, name and link target), as `label path`."""
    found: list[Finding] = []
    for member in layer:
        where = f"{label} /{member.name.lstrip('./')}"
        names = f"{member.name}\0{member.linkname}".encode(errors="surrogateescape")
        found += matcher.findings(matcher.in_bytes(names), f"{where} (path)")
        if member.pax_headers:
            pax = json.dumps(member.pax_headers, sort_keys=True).encode(errors="surrogateescape")
            found += matcher.findings(matcher.in_bytes(pax), f"{where} (pax header)")
        if member.isfile():
            stream = layer.extractfile(member)
            if stream is not None:
                found += matcher.findings(matcher.in_stream(stream), where)
    return found


def _leaves(node: Any, path: str) -> Iterator[tuple[str, str]]:
    """(field path, text) of every string in a JSON document, keys included."""
    if isinstance(node, dict):
        for key, value in node.items():
            child = f"{path}.{key}" if path else str(key)
            yield f"{child} (key)", str(key)
            yield from _leaves(value, child)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from _leaves(value, f"{path}[{index}]")
    elif node is not None:
        yield path, str(node)


def scan_config(matcher: Matcher, config: dict[str, Any], label: str) -> list[Finding]:
    """Every field of an image config (env, labels, cmd, entrypoint, history created_by...)."""
    found: list[Finding] = []
    for path, text in _leaves(config, ""):
        found += matcher.findings(matcher.in_bytes(text.encode(errors="surrogateescape")), f"{label} {path}")
    return found


@dataclass
class SavedImage:
    """One image of a `docker save` archive: its name, config file and layer files inside the archive."""

    name: str
    config: str
    layers: list[str]


def saved_images(archive: tarfile.TarFile) -> list[SavedImage]:
    """The images of a `docker save` archive, from its manifest.json (both image stores write one)."""
    stream = archive.extractfile("manifest.json")
    if stream is None:
        raise ValueError("the archive has no manifest.json: not a `docker save` archive")
    images = []
    for entry in json.load(stream):
        tags = entry.get("RepoTags") or []
        name = tags[0] if tags else f"{UNTAGGED} (config {short_digest(layer_digest(entry['Config']))})"
        images.append(SavedImage(name, entry["Config"], list(entry["Layers"])))
    return images


def layer_digest(name: str) -> str:
    """`blobs/sha256/HEX` (OCI layout), `HEX/layer.tar` or `HEX.json` (docker layout) -> `sha256:HEX`."""
    parts = name.split("/")
    if len(parts) >= 3 and parts[0] == "blobs":
        return f"{parts[1]}:{parts[2]}"
    return f"sha256:{parts[0].removesuffix('.json')}"


def scan_saved(
    matcher: Matcher, archive_path: Path, label: str | None = None, seen_layers: set[str] | None = None
) -> list[Finding]:
    """Every config and layer of a `docker save` archive; a layer shared by several images is read once.

    `label` names the image of a one-image archive (else its tag, or its config digest when untagged);
    `seen_layers` (layer digests) carries over the layers already read from another archive.
    """
    found: list[Finding] = []
    seen_layers = set() if seen_layers is None else seen_layers
    with tarfile.open(archive_path) as outer:
        images = saved_images(outer)
        for image in images:
            name = label if label is not None and len(images) == 1 else image.name
            config_stream = outer.extractfile(image.config)
            config = json.load(config_stream) if config_stream is not None else {}
            found += scan_config(matcher, config, f"{name} config")
            for number, layer_name in enumerate(image.layers):
                digest = layer_digest(layer_name)
                if digest in seen_layers:
                    continue
                seen_layers.add(digest)
                stream = outer.extractfile(layer_name)
                if stream is None:
                    continue
                where = f"{name} layer {number + 1}/{len(image.layers)} {short_digest(digest)}"
                with tarfile.open(fileobj=stream, mode="r:*") as layer:  # plain or gzip-compressed
                    found += scan_layer(matcher, layer, where)
    return found


@dataclass
class DirectoryScan:
    """What a directory audit found, how many bytes it read and which files it could not read."""

    findings: list[Finding] = field(default_factory=list)
    scanned_bytes: int = 0
    unreadable: list[str] = field(default_factory=list)


def scan_files(matcher: Matcher, paths: Iterable[Path], scan: DirectoryScan | None = None) -> DirectoryScan:
    """The content of each regular file among `paths` (symlinks are not followed)."""
    scan = scan or DirectoryScan()
    for path in paths:
        if path.is_symlink() or not path.is_file():
            continue
        try:
            with path.open("rb") as stream:
                scan.findings += matcher.findings(matcher.in_stream(stream), str(path))
            scan.scanned_bytes += path.stat().st_size
        except FileNotFoundError:  # removed while walking (a log rotated, a temp file)
            continue
        except OSError as error:
            scan.unreadable.append(f"{path}: {error.strerror}")
    return scan


def scan_directory(matcher: Matcher, root: Path) -> DirectoryScan:
    """Every file under `root`, its content and its name; symlinks are not followed."""
    scan = DirectoryScan()
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in [*dirs, *files]:
            where = f"{Path(folder) / name} (name)"
            scan.findings += matcher.findings(matcher.in_bytes(os.fsencode(name)), where)
        scan_files(matcher, (Path(folder) / name for name in files), scan)
    return scan


def scan_bytes(matcher: Matcher, data: bytes, where: str) -> list[Finding]:
    return matcher.findings(matcher.in_stream(io.BytesIO(data)), where)
