"""The run summary on the terminal: one rich table per scenario, then failures, flags and outliers.

The only module of the summary that prints. It renders the frames of `bench.summary.table`, so it shows the
same numbers as summary.md.
"""

from __future__ import annotations

import pandas as pd
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench import stats
from bench.summary import formatting as fmt
from bench.summary import table as tables

VERDICT_STYLE = {
    stats.FASTER: "green",
    stats.SLOWER: "red",
    stats.NO_CLEAR_DIFFERENCE: "dim",
    stats.INSUFFICIENT_DATA: "dim",
}


def _speedup_cell(row: pd.Series | None) -> str:
    """The BuildKit row's speedup text, e.g. `1.83x [1.54, 2.20] faster`; "-" when there is none."""
    if row is None or row["verdict"] == stats.INSUFFICIENT_DATA:
        return fmt.MISSING
    style = VERDICT_STYLE.get(row["verdict"], "")
    text = f"{fmt.ratio(row['speedup'])} {fmt.ratio_interval(row['ci_low'], row['ci_high'])} {row['verdict']}"
    return f"[{style}]{escape(text)}[/]" if style else escape(text)


def scenario_table(scenario: str, cells: pd.DataFrame, speedups: pd.DataFrame) -> Table:
    """The rich table of one scenario; the speedup is shown on the BuildKit row of each comparison."""
    dims = [k for k in tables.comparison_keys(cells) if k != "scenario"]
    table = Table(title=f"scenario: {escape(str(scenario))}", title_justify="left", header_style="bold")
    for d in [*dims, "builder"]:
        table.add_column(d)
    for name in ("n", "median (s)", "IQR (s)", "95% CI (s)"):
        table.add_column(name, justify="right")
    table.add_column("speedup [95% CI]")
    by_key = {tuple(r[k] for k in ["scenario", *dims]): r for _, r in speedups.iterrows()}
    for _, c in cells.iterrows():
        speed = ""
        if c["builder"] == tables.CANDIDATE_BUILDER:
            speed = _speedup_cell(by_key.get(tuple(c[k] for k in ["scenario", *dims])))
        n = str(c["n_ok"]) if c["n_ok"] else fmt.MISSING
        table.add_row(
            *(escape(str(c[d])) for d in [*dims, "builder"]),
            n,
            fmt.seconds(c["median_s"]),
            fmt.seconds(c["iqr_s"]) if c["n_ok"] >= 2 else fmt.MISSING,
            fmt.interval(c["ci_low_s"], c["ci_high_s"]),
            speed,
        )
    return table


def print_summary(
    builds: pd.DataFrame,
    console: Console | None = None,
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> None:
    """Print the summary of a run's build rows; works with cells of 0 or 1 ok builds (shown as "-")."""
    console = console or Console()
    cells = tables.cell_table(builds, n_resamples=n_resamples, seed=seed)
    speedups = tables.speedup_table(builds, n_resamples=n_resamples, seed=seed)
    failed = tables.failed_cells(builds)
    if cells.empty:
        console.print("[yellow]No builds to summarise.[/]")
        return
    for scenario in cells["scenario"].unique():
        console.print(
            scenario_table(
                scenario, cells[cells["scenario"] == scenario], speedups[speedups["scenario"] == scenario]
            )
        )
    console.print(
        "[dim]median of ok builds (warmups excluded); 95% CI: percentile bootstrap; speedup = legacy median /"
        " BuildKit median (BuildKit row), called faster/slower only when its interval excludes 1.[/]"
    )
    for _, s in speedups[speedups["note"] != ""].iterrows():
        console.print(f"[dim]- {escape(_label(s, tables.comparison_keys(builds)))}: {escape(s['note'])}[/]")
    _print_pull_vs_rebuild(builds, console, seed)
    _print_shared_caches(builds, console)
    for _, f in failed.iterrows():
        style = "red" if f["outcome"] == "failed" else "yellow"
        error = f": {f['first_error']}" if f["first_error"] else ""
        console.print(f"[{style}]{f['outcome']}[/] {escape(f['cell'])} x{f['n']}{escape(error)}")
    for _, c in cells[cells["n_flagged"] > 0].iterrows():
        n_measured = c["n_ok"] + c["n_failed"] + c["n_unsupported"]
        console.print(
            f"[yellow]flagged[/] {escape(c['cell'])}: {escape(fmt.flags(c['flag_counts']))}"
            f" on {c['n_flagged']} of {n_measured} measured builds (kept in the statistics)"
        )
    for _, c in cells[cells["n_outliers"] > 0].iterrows():
        console.print(
            f"[yellow]outliers[/] {escape(c['cell'])}: {c['n_outliers']} build(s) beyond 1.5 IQR of the"
            " quartiles (kept in the statistics)"
        )


def _label(row: pd.Series, keys: list[str]) -> str:
    return "|".join(str(row[k]) for k in keys)


def _print_pull_vs_rebuild(builds: pd.DataFrame, console: Console, seed: int | None) -> None:
    """The pull-or-rebuild table when the run has registry-import cells next to cold ones."""
    from bench import pull_vs_rebuild as pvr

    if "registry_pulled_bytes" not in builds:
        return
    found = pvr.pull_vs_rebuild(builds, seed=stats.DEFAULT_SEED if seed is None else seed)
    if not found:
        return
    table = Table(title="pull or rebuild")
    for header in pvr.HEADERS:
        table.add_column(header)
    for row in pvr.table_rows(found):
        table.add_row(*(escape(cell) for cell in row))
    console.print(table)
    console.print(f"[dim]{escape(pvr.EXPLANATION)}[/]")


def _print_shared_caches(builds: pd.DataFrame, console: Console) -> None:
    from bench.shared_caches import shared_cache_evidence, summary_lines

    found = shared_cache_evidence(builds)
    if any(e.primed_by != e.builder for e in found):
        console.print("[bold]are the builders' caches shared?[/]")
        for line in summary_lines(found):
            console.print(f"  {escape(line)}")
