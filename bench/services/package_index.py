"""A Python package index on 127.0.0.1, served by the harness from wheels downloaded at set-up.

Scenarios whose expensive step installs dependencies (scenarios/pydeps) stay offline: `bench engine up`
downloads the wheels their requirements name once (pip, from PyPI), lays them out as a PEP 503 "simple"
index under the engine's state dir, and serves it on `engine.package_index` (bench/services/index_server.py:
a static file server with PyPI's caching headers).
The dependency step of a build is then real HTTP traffic to this machine only.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from bench.composition import SCENARIOS_DIR
from bench.config import EngineConfig
from bench.errors import EngineError
from bench.services import service

#: Requirements whose wheels the index serves (every shipped scenario that installs Python packages).
REQUIREMENTS = (SCENARIOS_DIR / "pydeps" / "requirements.txt",)
#: The wheels must install on the base image's Python (Debian bookworm: CPython 3.11, x86_64).
PIP_TARGET = ("--python-version", "3.11", "--implementation", "cp", "--abi", "cp311")
PIP_PLATFORMS = ("manylinux2014_x86_64", "manylinux_2_17_x86_64", "manylinux_2_28_x86_64", "any")


def index_root(engine: EngineConfig) -> Path:
    return Path(engine.state_dir) / "package-index"


def normalize(name: str) -> str:
    """PEP 503 project name normalisation."""
    return re.sub(r"[-_.]+", "-", name).lower()


def wheel_project(filename: str) -> str:
    """The normalised project of a wheel file (`charset_normalizer-3.3.2-...whl` -> charset-normalizer)."""
    return normalize(filename.split("-", 1)[0])


def write_simple_index(root: Path) -> int:
    """(Re)write root/simple/<project>/index.html for every wheel in root/files; returns the project count."""
    files = sorted(p.name for p in (root / "files").glob("*.whl"))
    projects: dict[str, list[str]] = {}
    for name in files:
        projects.setdefault(wheel_project(name), []).append(name)
    simple = root / "simple"
    simple.mkdir(parents=True, exist_ok=True)
    links = "".join(f'<a href="{p}/">{p}</a>\n' for p in sorted(projects))
    (simple / "index.html").write_text(f"<!DOCTYPE html>\n<html><body>\n{links}</body></html>\n")
    for project, wheels in projects.items():
        (simple / project).mkdir(exist_ok=True)
        anchors = "".join(f'<a href="../../files/{html.escape(w)}">{html.escape(w)}</a>\n' for w in wheels)
        (simple / project / "index.html").write_text(
            f"<!DOCTYPE html>\n<html><body>\n{anchors}</body></html>\n"
        )
    return len(projects)


def download(engine: EngineConfig, say: Callable[[str], object] = print) -> bool:
    """Download the wheels of REQUIREMENTS that are missing; returns True when pip ran."""
    root = index_root(engine)
    stamp = root / "requirements.stamp"
    wanted = "".join(r.read_text() for r in REQUIREMENTS if r.is_file())
    if stamp.is_file() and stamp.read_text() == wanted:
        return False
    (root / "files").mkdir(parents=True, exist_ok=True)
    say("downloading wheels for the package index (pip download, once)")
    platforms = [word for p in PIP_PLATFORMS for word in ("--platform", p)]
    for requirements in REQUIREMENTS:
        result = subprocess.run(
            [sys.executable, "-m", "pip", "download", "--quiet", "--disable-pip-version-check",
             "--only-binary=:all:", *PIP_TARGET, *platforms,
             "--dest", str(root / "files"), "-r", str(requirements)],
            capture_output=True, text=True, check=False,
        )  # fmt: skip
        if result.returncode != 0:
            last = (result.stderr.strip().splitlines() or ["pip failed"])[-1]
            raise EngineError(
                f"could not download the wheels of {requirements}: {last}", fix="check PyPI access"
            )
    write_simple_index(root)
    stamp.write_text(wanted)
    return True


def reachable(engine: EngineConfig, timeout_s: float = 2.0) -> bool:
    return service.answers_http(f"http://{engine.package_index}/simple/", timeout_s)


def start(engine: EngineConfig, timeout_s: float = 10.0) -> bool:
    """Serve the index unless something already answers there; returns True when started now."""
    if reachable(engine):
        return False
    host, _, port = engine.package_index.rpartition(":")
    argv = [sys.executable, "-m", "bench.services.index_server", port, host, str(index_root(engine))]
    what = f"the package index on {engine.package_index}"
    service.start("package-index", argv, engine.run_dir, lambda: reachable(engine), what, timeout_s)
    return True


def stop(engine: EngineConfig) -> bool:
    return service.stop("package-index", engine.run_dir)
