"""bench installed from its wheel's files, run from another directory: the configs and scenarios are in
the package, and results/ goes under the directory bench runs in.

The package is built as the wheel lays it out (setup.py build_py: bench/ plus conf/ and scenarios/ mapped
into it) without the network; `pip install .` into a fresh venv builds the same files (slower: it fetches
setuptools). The installed copy is put first on PYTHONPATH, so it is what `import bench` finds.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.composition import PROJECT_ROOT

SHIPPED = ("pyproject.toml", "setup.py", "README.md", "bench", "conf", "scenarios")
NO_ENGINE = "bench-test-no-such-context"


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built package's directory (what site-packages would hold)."""
    root = tmp_path_factory.mktemp("wheel")
    source, lib = root / "source", root / "lib"
    source.mkdir()
    for name in SHIPPED:
        copy = shutil.copytree if (PROJECT_ROOT / name).is_dir() else shutil.copy2
        ignore = {"ignore": shutil.ignore_patterns("__pycache__")} if copy is shutil.copytree else {}
        copy(PROJECT_ROOT / name, source / name, **ignore)
    argv = [sys.executable, "setup.py", "-q", "build_py", "--build-lib", str(lib)]
    subprocess.run(argv, cwd=source, check=True, capture_output=True, timeout=300)
    return lib


def _bench(installed: Path, cwd: Path, *args: str) -> subprocess.CompletedProcess:
    code = "import sys; from bench.cli import main; sys.exit(main(sys.argv[1:]))"
    env = {**os.environ, "PYTHONPATH": str(installed)}
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300
    )


def test_the_package_holds_the_configs_and_the_scenarios(installed: Path) -> None:
    assert (installed / "bench" / "conf" / "config.yaml").is_file()
    assert (installed / "bench" / "conf" / "engine" / "dedicated.yaml").is_file()
    assert (installed / "bench" / "scenarios" / "multistage" / "Dockerfile").is_file()
    assert (installed / "bench" / "scenarios" / "multistage" / ".dockerignore").is_file()


def test_from_elsewhere_bench_composes_the_packaged_configs(installed: Path, tmp_path: Path) -> None:
    assert _bench(installed, tmp_path, "--version").returncode == 0
    assert _bench(installed, tmp_path, "doctor", "--help").returncode == 0
    job = _bench(installed, tmp_path, "run", "--cfg", "job", "--resolve", "scenario=multistage")
    assert job.returncode == 0, job.stderr
    assert f"path: {installed}/bench/scenarios/multistage" in job.stdout


def test_a_run_from_elsewhere_writes_its_directory_there(installed: Path, tmp_path: Path) -> None:
    """A run on an engine that does not exist: Hydra makes the run directory, then the run stops (exit 2)."""
    overrides = ["engine=context", f"engine.context={NO_ENGINE}", "builder=buildkit", "cache=none"]
    done = _bench(installed, tmp_path, "run", "scenario=multistage", "repetitions=1", "warmup=0", *overrides)
    assert done.returncode == 2 and "fix:" in done.stdout + done.stderr
    (run_dir,) = (tmp_path / "results").iterdir()
    assert run_dir.name.endswith("_multistage") and (run_dir / "bench.log").is_file()
    assert (run_dir / ".hydra" / "config.yaml").is_file()
