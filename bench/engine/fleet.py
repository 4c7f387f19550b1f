"""Several engines: each a docker context plus what bench may do to it (conf/engine/NAME.yaml).

Three kinds, all reached through a docker context, as the CLI would:
- daemons bench starts on this machine (`bench engine up engine=NAME`): the default `dedicated`, the
  classic-store `overlay2`, and `ssh-local`, the same kind of daemon reached over SSH (bench/engine/
  ssh_server.py). Extra daemons reuse the registry, base images and package index of the default engine.
- engines bench only uses (`bench engine add NAME --host ssh://user@host | tcp://host:2376 ...`): shared
  by default (only a run's own images are removed, never a prune), owned (prunable through the Docker API)
  only when a person says `--owned` and the engine is empty then (bench/engine/adoption.py records its
  ID, and checks before every wipe that it holds nothing but bench's).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse

from python_on_whales import DockerClient
from python_on_whales.exceptions import DockerException

from bench.composition import CONF_DIR, user_conf_dir
from bench.config import EngineConfig
from bench.errors import EngineError, docker_said

#: docker's own rule for context names, lower-cased so a config file name is the engine's name
ENGINE_NAME = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,62}$")
SCHEMES = ("ssh", "tcp", "unix")


def docker_endpoint(engine: EngineConfig) -> str:
    """Where the engine's context points: its `host`, or the dedicated daemon's unix socket."""
    return engine.host or f"unix://{engine.socket}"


def over_ssh(endpoint: str | None) -> bool:
    return bool(endpoint) and str(endpoint).startswith("ssh://")


@dataclass(frozen=True)
class Tls:
    """Client certificate files for a tcp:// engine (docker context's ca, cert, key)."""

    ca: Path
    cert: Path
    key: Path


def check_host(host: str, tls: Tls | None) -> None:
    """Refuse an endpoint the docker CLI could not use, or a tcp one without TLS, with what to give."""
    parsed = urlparse(host)
    if parsed.scheme not in SCHEMES:
        raise EngineError(
            f"--host {host!r} is not ssh://USER@HOST, tcp://HOST:PORT or unix:///PATH",
            fix="e.g. --host ssh://builder@build1.example.org",
        )
    if parsed.scheme in ("ssh", "tcp") and not parsed.hostname:
        raise EngineError(f"--host {host!r} names no host", fix="e.g. --host ssh://builder@build1")
    if parsed.scheme == "tcp" and tls is None:
        raise EngineError(
            f"--host {host!r} is tcp without TLS: anyone reaching that port would be root on its host",
            fix="give --tls-ca CA.pem --tls-cert CERT.pem --tls-key KEY.pem",
        )
    for path in (tls.ca, tls.cert, tls.key) if tls else ():
        if not Path(path).is_file():
            raise EngineError(f"TLS file {path} does not exist", fix="give the client's ca, cert and key")


def engine_yaml(name: str, host: str, owned: bool) -> str:
    """conf/engine/NAME.yaml for an engine bench uses but did not start."""
    what = (
        "owned: bench may prune it (containers, volumes, images, build cache) through the Docker API"
        if owned
        else "shared: bench removes only the images it tagged itself and never prunes"
    )
    return (
        f"# Added by `bench engine add {name} --host {host}{' --owned' if owned else ''}`; {what}.\n"
        f"# Measure on it: bench run engine={name} ...   probe it: bench doctor engine={name}\n"
        f"name: {name}\ncontext: {name}\nhost: {host}\nowned: {str(owned).lower()}\nstarted_by_bench: false\n"
        "provisions_services: false\n"
        f"run_dir: /run/bench/{name}\n"
        f"state_dir: /var/lib/bench/{name}\n"
        f"socket: ''  # not a daemon bench starts: the context's host is the endpoint\n"
    )


def client_for(host: str, tls: Tls | None) -> DockerClient:
    """A client for HOST itself, before any context exists (nothing is created to look at an engine)."""
    if tls is None:
        return DockerClient(host=host)
    return DockerClient(host=host, tlsverify=True, tlscacert=tls.ca, tlscert=tls.cert, tlskey=tls.key)


