"""A run's progress: the plain lines of logs and pipes, the ETA arithmetic, the planned count changing, and
the live bar on a terminal leaving each build's line above it."""

from __future__ import annotations

import re
from io import StringIO

import pytest
from fakes import stored_row
from rich.console import Console

from bench.plan import Cell, Measurement
from bench.run.progress import LiveBar, RunClock, clock_text, run_progress, shows_live
from bench.vocabulary import BuilderName, CacheSource, ChangeKind

ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def _m(seq: int, builder: str = "buildkit", cache: str = "none", warmup: bool = False) -> Measurement:
    change = ChangeKind.none if cache == "none" else ChangeKind.source
    cell = Cell("multistage", BuilderName(builder), CacheSource(cache), change)
    return Measurement(seq, seq, 0, warmup, cell)


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_are_the_lines_a_run_always_printed() -> None:
    out = StringIO()
    console = Console(file=out, width=200)
    assert not shows_live(console)
    ok = stored_row(0, wall_s=12.5, steps_cached=3, steps_total=5, reset_s=1.0, flags=("busy",))
    failed = stored_row(1, outcome="failed", error_tail="step 1\nERROR: failed to solve: exit code: 2\n")
    with run_progress(console, 3) as progress:
        progress.on_start(_m(0, warmup=True))
        progress.on_row(_m(0), ok)
        progress.on_start(_m(1, "legacy", "local"))
        progress.on_row(_m(1), failed)
    assert out.getvalue().splitlines() == [
        "  1/3 buildkit cache=none  change=none   warmup    12.50 s  cached 3/5 steps"
        " (reset 1.0 s, prime 0.0 s) busy",
        "  2/3 legacy   cache=local change=source rep 1   failed: ERROR: failed to solve: exit code: 2",
    ]


def test_a_new_plan_changes_the_count_of_the_next_lines() -> None:
    out = StringIO()
    with run_progress(Console(file=out, width=200), 10, already=2) as progress:
        progress.on_start(_m(2))
        progress.on_row(_m(2), stored_row(2, wall_s=1.0))
        progress.on_plan(4)  # this invocation now measures 4 builds in all: 2 before it + 4 = 6
        progress.on_plan(4)  # the same plan again says nothing
        progress.on_start(_m(3))
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("  3/10 buildkit")
    assert lines[1:] == ["planned builds: 6 (were 10)", "  4/6 buildkit cache=none  change=none   rep 1   "]


def test_eta_is_the_mean_measurement_so_far_times_the_builds_still_planned() -> None:
    clock = FakeClock()
    state = RunClock(10, already=2, clock=clock)
    assert state.eta() is None and state.build_clock() is None
    state.start(_m(2))
    clock.now = 30.0
    assert state.build_clock() == 30.0
    state.finish()
    state.start(_m(3))
    clock.now = 50.0
    state.finish()
    # two measurements of 30 s and 20 s: 25 s each; 4 of 10 done, 6 to go
    assert (state.done, state.remaining, state.eta()) == (4, 6, 150.0)
    state.plan(4)  # the runner's total for this invocation: 2 measured + 2 to come
    assert (state.planned, state.remaining, state.eta()) == (6, 2, 50.0)
    state.plan(1)  # fewer than are done: nothing remains, no negative ETA
    assert (state.remaining, state.eta()) == (0, 0.0)
    assert state.elapsed() == 50.0
    assert [clock_text(s) for s in (None, 5.4, 125.0, 3725.0)] == ["-", "0:05", "2:05", "1:02:05"]


def test_the_bar_shows_counts_clocks_and_the_running_build() -> None:
    clock = FakeClock()
    state = RunClock(5, clock=clock)
    state.start(_m(0))
    clock.now = 40.0
    state.finish()
    state.start(_m(1, "legacy", "local"))
    clock.now = 52.0
    out = StringIO()
    Console(file=out, width=160).print(LiveBar(state))
    text = out.getvalue()
    assert "1/5 builds  elapsed 0:52  ETA 2:40" in text  # 40 s a measurement x 4 to go
    assert "now: legacy cache=local change=source rep 1  0:12" in text


def test_on_a_terminal_each_build_leaves_its_line_above_the_live_bar(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TERM", "xterm-256color")
    out = StringIO()
    console = Console(file=out, force_terminal=True, width=160)
    assert shows_live(console)
    with run_progress(console, 2) as progress:
        for seq, wall in ((0, 12.5), (1, 7.25)):
            progress.on_start(_m(seq))
            progress.on_row(_m(seq), stored_row(seq, wall_s=wall, steps_cached=1, steps_total=4))
    text = ANSI.sub("", out.getvalue())
    for line in (
        "  1/2 buildkit cache=none  change=none   rep 1     12.50 s  cached 1/4 steps",
        "  2/2 buildkit cache=none  change=none   rep 1      7.25 s  cached 1/4 steps",
    ):
        assert line in text
