"""Who gets the bench cluster's SLURM_CONF and stand-in sacct: bench's commands once the cluster has a
config, never over a SLURM the user or the machine configured; `bench cluster env` always prints them."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bench.cluster import environment
from bench.cluster.layout import ClusterPaths


@pytest.fixture
def paths(tmp_path: Path) -> ClusterPaths:
    paths = ClusterPaths(tmp_path / "state", tmp_path / "run")
    paths.state.mkdir()
    paths.conf.write_text("ClusterName=bench\n")
    return paths


def test_a_configured_cluster_gives_its_config_and_the_stand_in_first(
    paths: ClusterPaths, tmp_path: Path
) -> None:
    base = {"PATH": "/usr/bin:/bin", "HOME": "/root"}
    added = environment.for_clients(base, paths, tmp_path / "no-machine-conf")
    assert added == {"SLURM_CONF": str(paths.conf), "PATH": f"{paths.bin_dir}:/usr/bin:/bin"}
    again = environment.for_clients({**base, **added}, paths, tmp_path / "no-machine-conf")
    assert again["PATH"] == added["PATH"]  # first once, not twice


def test_nothing_before_the_cluster_is_set_up(tmp_path: Path) -> None:
    never = ClusterPaths(tmp_path / "state", tmp_path / "run")
    assert environment.for_clients({"PATH": "/usr/bin"}, never, tmp_path / "no-machine-conf") == {}


def test_the_user_s_slurm_conf_wins(paths: ClusterPaths, tmp_path: Path) -> None:
    base = {"PATH": "/usr/bin", "SLURM_CONF": "/shared/slurm/slurm.conf"}
    assert environment.for_clients(base, paths, tmp_path / "no-machine-conf") == {}


def test_the_machine_s_own_slurm_wins(paths: ClusterPaths, tmp_path: Path) -> None:
    machine_conf = tmp_path / "etc-slurm.conf"
    machine_conf.write_text("ClusterName=real\n")
    assert environment.for_clients({"PATH": "/usr/bin"}, paths, machine_conf) == {}
    # unless the user chose the bench cluster (eval "$(bench cluster env)"): the stand-in still comes first
    chosen = environment.for_clients({"PATH": "/usr/bin", "SLURM_CONF": str(paths.conf)}, paths, machine_conf)
    assert chosen["PATH"] == f"{paths.bin_dir}:/usr/bin"


def test_every_bench_command_gets_them_through_the_client_environment(
    paths: ClusterPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(environment, "PATHS", paths)
    monkeypatch.setattr(environment, "MACHINE_CONF", tmp_path / "no-machine-conf")
    env = environment.client_environment({"PATH": "/usr/bin:/bin"})
    assert env["SLURM_CONF"] == str(paths.conf) and env["PATH"].split(":")[0] == str(paths.bin_dir)
    assert "DOCKER_CONFIG" in env
    kept = environment.client_environment({"PATH": "/usr/bin:/bin", "SLURM_CONF": "/real.conf"})
    assert kept["SLURM_CONF"] == "/real.conf" and str(paths.bin_dir) not in kept["PATH"]


def test_activate_sets_them_in_this_process(
    paths: ClusterPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(environment, "PATHS", paths)
    monkeypatch.setattr(environment, "MACHINE_CONF", tmp_path / "no-machine-conf")
    monkeypatch.delenv("SLURM_CONF", raising=False)
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    environment.activate()
    assert os.environ["SLURM_CONF"] == str(paths.conf) and os.environ["PATH"].startswith(f"{paths.bin_dir}:")


def test_env_prints_the_exports_for_a_shell(paths: ClusterPaths) -> None:
    assert environment.exports(paths).splitlines() == [
        f"export SLURM_CONF={paths.conf}",
        f"export PATH={paths.bin_dir}:$PATH",
        '# use: eval "$(bench cluster env)"',
    ]
