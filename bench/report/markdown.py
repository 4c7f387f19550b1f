"""report.md: claims with verdicts, tables per scenario, speedups, figures, environment and configuration.

The same text, with images inlined, is the body of report.html (`bench.report.html`), so the two formats
cannot disagree. Deterministic for a given run (fixed bootstrap seed, no clock), hence golden-file tested.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from bench import quality, stats
from bench.report.engines import engines_section
from bench.report.figures import FigureFile
from bench.report.model import Report
from bench.summary import formatting as fmt
from bench.summary import table as tables
from bench.summary.markdown import markdown_table

REPORT_MD = "report.md"
VERDICT_MARK = {
    "supported": "**supported**",
    "not supported": "**not supported**",
    "not measured": "not measured",
}


def _fence(text: str, lang: str = "") -> list[str]:
    fence = "```"
    while fence in text:
        fence += "`"
    return [f"{fence}{lang}", text.rstrip("\n"), fence]


def _resamples(report: Report) -> str:
    if report.n_resamples == report.requested_resamples:
        return f"{report.n_resamples} resamples"
    return (
        f"{report.n_resamples} resamples, fewer than the {report.requested_resamples} asked for because the"
        " largest cell has thousands of builds"
    )


def _intro(report: Report) -> list[str]:
    runs = ", ".join(f"`{r}`" for r in report.run_ids)
    n_measured = len(tables.measured(report.builds)) if len(report.builds) else 0
    lines = [
        f"# {report.title}",
        "",
        f"Run{'s' if len(report.runs) > 1 else ''} {runs}: {n_measured} measured builds in"
        f" {len(report.cells)} cells. Times are wall-clock seconds of the build process; the centre is"
        " the median of a cell's ok builds, the spread its interquartile range (IQR), the interval a 95%"
        " percentile bootstrap"
        f" ({_resamples(report)}, seed {report.seed}), none below {stats.MIN_SAMPLES_FOR_INTERVAL}"
        " ok builds. Warmups are recorded but not counted.",
        "",
    ]
    for c in report.completeness:
        lines += [("" if c.complete else "**Partial run.** ") + c.sentence(), ""]
    if report.environment_differences:
        lines += [
            "**Warning: these runs were measured in different environments**; their times may not be"
            " comparable:",
            "",
            *(f"- {d}" for d in report.environment_differences),
            "",
        ]
    return lines


def _claims(report: Report) -> list[str]:
    detailed = [v for v in report.claims if v.verdict != "not measured" or len(v.numbers) > 1]
    rows = [
        [
            v.claim.id,
            v.claim.text,
            VERDICT_MARK[v.verdict],
            "see below" if v in detailed else "; ".join(v.numbers),
        ]
        for v in report.claims
    ]
    out = [
        "## Claims of the talk",
        "",
        "Each claim gets a verdict from this run's data only; *not measured* means the run has no cells that"
        " speak to it.",
        "",
        markdown_table(["id", "claim", "verdict", "numbers"], rows),
        "",
    ]
    for v in detailed:
        out += [f"**{v.claim.id}: {v.verdict}.**", "", *(f"- {n}" for n in v.numbers), ""]
    return out


def _cells(report: Report) -> list[str]:
    cells = report.cells
    dims = [k for k in tables.comparison_keys(cells) if k != "scenario" and cells[k].notna().any()]
    headers = [
        *dims,
        "builder",
        "repetitions",
        "ok",
        "failed",
        "unsupported",
        "median (s)",
        "IQR (s)",
        "95% CI (s)",
    ]
    right = [False] * (len(dims) + 1) + [True] * 8
    out = ["## Build times per scenario", ""]
    for scenario in cells["scenario"].unique():
        part = cells[cells["scenario"] == scenario]
        rows = [
            [
                *(c[d] for d in dims),
                c["builder"],
                c["n_ok"] + c["n_failed"] + c["n_unsupported"],
                c["n_ok"],
                c["n_failed"],
                c["n_unsupported"],
                fmt.seconds(c["median_s"]),
                fmt.seconds(c["iqr_s"]) if c["n_ok"] >= 2 else fmt.MISSING,
                fmt.interval(c["ci_low_s"], c["ci_high_s"]),
            ]
            for _, c in part.iterrows()
        ]
        out += [f"### Scenario `{scenario}`", "", markdown_table(headers, rows, right), ""]
    return out


def _speedups(report: Report) -> list[str]:
    out = [
        "## Speedups",
        "",
        "A speedup is the reference's median over the candidate's median (above 1: the candidate is faster),"
        " called faster or slower only when its 95% bootstrap interval excludes 1; Mann-Whitney U p-values"
        " alongside.",
        "",
    ]
    b = report.builder_speedups
    if not b.empty:
        dims = [k for k in tables.comparison_keys(b) if b[k].notna().any()]
        rows = [
            [
                *(s[d] for d in dims),
                *fmt.speedup_cells(s, "legacy_median_s", "buildkit_median_s", "BuildKit"),
            ]
            for _, s in b.iterrows()
        ]
        headers = [*dims, "legacy (s)", "BuildKit (s)", "BuildKit / legacy", "95% CI", "p", "verdict"]
        out += [
            "### BuildKit against legacy",
            "",
            markdown_table(headers, rows, [False] * len(dims) + [True] * 5),
            "",
        ]
    c = report.cache_speedups
    if not c.empty:
        dims = [
            k
            for k in ("scenario", "variant", "engine", "link", "platform", "builder", "cache", "change")
            if k in c and c[k].notna().any()
        ]
        rows = [
            [
                *(s[d] for d in dims),
                *fmt.speedup_cells(s, "cold_median_s", "cached_median_s", "cached"),
            ]
            for _, s in c.iterrows()
        ]
        headers = [*dims, "cold (s)", "cached (s)", "speedup over cold", "95% CI", "p", "verdict"]
        out += [
            "### Each cache source against a cold build",
            "",
            markdown_table(headers, rows, [False] * len(dims) + [True] * 5),
            "",
        ]
    if b.empty and c.empty:
        out += ["No comparison: the run has a single builder and a single cache source.", ""]
    return out


def _failed(report: Report) -> list[str]:
    out = ["## Failed and unsupported cells", ""]
    if report.failed.empty:
        return [*out, "None: every measured build succeeded.", ""]
    rows = [
        [f"`{f['cell']}`", f["outcome"], f["n"], f["first_error"] or fmt.MISSING]
        for _, f in report.failed.iterrows()
    ]
    return [
        *out,
        markdown_table(["cell", "outcome", "builds", "first error line"], rows, [False, False, True]),
        "",
    ]


def _platform_steps(report: Report) -> list[str]:
    """Only for runs with multi-platform builds: step seconds per platform inside one build."""
    from bench.report.platform_steps import platform_step_table

    table = platform_step_table(report.builds, report.steps)
    if table.empty:
        return []
    rows = [
        [
            f"{r['scenario']} {r['builder']} `{r['cell_platform']}`",
            f"`{r['step_platform']}`",
            r["builds"],
            f"{r['steps']:g}",
            fmt.seconds(r["median_step_s"]),
            fmt.seconds(r["median_wall_s"]),
        ]
        for _, r in table.iterrows()
    ]
    header = ["cell", "steps run for", "builds", "steps", "step seconds (median)", "build wall (median)"]
    return [
        "## Time per platform inside multi-platform builds",
        "",
        "Uncached step seconds summed per platform of one build (median over builds). `A->B` steps ran on"
        " platform A for target B (a cross-compiler); plain `B` steps ran for B (under QEMU when B is"
        " foreign). Platforms build in parallel, so the sums can exceed the wall time.",
        "",
        markdown_table(header, rows, [False, False, True, True, True, True]),
        "",
    ]


def _flags(report: Report) -> list[str]:
    seen: dict[str, int] = {}
    for counts in report.cells["flag_counts"]:
        for name, n in counts.items():
            seen[name] = seen.get(name, 0) + n
    n_out = int(report.cells["n_outliers"].sum())
    out = ["## Flags and outliers", ""]
    out += [
        f"- `{k}` on {n} build(s): {quality.DESCRIPTIONS.get(k, 'no description recorded')}."
        for k, n in seen.items()
    ]
    if not seen:
        out.append("No quality flags were raised.")
    out += [
        "",
        f"{n_out} ok build(s) lie beyond 1.5 IQR of their cell's quartiles (Tukey's fences); they are drawn"
        " hollow and kept in every statistic.",
        "",
    ]
    return out


def _figures(figures: Sequence[FigureFile], src: Callable[[str], str]) -> list[str]:
    out = ["## Figures", ""]
    if not figures:
        return [*out, "No figures: no build succeeded.", ""]
    for f in figures:
        out += [f"### {f.title}", "", f"![{f.title}]({src(f.name)})", "", f"*{f.caption}*", ""]
    return out


def _env_value(key: str, value: Any) -> str:
    if key == "emulators" and isinstance(value, Mapping):
        names = sorted(k.removeprefix("qemu-") for k in value)
        return (
            f"QEMU binfmt for {len(names)} architectures: {', '.join(names)}" if names else "none registered"
        )
    if key == "memory_bytes" and isinstance(value, int | float):
        return f"{value / 2**30:.1f} GiB"
    if key == "driver_status" and isinstance(value, list):
        return ", ".join(":".join(map(str, item)) for item in value)
    if isinstance(value, list):
        return ", ".join(map(str, value))
    return str(value)


def _environment(report: Report) -> list[str]:
    out = ["## Environment", ""]
    if not report.environment:
        return [*out, "Not recorded.", ""]
    rows = [[k, _env_value(k, v)] for k, v in report.environment.items()]
    return [*out, markdown_table(["field", "value"], rows), ""]


def _configuration(report: Report) -> list[str]:
    out = ["## Configuration", ""]
    for run in report.runs:
        meta = run.meta
        out += [
            f"Run `{meta.get('run_id', run.path.name)}`, config hash `{meta.get('config_hash', '-')}`,"
            f" started {meta.get('started_at', '-')}, status {meta.get('status', '-')}:",
            "",
            *_fence(meta.get("config_yaml", "") or "(not recorded)", "yaml"),
            "",
        ]
    return out


def render_markdown(report: Report, figures: Sequence[FigureFile], src: Callable[[str], str] = str) -> str:
    """The report text; `src` maps a figure file name to the image reference (a path, or a data URI)."""
    if report.cells.empty:
        body = ["## Build times per scenario", "", "No builds were recorded yet: nothing to report.", ""]
    else:
        body = [
            *_claims(report),
            *_cells(report),
            *_speedups(report),
            *_failed(report),
            *_platform_steps(report),
            *_figures(figures, src),
            *_flags(report),
        ]
    lines = [*_intro(report), *body, *engines_section(report), *_environment(report), *_configuration(report)]
    return "\n".join(lines).rstrip("\n") + "\n"


class MarkdownExporter:
    """report.md beside its PNG figures."""

    file_name = REPORT_MD

    def export(self, report: Report, figures: Sequence[FigureFile], out_dir: Path) -> Path:
        path = Path(out_dir) / self.file_name
        path.write_text(render_markdown(report, figures), encoding="utf-8")
        return path