def adopt_empty(name: str, host: str, docker: DockerClient) -> str:
    """Adopt as owned only an engine that holds nothing (no container, volume, image or build cache but
    bench's): its next cold reset would delete it all (bench/engine/adoption.py records its ID). An engine
    that cannot be looked at is refused too. Returns its engine ID."""
    from bench.engine import adoption

    try:
        return adoption.adopt(name, host, docker, EngineConfig().registry)
    except DockerException as error:
        raise EngineError(
            f"cannot list what {host} holds ({_last_line(error)}), so it will not be adopted as owned",
            fix=f"check `docker -H {host} ps`, or leave out --owned (shared: never pruned)",
        ) from None


def _context_host(docker: DockerClient, name: str) -> str | None:
    for context in docker.context.list():
        if context.name == name:
            return context.endpoints["docker"].host
    return None


def add_engine(
    name: str,
    host: str,
    *,
    owned: bool = False,
    tls: Tls | None = None,
    conf_dir: Path | None = None,
    force: bool = False,
    inspect: Callable[[str, Tls | None], DockerClient] = client_for,
) -> Path:
    """Create the docker context NAME for HOST and write engine/NAME.yaml under `conf_dir` (default the user's
    config directory, on Hydra's search path: bench/composition.py user_conf_dir); returns the file.

    Shared unless `owned`; an engine is owned only when it is empty now (adopted, with its engine ID:
    bench/engine/adoption.py), whatever `force` says. An existing context or config of that name that says
    something else is left alone unless `force`: bench does not replace what it did not create.
    """
    if not ENGINE_NAME.match(name):
        raise EngineError(
            f"engine name {name!r}: use lower-case letters, digits, '.', '_' or '-'", fix="e.g. build1"
        )
    if (CONF_DIR / "engine" / f"{name}.yaml").exists():
        raise EngineError(
            f"engine {name!r} is one bench ships (conf/engine/{name}.yaml)", fix="choose another name"
        )
    check_host(host, tls)
    target = Path(conf_dir or user_conf_dir() / "engine") / f"{name}.yaml"
    wanted = engine_yaml(name, host, owned)
    if target.exists() and target.read_text() != wanted and not force:
        raise EngineError(f"{target} already exists and says otherwise", fix="add --force to replace it")
    if owned:
        adopt_empty(name, host, inspect(host, tls))
    docker = DockerClient()
    existing = _context_host(docker, name)
    if existing is not None and (existing != host or tls is not None):
        if not force:
            raise EngineError(
                f"docker context {name!r} already exists (host {existing})", fix="add --force to replace it"
            )
        docker.context.remove(name, force=True)
        existing = None
    if existing is None:
        endpoint: dict[str, object] = {"host": host}
        if tls is not None:
            endpoint.update(certificate_authority=tls.ca, certificate=tls.cert, key=tls.key)
        try:
            docker.context.create(name, docker=endpoint, description=f"bench engine {name} ({host})")
        except DockerException as error:
            raise EngineError(f"docker context create {name} failed: {_last_line(error)}") from None
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(wanted)
    return target


def _last_line(error: DockerException) -> str:
    return docker_said(error, limit=200) or type(error).__name__


_SSH_FAILURE = re.compile(
    r"command \[ssh (?P<argv>[^\]]*)\] has exited with exit status \d+.*?stderr=(?P<why>.*)$", re.S
)


def connection_error(text: str) -> str | None:
    """One line for a context that cannot be reached over SSH (bad key, unknown host key, no route),
    from the docker CLI's long error; None when `text` is not such an error."""
    match = _SSH_FAILURE.search(text)
    if match is None:
        return None
    why = " ".join(line.strip() for line in match.group("why").splitlines() if line.strip())
    host = (match.group("argv").split(" -- ", 1)[-1].split() or ["?"])[0]
    return f"ssh to {host} failed: {why or 'no reason given'}"


def unreachable_fix(engine: EngineConfig, ssh_failed: bool = False) -> str:
    """What to try when the engine's context does not answer."""
    if engine.started_by_bench:
        return f"bench engine up engine={engine.name}"
    if ssh_failed or over_ssh(engine.host):
        return (
            f"check the key and host key: `docker --context {engine.context} info` runs ssh non-interactively"
        )
    return f"check `docker --context {engine.context} info`"


def context_endpoint(engine: EngineConfig) -> str:
    """The endpoint the engine's docker context really points at (what a run records), else the config's."""
    try:
        return str(DockerClient().context.inspect(engine.context).endpoints["docker"].host)
    except (DockerException, KeyError, AttributeError):
        return docker_endpoint(engine)
