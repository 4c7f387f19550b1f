"""The runner's platform handling with scripted builders: --platform, pushing manifest lists, the check."""

from __future__ import annotations

from pathlib import Path

from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.engine.contents import EngineContents
from bench.plan import Cell, make_plan
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.results import RunWriter, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

EMPTY = EngineContents(0, 0, 0, 0, 0, 0)


def _runner(tmp_path: Path, builder: ScriptedBuilder, check) -> Runner:
    directory = tmp_path / "proj"
    directory.mkdir()
    (directory / "Dockerfile").write_text("FROM scratch\n")
    context = scripted_context(
        Scenario("proj", directory, "Dockerfile"),
        {"buildkit": builder},
        check_image=check,
        workroot=tmp_path / "builds",
    )
    return Runner(context, RunWriter(tmp_path / "run", run_meta("r")))


def _cell(platform: str) -> Cell:
    return Cell("proj", BuilderName.buildkit, CacheSource.none, ChangeKind.none, platform)


def test_foreign_and_multi_platform_requests(tmp_path: Path) -> None:
    checked: list[tuple[str, str | None, str]] = []
    builder = ScriptedBuilder("buildkit", [1.0, 2.0, 3.0])
    runner = _runner(tmp_path, builder, lambda *args: checked.append(args))
    plan = make_plan([_cell("native"), _cell("linux/arm64"), _cell("linux/amd64,linux/arm64")], 1, 0, 0)
    tally = runner.run(plan)
    assert not tally.failed
    by_platform = {}
    for request in builder.requests:
        flags = request.extra_flags
        by_platform[flags[flags.index("--platform") + 1] if "--platform" in flags else "native"] = request
    assert "--push" not in by_platform["native"].extra_flags
    assert "--push" not in by_platform["linux/arm64"].extra_flags
    assert not by_platform["linux/arm64"].tag.startswith("127.0.0.1:5000/")
    multi = by_platform["linux/amd64,linux/arm64"]
    assert "--push" in multi.extra_flags and multi.tag.startswith("127.0.0.1:5000/bench-run/r/proj:")
    assert sorted(c[0] for c in checked) == sorted(["native", "linux/arm64", "linux/amd64,linux/arm64"])
    assert all(image_id for _, image_id, _ in checked)


def test_a_wrong_architecture_fails_the_row_and_the_matrix_goes_on(tmp_path: Path) -> None:
    def check(platform: str, image_id: str | None, tag: str) -> str | None:
        return "wrong architecture: x86_64" if platform == "linux/arm64" else None

    builder = ScriptedBuilder("buildkit", [1.0, 2.0])
    tally = _runner(tmp_path, builder, check).run(make_plan([_cell("linux/arm64"), _cell("native")], 1, 0, 0))
    assert tally.measured == 2 and tally.failed == [_cell("linux/arm64").id]
    rows = load(tmp_path / "run").builds.set_index("platform")
    assert rows.loc["linux/arm64", "outcome"] == "failed"
    assert rows.loc["linux/arm64", "error_tail"] == "wrong architecture: x86_64"
    assert rows.loc["linux/arm64", "wall_s"] > 0, "the measured time is kept"
    assert rows.loc["native", "outcome"] == "ok"
