"""Config composition and validation through Hydra's compose API, as `bench run` composes it."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from hydra.core.config_store import ConfigStore
from hydra.errors import ConfigCompositionException
from omegaconf import OmegaConf

from bench.composition import CONF_DIR, PROJECT_ROOT, compose, composed
from bench.config import GROUP_SCHEMAS, BenchConfig, schema_name
from bench.errors import ConfigError
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

TINY = PROJECT_ROOT / "tests" / "fixtures" / "scenarios" / "tiny"


def _compose(*overrides: str) -> BenchConfig:
    return compose(overrides)


def test_default_is_multistage_with_both_builders_cold_and_warm() -> None:
    config = _compose()
    assert config.scenario.path == str(PROJECT_ROOT / "scenarios" / "multistage")
    assert config.builder.names == [BuilderName.legacy, BuilderName.buildkit]
    assert config.cache.sources == [CacheSource.none, CacheSource.local]
    assert config.change.kind is ChangeKind.source
    assert config.engine.owned and config.engine.context == "bench"
    assert config.scenario.build_args["BASE_IMAGE"] == "127.0.0.1:5000/bench/debian-gcc:bookworm"


def test_group_choices_and_interpolated_registry() -> None:
    config = _compose("builder=buildkit", "cache=none", "scenario=tiny", "engine.registry=127.0.0.1:5999")
    assert config.builder.names == [BuilderName.buildkit]
    assert config.cache.sources == [CacheSource.none]
    assert config.scenario.build_args["BASE_IMAGE"] == "127.0.0.1:5999/bench/busybox:latest"


def test_shared_engine_is_not_owned() -> None:
    config = _compose("engine=context", "engine.context=somewhere")
    assert not config.engine.owned
    assert config.engine.name == "somewhere"


@pytest.mark.parametrize(
    "override, bad",
    [
        ("builder.names=[kaniko]", "kaniko"),
        ("cache.sources=[warm]", "warm"),
        ("repetitons=3", "repetitons"),
        ("scenario=nope", "nope"),
        ("change.kind=everything", "everything"),
        ("pairing=sometimes", "sometimes"),
    ],
)
def test_bad_values_fail_at_composition_naming_the_value(override: str, bad: str) -> None:
    with pytest.raises(ConfigCompositionException) as caught:
        _compose(override)
    assert bad in f"{caught.value} {caught.value.__cause__}"


@pytest.mark.parametrize(
    "override, message",
    [
        ("repetitions=0", "repetitions"),
        ("repetitions=many", "many"),
        ("repetitions=2.5", "2.5"),
        ("precision.min=5 precision.max=3", "min <= max"),
        ("precision.target=0", "target"),
        ("warmup=-1", "warmup"),
        ("builder.names=[]", "builder.names"),
    ],
)
def test_values_the_schema_cannot_check_are_refused(override: str, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        _compose(*override.split())


def test_auto_repetitions_plan_the_most_precision_allows() -> None:
    config = _compose("repetitions=auto", "precision.max=7")
    assert config.auto and config.rounds == 7
    fixed = _compose("repetitions=4")
    assert not fixed.auto and fixed.rounds == 4


def test_each_group_of_the_config_has_its_schema_in_the_config_store() -> None:
    """Every group BenchConfig holds is stored as GROUP/base_GROUP with the field's own dataclass."""
    fields = {f.name: f.type for f in dataclasses.fields(BenchConfig)}
    assert sorted(GROUP_SCHEMAS) == ["builder", "cache", "change", "engine", "link", "platform", "scenario"]
    for group, schema in GROUP_SCHEMAS.items():
        assert fields[group] == schema.__name__
        stored = ConfigStore.instance().load(f"{group}/{schema_name(group)}.yaml")
        assert OmegaConf.get_type(stored.node) is schema


def test_every_file_of_a_typed_group_extends_its_schema() -> None:
    folders = {d.name for d in CONF_DIR.iterdir() if d.is_dir()}
    assert sorted(folders - set(GROUP_SCHEMAS)) == ["crossbuild", "experiment", "hydra"]
    for group in GROUP_SCHEMAS:
        files = sorted((CONF_DIR / group).glob("*.yaml"))
        assert files, group
        for path in files:
            assert OmegaConf.load(path).defaults == [schema_name(group), "_self_"], path


def _options() -> list[tuple[str, str]]:
    return [
        (d.name, f.stem)
        for d in sorted(CONF_DIR.iterdir())
        if d.name != "hydra"
        for f in sorted(d.glob("*.yaml"))
    ]


#: what an option needs besides itself to make a whole config
NEEDS = {("scenario", "custom"): [f"scenario.path={TINY}"], ("crossbuild", "cross"): ["scenario=crossbuild"]}


@pytest.mark.parametrize("group, option", _options(), ids=[f"{g}={o}" for g, o in _options()])
def test_every_option_of_every_group_composes_typed_with_its_file_s_values(group: str, option: str) -> None:
    overrides = [f"{group}={option}", *NEEDS.get((group, option), [])]
    compose(overrides)  # typed: the schema and __post_init__ accept it
    if group in GROUP_SCHEMAS:
        given = OmegaConf.to_container(OmegaConf.load(CONF_DIR / group / f"{option}.yaml"))
        given = {key: value for key, value in given.items() if key != "defaults" and value != "???"}
        node = composed(overrides)[group]
        assert {key: OmegaConf.to_container(node, enum_to_str=True)[key] for key in given} == given


def _user_group_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, group: str, name: str, text: str
) -> None:
    """A group file in the user's config directory ($XDG_CONFIG_HOME/bench, on Hydra's search path)."""
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    (tmp_path / "bench" / group).mkdir(parents=True, exist_ok=True)
    (tmp_path / "bench" / group / f"{name}.yaml").write_text(text)


def test_a_group_file_of_the_user_extends_the_group_s_schema(tmp_path: Path, monkeypatch) -> None:
    _user_group_file(
        tmp_path, monkeypatch, "link", "office", "defaults: [base_link, _self_]\nrate_mbit: 100\n"
    )
    link = _compose("link=office").link
    assert (link.name, link.rate_mbit, link.delay_ms) == ("loopback", 100.0, 0.0)


def test_a_misspelt_key_in_a_group_file_is_refused_naming_the_key_and_the_schema(
    tmp_path: Path, monkeypatch
) -> None:
    _user_group_file(tmp_path, monkeypatch, "link", "typo", "defaults: [base_link, _self_]\nrat_mbit: 100\n")
    with pytest.raises(ConfigCompositionException) as caught:
        _compose("link=typo")
    text = f"{caught.value} {caught.value.__cause__}"
    assert "link/typo" in text and "Key 'rat_mbit' not in 'LinkConfig'" in text
