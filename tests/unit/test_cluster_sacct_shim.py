"""The stand-in sacct against recorded squeue output: it answers submitit's own call with the states
submitit must see (CANCELLED, FAILED: done; RUNNING, PENDING: not), and nothing it was not asked.

squeue_states.txt is `squeue --all --array --noheader --states=all --format='%i|%T|%N'` (Slurm 22.05.8)
on the bench cluster after the integration tests (array 1 of 2 tasks, 2 cancelled) and `sbatch --wrap
'exit 3'` (4), an exclusive array of 3 (5: one task running, two pending) and one more exclusive job (6)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest
from submitit.slurm.slurm import SlurmInfoWatcher

from bench.cluster import sacct_shim
from bench.cluster.layout import ClusterPaths

RECORDED = Path(__file__).parents[1] / "fixtures" / "cluster" / "squeue_states.txt"
SUBMITIT_FIELDS = ["-o", "JobID,State,NodeList", "--parsable2"]


@pytest.fixture
def paths(tmp_path: Path) -> ClusterPaths:
    paths = ClusterPaths(tmp_path / "state", tmp_path / "run")
    sacct_shim.write(paths)
    return paths


def fake_squeue(directory: Path, output: Path, code: int = 0) -> Path:
    """A squeue that prints `output`, exits `code` and records its arguments and SLURM_CONF."""
    directory.mkdir()
    squeue = directory / "squeue"
    squeue.write_text(
        "#!/bin/sh\n"
        f"printf '%s\\n' \"$@\" > {directory}/args\n"
        f"printf '%s\\n' \"$SLURM_CONF\" > {directory}/conf\n"
        f"cat {output}\n"
        f"[ {code} -eq 0 ] || echo 'slurm_load_jobs error: Unable to contact slurm controller' >&2\n"
        f"exit {code}\n"
    )
    squeue.chmod(0o755)
    return directory


def shim(
    paths: ClusterPaths, fake: Path, args: list[str], slurm_conf: str | None = None
) -> subprocess.CompletedProcess:
    env = {"PATH": f"{paths.bin_dir}:{fake}:/usr/bin:/bin"}
    if slurm_conf is not None:
        env["SLURM_CONF"] = slurm_conf
    return subprocess.run([paths.sacct, *args], env=env, capture_output=True, text=True, timeout=10)


def test_submitit_reads_the_states_of_the_jobs_it_asked_for(paths: ClusterPaths, tmp_path: Path) -> None:
    fake = fake_squeue(tmp_path / "fake", RECORDED)
    done = shim(paths, fake, [*SUBMITIT_FIELDS, "-j", "1", "-j", "2", "-j", "5"])
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "JobID|State|NodeList"
    states = {job: info["State"] for job, info in SlurmInfoWatcher().read_info(done.stdout).items()}
    known = {"1_0", "1_1", "2", "5_0", "5_1", "5_2"}
    assert {job: states[job] for job in known} == {
        "1_0": "COMPLETED",
        "1_1": "COMPLETED",
        "2": "CANCELLED",
        "5_0": "RUNNING",
        "5_1": "PENDING",
        "5_2": "PENDING",
    }
    vanished = set(states) - known
    assert vanished == {f"{a}_{t}" for a in (1, 5) for t in range(1001)} - known, "tasks of known arrays"
    assert {states[job] for job in vanished} == {"CANCELLED"}


def test_squeue_is_asked_for_every_state_on_the_stand_in_s_config(
    paths: ClusterPaths, tmp_path: Path
) -> None:
    fake = fake_squeue(tmp_path / "fake", RECORDED)
    assert shim(paths, fake, [*SUBMITIT_FIELDS, "-j", "6"]).returncode == 0
    assert (fake / "args").read_text().splitlines() == list(sacct_shim.SQUEUE[1:])
    assert (fake / "conf").read_text().strip() == str(paths.conf)
    assert shim(paths, fake, [*SUBMITIT_FIELDS, "-j", "6"], slurm_conf="/etc/other.conf").returncode == 0
    assert (fake / "conf").read_text().strip() == "/etc/other.conf"  # a SLURM_CONF given is kept


def test_other_spellings_of_the_job_list_and_no_list(paths: ClusterPaths, tmp_path: Path) -> None:
    fake = fake_squeue(tmp_path / "fake", RECORDED)
    ids = lambda out: [line.split("|")[0] for line in out.splitlines()[1:] if "[" not in line]  # noqa: E731
    assert ids(shim(paths, fake, ["--parsable2", "--jobs=2,4", "-oJobID,State,NodeList"]).stdout) == [
        "2",
        "4",
    ]
    assert ids(shim(paths, fake, ["-j6", "--format=JobID,State,NodeList"]).stdout) == ["6"]
    assert ids(shim(paths, fake, ["--parsable2"]).stdout) == [
        "2",
        "1_1",
        "1_0",
        "4",
        "5_1",
        "5_2",
        "6",
        "5_0",
    ]
    assert ids(shim(paths, fake, ["-j", "3"]).stdout) == []  # 3 is no job of the queue (1_0's own id)


def test_submitit_s_watcher_sees_a_cancelled_job_as_done(
    paths: ClusterPaths, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """submitit's own command (SlurmInfoWatcher._make_command) through PATH, as in a real run."""
    fake = fake_squeue(tmp_path / "fake", RECORDED)
    monkeypatch.setenv("PATH", f"{paths.bin_dir}:{fake}:{os.environ['PATH']}")
    monkeypatch.delenv("SLURM_CONF", raising=False)
    watcher = SlurmInfoWatcher(delay_s=600)
    asked = ("2", "5_0", "4", "6")
    for job in asked:
        watcher.register_job(job)
    watcher.update()
    assert [watcher.get_state(job, mode="cache") for job in asked] == [
        "CANCELLED",
        "RUNNING",
        "FAILED",
        "PENDING",
    ]
    assert [watcher.is_done(job, mode="cache") for job in asked] == [True, False, True, False]


