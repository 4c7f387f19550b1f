# ---
# jupyter:
#   jupytext:
#     formats: ipynb,py:percent
#     text_representation:
#       extension: .py
#       format_name: percent
#   kernelspec:
#     display_name: Python 3
#     language: python
#     name: python3
# ---

# %% [markdown]
# # Where the time goes, step by step
#
# A deeper look than the report: for every cell, which steps and stages take the build's time, how much of
# it runs at the same time as other work (BuildKit), and how much the cache saves per step. Uses the step
# rows (`steps.jsonl`) of every measured ok build, not only the representative one of the timeline.

# %%
import io
import os
from pathlib import Path

import pandas as pd
from IPython.display import Image
from matplotlib.figure import Figure

from bench.composition import PROJECT_ROOT
from bench.report.cells import measured
from bench.report.stage_overlap import concurrent_stage_seconds
from bench.store.results import load

RUN_DIR = Path(os.environ.get("BENCH_RUN_DIR", PROJECT_ROOT / "results" / "reference" / "multistage"))
run = load(RUN_DIR)
ok = measured(run.builds)
ok = ok[ok["outcome"] == "ok"]
steps = run.steps.merge(ok[["run_id", "seq", "cache", "change", "wall_s"]], on=["run_id", "seq"])
steps["stage"] = steps["stage"].fillna("(no stage)")
print(f"{len(steps)} steps of {len(ok)} ok measured builds")

# %% [markdown]
# ## Seconds per stage (median over the builds of a cell)
#
# The sum of step durations per stage, per build, then the median per cell. Under BuildKit the stages'
# sum can exceed the wall time: that excess is the work done in parallel.

# %%
per_build = steps.groupby(["builder", "cache", "change", "seq", "stage"])["duration_s"].sum().reset_index()
per_stage = per_build.groupby(["builder", "cache", "change", "stage"])["duration_s"].median().unstack("stage")
wall = ok.groupby(["builder", "cache", "change"])["wall_s"].median().rename("median wall (s)")
per_stage.join(wall).round(2)

# %% [markdown]
# ## Parallel work per build
#
# Seconds during which steps of two or more stages ran at once, and the stage-seconds beyond the wall time.

# %%
rows = []
for (builder, cache, change, seq), g in steps.groupby(["builder", "cache", "change", "seq"]):
    busy = g.loc[~g["cached"].astype(bool), "duration_s"].sum()
    rows.append(
        {
            "builder": builder,
            "cache": cache,
            "change": change,
            "seq": seq,
            "concurrent_s": concurrent_stage_seconds(g.replace({"stage": {"(no stage)": None}})),
            "busy_s": busy,
            "wall_s": g["wall_s"].iloc[0],
        }
    )
parallel = pd.DataFrame(rows)
parallel.groupby(["builder", "cache", "change"])[["concurrent_s", "busy_s", "wall_s"]].median().round(2)

# %% [markdown]
# ## The slowest steps, and what the cache saves
#
# Median duration of each step (by its Dockerfile text) cold and warm, per builder.

# %%
by_step = steps.groupby(["builder", "name", "cache"])["duration_s"].median().unstack("cache")
slowest = by_step.sort_values(by_step.columns[0], ascending=False).head(12)
slowest.round(2)

# %%
top = slowest.reset_index()
fig = Figure(figsize=(9, 0.35 * len(top) + 1.2), layout="constrained")
ax = fig.subplots()
labels = [f"{b}: {n[:45]}" for b, n in zip(top["builder"], top["name"], strict=True)]
for i, column in enumerate(c for c in top.columns if c not in ("builder", "name")):
    ax.barh(
        [y + 0.4 * i for y in range(len(top))], top[column].fillna(0), height=0.4, label=f"cache={column}"
    )
ax.set_yticks([y + 0.2 for y in range(len(top))], labels, fontsize=7)
ax.invert_yaxis()
ax.set_xlabel("median step duration (s)")
ax.legend()
png = io.BytesIO()
fig.savefig(png, format="png", dpi=110)
Image(png.getvalue())
