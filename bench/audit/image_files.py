"""The files and config of an image, read from `docker save`: its layers applied in order, whiteouts honoured.

Each file is recorded with what makes two images equivalent for a user (type, mode, owner, size, sha256
of the content, link target) and, apart, its mtime (which differs between any two builds). The config
is the image's config blob and `docker image inspect` output, both kept whole for a field-by-field diff.
"""

from __future__ import annotations

import hashlib
import json
import tarfile
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import IO, TYPE_CHECKING, Any

if TYPE_CHECKING:
    from python_on_whales import DockerClient

WHITEOUT = ".wh."
OPAQUE = ".wh..wh..opq"
_TYPES = {
    tarfile.REGTYPE: "file",
    tarfile.AREGTYPE: "file",
    tarfile.DIRTYPE: "dir",
    tarfile.SYMTYPE: "symlink",
    tarfile.CHRTYPE: "char",
    tarfile.BLKTYPE: "block",
    tarfile.FIFOTYPE: "fifo",
}


@dataclass(frozen=True)
class FileEntry:
    """One path of the image's final filesystem. Hard links are recorded as the file they point to."""

    type: str
    mode: str
    uid: int
    gid: int
    size: int
    sha256: str | None = None
    link: str | None = None
    mtime: int = 0


@dataclass
class ImageFiles:
    """The final filesystem of an image and its configuration, as `docker save` gives them."""

    files: dict[str, FileEntry] = field(default_factory=dict)
    config: dict[str, Any] = field(default_factory=dict)  # the image config blob (OCI/Docker)
    inspect: dict[str, Any] = field(default_factory=dict)  # `docker image inspect`
    layers: int = 0

    def to_json(self) -> dict[str, Any]:
        return {
            "files": {path: asdict(entry) for path, entry in sorted(self.files.items())},
            "config": self.config,
            "inspect": self.inspect,
            "layers": self.layers,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ImageFiles:
        files = {path: FileEntry(**entry) for path, entry in data.get("files", {}).items()}
        return cls(files, data.get("config", {}), data.get("inspect", {}), int(data.get("layers", 0)))


def _clean(name: str) -> str:
    path = str(PurePosixPath("/") / name.lstrip("./"))
    return path.rstrip("/") or "/"


def _remove_tree(files: dict[str, FileEntry], path: str, keep_self: bool = False) -> None:
    prefix = path.rstrip("/") + "/"
    for known in [p for p in files if p.startswith(prefix) or (p == path and not keep_self)]:
        del files[known]


def _digest(stream: IO[bytes] | None) -> str:
    sha = hashlib.sha256()
    if stream is not None:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            sha.update(chunk)
    return sha.hexdigest()


def apply_layer(files: dict[str, FileEntry], layer: tarfile.TarFile) -> None:
    """Apply one layer tar onto `files`: whiteouts delete, an opaque marker empties its directory."""
    members = layer.getmembers()
    links: list[tuple[str, str]] = []
    for member in members:  # opaque markers first: they hide the lower layers, not this one's entries
        parent, _, base = member.name.rpartition("/")
        if base == OPAQUE:
            _remove_tree(files, _clean(parent), keep_self=True)
    for member in members:
        parent, _, base = member.name.rpartition("/")
        if base == OPAQUE:
            continue
        if base.startswith(WHITEOUT):
            _remove_tree(files, _clean(f"{parent}/{base[len(WHITEOUT) :]}"))
            continue
        path = _clean(member.name)
        if member.islnk():
            links.append((path, _clean(member.linkname)))  # its target may come later in the layer
            continue
        kind = _TYPES.get(member.type, "other")
        if kind != "dir" and path in files and files[path].type == "dir":
            _remove_tree(files, path)
        files[path] = FileEntry(
            type=kind,
            mode=f"{member.mode & 0o7777:04o}",
            uid=member.uid,
            gid=member.gid,
            size=member.size if kind == "file" else 0,
            sha256=_digest(layer.extractfile(member)) if kind == "file" else None,
            link=member.linkname if kind == "symlink" else None,
            mtime=int(member.mtime),
        )
    for path, target in links:  # a hard link is the same file as its target (this layer's or a lower one's)
        if target in files:
            files[path] = files[target]


def read_saved(archive: Path) -> ImageFiles:
    """Read a `docker save` archive of one image (manifest.json, as both image stores write it)."""
    image = ImageFiles()
    with tarfile.open(archive) as outer:
        manifest = json.load(outer.extractfile("manifest.json"))[0]  # type: ignore[arg-type]
        image.config = json.load(outer.extractfile(manifest["Config"]))  # type: ignore[arg-type]
        for name in manifest["Layers"]:
            stream = outer.extractfile(name)
            with tarfile.open(fileobj=stream, mode="r:*") as layer:  # plain or gzip-compressed
                apply_layer(image.files, layer)
            image.layers += 1
    return image


def read_image(docker: DockerClient, image: str) -> ImageFiles:
    """`docker save` the image into a temporary file and read it; the inspect output is kept too."""
    with tempfile.TemporaryDirectory(prefix="bench-save-") as scratch:
        archive = Path(scratch) / "image.tar"
        docker.image.save(image, output=archive)
        found = read_saved(archive)
    found.inspect = raw_inspect(docker, image)
    return found


def raw_inspect(docker: DockerClient, image: str) -> dict[str, Any]:
    """`docker image inspect` exactly as the CLI prints it (python-on-whales' model drops unknown fields)."""
    from python_on_whales.utils import run

    cmd = docker.client_config.docker_cmd
    cmd.extend(["image", "inspect", image])
    return json.loads(run(cmd))[0]
