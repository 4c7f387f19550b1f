"""bench's images are one run's own by name, `<tag_prefix>/<run>/...`, and only those go (issue 21, item 6):
`bench-runner/app` is not bench-run's, another run's images are not this run's, an empty or malformed
`tag_prefix` is refused with one line before anything is built, and a cache ref names its engine and run.
Removal itself, on a real engine: tests/integration/test_security_own_images_engine.py.
"""

from __future__ import annotations

import pytest

from bench.composition import compose
from bench.errors import ConfigError

pytestmark = pytest.mark.security


BAD_PREFIXES = ["", "bench-run/", "/x", "Bench", "a b", "a//b", "bench", "bench-cache", "-x", "my.registry"]


@pytest.mark.parametrize("prefix", BAD_PREFIXES)
def test_a_tag_prefix_that_is_no_single_repository_component_is_refused(prefix: str) -> None:
    with pytest.raises(ConfigError, match="tag_prefix"):
        compose([f"tag_prefix='{prefix}'"])


def test_a_valid_tag_prefix_is_taken() -> None:
    assert compose(["tag_prefix=ci-bench_2"]).tag_prefix == "ci-bench_2"


def test_only_this_run_s_images_are_its_own() -> None:
    from bench.engine.own_images import RunImages

    mine = RunImages("bench-run", "20261201T101010-abc123")
    other = RunImages("bench-run", "20261201T111111-def456")
    tag = mine.tag("Multi Stage", "legacy", 3)
    assert tag == "bench-run/20261201t101010-abc123/multi-stage:legacy-3"
    assert mine.owns(tag) and mine.owns(f"127.0.0.1:5000/{tag}")
    assert not other.owns(tag)
    assert not mine.owns("bench-runner/app:latest") and not mine.owns("bench-run/app:1")
    assert not mine.owns("bench-run:latest") and not mine.owns("someone/bench-run/20261201t101010-abc123/x:1")
    # compose names its images <project>-<service>, the project made from the request's tag
    from bench.builders.compose import project_name

    assert mine.owns(f"{project_name(tag)}-web:latest") and not other.owns(f"{project_name(tag)}-web:latest")
    assert not mine.owns("bench-run-20261201t101010-abc1234-web:latest")


def test_a_cache_ref_names_its_engine_and_run() -> None:
    from bench.plan import Cell, Measurement
    from bench.run.runner import cache_ref
    from bench.vocabulary import BuilderName, CacheSource, ChangeKind

    cell = Cell("tiny", BuilderName.buildkit, CacheSource.registry_max, ChangeKind.source)
    m = Measurement(cell=cell, seq=4, round=0, repetition=0, warmup=False)
    on_a = cache_ref("127.0.0.1:5000", "dedicated", "20261201T101010-abc123", "tiny", m)
    on_b = cache_ref("127.0.0.1:5000", "overlay2", "20261201T101010-abc123", "tiny", m)
    run = "20261201t101010-abc123"
    assert on_a == f"127.0.0.1:5000/bench-cache/dedicated/{run}/tiny:buildkit-registry-max-source-4"
    assert on_a != on_b
