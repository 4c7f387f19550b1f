"""summary.md of one run: tables, the figure, failures, flags, environment and configuration.

Markdown tables are written here (a dozen lines) rather than with `DataFrame.to_markdown`, which needs the
extra `tabulate` dependency. The numbers come from `bench.summary.table`, as on the terminal.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

import pandas as pd

from bench import quality, stats
from bench.summary import formatting as fmt
from bench.summary import table as tables

SUMMARY_MD = "summary.md"
SUMMARY_PNG = "summary.png"

#: What each quality flag means; a flag missing here is still listed, with its name only.


def _escape(value: object) -> str:
    """A value safe inside a Markdown table cell: no pipes, no line breaks."""
    return str(value).replace("\\", "\\\\").replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def markdown_table(
    headers: Sequence[str], rows: Sequence[Sequence[object]], right: Sequence[bool] = ()
) -> str:
    """A GitHub-flavoured Markdown table; `right[i]` right-aligns column i (numbers)."""
    align = [("---:" if i < len(right) and right[i] else "---") for i in range(len(headers))]
    lines = [
        "| " + " | ".join(_escape(h) for h in headers) + " |",
        "| " + " | ".join(align) + " |",
        *("| " + " | ".join(_escape(v) for v in row) + " |" for row in rows),
    ]
    return "\n".join(lines)


def _cells_section(cells: pd.DataFrame) -> list[str]:
    dims = [k for k in tables.comparison_keys(cells) if k != "scenario"]
    headers = [
        *dims,
        "builder",
        "ok",
        "failed",
        "unsupported",
        "warmups",
        "median (s)",
        "IQR (s)",
        "95% CI (s)",
        "outliers",
        "flagged",
    ]
    right = [False] * (len(dims) + 1) + [True] * 9
    out: list[str] = []
    for scenario in cells["scenario"].unique():
        part = cells[cells["scenario"] == scenario]
        rows = [
            [
                *(c[d] for d in dims),
                c["builder"],
                c["n_ok"],
                c["n_failed"],
                c["n_unsupported"],
                c["n_warmup"],
                fmt.seconds(c["median_s"]),
                fmt.seconds(c["iqr_s"]) if c["n_ok"] >= 2 else fmt.MISSING,
                fmt.interval(c["ci_low_s"], c["ci_high_s"]),
                c["n_outliers"],
                c["n_flagged"],
            ]
            for _, c in part.iterrows()
        ]
        out += [f"### Scenario `{scenario}`", "", markdown_table(headers, rows, right), ""]
    return out


def _speedup_section(speedups: pd.DataFrame) -> list[str]:
    if speedups.empty:
        return []  # the run measured one builder: nothing to compare
    dims = tables.comparison_keys(speedups)
    headers = [
        *dims,
        "legacy median (s)",
        "BuildKit median (s)",
        "BuildKit speedup",
        "95% CI",
        "Mann-Whitney p",
        "verdict",
    ]
    right = [False] * len(dims) + [True] * 5 + [False]
    rows = [
        [
            *(s[d] for d in dims),
            *fmt.speedup_cells(s, "legacy_median_s", "buildkit_median_s", "BuildKit"),
        ]
        for _, s in speedups.iterrows()
    ]
    out = [
        "## BuildKit speedup",
        "",
        "Speedup = legacy median / BuildKit median (above 1: BuildKit is faster). It is called faster or"
        " slower only when its 95% bootstrap interval excludes 1.",
        "",
        markdown_table(headers, rows, right),
        "",
    ]
    notes = [(s, s["note"]) for _, s in speedups.iterrows() if s["note"]]
    out += [f"- `{'|'.join(str(s[d]) for d in dims)}`: {note}" for s, note in notes]
    return [*out, ""] if notes else out


def _pull_vs_rebuild_section(builds: pd.DataFrame, seed: int | None) -> list[str]:
    """Registry-cache import against the cold rebuild, with the crossover (bench.pull_vs_rebuild)."""
    from bench import pull_vs_rebuild as pvr

    if "registry_pulled_bytes" not in builds:
        return []
    found = pvr.pull_vs_rebuild(builds, seed=stats.DEFAULT_SEED if seed is None else seed)
    if not found:
        return []
    right = [False] * 5 + [True] * 7 + [False]
    return [
        "## Pull or rebuild",
        "",
        pvr.EXPLANATION,
        "",
        markdown_table(pvr.HEADERS, pvr.table_rows(found), right),
        "",
    ]


def _shared_caches_section(builds: pd.DataFrame) -> list[str]:
    """Each builder warmed by itself and by the other one (bench.shared_caches), when the run has both."""
    from bench.shared_caches import shared_cache_evidence, summary_lines

    found = shared_cache_evidence(builds)
    if not any(e.primed_by != e.builder for e in found):
        return []
    return ["## Are the builders' caches shared?", "", *(f"- {line}" for line in summary_lines(found)), ""]


def _failed_section(failed: pd.DataFrame) -> list[str]:
    out = ["## Failed and unsupported cells", ""]
    if failed.empty:
        return [*out, "None: every measured build succeeded.", ""]
    rows = [
        [f"`{f['cell']}`", f["outcome"], f["n"], f["first_error"] or fmt.MISSING]
        for _, f in failed.iterrows()
    ]
    return [
        *out,
        markdown_table(["cell", "outcome", "builds", "first error line"], rows, [False, False, True]),
        "",
    ]


def _flags_section(cells: pd.DataFrame) -> list[str]:
    out = ["## Flags and outliers", ""]
    seen: dict[str, int] = {}
    for counts in cells["flag_counts"]:
        for name, n in counts.items():
            seen[name] = seen.get(name, 0) + n
    if seen:
        out.append("Quality flags raised on measured builds (the builds stay in the statistics):")
        out.append("")
        for name, n in seen.items():
            where = ", ".join(f"`{c['cell']}`" for _, c in cells.iterrows() if name in c["flag_counts"])
            description = quality.DESCRIPTIONS.get(name, "no description recorded for this flag")
            out.append(f"- `{name}` ({n} build{'s' if n != 1 else ''}; {where}): {description}.")
    else:
        out.append("No quality flags were raised.")
    n_out = int(cells["n_outliers"].sum())
    out += [
        "",
        f"Outliers: {n_out} ok build(s) lie beyond 1.5 IQR of their cell's quartiles (Tukey's fences)."
        " They are counted in the table above, drawn hollow in the figure and kept in every statistic; with"
        " a few builds per cell such points are common even on a quiet machine.",
        "",
    ]
    return out


def _environment_section(env: Mapping[str, object]) -> list[str]:
    out = ["## Environment", ""]
    if not env:
        return [*out, "Not recorded.", ""]
    return [*out, *(f"- {k}: {_escape(v)}" for k, v in env.items()), ""]


def _config_section(config_yaml: str) -> list[str]:
    fence = "```"
    while fence in config_yaml:
        fence += "`"
    return ["## Configuration", "", f"{fence}yaml", config_yaml.rstrip("\n"), fence, ""]


def _resumed_line(builds: pd.DataFrame) -> str | None:
    """One line when the run was interrupted and continued: how many rows came after the resume."""
    if "resumed" not in builds or builds.empty:
        return None
    after = int((builds["resumed"] == True).sum())  # noqa: E712 (null in rows of older runs)
    return f"Resumed: {after} of these builds were measured by `bench run --resume`." if after else None


def render_summary_md(
    builds: pd.DataFrame,
    env: Mapping[str, object],
    config_yaml: str,
    *,
    figure_name: str | None = SUMMARY_PNG,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> str:
    """The text of summary.md; `figure_name` is the image linked in (None: no image)."""
    cells = tables.cell_table(builds, n_resamples=n_resamples, seed=seed)
    speedups = tables.speedup_table(builds, n_resamples=n_resamples, seed=seed)
    failed = tables.failed_cells(builds)
    run_ids = sorted(str(r) for r in builds["run_id"].dropna().unique()) if "run_id" in builds else []
    n_measured = len(tables.measured(builds)) if not builds.empty else 0
    lines = [
        "# Build benchmark summary",
        "",
        *([f"Run {', '.join(f'`{r}`' for r in run_ids)}.", ""] if run_ids else []),
        f"{n_measured} measured builds in {len(cells)} cells;"
        f" {int(cells['n_warmup'].sum())} warmups are not counted."
        " Times are wall-clock seconds of the build process; medians of the ok builds of each cell, 95%"
        f" intervals from a percentile bootstrap ({n_resamples} resamples, seed {seed}); no interval below"
        f" {stats.MIN_SAMPLES_FOR_INTERVAL} ok builds.",
        "",
        *([_resumed_line(builds), ""] if _resumed_line(builds) else []),
        "## Build times",
        "",
        *_cells_section(cells),
    ]
    if figure_name:
        lines += [
            f"![Median build time per cell, 95% interval, individual builds as points]({figure_name})",
            "",
        ]
    lines += [
        *_speedup_section(speedups),
        *_pull_vs_rebuild_section(builds, seed),
        *_shared_caches_section(builds),
        *_failed_section(failed),
        *_flags_section(cells),
        *_environment_section(env),
        *_config_section(config_yaml),
    ]
    return "\n".join(lines)


def write_summary_md(
    builds: pd.DataFrame,
    run_dir: Path | str,
    env: Mapping[str, object],
    config_yaml: str,
    *,
    figure: bool = True,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
) -> Path:
    """Write run_dir/summary.md, and run_dir/summary.png with it when `figure` and any build succeeded.

    The figure is drawn here so that the Markdown never links to a missing or stale image.
    """
    run_dir = Path(run_dir)
    run_dir.mkdir(parents=True, exist_ok=True)
    figure_name: str | None = None
    if figure and tables.ok_times(builds).size:
        from bench.summary.figure import plot_medians  # matplotlib only when a figure is wanted

        plot_medians(builds, run_dir / SUMMARY_PNG, n_resamples=n_resamples, seed=seed)
        figure_name = SUMMARY_PNG
    path = run_dir / SUMMARY_MD
    text = render_summary_md(
        builds, env, config_yaml, figure_name=figure_name, n_resamples=n_resamples, seed=seed
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path
