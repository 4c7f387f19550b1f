"""The compose builder, the test-breaking change and the debug toolbox, without an engine."""

from __future__ import annotations

from pathlib import Path

import pytest
from python_on_whales import DockerClient

from bench.builders.compose import ComposeBuilder, compose_record, project_name
from bench.builders.process import OutputLine, ProcessRun
from bench.builders.records import BuildRequest, Outcome
from bench.config import ScenarioConfig
from bench.debug.check import listening_ports, netstat_ports
from bench.debug.toolbox import toolbox_argv
from bench.errors import BenchError
from bench.scenario.changes import apply_change, unsupported_change
from bench.scenario.definition import ScenarioError, load_scenario
from bench.vocabulary import ChangeKind

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "compose"


def _run(name: str, exit_code: int = 0) -> ProcessRun:
    texts = (FIXTURES / name).read_text().splitlines()
    lines = [OutputLine(0.1 * i, "stderr", text.encode()) for i, text in enumerate(texts)]
    return ProcessRun(["docker", "compose"], {}, lines, 0.1 * len(texts), exit_code)


def test_buildkit_plain_progress_becomes_steps_per_service() -> None:
    record = compose_record("buildkit", _run("buildkit-plain.txt"))
    assert record.outcome is Outcome.OK and record.builder_evidence == "compose: BuildKit #N progress lines"
    gcc = [s for s in record.steps if s.name.startswith("RUN gcc")]
    assert len(gcc) == 1 and gcc[0].stage == "worker/build" and gcc[0].duration_s > 0
    assert {s.stage for s in record.steps} >= {"api", "web", "worker/build", None}
    assert len({s.name for s in record.steps if s.name.startswith("FROM 127.0.0.1:5000/bench/busybox")}) == 1
    cached = [s.name.split("@")[0] for s in record.steps if s.cached]
    assert cached == ["FROM 127.0.0.1:5000/bench/busybox:latest", "WORKDIR /src"]


def test_legacy_compose_output_is_recognised_and_kept_whole() -> None:
    record = compose_record("legacy", _run("legacy.txt"))
    assert record.outcome is Outcome.OK and record.builder_evidence == "compose: legacy Step lines"
    assert record.steps == []
    wrong = compose_record("legacy", _run("buildkit-plain.txt"))  # BuildKit ran although legacy was asked
    assert wrong.outcome is Outcome.FAILED and "no sign of the legacy builder" in wrong.error_tail


def test_compose_command_and_what_it_refuses(tmp_path: Path) -> None:
    (tmp_path / "docker-compose.yml").write_text("services: {}\n")
    request = BuildRequest(str(tmp_path), str(tmp_path / "docker-compose.yml"), "bench-run/compose:legacy-3",
                           {"B": "2", "A": "1"})  # fmt: skip
    builder = ComposeBuilder("legacy", DockerClient(context="bench-x"))
    argv, env = builder.command(request)
    assert env == {"DOCKER_BUILDKIT": "0"}
    assert argv[argv.index("--project-name") + 1] == "bench-run-compose-legacy-3"
    assert argv[argv.index("build") :] == ["build", "--build-arg", "A=1", "--build-arg", "B=2"]
    assert ComposeBuilder("buildkit", DockerClient(context="bench-x")).command(request)[1] == {
        "DOCKER_BUILDKIT": "1"
    }
    assert builder.supports(request) is None
    platform = BuildRequest(
        request.context_dir, request.dockerfile, request.tag, extra_flags=("--platform", "x")
    )
    assert "--platform" in builder.supports(platform)
    assert project_name("Bench-Run/X:Y") == "bench-run-x-y"


def test_change_test_breaks_the_named_test_file(tmp_path: Path) -> None:
    (tmp_path / "tests").mkdir()
    (tmp_path / "tests" / "cli.sh").write_text("true\n")
    edited = apply_change(tmp_path, ChangeKind.test, None, "t", failing_test=("tests/cli.sh", "exit 1"))
    assert edited == "tests/cli.sh" and (tmp_path / "tests" / "cli.sh").read_text().endswith("exit 1\n")
    assert "failing_test" in unsupported_change(ChangeKind.test, None, {})
    assert unsupported_change(ChangeKind.test, None, {}, failing_test=("f", "x")) is None


