"""What a run shows while it goes: one line per finished build, and on a terminal a live bar below them
with builds done / planned, the time elapsed, an ETA and the running build's own clock.

The bar must not disturb what it shows: it is redrawn REFRESH_HZ times a second by rich's refresh thread
from a few numbers the runner's hooks set (no work in the runner's thread beyond printing the line it
always printed), and builds run as subprocesses, so the thread competes only for CPU. Where the output is
not a terminal (CI logs, pipes, notebooks) the lines are printed as they always were, without the bar.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from rich.console import Console, Group, RenderableType
from rich.live import Live
from rich.progress_bar import ProgressBar
from rich.table import Table
from rich.text import Text

from bench.plan import Measurement
from bench.run.context import Progress
from bench.store.rows import BuildRow

#: Redraws per second of the live bar: enough for a clock in seconds, little enough to cost nothing.
REFRESH_HZ = 2
BAR_WIDTH = 30
Clock = Callable[[], float]


class RunClock:
    """Builds done and planned, and the time they took: the numbers behind the bar and its ETA.

    `already` builds were measured before this invocation (`bench run --resume`); the runner's `on_plan`
    total counts the builds of this invocation (measured + still to come), so the planned count is
    `already` + that total. The ETA is the mean time per measurement so far (reset, priming and build:
    from one measurement's start to its row) times the builds still planned.
    """

    def __init__(self, planned: int, already: int = 0, clock: Clock = time.monotonic) -> None:
        self.clock = clock
        self.already = already
        self.planned = planned
        self.done = already
        self.started = clock()
        self.spent = 0.0  # seconds of the measurements of this invocation
        self.measured = 0
        self.running: Measurement | None = None
        self.running_since = 0.0

    def start(self, m: Measurement) -> None:
        self.running, self.running_since = m, self.clock()

    def finish(self) -> None:
        if self.running is not None:
            self.spent += self.clock() - self.running_since
            self.measured += 1
        self.running = None
        self.done += 1

    def plan(self, total: int) -> None:
        """The runner's new total for this invocation (repetitions=auto: cells stop when precise)."""
        self.planned = self.already + total

    @property
    def remaining(self) -> int:
        return max(self.planned - self.done, 0)

    def elapsed(self) -> float:
        return self.clock() - self.started

    def eta(self) -> float | None:
        """Seconds still to go: the mean measurement so far times the builds still planned; None before
        the first measurement has finished."""
        if not self.measured:
            return None
        return self.spent / self.measured * self.remaining

    def build_clock(self) -> float | None:
        """Seconds the running measurement has taken so far; None between measurements."""
        return None if self.running is None else self.clock() - self.running_since


def clock_text(seconds: float | None) -> str:
    """ "1:02:03", "2:03", "-" when unknown."""
    if seconds is None:
        return "-"
    whole = int(max(seconds, 0.0))
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


def measurement_text(m: Measurement) -> str:
    """What a build is, as its line starts: platform, builder, cache, change, repetition or warmup."""
    kind = "warmup" if m.warmup else f"rep {m.repetition + 1}"
    where = "" if m.cell.native else f"{m.cell.platform} "
    return (
        f"{where}{m.cell.builder.value:<8} cache={m.cell.cache.value:<5} "
        f"change={m.cell.change.value:<6} {kind:<7} "
    )


def result_text(row: BuildRow) -> str:
    """How a build ended, as its line ends: time and cached steps, or the outcome and the error's end."""
    if row.outcome == "ok":
        flags = f" [yellow]{','.join(row.flags)}[/]" if row.flags else ""
        return (
            f"{row.wall_s:7.2f} s  cached {row.steps_cached}/{row.steps_total} steps "
            f"[dim](reset {row.reset_s or 0:.1f} s, prime {row.prime_s or 0:.1f} s)[/]{flags}"
        )
    first = (row.error_tail or "").strip().splitlines()[-1:] or [""]
    colour = "red" if row.outcome == "failed" else "yellow"
    return f"[{colour}]{row.outcome}[/]: {first[0][:120]}"


def _counter(position: int, planned: int) -> str:
    return f"[dim]{position:>3}/{planned}[/] "


def plain_progress(console: Console, state: RunClock) -> Progress:
    """One line per build, started when the build starts and ended with its result: for logs and pipes."""

    def on_start(m: Measurement) -> None:
        state.start(m)
        console.print(_counter(state.done + 1, state.planned) + measurement_text(m), end="")

    def on_row(m: Measurement, row: BuildRow) -> None:
        state.finish()
        console.print(result_text(row), highlight=row.outcome == "ok")

    def on_plan(total: int) -> None:
        before = state.planned
        state.plan(total)
        if state.planned != before:
            console.print(f"[dim]planned builds: {state.planned} (were {before})[/]", highlight=False)

    return Progress(on_start, on_row, on_plan)


class LiveBar:
    """The bar under the lines, drawn from a RunClock by rich's refresh thread (rich calls __rich__)."""

    def __init__(self, state: RunClock) -> None:
        self.state = state

    def __rich__(self) -> RenderableType:
        s = self.state
        bar = ProgressBar(total=max(s.planned, 1), completed=min(s.done, s.planned), width=BAR_WIDTH)
        counts = Text.assemble(
            (f" {s.done}/{s.planned} builds", "bold"),
            f"  elapsed {clock_text(s.elapsed())}  ETA {clock_text(s.eta())}",
        )
        top = Table.grid()
        top.add_row(bar, counts)
        if s.running is None:
            return top
        running = " ".join(measurement_text(s.running).split())
        now = Text.assemble(("now: ", "dim"), running, "  ", (clock_text(s.build_clock()), "cyan"))
        return Group(top, now)


def live_progress(console: Console, state: RunClock) -> Progress:
    """Each finished build's whole line printed above the live bar (rich keeps the bar below it)."""
    started_line: dict[str, str] = {}

    def on_start(m: Measurement) -> None:
        started_line["text"] = _counter(state.done + 1, state.planned) + measurement_text(m)
        state.start(m)

    def on_row(m: Measurement, row: BuildRow) -> None:
        state.finish()
        console.print(started_line.pop("text", "") + result_text(row), highlight=row.outcome == "ok")

    return Progress(on_start, on_row, state.plan)


def shows_live(console: Console) -> bool:
    """A live bar only on a real terminal: not in logs, pipes, dumb terminals or notebooks."""
    return console.is_terminal and not console.is_dumb_terminal and not console.is_jupyter


@contextmanager
def run_progress(console: Console, planned: int, already: int = 0) -> Iterator[Progress]:
    """The hooks the runner calls (bench.run.context.Progress), with the live bar on screen for the
    duration of the `with` when the console is a terminal; plain lines otherwise."""
    state = RunClock(planned, already)
    if not shows_live(console):
        yield plain_progress(console, state)
        return
    with Live(LiveBar(state), console=console, refresh_per_second=REFRESH_HZ, transient=True):
        yield live_progress(console, state)
