"""Command lines, environment and capability checks of both builders, with no engine.

The docker binary is a stand-in script: nothing here runs a build.
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from fakes import ScriptedBuilder  # tests/ is on sys.path: pytest puts conftest.py dirs there
from python_on_whales import DockerClient

from bench.builders import BuildKitBuilder, LegacyBuilder, make_builder
from bench.builders.process import (
    STDERR,
    STDOUT,
    LineConsumer,
    OutputLine,
    ProcessRun,
    load_run,
    replay_run,
    run_timed,
    save_run,
)
from bench.builders.records import BuildRequest, Outcome

FIXTURES = Path(__file__).parents[1] / "fixtures" / "builds"
TWOSTAGE = FIXTURES / "twostage"


def request(**changes: object) -> BuildRequest:
    fields: dict = {
        "context_dir": str(TWOSTAGE),
        "dockerfile": str(TWOSTAGE / "Dockerfile"),
        "tag": "bench/x:1",
        "build_args": {"BASE": "reg/busybox", "A": "1"},
        "target": "final",
    }
    return BuildRequest(**(fields | changes))  # type: ignore[arg-type]


def after(argv: list[str], flag: str) -> list[str]:
    """Every value given to `flag` in argv."""
    return [argv[i + 1] for i, word in enumerate(argv) if word == flag]


def test_buildkit_command(client: DockerClient) -> None:
    argv, env = BuildKitBuilder(client).command(request(), "/tmp/iid")
    assert argv[1:6] == ["--context", "bench", "buildx", "build", "--progress=rawjson"]
    assert after(argv, "--builder") == ["bench"]  # the context's own docker-driver builder
    assert "--load" in argv
    assert after(argv, "--network") == ["none"]
    assert after(argv, "--build-arg") == ["A=1", "BASE=reg/busybox"]
    assert after(argv, "--target") == ["final"] and after(argv, "--tag") == ["bench/x:1"]
    assert after(argv, "--file") == [str(TWOSTAGE / "Dockerfile")]
    assert after(argv, "--iidfile") == ["/tmp/iid"]
    assert argv[-1] == str(TWOSTAGE)
    assert env == {}


def test_legacy_command_and_environment(client: DockerClient) -> None:
    argv, env = LegacyBuilder(client).command(request(target=None, network="host"), None)
    assert argv[1:4] == ["--context", "bench", "build"]
    assert env == {"DOCKER_BUILDKIT": "0"}
    assert not any(w.startswith("--progress") for w in argv) and "buildx" not in argv and "--load" not in argv
    assert after(argv, "--network") == ["host"] and "--target" not in argv and "--iidfile" not in argv


def test_extra_flags_come_last_before_the_context(client: DockerClient) -> None:
    argv, _ = BuildKitBuilder(client).command(request(extra_flags=("--no-cache", "--push")), None)
    assert argv[-3:] == ["--no-cache", "--push", str(TWOSTAGE)]
    assert "--load" not in argv, "an explicit output replaces --load"


def test_no_network_flag_when_the_request_leaves_it_to_the_engine(client: DockerClient) -> None:
    argv, _ = LegacyBuilder(client).command(request(network=None), None)
    assert "--network" not in argv


def test_legacy_refuses_buildkit_only_dockerfiles_and_flags(client: DockerClient, tmp_path: Path) -> None:
    legacy = LegacyBuilder(client)
    assert legacy.supports(request()) is None
    mount = tmp_path / "Dockerfile"
    mount.write_text("FROM a\nRUN --mount=type=cache,target=/c make\n")
    reason = legacy.supports(request(dockerfile=str(mount)))
    assert reason is not None and "line 2: RUN --mount" in reason
    assert "--secret" in (legacy.supports(request(extra_flags=("--secret", "id=s,src=f"))) or "")
    cache = legacy.supports(request(extra_flags=("--cache-from=type=registry,ref=r/x:cache",)))
    assert cache is not None and "silently ignores" in cache
    assert legacy.supports(request(extra_flags=("--platform", "linux/amd64,linux/arm64"))) is not None
    assert BuildKitBuilder(client).supports(request(dockerfile=str(mount))) is None


def test_make_builder_by_name(client: DockerClient) -> None:
    legacy, buildkit = make_builder("legacy", client), make_builder("buildkit", client)
    assert (type(legacy), legacy.name) == (LegacyBuilder, "legacy")
    assert (type(buildkit), buildkit.name) == (BuildKitBuilder, "buildkit")
    secret = request(extra_flags=("--secret", "id=s,src=f"))  # BuildKit only
    assert legacy.supports(secret) is not None and buildkit.supports(secret) is None
    with pytest.raises(ValueError, match="unknown builder"):
        make_builder("kaniko", client)


class Replay:
    """A runner that replays a recording, and writes the iidfile as the real build would."""

    def __init__(self, fixture: str, image_id: str = "sha256:feed") -> None:
        self.run = load_run(FIXTURES / f"{fixture}.jsonl")
        self.image_id = image_id
        self.calls: list[tuple[list[str], dict[str, str]]] = []

    def __call__(
        self, argv: Sequence[str], env: Mapping[str, str], on_line: LineConsumer | None = None
    ) -> ProcessRun:
        self.calls.append((list(argv), dict(env)))
        if self.run.exit_code == 0 and "--iidfile" in argv:
            Path(argv[list(argv).index("--iidfile") + 1]).write_text(self.image_id)
        return replay_run(self.run, on_line, argv, env)  # the lines go to the builder's parser one by one


def test_build_records_the_command_it_ran_and_the_image_id(client: DockerClient) -> None:
    replay = Replay("buildkit-nocache")
    rec = BuildKitBuilder(client, runner=replay).build(request(target=None))
    ((argv, env),) = replay.calls
    assert rec.argv == argv and rec.env == env == {"BUILDX_METADATA_PROVENANCE": "disabled"}
    assert rec.outcome is Outcome.OK and rec.image_id == "sha256:feed"
    assert not Path(after(argv, "--iidfile")[0]).exists(), "the scratch iidfile is cleaned up"
    assert rec.metadata is None, "no metadata file written: none kept (bench/builders/metadata.py)"


def test_legacy_build_labels_stages_from_the_requested_dockerfile(client: DockerClient) -> None:
    replay = Replay("legacy-fail")
    rec = LegacyBuilder(client, runner=replay).build(request(dockerfile=str(TWOSTAGE / "Dockerfile.fail")))
    assert rec.outcome is Outcome.FAILED and rec.image_id is None and rec.exit_code == 1
    assert rec.env == {"DOCKER_BUILDKIT": "0"}
    assert rec.steps[-1].stage == "broken" and rec.steps[-1].error is not None


def test_run_timed_times_the_process_and_timestamps_lines_on_arrival() -> None:
    script = 'echo "x=$BENCH_PROBE"; sleep 0.3; echo late >&2; exit 3'
    run = run_timed(["sh", "-c", script], {"BENCH_PROBE": "42"})
    assert run.exit_code == 3, "a failing process is reported, not raised"
    assert run.env == {"BENCH_PROBE": "42"}
    (first, out), (second, err) = [(line.t, line) for line in run.lines]
    assert (out.source, out.text, err.source, err.text) == (STDOUT, "x=42", STDERR, "late")
    assert second - first >= 0.25 and run.wall_s >= second


def test_a_slow_parser_shifts_neither_the_lines_times_nor_the_end_of_the_span() -> None:
    """Lines are stamped as they are read, not as the parser gets to them, and the span ends with the
    process: a parser 1 s behind changes no figure."""
    seen: list[str] = []

    def slow(line: OutputLine) -> None:
        seen.append(line.text)
        time.sleep(1.0)

    started = time.monotonic()
    run = run_timed(["sh", "-c", "echo a; sleep 0.3; echo b"], {}, slow)
    assert time.monotonic() - started >= 2.0 and seen == ["a", "b"]
    a, b = run.lines
    assert 0.25 <= b.t - a.t < 0.9, "b was read at 0.3 s while the parser still slept on a"
    assert run.wall_s < 1.5


def test_a_run_keeps_its_last_non_blank_lines_and_a_recording_keeps_all() -> None:
    script = "for i in $(seq 1 120); do echo line $i; echo; done"
    run = run_timed(["sh", "-c", script], {})
    assert run.texts() == [f"line {i}" for i in range(71, 121)] and run.lines_dropped == 190
    with pytest.raises(ValueError, match="keep_all=True"):
        run.all_lines()  # so neither a record function nor save_run reads a tail as the whole output
    recorded = run_timed(["sh", "-c", script], {}, keep_all=True)
    assert len(recorded.all_lines()) == 240 and (recorded.lines_dropped, recorded.tail_only) == (0, False)
    streamed = replay_run(recorded)
    assert (streamed.texts(), streamed.lines_dropped, streamed.tail_only) == (run.texts(), 190, True)


def test_a_parser_that_raises_leaves_the_process_free_to_finish(tmp_path: Path) -> None:
    """The readers keep draining the pipes once the consumer failed: the build never waits on a full pipe
    (50,000 lines of 100 bytes are more than the lines waiting for a consumer may hold)."""
    done = tmp_path / "done"
    script = f"yes {'x' * 99} | head -n 50000; touch {done}"

    def broken(line: OutputLine) -> None:
        raise RuntimeError("parser bug")

    with pytest.raises(RuntimeError, match="parser bug"):
        run_timed(["sh", "-c", script], {}, broken)
    deadline = time.monotonic() + 30
    while not done.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert done.exists()


def test_recordings_round_trip_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    run = ProcessRun(["docker"], {"A": "1"}, [OutputLine(0.5, STDOUT, b"caf\xe9 \xff\n")], 1.0, 0, {"k": "v"})
    save_run(run, tmp_path / "run.jsonl")
    assert load_run(tmp_path / "run.jsonl") == run


def test_scripted_builder_follows_its_script() -> None:
    fake = ScriptedBuilder("legacy", [1.0, 2.0], failing_calls={1}, cached_steps=1)
    assert fake.name == "legacy" and fake.supports(request()) is None
    ok, failed = fake.build(request()), fake.build(request(tag="t2"))
    assert (ok.outcome, ok.wall_s, ok.steps_cached, ok.env) == (Outcome.OK, 1.0, 1, {"DOCKER_BUILDKIT": "0"})
    assert failed.outcome is Outcome.FAILED and failed.steps[-1].error and failed.wall_s == 2.0
    assert [r.tag for r in fake.requests] == ["bench/x:1", "t2"]
    with pytest.raises(AssertionError, match="no scripted wall time"):
        fake.build(request())
