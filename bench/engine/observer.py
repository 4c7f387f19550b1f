"""What the harness measures around a build, outside its timed span: registry traffic, cache and image size.

None of it is inside a timed span; every figure is None when the engine or registry does not expose it.
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path
from typing import TYPE_CHECKING

from bench.config import EngineConfig
from bench.network import traffic
from bench.network.traffic import RegistryMark

if TYPE_CHECKING:
    from python_on_whales import DockerClient


def directory_bytes(path: str | Path) -> int | None:
    """Bytes of every file under `path` (a local cache directory), or None when it does not exist."""
    if not Path(path).is_dir():
        return None
    return sum(
        os.path.getsize(os.path.join(folder, name))
        for folder, _dirs, files in os.walk(path)
        for name in files
        if not os.path.islink(os.path.join(folder, name))
    )


class EngineObserver:
    """Registry bytes (access log, blob store), build-cache size, image size and layer count."""

    def __init__(self, docker: DockerClient, engine: EngineConfig) -> None:
        self._docker = docker
        self._engine = engine

    def registry_mark(self) -> RegistryMark:
        return traffic.mark(self._engine)

    def registry_since(self, start: RegistryMark) -> tuple[int | None, int | None]:
        return traffic.since(self._engine, start)

    def index_downloads_since(self, start: RegistryMark) -> tuple[int | None, int | None]:
        return traffic.index_downloads_since(self._engine, start)

    def build_cache_bytes(self) -> int | None:
        """What `docker buildx du` / `system df` reports for the build cache."""
        from python_on_whales.exceptions import DockerException

        with contextlib.suppress(DockerException):
            return self._docker.system.disk_free().build_cache.size
        return None

    def image_facts(self, image_id: str | None) -> tuple[int | None, int | None]:
        """(size in bytes, layer count) of the built image; (None, None) when it is not in the store."""
        from python_on_whales.exceptions import DockerException

        if not image_id:
            return None, None
        try:
            image = self._docker.image.inspect(image_id)
        except DockerException:
            return None, None
        layers = image.root_fs.layers if image.root_fs is not None else None
        return image.size, None if layers is None else len(layers)
