"""Config composition and validation through Hydra's compose API, as `bench run` composes it."""

from __future__ import annotations

import pytest
from hydra.errors import ConfigCompositionException

from bench.config import PROJECT_ROOT, BenchConfig, compose
from bench.errors import ConfigError
from bench.vocabulary import BuilderName, CacheSource, ChangeKind


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