def test_a_question_it_cannot_answer_is_refused(paths: ClusterPaths, tmp_path: Path) -> None:
    fake = fake_squeue(tmp_path / "fake", RECORDED)
    done = shim(paths, fake, ["-o", "JobID,Elapsed", "-j", "2"])
    assert done.returncode == 1 and done.stdout == ""
    assert "answers only -o JobID,State,NodeList" in done.stderr
    assert not (fake / "args").exists()


def test_a_controller_that_does_not_answer_is_an_error_not_an_empty_list(
    paths: ClusterPaths, tmp_path: Path
) -> None:
    fake = fake_squeue(tmp_path / "fake", tmp_path / "nothing", code=1)
    (tmp_path / "nothing").write_text("")
    done = shim(paths, fake, [*SUBMITIT_FIELDS, "-j", "2"])
    assert done.returncode == 1 and done.stdout == ""
    assert "Unable to contact slurm controller" in done.stderr


def test_the_stand_in_is_executable_by_all_and_names_its_config(paths: ClusterPaths) -> None:
    assert paths.sacct.stat().st_mode & 0o777 == 0o755
    assert f'SLURM_CONF="${{SLURM_CONF:-{paths.conf}}}"' in paths.sacct.read_text()
    assert sorted(p.name for p in paths.bin_dir.iterdir()) == ["sacct"]


def test_a_task_cancelled_while_pending_comes_from_the_job_completion_log(
    paths: ClusterPaths, tmp_path: Path
) -> None:
    """job_completions.log is slurmctld's jobcomp/filetxt record on the bench cluster of an exclusive array
    of 2 (36: task 1 cancelled while pending, task 0 run as job 37) and `sbatch --wrap true` (38). squeue no
    longer lists 36_1 at all, so without the log submitit would read it as UNKNOWN and wait forever."""
    recorded = Path(__file__).parents[1] / "fixtures" / "cluster" / "job_completions.log"
    paths.state.mkdir(parents=True, exist_ok=True)
    paths.job_completions.write_text(recorded.read_text())
    running = tmp_path / "queue.txt"
    running.write_text("36_0|RUNNING|vm\n")  # squeue's view while task 0 ran: task 1 gone
    done = shim(paths, fake_squeue(tmp_path / "fake", running), [*SUBMITIT_FIELDS, "-j", "36", "-j", "38"])
    assert done.returncode == 0, done.stderr
    states = {job: info["State"] for job, info in SlurmInfoWatcher().read_info(done.stdout).items()}
    assert {job: states[job] for job in ("36_0", "36_1", "38")} == {
        "36_0": "RUNNING",  # squeue's view wins over the range of the array's tasks
        "36_1": "CANCELLED",
        "38": "COMPLETED",
    }
    assert done.stdout.splitlines()[1] == f"36_[0-{sacct_shim.MAX_ARRAY_SIZE - 1}]|CANCELLED|"
