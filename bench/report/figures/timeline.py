"""Per-step timelines (Gantt) of one representative build per cell, the builders side by side.

The representative build of a cell is its measured ok build whose time is closest to the cell's median
(the lowest seq on a tie), so the picture is typical, not the luckiest run. A reader sees stages running at
the same time under BuildKit and one after the other under the legacy builder, and which steps came from
the cache (hatched).
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from matplotlib.figure import Figure
from matplotlib.patches import Patch

from bench.report import cells as tables
from bench.report.figures import FigureFile, save

if TYPE_CHECKING:
    from bench.report.model import Report

STAGE_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
NO_STAGE = "(no stage)"
NO_STAGE_COLOR = "#999999"
LABEL_CHARS = 38
STEP_INCHES = 0.17


def representative(builds: pd.DataFrame) -> pd.Series | None:
    """The measured ok build closest to the median time of `builds` (one cell's rows)."""
    ok = tables.measured(builds)
    ok = ok[(ok["outcome"] == "ok") & ok["wall_s"].notna()]
    if ok.empty:
        return None
    med = float(np.median(ok["wall_s"]))
    order = (ok["wall_s"] - med).abs().to_numpy()
    ranked = ok.assign(_distance=order).sort_values(["_distance", "seq"], kind="stable")
    return ranked.iloc[0]


def step_label(name: str) -> str:
    """A short y label: digests and long arguments cut so labels never run into the neighbouring panel."""
    name = re.sub(r"@sha256:[0-9a-f]{8,}", "", str(name))
    return name if len(name) <= LABEL_CHARS else name[: LABEL_CHARS - 1] + "…"


def _panel(ax, steps: pd.DataFrame, colors: dict[str, str], title: str) -> None:
    steps = steps.sort_values("index")
    steps = steps[steps["started_s"].notna() & steps["completed_s"].notna()]
    ys = np.arange(len(steps))
    for y, (_, s) in zip(ys, steps.iterrows(), strict=True):
        stage = s["stage"] if isinstance(s["stage"], str) else NO_STAGE
        width = max(float(s["completed_s"]) - float(s["started_s"]), 0.02)
        cached = bool(s["cached"])
        ax.barh(
            y,
            width,
            left=float(s["started_s"]),
            height=0.7,
            color=colors.get(stage, NO_STAGE_COLOR),
            alpha=0.35 if cached else 0.9,
            hatch="////" if cached else None,
            edgecolor=colors.get(stage, NO_STAGE_COLOR),
            linewidth=0.6,
        )
        if cached:  # a cached step takes no time: say so beside its sliver of a bar
            ax.annotate(
                "cached",
                (float(s["started_s"]) + width, y),
                xytext=(3, 0),
                textcoords="offset points",
                va="center",
                fontsize=5.5,
                color="#555555",
            )
    ax.set_yticks(ys, [step_label(n) for n in steps["name"]], fontsize=6.5)
    ax.set_ylim(len(steps) - 0.4, -0.6)
    ax.set_xlim(left=0)
    ax.set_xlabel("time since the build started (s)", fontsize=8)
    ax.set_title(title, fontsize=9)
    ax.grid(axis="x", alpha=0.3)
    ax.set_axisbelow(True)
    ax.tick_params(axis="x", labelsize=7)


def draw(report: Report, out_dir: Path) -> list[FigureFile]:
    if report.steps.empty:
        return []
    dims = [
        k for k in tables.comparison_keys(report.builds) if k != "scenario" and report.builds[k].notna().any()
    ]
    measured = tables.measured(report.builds)
    out: list[FigureFile] = []
    for (scenario, *group), rows in measured.groupby(["scenario", *dims], sort=False, dropna=False):
        picks = []
        builders = [b for b in tables.BUILDER_ORDER if b in set(rows["builder"])]
        builders += sorted(set(rows["builder"]) - set(builders))
        for builder in builders:
            rep = representative(rows[rows["builder"] == builder])
            if rep is None:
                continue
            steps = report.steps[
                (report.steps["run_id"] == rep["run_id"]) & (report.steps["seq"] == rep["seq"])
            ]
            if not steps.empty:
                picks.append((builder, rep, steps))
        if not picks:
            continue
        stages = sorted({s for _, _, st in picks for s in st["stage"].dropna().unique()})
        colors = {s: STAGE_COLORS[i % len(STAGE_COLORS)] for i, s in enumerate(stages)}
        n_steps = max(len(st) for _, _, st in picks)
        fig = Figure(figsize=(12.0, 1.6 + STEP_INCHES * n_steps), dpi=110, layout="constrained")
        axes = fig.subplots(1, len(picks), squeeze=False, sharex=True).ravel()
        for ax, (builder, rep, steps) in zip(axes, picks, strict=True):
            _panel(ax, steps, colors, f"{builder}: build {rep['seq']} ({float(rep['wall_s']):.1f} s)")
        handles = [Patch(color=c, label=s) for s, c in colors.items()]
        handles.append(Patch(color=NO_STAGE_COLOR, label=f"{NO_STAGE}: context, metadata, export"))
        handles.append(
            Patch(facecolor="white", edgecolor="black", hatch="////", label="taken from the cache")
        )
        fig.legend(
            handles=handles,
            loc="outside lower center",
            ncol=min(len(handles), 5),
            fontsize=7.5,
            frameon=False,
        )
        where = ", ".join(f"{d}={v}" for d, v in zip(dims, group, strict=True))
        fig.suptitle(f"scenario {scenario}, {where}: steps of the median build", fontsize=10)
        slug = re.sub(r"[^A-Za-z0-9]+", "-", f"{scenario}-{'-'.join(map(str, group))}").strip("-")
        name = f"report-timeline-{slug}.png"
        caption = (
            "One bar per build step from its start to its end, coloured by stage, for the build closest"
            " to each builder's median; hatched, pale bars were taken from the cache."
        )
        out.append(save(fig, out_dir, name, f"Step timeline: {scenario}, {where}", caption))
    return out
