"""Two runs on one shared engine each remove only their own images (issue 21, item 6): a run's cold reset and
its end remove `<tag_prefix>/<its run>/...`, never the other run's images nor a user's `bench-runner/app`
that a prefix match on `bench-run` took. The engine is one of the test's own (tests/integration/
security_engines.py), reached as a shared engine (owned: false), so whatever the code removes is the test's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from security_engines import OwnEngine, bench_started, image, tags

from bench.engine import reset
from bench.engine.own_images import RunImages

pytestmark = [pytest.mark.security, pytest.mark.engine]
RUN_A, RUN_B = "20261201T101010-aaaaaa", "20261201T101011-bbbbbb"
USERS = "bench-runner/app:1"


@pytest.fixture(scope="module")
def shared() -> Iterator[OwnEngine]:
    with bench_started("sec21-images") as engine:
        yield engine


def test_a_run_removes_its_own_images_and_nothing_else(shared: OwnEngine) -> None:
    assert shared.config is not None
    engine = replace(shared.config, owned=False, started_by_bench=False)  # as a shared engine is reached
    a, b = RunImages("bench-run", RUN_A), RunImages("bench-run", RUN_B)
    made = {a.tag("tiny", "legacy", 0), a.tag("tiny", "buildkit", 1), b.tag("tiny", "legacy", 0), USERS}
    for tag in made:
        image(shared.docker, tag)
    assert made <= tags(shared.docker)

    reset.make_cold(shared.docker, engine, a)  # run A's cold reset on an engine bench does not own
    assert tags(shared.docker) == made - {a.tag("tiny", "legacy", 0), a.tag("tiny", "buildkit", 1)}

    image(shared.docker, a.tag("tiny", "legacy", 2))
    reset.remove_own_images(shared.docker, a)  # run A's end
    assert tags(shared.docker) == {b.tag("tiny", "legacy", 0), USERS}
