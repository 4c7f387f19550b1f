"""Tab completion of `bench run` overrides, driven as bash drives it: the function that
`bench run --shell-completion install=bash` installs, called with COMP_LINE, COMP_POINT and COMP_CWORD set
as bash sets them on TAB (it runs `bench -sc query=bash`, which the top level hands to Hydra)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BIN = Path(sys.executable).parent
pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or not (BIN / "bench").exists(), reason="needs bash and the bench script"
)

DRIVE = """
eval "$(bench run --shell-completion install=bash)"
COMP_LINE="$1"; COMP_POINT=${#COMP_LINE}; words=($COMP_LINE)
COMP_CWORD=$(( ${#words[@]} - 1 )); [[ "$COMP_LINE" == *" " ]] && COMP_CWORD=${#words[@]}
hydra_bash_completion
printf '%s\\n' "${COMPREPLY[@]}"
"""


ENV = {**os.environ, "PATH": f"{BIN}:{os.environ['PATH']}"}


def _complete(line: str, tmp_path: Path) -> list[str]:
    argv = ["bash", "-c", DRIVE, "bash", line]
    done = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=tmp_path, timeout=120)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


def test_the_installed_function_is_registered_for_bench(tmp_path: Path) -> None:
    argv = ["bench", "run", "--shell-completion", "install=bash"]
    script = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=tmp_path).stdout
    assert script.rstrip().endswith("-F hydra_bash_completion bench")


def test_scenario_values_are_completed(tmp_path: Path) -> None:
    found = _complete("bench run scenario=", tmp_path)
    assert "scenario=multistage" in found and "scenario=pydeps" in found
    assert all(word.startswith("scenario=") for word in found)


def test_a_partial_value_narrows_the_candidates(tmp_path: Path) -> None:
    assert _complete("bench run cache=registry-m", tmp_path) == ["cache=registry-max", "cache=registry-min"]


def test_doctor_completes_the_same_overrides(tmp_path: Path) -> None:
    assert "engine=dedicated" in _complete("bench doctor engine=", tmp_path)


def test_command_and_engine_subcommand_names_are_completed(tmp_path: Path) -> None:
    assert _complete("bench su", tmp_path) == ["summary"]
    assert {"up", "down", "status", "purge"} <= set(_complete("bench engine ", tmp_path))


def test_bench_sc_install_alone_prints_the_same_script(tmp_path: Path) -> None:
    argv = ["bench", "-sc", "install=bash"]
    script = subprocess.run(argv, capture_output=True, text=True, env=ENV, cwd=tmp_path).stdout
    assert script.rstrip().endswith("-F hydra_bash_completion bench")


def test_engine_subcommands_that_take_overrides_complete_them(tmp_path: Path) -> None:
    assert "engine=ssh-local" in _complete("bench engine up engine=", tmp_path)
    assert _complete("bench  engine   status  cache=registry-m", tmp_path) == [
        "cache=registry-max",
        "cache=registry-min",
    ]
