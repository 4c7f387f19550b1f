"""A scenario is a directory with a Dockerfile; its optional bench.yaml says what a source change edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.config import DATA_ROOT, ScenarioConfig
from bench.errors import BenchError


class ScenarioError(BenchError):
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
    shared_sources: dict[str, Path] = field(default_factory=dict)  # context name -> directory (see below)


def _resolve_dir(path: str) -> Path:
    candidate = Path(path).expanduser()
    if not candidate.is_absolute() and not candidate.exists():
        candidate = DATA_ROOT / candidate
    return candidate.resolve()


#: bench.yaml's keys and the YAML type of each value (null is allowed for every key: "not set").
BENCH_YAML_KEYS: dict[str, type] = {
    **dict.fromkeys(("description", "target", "source_change", "deps_manifest", "mounts_dockerfile"), str),
    **dict.fromkeys(("network", "goss", "kind"), str),
    "arch_probe": list,
    "variants": dict,
    "failing_test": dict,
    "secret": dict,
    "shared_sources": dict,
}
KINDS = ("dockerfile", "compose")
_TYPE_NAMES = {str: "a string", list: "a list", dict: "a mapping"}


def read_bench_yaml(path: Path) -> dict:
    """The settings of a scenario's bench.yaml, checked: YAML, a mapping of known keys of the right types.

    Written by the scenario's author, so anything may be in it: what is wrong is named (file, line, key),
    never a traceback from deep inside the run."""
    try:
        loaded = yaml.safe_load(path.read_bytes())
    except RecursionError:
        raise ScenarioError(f"{path} is nested too deeply to be settings") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark is not None else ""
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        raise ScenarioError(f"{path}:{where} is not valid YAML ({problem})") from None
    except OSError as error:
        raise ScenarioError(f"cannot read {path}: {error.strerror or error}") from None
    if loaded is None:
        return {}
    if not isinstance(loaded, dict):
        raise ScenarioError(f"{path} must be a mapping of settings (key: value), not {type(loaded).__name__}")
    for key, value in loaded.items():
        expected = BENCH_YAML_KEYS.get(key) if isinstance(key, str) else None
        if expected is None:
            raise ScenarioError(f"{path}: unknown setting {key!r}; known: {', '.join(BENCH_YAML_KEYS)}")
        if value is not None and not isinstance(value, expected):
            raise ScenarioError(f"{path}: {key} must be {_TYPE_NAMES[expected]}, not {type(value).__name__}")
    if loaded.get("kind") is not None and loaded["kind"] not in KINDS:
        raise ScenarioError(f"{path}: kind must be one of {', '.join(KINDS)}, not {loaded['kind']!r}")
    for key in ("variants", "secret", "shared_sources"):
        if any(not isinstance(name, str) for name in loaded.get(key) or {}):
            raise ScenarioError(f"{path}: the names under {key} must be strings")
    return loaded


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
        if not _is_file(directory / dockerfile):
            raise ScenarioError(
                f"variant {name!r}: {directory} has no {dockerfile}; fix the scenario's variants"
            )
    return variants


def _shared_sources(directory: Path, extra: dict) -> dict[str, Path]:
    """bench.yaml's `shared_sources`: a name in the build context -> a directory (relative to the scenario's).

    One source that two scenarios build stays one source: copy_scenario (bench/changes.py) copies each
    into the scenario's private build context, where its Dockerfile COPYs it as if it lived there."""
    where = directory / "bench.yaml"
    found = {}
    for name, relative in (extra.get("shared_sources") or {}).items():
        parts = Path(name).parts
        if not parts or Path(name).is_absolute() or ".." in parts:
            raise ScenarioError(f"{where}: shared_sources name {name!r} must be a relative path without ..")
        if not isinstance(relative, str) or not (directory / relative).is_dir():
            raise ScenarioError(
                f"{where}: shared_sources {name}: {relative!r} is not a directory (relative to {directory})"
            )
        if (directory / name).exists():
            raise ScenarioError(
                f"{where}: shared_sources {name}: {directory / name} exists; remove one of them"
            )
        found[name] = (directory / relative).resolve()
    return found


def shared_sources(directory: Path) -> dict[str, Path]:
    """The shared sources of the scenario directory's bench.yaml (none without one)."""
    bench_yaml = directory / "bench.yaml"
    return _shared_sources(directory, read_bench_yaml(bench_yaml) if _is_file(bench_yaml) else {})


def _is_file(path: Path) -> bool:
    """Whether `path` is a file, with a path bench may not read (or cannot name) said as a ScenarioError."""
    try:
        return path.is_file()
    except OSError as error:
        raise ScenarioError(
            f"cannot read the scenario's {path} ({error.strerror or error}); give a directory bench can read"
        ) from None


def load_scenario(config: ScenarioConfig) -> Scenario:
    """Check the directory and merge its bench.yaml under the config (the config wins)."""
    directory = _resolve_dir(config.path)
    try:
        is_directory = directory.is_dir()
    except OSError as error:
        raise ScenarioError(f"cannot read scenario.path {config.path} ({error.strerror or error})") from None
    if not is_directory:
        raise ScenarioError(
            f"scenario.path {config.path} is not a directory; give a directory with a Dockerfile"
        )
    if not _is_file(directory / config.dockerfile):
        raise ScenarioError(
            f"{directory} has no {config.dockerfile}; give a directory with a Dockerfile "
            "or set scenario.dockerfile=NAME"
        )
    extra = read_bench_yaml(directory / "bench.yaml") if _is_file(directory / "bench.yaml") else {}
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
        shared_sources=_shared_sources(directory, extra),
    )
