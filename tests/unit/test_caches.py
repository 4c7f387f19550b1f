"""Cache sources with scripted builders: what each primes, what the measured build gets, the resets
between them, and what is unsupported. No engine: the order of builds and flags is the behaviour."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fakes import ScriptedBuilder, run_meta, scripted_context

from bench.builders.process import ProcessRun
from bench.config import EngineConfig
from bench.engine.contents import EngineContents
from bench.plan import Cell, make_plan
from bench.run.runner import Runner
from bench.scenario.definition import Scenario
from bench.store.quality import CACHE_IMPORT_MISSED, ENGINE_NOT_EMPTY, WARM_NO_CACHED_STEPS
from bench.store.results import RunWriter, load
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

EMPTY = EngineContents(0, 0, 0, 0, 0, 0)
REGISTRY = "127.0.0.1:5999"


@dataclass
class FakeTransfer:
    """Records pushes and pulls; each takes `seconds`; `fail` makes every call exit 1."""

    seconds: float = 0.5
    fail: bool = False
    calls: list[tuple[str, str]] = field(default_factory=list)

    def _run(self, verb: str, ref: str) -> ProcessRun:
        self.calls.append((verb, ref))
        return ProcessRun(["docker", verb, ref], {}, [], self.seconds, 1 if self.fail else 0)

    def push(self, ref: str) -> ProcessRun:
        return self._run("push", ref)

    def pull(self, ref: str) -> ProcessRun:
        return self._run("pull", ref)


@dataclass
class CountingReset:
    results: list[EngineContents] = field(default_factory=list)
    calls: int = 0

    def __call__(self) -> EngineContents:
        self.calls += 1
        return self.results.pop(0) if self.results else EMPTY


def _scenario(tmp_path: Path, mounts: bool = False) -> Scenario:
    directory = tmp_path / "proj"
    (directory / "src").mkdir(parents=True)
    (directory / "Dockerfile").write_text("FROM ${BASE_IMAGE}\nCOPY . /\n")
    (directory / "requirements.txt").write_text("six==1.16.0\n")
    (directory / "src" / "app.c").write_text("int main(void) { return 0; }\n")
    return Scenario(
        "proj",
        directory,
        "Dockerfile",
        {"BASE_IMAGE": f"{REGISTRY}/bench/busybox:latest"},
        source_change="src/app.c",
        deps_manifest="requirements.txt",
        mounts_dockerfile="Dockerfile.mounts" if mounts else None,
    )


def _run(tmp_path: Path, builders: dict, cell: Cell, reset=None, transfer=None, mounts=False):
    reset = reset or CountingReset()
    context = scripted_context(
        _scenario(tmp_path, mounts),
        builders,
        reset=reset,
        engine=EngineConfig(registry=REGISTRY),
        transfer=transfer,
        workroot=tmp_path / "builds",
    )
    runner = Runner(context, RunWriter(tmp_path / "run", run_meta("r")))
    runner.run(make_plan([cell], repetitions=1, warmup=0, seed=0))
    return load(tmp_path / "run").builds.iloc[0], reset


def _cell(builder: BuilderName, cache: CacheSource, change: ChangeKind = ChangeKind.source) -> Cell:
    return Cell("proj", builder, cache, change)


def test_registry_max_primes_exports_empties_the_engine_and_imports(tmp_path: Path) -> None:
    seen: list[str] = []

    def wall(request, call):
        seen.append((Path(request.context_dir) / "src" / "app.c").read_text())
        return 1.0 + call

    buildkit = ScriptedBuilder("buildkit", wall, cached_steps=2)
    row, reset = _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.registry_max))
    ref = f"{REGISTRY}/bench-cache/dedicated/r/proj:buildkit-registry-max-source-0"
    prime, measured = buildkit.requests
    assert prime.extra_flags == ("--cache-to", f"type=registry,ref={ref},mode=max")
    assert measured.extra_flags == ("--cache-from", f"type=registry,ref={ref}")
    assert reset.calls == 2, "the engine must be emptied before priming and again before the measured build"
    assert "bench change" not in seen[0] and "bench change" in seen[1]
    assert row["cache"] == "registry-max" and row["cache_ref"] == ref
    assert row["wall_s"] == 2.0 and row["prime_s"] > 0 and row["flags"] == []


def test_registry_min_uses_mode_min(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=1)
    _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.registry_min))
    assert buildkit.requests[0].extra_flags[1].endswith(",mode=min")


def test_legacy_cannot_use_registry_or_directory_caches(tmp_path: Path) -> None:
    for cache in (CacheSource.registry_max, CacheSource.registry_min, CacheSource.local_dir):
        legacy = ScriptedBuilder("legacy", [])
        reset = CountingReset()
        row, _ = _run(tmp_path / cache.value, {"legacy": legacy}, _cell(BuilderName.legacy, cache), reset)
        assert row["outcome"] == "unsupported" and "need BuildKit" in row["error_tail"]
        assert legacy.requests == [] and reset.calls == 0


def test_legacy_inline_pulls_the_previous_image_and_pays_for_the_pull(tmp_path: Path) -> None:
    legacy = ScriptedBuilder("legacy", [3.0, 2.0], cached_steps=2)
    transfer = FakeTransfer(seconds=0.5)
    row, reset = _run(
        tmp_path, {"legacy": legacy}, _cell(BuilderName.legacy, CacheSource.inline), None, transfer
    )
    ref = f"{REGISTRY}/bench-cache/dedicated/r/proj:legacy-inline-source-0"
    prime, measured = legacy.requests
    assert prime.tag == ref and prime.extra_flags == ()
    assert measured.extra_flags == ("--cache-from", ref)
    assert transfer.calls == [("push", ref), ("pull", ref)]
    assert reset.calls == 2
    # the pull is timed and added to the build: the wall time a user waits
    assert row["build_s"] == 2.0 and row["pull_s"] > 0
    assert abs(row["wall_s"] - (row["build_s"] + row["pull_s"])) < 1e-9
    assert row["export_s"] == 0.5 and "pull_s + build_s" in row["notes"][0]


def test_buildkit_inline_embeds_the_cache_and_pulls_nothing_first(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [3.0, 1.0], cached_steps=2)
    transfer = FakeTransfer()
    row, _ = _run(
        tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.inline), None, transfer
    )
    ref = row["cache_ref"]
    assert buildkit.requests[0].extra_flags == ("--cache-to", "type=inline")
    assert transfer.calls == [("push", ref)]
    assert row["pull_s"] is None and row["wall_s"] == row["build_s"] == 1.0


def test_a_failed_export_fails_the_row_without_measuring(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [3.0])
    row, _ = _run(
        tmp_path,
        {"buildkit": buildkit},
        _cell(BuilderName.buildkit, CacheSource.inline),
        None,
        FakeTransfer(fail=True),
    )
    assert row["outcome"] == "failed" and "pushing the primed image failed" in row["error_tail"]
    assert len(buildkit.requests) == 1


def test_local_dir_exports_to_a_private_directory(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=1)
    _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.local_dir))
    cache_to, cache_from = buildkit.requests[0].extra_flags[1], buildkit.requests[1].extra_flags[1]
    directory = cache_to.removeprefix("type=local,dest=").removesuffix(",mode=max")
    assert cache_from == f"type=local,src={directory}"
    assert Path(directory).parent != Path(buildkit.requests[1].context_dir), (
        "cache must not be in the context"
    )


def test_cross_builder_primes_with_the_other_builder_on_the_same_engine(tmp_path: Path) -> None:
    legacy = ScriptedBuilder("legacy", [2.0])
    buildkit = ScriptedBuilder("buildkit", [1.0], cached_steps=0)
    builders = {"legacy": legacy, "buildkit": buildkit}
    row, reset = _run(tmp_path, builders, _cell(BuilderName.buildkit, CacheSource.cross_builder))
    assert len(legacy.requests) == 1 and len(buildkit.requests) == 1
    assert reset.calls == 1, "the other builder's cache must survive to the measured build"
    assert row["flags"] == [], "no cache hit is the expected finding, not a quality problem"


def test_mounts_needs_a_cache_mount_dockerfile(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [])
    row, _ = _run(tmp_path / "a", {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.mounts))
    assert row["outcome"] == "unsupported" and "mounts_dockerfile" in row["error_tail"]
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=1)
    _run(tmp_path / "b", {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.mounts), mounts=True)
    assert len(buildkit.requests) == 2  # priming and measured build
    assert all(r.dockerfile.endswith("/Dockerfile.mounts") for r in buildkit.requests)


def test_engine_left_with_content_after_priming_is_flagged(tmp_path: Path) -> None:
    leftover = EngineContents(1, 3, 5, 1000, 2, 0)
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=2)
    reset = CountingReset([EMPTY, leftover])
    row, _ = _run(
        tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.registry_max), reset
    )
    assert ENGINE_NOT_EMPTY in row["flags"]
    assert row["engine_before"]["images"] == 1, "the row must show the state after the second reset"


def test_an_import_that_took_nothing_is_flagged_as_a_miss(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=0)
    row, _ = _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.registry_max))
    assert row["outcome"] == "ok"
    assert set(row["flags"]) == {CACHE_IMPORT_MISSED, WARM_NO_CACHED_STEPS}


def test_base_change_swaps_base_images_for_the_measured_build_only(tmp_path: Path) -> None:
    buildkit = ScriptedBuilder("buildkit", [1.0, 1.0], cached_steps=1)
    _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.local, ChangeKind.base))
    prime, measured = buildkit.requests
    assert prime.build_args["BASE_IMAGE"] == f"{REGISTRY}/bench/busybox:latest"
    assert measured.build_args["BASE_IMAGE"] == f"{REGISTRY}/bench/busybox:latest-variant"


def test_deps_change_edits_the_manifest_of_the_measured_copy(tmp_path: Path) -> None:
    manifests: list[str] = []

    def wall(request, call):
        manifests.append((Path(request.context_dir) / "requirements.txt").read_text())
        return 1.0

    buildkit = ScriptedBuilder("buildkit", wall, cached_steps=1)
    _run(tmp_path, {"buildkit": buildkit}, _cell(BuilderName.buildkit, CacheSource.local, ChangeKind.deps))
    assert "bench change" not in manifests[0] and "bench change" in manifests[1]
    assert "bench change" not in (tmp_path / "proj" / "requirements.txt").read_text()


def test_a_change_the_scenario_cannot_take_is_unsupported() -> None:
    from bench.scenario.changes import unsupported_change

    assert "deps_manifest" in unsupported_change(ChangeKind.deps, None, {})
    assert "IMAGE" in unsupported_change(ChangeKind.base, "r.txt", {"N": "1"})
    assert unsupported_change(ChangeKind.source, None, {}) is None


def test_rows_over_a_link_whose_delay_was_not_emulated_are_flagged(tmp_path: Path) -> None:
    from bench.network.link import AppliedLink, LinkProfile
    from bench.store.quality import LINK_DELAY_NOT_EMULATED

    context = scripted_context(
        _scenario(tmp_path),
        {"buildkit": ScriptedBuilder("buildkit", [1.0])},
        reset=CountingReset(),
        engine=EngineConfig(registry=REGISTRY),
        link=AppliedLink(LinkProfile("wan", 50, 40), 0.0, "no sch_netem"),
        workroot=tmp_path / "builds",
    )
    runner = Runner(context, RunWriter(tmp_path / "run", run_meta("r")))
    runner.run(make_plan([_cell(BuilderName.buildkit, CacheSource.none, ChangeKind.none)], 1, 0, 0))
    row = load(tmp_path / "run").builds.iloc[0]
    assert (row["link"], row["link_rate_mbit"], row["link_delay_ms"]) == ("wan", 50, 0.0)
    assert row["flags"] == [LINK_DELAY_NOT_EMULATED]
