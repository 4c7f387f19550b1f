"""A scenario is a directory with a Dockerfile; its optional bench.yaml says what a source change edits."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bench.composition import DATA_ROOT
from bench.config import ScenarioConfig
from bench.errors import BenchError
from bench.safe.contained import escapes, escaping_links, links_named


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


#: The --network under which a build's RUN steps share the host's: they reach every service on its
#: loopback (the registry, which has delete enabled; the engine's sockets), so a run says it and records it.
HOST_NETWORK = "host"


def build_network(scenario: Scenario, run_network: str | None) -> str | None:
    """The --network of the scenario's builds: its own (bench.yaml, scenario.network), else the run's."""
    return scenario.network or run_network


def host_network_line(scenario: Scenario, run_network: str | None) -> str | None:
    """The line that starts a run whose builds share the host's network, or None when they do not."""
    if build_network(scenario, run_network) != HOST_NETWORK:
        return None
    why = "its bench.yaml says network: host" if scenario.network == HOST_NETWORK else "network=host"
    return (
        f"scenario {scenario.name} builds with the host's network ({why}): its RUN steps reach every "
        "service on this machine's loopback, the registry and the engine's sockets included"
    )


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
#: The settings that name a file of the scenario (config or bench.yaml): each is kept inside it.
PATH_KEYS = ("source_change", "deps_manifest", "mounts_dockerfile", "goss")
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


def _inside(directory: Path, key: str, value: str | None) -> str | None:
    """`value` when it names a path inside the scenario directory (resolved, links followed); a path that
    leaves it (absolute, `..`, a link out) is a ScenarioError naming the key: bench, as root, would read or
    write it (bench/safe/contained.py)."""
    if value is None:
        return None
    resolved = escapes(directory, value)
    if resolved is not None:
        raise ScenarioError(
            f"{key} {value!r} resolves to {resolved}, outside the scenario directory {directory}",
            "name a file inside the scenario directory, relative to it",
        )
    return value


def _named(directory: Path, key: str, given: str | None, extra: dict) -> str | None:
    """A path setting: the config's (`scenario.KEY`), else the bench.yaml's (`<bench.yaml>: KEY`), kept
    inside the scenario directory."""
    if given:
        return _inside(directory, f"scenario.{key}", given)
    return _inside(directory, f"{directory / 'bench.yaml'}: {key}", extra.get(key))


def _no_links_out(root: Path, what: str) -> None:
    """Refuse a tree holding a link to outside it: its copy (bench/scenario/changes.py) would hold the same
    link, and a write or a build through it reaches the host. Checked before the first build, by name."""
    links = escaping_links(root)
    if links:
        raise ScenarioError(
            f"{what} holds {len(links)} symbolic link(s) pointing outside it ({links_named(links)}); "
            "bench copies a scenario with its links and refuses to build through one",
            "replace each link with the file it points to, or remove it from the scenario",
        )


def _failing_test(directory: Path, value: object) -> tuple[str, str] | None:
    if not value:
        return None
    if not isinstance(value, dict) or not value.get("file") or not value.get("append"):
        raise ScenarioError("bench.yaml failing_test needs `file` and `append` (a line that fails the test)")
    key = f"{directory / 'bench.yaml'}: failing_test.file"
    return str(_inside(directory, key, str(value["file"]))), str(value["append"])


def _variants(directory: Path, config: ScenarioConfig, extra: dict) -> dict[str, str]:
    """The config's variants, else the bench.yaml's; each must name a Dockerfile of the scenario."""
    given = dict(config.variants)
    variants = {str(k): str(v) for k, v in (given or extra.get("variants") or {}).items()}
    where = "scenario.variants" if given else f"{directory / 'bench.yaml'}: variants"
    for name, dockerfile in variants.items():
        _inside(directory, f"{where}.{name}", dockerfile)
        if not _is_file(directory / dockerfile):
            raise ScenarioError(
                f"variant {name!r}: {directory} has no {dockerfile}; fix the scenario's variants"
            )
    return variants


def _shared_outside(directory: Path, source: Path) -> bool:
    """Whether a shared source (resolved) lies outside what a scenario may share: the scenario's own
    directory, or a directory next to it (in the directory holding the scenarios), never through a hidden
    (dot) directory such as a home's .ssh or .gnupg, and never that whole holding directory."""
    if source.is_relative_to(directory):
        return False
    parent = directory.parent
    if source == parent or not source.is_relative_to(parent):
        return True
    return any(part.startswith(".") for part in source.relative_to(parent).parts)


def _shared_sources(directory: Path, extra: dict) -> dict[str, Path]:
    """bench.yaml's `shared_sources`: a name in the build context -> a directory (relative to the scenario's).

    One source that two scenarios build stays one source: copy_scenario (bench/scenario/changes.py) copies
    each into the scenario's private build context, where its Dockerfile COPYs it as if it lived there. Only a
    directory next to the scenario's may be shared (`../multistage/crc`), never any other of the host's
    (`../../root/.ssh` would be copied into the build context, and from there into an image)."""
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
        source = (directory / relative).resolve()
        if _shared_outside(directory.resolve(), source):
            raise ScenarioError(
                f"{where}: shared_sources {name}: {relative!r} resolves to {source}, outside "
                f"{directory.resolve().parent} (which holds the scenario and the sources it may share)",
                "share a directory next to the scenario's, not a hidden one",
            )
        _no_links_out(source, f"{where}: shared_sources {name} ({source})")
        found[name] = source
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
    _inside(directory, "scenario.dockerfile", config.dockerfile)
    if not _is_file(directory / config.dockerfile):
        raise ScenarioError(
            f"{directory} has no {config.dockerfile}; give a directory with a Dockerfile "
            "or set scenario.dockerfile=NAME"
        )
    extra = read_bench_yaml(directory / "bench.yaml") if _is_file(directory / "bench.yaml") else {}
    paths = {key: _named(directory, key, getattr(config, key, None), extra) for key in PATH_KEYS}
    failing_test = _failing_test(directory, extra.get("failing_test"))
    variants = _variants(directory, config, extra)
    shared = _shared_sources(directory, extra)
    _no_links_out(directory, f"the scenario directory {directory}")
    return Scenario(
        name=config.name or directory.name,
        directory=directory,
        dockerfile=config.dockerfile,
        build_args=dict(config.build_args),
        target=config.target or extra.get("target"),
        source_change=paths["source_change"],
        description=str(extra.get("description", "")),
        arch_probe=tuple(str(word) for word in extra.get("arch_probe") or ()),
        deps_manifest=paths["deps_manifest"],
        mounts_dockerfile=paths["mounts_dockerfile"],
        network=config.network or extra.get("network"),
        goss_spec=directory / paths["goss"] if paths["goss"] else None,
        kind=str(extra.get("kind", "dockerfile")),
        failing_test=failing_test,
        variants=variants,
        secret=dict(extra["secret"]) if extra.get("secret") else None,
        shared_sources=shared,
    )
