"""Composing as `bench run` does (bench/composition.py): a key no schema has is refused in one line, whether
a `+key=value` override adds it or a group file misspells it, before anything is built."""

from __future__ import annotations

from pathlib import Path

import pytest

from bench.cli import main
from bench.composition import compose
from bench.errors import ConfigError


@pytest.mark.parametrize(
    "override, line",
    [
        ("+engine.bogus=1", "engine.bogus is not a key of engine (EngineConfig: name, context, owned,"),
        (
            "+precision.tagret=0.1",
            "precision.tagret is not a key of precision (PrecisionConfig: target, min, max)",
        ),
        ("+seeed=3", "seeed is not a key of the config (BenchConfig: scenario, builder,"),
    ],
)
def test_a_key_an_override_adds_that_no_schema_has_is_refused(override: str, line: str) -> None:
    with pytest.raises(ConfigError) as caught:
        compose([override])
    said = caught.value.one_line()
    assert said.startswith(line) and "\n" not in said
    assert said.endswith("fix: check its spelling (bench run --cfg job shows every key)")


def test_a_free_form_map_takes_new_keys() -> None:
    assert compose(["+scenario.build_args.EXTRA=1"]).scenario.build_args["EXTRA"] == "1"


def _refused(capsys: pytest.CaptureFixture[str], tmp_path: Path, *overrides: str) -> str:
    """`bench run` on an engine that does not exist: exit 2, one line on stderr, no run directory."""
    engine = ["engine=context", "engine.context=no-such-context", f"engine.run_dir={tmp_path / 'engine'}"]
    code = main(["run", *engine, *overrides, f"hydra.run.dir={tmp_path / 'results' / 'run'}"])
    err = capsys.readouterr().err
    assert code == 2, err
    assert len(err.strip().splitlines()) == 1, err
    assert not (tmp_path / "results").exists() and not (tmp_path / "engine").exists()
    return err.strip()


def test_bench_run_refuses_a_misspelt_key_in_a_group_file_in_one_line(
    capsys, tmp_path: Path, monkeypatch
) -> None:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "bench" / "link").mkdir(parents=True)
    (tmp_path / "bench" / "link" / "typo.yaml").write_text("defaults: [base_link, _self_]\nrat_mbit: 100\n")
    line = _refused(capsys, tmp_path, "link=typo")
    assert (
        line.startswith("bench: In 'link/typo': ConfigKeyError")
        and "Key 'rat_mbit' not in 'LinkConfig'" in line
    )


def test_bench_run_refuses_an_added_key_no_schema_has_in_one_line(capsys, tmp_path: Path) -> None:
    line = _refused(capsys, tmp_path, "+engine.owend=false")
    assert line.startswith("bench: engine.owend is not a key of engine (EngineConfig: name, context, owned,")
