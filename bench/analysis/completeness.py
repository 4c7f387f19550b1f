"""What a run directory holds against what its plan promised: a partial run reports what it has.

A run killed by Ctrl-C says "interrupted"; one killed harder still says "running" in run.json. Either way
the plan in run.json lists every build that was meant to happen, so the missing ones can be named.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from bench.store.results import Run


@dataclass(frozen=True)
class Completeness:
    """How much of a run's plan is on disk; `missing` maps cell id -> builds planned but not recorded."""

    run_id: str
    status: str
    planned: int
    recorded: int
    missing: dict[str, int]
    stopped_early: int = (
        0  # planned builds not measured because their cell had stopped (bench/run/stopping.py)
    )

    @property
    def complete(self) -> bool:
        return self.status == "complete" and not self.missing

    def sentence(self) -> str:
        """One line for the report: complete, or what is missing and why it may be."""
        if self.complete:
            early = (
                f" ({self.stopped_early} planned builds were not needed: their cells stopped early, see"
                " why each stopped)"
                if self.stopped_early
                else ""
            )
            return (
                f"Run `{self.run_id}` is complete: {self.recorded} of {self.planned} planned builds"
                f" recorded{early}."
            )
        why = {
            "interrupted": "it was interrupted",
            "running": "it is still running or was killed before it could record its end",
        }.get(self.status, f"its status is {self.status!r}")
        missing = ", ".join(f"`{cell}` ({n})" for cell, n in self.missing.items()) or "none"
        return (
            f"Run `{self.run_id}` is partial ({why}): {self.recorded} of {self.planned} planned builds"
            f" recorded; missing builds per cell: {missing}. The figures and tables show what was recorded."
        )


def completeness(run: Run) -> Completeness:
    """Compare the recorded build rows with the plan's order (warmups included); a cell whose last row
    says why it stopped is complete with fewer builds than planned."""
    order = run.meta.plan.order
    planned = Counter(order)
    recorded = Counter(run.builds["cell"].dropna()) if not run.builds.empty else Counter()
    stopped: set[str] = set()
    if "stop_reason" in run.builds.columns:
        stopped = set(run.builds.loc[run.builds["stop_reason"].notna(), "cell"])
    short = {cell: n - recorded.get(cell, 0) for cell, n in planned.items() if n > recorded.get(cell, 0)}
    missing = {cell: n for cell, n in short.items() if cell not in stopped}
    return Completeness(
        run_id=run.meta.run_id,
        status=run.meta.status,
        planned=len(order),
        recorded=len(run.builds),
        missing=missing,
        stopped_early=sum(n for cell, n in short.items() if cell in stopped),
    )