def test_multistage_names_its_goss_spec_and_failing_test() -> None:
    scenario = load_scenario(ScenarioConfig(path="scenarios/multistage"))
    assert scenario.goss_spec is not None and scenario.goss_spec.is_file()
    assert scenario.failing_test is not None and scenario.failing_test[0] == "tests/cli.sh"
    assert (
        load_scenario(ScenarioConfig(path="scenarios/compose", dockerfile="docker-compose.yml")).kind
        == "compose"
    )


def test_a_failing_test_without_its_line_is_refused(tmp_path: Path) -> None:
    (tmp_path / "Dockerfile").write_text("FROM scratch\n")
    (tmp_path / "bench.yaml").write_text("failing_test: {file: t.sh}\n")
    with pytest.raises(ScenarioError, match="append"):
        load_scenario(ScenarioConfig(path=str(tmp_path)))


def test_toolbox_links_busybox_applets_in_its_own_tmp_then_runs_the_command() -> None:
    argv = toolbox_argv(["ps"])
    assert argv[0] == "-c" and "--install -s /tmp/bin" in argv[1] and argv[-1] == "ps"
    assert toolbox_argv([])[-1] == "sh"


def test_listening_ports_from_proc_and_from_netstat() -> None:
    proc = (
        "  sl  local_address rem_address   st tx_queue rx_queue\n"
        "   0: 00000000:1F90 00000000:0000 0A 00000000:00000000\n"
        "   1: 0100007F:0050 0100007F:9C40 01 00000000:00000000\n"
    )
    assert listening_ports(proc) == {8080}
    netstat = "Proto Recv-Q Send-Q Local Address Foreign Address State\ntcp 0 0 :::8080 :::* LISTEN\n"
    assert netstat_ports(netstat) == {8080}


def _steps(*rows: tuple[str, str | None, float | None, str | None]):
    import pandas as pd

    return pd.DataFrame(rows, columns=["name", "stage", "completed_s", "error"])


MULTISTAGE = str(Path(__file__).resolve().parents[2] / "scenarios" / "multistage" / "Dockerfile")


def test_buildkit_debugs_in_the_failing_stages_parent_or_the_last_completed_stage() -> None:
    from bench.debug.failed_build import buildkit_target

    failed_in_test = _steps(
        ("RUN make -j1 ckit", "build-ckit", 5.0, None),
        ("RUN make -j1 OUT=/src/build/crc", "build-crc", 6.0, None),
        ("RUN make check", "test", None, "exit code: 1"),
    )
    assert buildkit_target(MULTISTAGE, failed_in_test) == "build-ckit"  # FROM build-ckit AS test
    failed_in_runtime = _steps(
        ("RUN make -j1 ckit", "build-ckit", 5.0, None),
        ("RUN make check", "test", 9.0, None),
        ("COPY --from=test ...", "runtime", None, "not found"),
    )
    assert buildkit_target(MULTISTAGE, failed_in_runtime) == "test"  # runtime is FROM an image: last done
    with pytest.raises(BenchError, match="no stage"):
        buildkit_target(MULTISTAGE, _steps(("RUN make -j1 lib tests", "build-ckit", None, "exit code: 2")))


def test_legacy_debugs_in_the_image_of_its_last_successful_step() -> None:
    from bench.debug.failed_build import last_legacy_image

    output = [
        "Step 5/9 : COPY x y",
        " ---> Using cache",
        " ---> 0123456789ab",
        "Step 6/9 : RUN false",
        " ---> Running in fedcba987654",
        "The command '/bin/sh -c false' returned a non-zero code: 1",
    ]
    assert last_legacy_image(output) == "0123456789ab"
    assert last_legacy_image(["Step 1/2 : FROM x"]) is None
