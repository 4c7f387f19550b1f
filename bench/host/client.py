"""The docker client side of the harness, without touching the user's files.

Every docker call bench makes (python-on-whales, subprocesses) runs with a bench-owned DOCKER_CONFIG whose
config.json names the plugin directory that holds buildx and compose (`cliPluginsExtraDirs`), and with the
prefix's binaries first on PATH. The user's ~/.docker (contexts, credentials) is never edited; bench's
contexts live in its own config. `bench engine env` prints the same settings for a shell. SLURM's clients
get the bench cluster's settings on top (bench/cluster/environment.py, `bench cluster env`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from bench.host.layout import DOCKER_CONFIG, PREFIX, PREFIX_BIN_DIRS
from bench.safe import atomic_file


def write_config(plugin_dir: Path, config_dir: Path = DOCKER_CONFIG) -> Path:
    """config.json naming `plugin_dir`; keeps what else is there (contexts live in their own folder)."""
    config_dir.mkdir(parents=True, exist_ok=True)
    config_dir.chmod(0o700)
    path = config_dir / "config.json"
    try:
        config = json.loads(path.read_text())
    except (FileNotFoundError, ValueError):
        config = {}
    config["cliPluginsExtraDirs"] = [str(plugin_dir)]
    atomic_file.write(path, json.dumps(config, indent=2) + "\n")  # unique temporary name (issue 21, item 2)
    return path


def path_first(path: str, *directories: Path) -> str:
    """PATH with `directories` first, each once."""
    dirs = [str(d) for d in directories]
    rest = [p for p in path.split(os.pathsep) if p and p not in dirs]
    return os.pathsep.join([*dirs, *rest])


def path_with_prefix(path: str, prefix: Path = PREFIX) -> str:
    """PATH with the prefix's bin directories first (once), when the prefix is there."""
    if not (prefix / ".complete").exists():
        return path
    return path_first(path, *PREFIX_BIN_DIRS)


def environment(base: dict[str, str] | None = None) -> dict[str, str]:
    """`base` (default: this process's) with bench's DOCKER_CONFIG and the prefix first on PATH. The bench
    cluster's SLURM settings are added above this layer (bench/cluster/environment.py, client_environment)."""
    env = dict(os.environ if base is None else base)
    env["DOCKER_CONFIG"] = str(DOCKER_CONFIG)
    env["PATH"] = path_with_prefix(env.get("PATH", os.defpath))
    return env


def activate() -> None:
    """Point this process (and every docker subprocess it starts) at bench's docker client settings."""
    os.environ.update(
        {key: value for key, value in environment().items() if key in ("DOCKER_CONFIG", "PATH")}
    )


def exports(context: str) -> str:
    """Shell lines that let a person use bench's engine: `eval "$(bench engine env)"`."""
    lines = [f"export DOCKER_CONFIG={DOCKER_CONFIG}"]
    if (PREFIX / ".complete").exists():
        lines.append(f"export PATH={':'.join(str(d) for d in PREFIX_BIN_DIRS)}:$PATH")
    lines += [f"export DOCKER_CONTEXT={context}", '# use: eval "$(bench engine env)"']
    return "\n".join(lines) + "\n"
