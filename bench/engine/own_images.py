"""Which images and registry refs are one run's own: named with the run, and matched exactly.

A run tags every image `<tag_prefix>/<run>/<scenario>:<builder>-<seq>` (a compose project's images are
`<tag_prefix>-<run>-<scenario>-...`, from the project name bench gives it) and names its cache refs
`bench-cache/<engine>/<run>/<scenario>:...`. Removing "bench's images" is then removing this run's, by its
full repository path: a prefix match on `bench-run` took the user's `bench-runner/app`, an empty prefix
took every tagged image, and two runs on one shared engine (two hosts, or concurrent_runs) took each
other's. `tag_prefix` is one repository path component (docker's grammar), so that `<prefix>/` can be
nothing but bench's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from python_on_whales import DockerClient

CACHE_REPOSITORY = "bench-cache"


def component(text: str) -> str:
    """`text` as a valid repository component (a run id's `T` lower-cased, other characters as '-')."""
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-") or "x"


def repository_of(tag: str) -> str:
    """`host:port/a/b:tag` -> `host:port/a/b` (a port's colon is not a tag's)."""
    head, sep, tail = tag.rpartition(":")
    return head if sep and "/" not in tail else tag


def _compose_project(tag: str) -> str:
    from bench.builders.compose import project_name

    return project_name(tag)


@dataclass(frozen=True)
class RunImages:
    """The images of run `run_id` under `prefix`."""

    prefix: str
    run_id: str

    @property
    def repository(self) -> str:
        return f"{self.prefix}/{component(self.run_id)}"

    def tag(self, scenario: str, builder: str, seq: int) -> str:
        return f"{self.repository}/{component(scenario)}:{builder}-{seq}"

    def owns(self, tag: str) -> bool:
        """`tag` (with or without the registry's address) is one of this run's images."""
        repository = repository_of(tag)
        local = repository.split("/", 1)[1] if _has_host(repository) else repository
        compose = _compose_project(self.repository)  # the project's images are <project>-<service>
        return local.startswith(f"{self.repository}/") or local.startswith(f"{compose}-")

    def remove(self, docker: DockerClient) -> list[str]:
        """Remove this run's tags from the engine; returns them. Images of anyone else stay."""
        ours = [tag for image in docker.image.list() for tag in image.repo_tags if self.owns(tag)]
        if ours:
            docker.image.remove(ours, force=True)
        return ours


def _has_host(repository: str) -> bool:
    """The first component names a registry (`127.0.0.1:5000/...`, `localhost/...`), as docker reads it."""
    first, sep, _ = repository.partition("/")
    return bool(sep) and (":" in first or "." in first or first == "localhost")


def cache_repository(engine: str, run_id: str, scenario: str) -> str:
    """`bench-cache/<engine>/<run>/<scenario>`: two engines or two runs never share a cache ref."""
    return f"{CACHE_REPOSITORY}/{component(engine)}/{component(run_id)}/{component(scenario)}"
