"""A heatmap of speedups across the run's matrix: every cell against the scenario's legacy cold build."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from matplotlib.colors import LogNorm
from matplotlib.figure import Figure

from bench.report import cells as tables
from bench.report.figures import FigureFile, log_ticks, save

if TYPE_CHECKING:
    import pandas as pd

    from bench.report.model import Report

NAME = "report-heatmap.png"


def reference_of(cells: pd.DataFrame) -> pd.Series | None:
    """The reference cell of a scenario: legacy, cold (cache=none); else the first cell with a median."""
    has_time = cells[cells["median_s"].notna()]
    ref = has_time[(has_time["builder"] == "legacy") & (has_time["cache"] == "none")]
    if not ref.empty:
        return ref.iloc[0]
    return has_time.iloc[0] if not has_time.empty else None


def matrix(cells: pd.DataFrame, dims: list[str]) -> tuple[list[str], list[str], np.ndarray, str]:
    """(row labels, builder columns, speedups, reference label) of one scenario's cells."""
    ref = reference_of(cells)
    builders = [b for b in tables.BUILDER_ORDER if b in set(cells["builder"])]
    builders += sorted(set(cells["builder"]) - set(builders))
    groups = cells[dims].drop_duplicates()
    labels = [" / ".join(str(g[d]) for d in dims) for _, g in groups.iterrows()]
    values = np.full((len(groups), len(builders)), np.nan)
    if ref is None:
        return labels, builders, values, "-"
    for i, (_, g) in enumerate(groups.iterrows()):
        for j, b in enumerate(builders):
            hit = cells[(cells[dims] == g[dims]).all(axis=1) & (cells["builder"] == b)]
            if not hit.empty and math.isfinite(hit.iloc[0]["median_s"]) and hit.iloc[0]["median_s"] > 0:
                values[i, j] = ref["median_s"] / hit.iloc[0]["median_s"]
    ref_label = f"{ref['builder']}, " + ", ".join(f"{d}={ref[d]}" for d in dims)
    return labels, builders, values, ref_label


def draw(report: Report, out_dir: Path) -> list[FigureFile]:
    cells = report.cells
    dims = [k for k in tables.comparison_keys(cells) if k != "scenario" and cells[k].notna().any()]
    scenarios = list(cells["scenario"].unique())
    if not scenarios or not dims:
        return []
    mats = [matrix(cells[cells["scenario"] == s], dims) for s in scenarios]
    finite = np.concatenate([m[2][np.isfinite(m[2])] for m in mats])
    if not finite.size:
        return []
    span = max(float(np.max(np.abs(np.log(finite)))), math.log(1.5))
    norm = LogNorm(vmin=math.exp(-span), vmax=math.exp(span))
    height = 1.2 + sum(0.45 * len(m[0]) + 0.8 for m in mats)
    fig = Figure(figsize=(7.0, min(height, 9.0)), dpi=150, layout="constrained")
    axes = fig.subplots(len(scenarios), 1, squeeze=False).ravel()
    image = None
    for ax, scenario, (labels, builders, values, ref_label) in zip(axes, scenarios, mats, strict=True):
        image = ax.imshow(np.ma.masked_invalid(values), cmap="RdBu", norm=norm, aspect="auto")
        ax.set_xticks(range(len(builders)), builders)
        ax.set_yticks(range(len(labels)), labels, fontsize=8)
        ax.set_xlabel("builder")
        ax.set_ylabel(" / ".join(dims), fontsize=8)
        ax.set_title(f"scenario {scenario}: speedup over {ref_label}", fontsize=9)
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                text = f"{v:.2f}x" if math.isfinite(v) else "no data"
                dark = math.isfinite(v) and abs(math.log(v)) > 0.6 * span
                ax.text(j, i, text, ha="center", va="center", fontsize=9, color="white" if dark else "black")
    if image is not None:
        bar = fig.colorbar(image, ax=list(axes), label="speedup (x, log scale)")
        log_ticks(bar.ax.yaxis, "x")
    caption = (
        "Each cell's median build time against the scenario's reference cell (legacy builder, cold):"
        " speedup = reference median / cell median; blue is faster, red slower."
    )
    return [save(fig, out_dir, NAME, "Speedup across the matrix", caption)]
