"""A scenario is a directory with a Dockerfile; its optional bench.yaml says what a source change edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from omegaconf import OmegaConf

from bench.config import PROJECT_ROOT, ScenarioConfig


class ScenarioError(ValueError):
    """The scenario cannot be built as configured; the message says what to fix."""


@dataclass(frozen=True)
class Scenario:
    name: str
    directory: Path
    dockerfile: str
    build_args: dict[str, str] = field(default_factory=dict)
    target: str | None = None
    source_change: str | None = None
    description: str = ""
    arch_probe: tuple[str, ...] = ()  # argv run in the built image to ask what machine it was built for
    deps_manifest: str | None = None  # the file a `deps` change edits (e.g. requirements.txt)
    mounts_dockerfile: str | None = None  # the same build with `RUN --mount=type=cache` (cache `mounts`)
    network: str | None = None  # the --network its builds need, when not the run's (host: a local index)


def _resolve_dir(path: str) -> Path:
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        candidate = PROJECT_ROOT / candidate
    return candidate.resolve()


def load_scenario(config: ScenarioConfig) -> Scenario:
    """Check the directory and merge its bench.yaml under the config (the config wins)."""
    directory = _resolve_dir(config.path)
    if not directory.is_dir():
        raise ScenarioError(
            f"scenario.path {config.path} is not a directory; give a directory with a Dockerfile"
        )
    if not (directory / config.dockerfile).is_file():
        raise ScenarioError(
            f"{directory} has no {config.dockerfile}; give a directory with a Dockerfile "
            "or set scenario.dockerfile=NAME"
        )
    extra: dict = {}
    if (directory / "bench.yaml").is_file():
        extra = OmegaConf.to_container(OmegaConf.load(directory / "bench.yaml")) or {}
    return Scenario(
        name=config.name or directory.name,
        directory=directory,
        dockerfile=config.dockerfile,
        build_args=dict(config.build_args),
        target=config.target or extra.get("target"),
        source_change=config.source_change or extra.get("source_change"),
        description=str(extra.get("description", "")),
        arch_probe=tuple(str(word) for word in extra.get("arch_probe") or ()),
        deps_manifest=config.deps_manifest or extra.get("deps_manifest"),
        mounts_dockerfile=config.mounts_dockerfile or extra.get("mounts_dockerfile"),
        network=config.network or extra.get("network"),
    )
