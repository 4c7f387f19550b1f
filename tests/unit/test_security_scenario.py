"""A scenario stays inside its copy (issue 21, items 3 and 15): no path a bench.yaml names, no link a
scenario ships, makes root read or write outside the scenario. Real directories, real links, a real file
outside that must come through unchanged."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from fakes import ScriptedBuilder

from bench.builders.records import BuildRequest
from bench.composition import compose
from bench.config import ScenarioConfig
from bench.errors import BenchError
from bench.run.input_checks import checked_input
from bench.scenario.changes import apply_change, break_test, copy_scenario
from bench.scenario.definition import ScenarioError, load_scenario
from bench.vocabulary import ChangeKind

pytestmark = pytest.mark.security

OUTSIDE_TEXT = "root's file, not the scenario's\n"


def _outside(tmp_path: Path) -> Path:
    """A file outside every scenario directory: what a hostile scenario aims at (/etc/crontab)."""
    target = tmp_path / "elsewhere" / "crontab"
    target.parent.mkdir()
    target.write_text(OUTSIDE_TEXT)
    return target


def _scenario(tmp_path: Path, bench_yaml: str = "") -> Path:
    directory = tmp_path / "scenarios" / "app"
    (directory / "src").mkdir(parents=True)
    (directory / "Dockerfile").write_text("FROM scratch\nCOPY . /\n")
    (directory / "src" / "main.c").write_text("int main(void) { return 0; }\n")
    (directory / "tests").mkdir()
    (directory / "tests" / "cli.sh").write_text("exit 0\n")
    (directory / "bench.yaml").write_text(bench_yaml)
    return directory


def _keys_of(outside: Path) -> list[tuple[str, str]]:
    """(bench.yaml text, the key the error must name) for each path key, absolute and `..`."""
    absolute = str(outside)
    dotdot = "../../elsewhere/crontab"
    cases = []
    for value in (absolute, dotdot):
        cases += [
            (f"source_change: {value}\n", "source_change"),
            (f"deps_manifest: {value}\n", "deps_manifest"),
            (f"failing_test:\n  file: {value}\n  append: exit 1\n", "failing_test.file"),
            (f"goss: {value}\n", "goss"),
            (f"mounts_dockerfile: {value}\n", "mounts_dockerfile"),
            (f"variants:\n  evil: {value}\n", "variants.evil"),
        ]
    return cases


def test_every_path_key_of_bench_yaml_is_kept_inside_the_scenario(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    for bench_yaml, key in _keys_of(outside):
        directory = _scenario(tmp_path, bench_yaml)
        with pytest.raises(ScenarioError) as refused:
            load_scenario(ScenarioConfig(path=str(directory)))
        assert key in str(refused.value), bench_yaml
        assert str(outside) in str(refused.value) and refused.value.fix, bench_yaml
        assert outside.read_text() == OUTSIDE_TEXT
        for path in sorted(directory.rglob("*"), reverse=True):
            path.rmdir() if path.is_dir() else path.unlink()
        directory.rmdir()


def test_a_config_override_is_kept_inside_the_scenario_too(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    directory = _scenario(tmp_path)
    with pytest.raises(ScenarioError, match=r"scenario\.source_change .*outside"):
        load_scenario(ScenarioConfig(path=str(directory), source_change=str(outside)))
    with pytest.raises(ScenarioError, match=r"scenario\.dockerfile .*outside"):
        load_scenario(ScenarioConfig(path=str(directory), dockerfile="../../elsewhere/crontab"))


def test_a_key_naming_a_link_to_outside_is_refused(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    directory = _scenario(tmp_path, "source_change: app.py\n")
    (directory / "app.py").symlink_to(outside)
    with pytest.raises(ScenarioError, match=r"source_change 'app.py' resolves to .*crontab"):
        load_scenario(ScenarioConfig(path=str(directory)))
    assert outside.read_text() == OUTSIDE_TEXT


def test_shared_sources_cannot_name_root_ssh(tmp_path: Path) -> None:
    """`../../root/.ssh` from scenarios/app is tmp/root/.ssh here: a real directory holding a key."""
    ssh = tmp_path / "root" / ".ssh"
    ssh.mkdir(parents=True)
    (ssh / "id_ed25519").write_text("PRIVATE KEY\n")
    directory = _scenario(tmp_path, "shared_sources:\n  keys: ../../root/.ssh\n")
    with pytest.raises(
        ScenarioError, match=r"shared_sources keys: '../../root/.ssh' resolves to .*root/\.ssh"
    ):
        load_scenario(ScenarioConfig(path=str(directory)))
    with pytest.raises(ScenarioError, match="shared_sources keys"):
        copy_scenario(directory, parent=tmp_path)
    assert not list(tmp_path.glob("bench-ctx-*/context/keys"))


def test_shared_sources_cannot_name_a_hidden_sibling(tmp_path: Path) -> None:
    """Next to the scenario, but a dot directory (a home's .ssh, .gnupg): refused too."""
    hidden = tmp_path / "scenarios" / ".ssh"
    hidden.mkdir(parents=True)
    directory = _scenario(tmp_path, "shared_sources:\n  keys: ../.ssh\n")
    with pytest.raises(ScenarioError, match="shared_sources keys"):
        load_scenario(ScenarioConfig(path=str(directory)))


def test_a_sibling_shared_source_still_works(tmp_path: Path) -> None:
    """What crossbuild does (`crc: ../multistage/crc`) stays possible."""
    lib = tmp_path / "scenarios" / "lib"
    lib.mkdir(parents=True)
    (lib / "lib.c").write_text("int lib(void);\n")
    directory = _scenario(tmp_path, "shared_sources:\n  lib: ../lib\n")
    assert load_scenario(ScenarioConfig(path=str(directory))).shared_sources == {"lib": lib}


def test_a_link_to_outside_is_refused_before_the_first_build_with_its_name(tmp_path: Path) -> None:
    """`app.py -> <outside>` is named by no key: the load, the run's input check and the copy refuse it."""
    outside = _outside(tmp_path)
    directory = _scenario(tmp_path)
    (directory / "src" / "app.py").symlink_to(outside)
    (directory / "ok.c").symlink_to("src/main.c")  # a link inside the scenario is fine
    with pytest.raises(ScenarioError, match=r"src/app\.py -> .*crontab") as refused:
        load_scenario(ScenarioConfig(path=str(directory)))
    assert "ok.c" not in str(refused.value) and refused.value.fix
    with pytest.raises(ScenarioError, match=r"src/app\.py"):
        checked_input(compose([f"scenario.path={directory}", "repetitions=1", "warmup=0"]))
    with pytest.raises(ScenarioError, match=r"src/app\.py"):
        copy_scenario(directory, parent=tmp_path)
    assert outside.read_text() == OUTSIDE_TEXT


def test_a_relative_link_out_of_a_subdirectory_is_refused(tmp_path: Path) -> None:
    _outside(tmp_path)
    directory = _scenario(tmp_path)
    (directory / "src" / "etc").symlink_to("../../../elsewhere")
    with pytest.raises(ScenarioError, match=r"src/etc -> \.\./\.\./\.\./elsewhere"):
        load_scenario(ScenarioConfig(path=str(directory)))


def _copy_with_link(tmp_path: Path, name: str, target: Path) -> Path:
    """A copy as a measurement has it, with a link that got past every check (made after the copy)."""
    context = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    (context / name).parent.mkdir(parents=True, exist_ok=True)
    (context / name).symlink_to(target)
    return context


@pytest.mark.parametrize("kind", [ChangeKind.source, ChangeKind.deps])
def test_a_change_never_writes_through_a_link(tmp_path: Path, kind: ChangeKind) -> None:
    outside = _outside(tmp_path)
    context = _copy_with_link(tmp_path, "app.py", outside)
    with pytest.raises(BenchError, match=r"app\.py .*symbolic link") as refused:
        apply_change(context, kind, "app.py", token="t", deps_manifest="app.py")
    assert refused.value.fix
    assert outside.read_text() == OUTSIDE_TEXT


def test_a_change_never_writes_under_a_linked_directory(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    context = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    (context / "lib").symlink_to(outside.parent)
    with pytest.raises(BenchError, match=r"lib .*symbolic link"):
        apply_change(context, ChangeKind.source, "lib/crontab", token="t")
    assert outside.read_text() == OUTSIDE_TEXT


def test_break_test_never_writes_through_a_link(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    context = _copy_with_link(tmp_path, "tests/evil.sh", outside)
    with pytest.raises(BenchError, match="symbolic link"):
        break_test(context, ("tests/evil.sh", "exit 1"))
    assert outside.read_text() == OUTSIDE_TEXT


def test_a_change_given_an_absolute_path_writes_nothing_outside(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    context = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    with pytest.raises(BenchError):
        apply_change(context, ChangeKind.source, str(outside), token="t")
    with pytest.raises(BenchError):
        break_test(context, ("../../elsewhere/crontab", "exit 1"))
    assert outside.read_text() == OUTSIDE_TEXT


def test_changes_raise_bench_errors_with_a_fix(tmp_path: Path) -> None:
    """Item 15: what bench/scenario/changes.py refuses is one line with a fix, never a bare
    FileNotFoundError."""
    from bench.scenario.changes import ChangeError, changed_build_args, variant_ref

    context = copy_scenario(_scenario(tmp_path), parent=tmp_path)
    refusals = [
        lambda: apply_change(context, ChangeKind.source, "src/gone.c", token="t"),
        lambda: apply_change(context, ChangeKind.deps, None, token="t"),
        lambda: break_test(context, None),
        lambda: break_test(context, ("tests/gone.sh", "exit 1")),
        lambda: changed_build_args(ChangeKind.base, {"N": "3"}),
        lambda: variant_ref("r/x@sha256:abc"),
    ]
    for refuse in refusals:
        with pytest.raises(ChangeError) as refused:
            refuse()
        assert isinstance(refused.value, BenchError) and refused.value.fix


def _token_builder(tmp_path: Path):
    from bench.secrets.passing import TokenBuilder
    from bench.secrets.token import RunToken

    return TokenBuilder(ScriptedBuilder("buildkit", [1.0]), RunToken(tmp_path))


def test_the_token_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    outside = _outside(tmp_path)
    context = _copy_with_link(tmp_path, "token", outside)
    (context / "Dockerfile").write_text("FROM scratch\nCOPY token /token\n")
    builder = _token_builder(tmp_path)
    try:
        with pytest.raises(BenchError, match=r"token .*symbolic link"):
            builder.build(BuildRequest(str(context), str(context / "Dockerfile"), "t"))
    finally:
        builder.token.remove()
    assert outside.read_text() == OUTSIDE_TEXT
    assert os.path.islink(context / "token")


def test_the_key_file_is_never_written_through_a_link(tmp_path: Path) -> None:
    from bench.secrets.ssh_keys import CLIENT_KEY, RunKeys
    from bench.secrets.ssh_passing import KeyBuilder, SshEndpoints

    outside = _outside(tmp_path)
    context = _copy_with_link(tmp_path, CLIENT_KEY, outside)
    (context / "Dockerfile").write_text(f"FROM scratch\nCOPY {CLIENT_KEY} /key\n")
    keys = RunKeys(tmp_path)
    try:
        builder = KeyBuilder(
            ScriptedBuilder("buildkit", [1.0]), keys, SshEndpoints(None, "git://x", "", None)
        )
        with pytest.raises(BenchError, match=rf"{CLIENT_KEY} .*symbolic link"):
            builder.build(BuildRequest(str(context), str(context / "Dockerfile"), "t"))
    finally:
        keys.remove()
    assert outside.read_text() == OUTSIDE_TEXT
