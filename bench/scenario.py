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
    goss_spec: Path | None = None  # a goss.yaml checked against every image built (bench/audit/goss.py)
    failing_test: tuple[str, str] | None = None  # (file, line appended to it) for change=test
    kind: str = "dockerfile"  # or `compose`: built with `docker compose build` (bench/builders/compose.py)
    variants: dict[str, str] = field(default_factory=dict)  # name -> Dockerfile: a cell dimension
    secret: dict | None = None  # a token made per run for the builds (bench/secrets/: scenarios/secrets)


def _resolve_dir(path: str) -> Path:
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        candidate = PROJECT_ROOT / candidate
    return candidate.resolve()


def _failing_test(value: object) -> tuple[str, str] | None:
    if not value:
        return None
    if not isinstance(value, dict) or not value.get("file") or not value.get("append"):
        raise ScenarioError("bench.yaml failing_test needs `file` and `append` (a line that fails the test)")
    return str(value["file"]), str(value["append"])


def _variants(directory: Path, config: ScenarioConfig, extra: dict) -> dict[str, str]:
    """The config's variants, else the bench.yaml's; each must name a Dockerfile of the scenario."""
    variants = {str(k): str(v) for k, v in (dict(config.variants) or extra.get("variants") or {}).items()}
    for name, dockerfile in variants.items():
        if not (directory / dockerfile).is_file():
            raise ScenarioError(
                f"variant {name!r}: {directory} has no {dockerfile}; fix the scenario's variants"
            )
    return variants


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
        goss_spec=directory / extra["goss"] if extra.get("goss") else None,
        kind=str(extra.get("kind", "dockerfile")),
        failing_test=_failing_test(extra.get("failing_test")),
        variants=_variants(directory, config, extra),
        secret=dict(extra["secret"]) if extra.get("secret") else None,
    )
