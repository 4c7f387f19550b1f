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
# # Review a run
#
# Loads one run directory through `bench.store.results`, then shows what `bench report` shows: the claims with
# their verdicts, the tables, and the same figures (drawn by the same code). Set `BENCH_RUN_DIR` to review
# another run; by default it opens the committed reference run.

# %%
import os
from pathlib import Path

from IPython.display import Image, Markdown, display

from bench.composition import PROJECT_ROOT
from bench.report.figures import draw_all
from bench.report.model import build_report
from bench.store.results import load

RUN_DIR = Path(os.environ.get("BENCH_RUN_DIR", PROJECT_ROOT / "results" / "reference" / "multistage"))
FIGURES = Path(os.environ.get("BENCH_FIGURE_DIR", "notebook-figures"))
run = load(RUN_DIR)
report = build_report([run], n_resamples=999)
print(run.meta.run_id, run.meta.status, len(run.builds), "builds,", len(run.steps), "steps")

# %% [markdown]
# ## Is the run complete?

# %%
for c in report.completeness:
    print(c.sentence())

# %% [markdown]
# ## Claims of the talk: verdicts from this run

# %%
for v in report.claims:
    if v.verdict != "not measured" or len(v.numbers) > 1:
        display(
            Markdown(
                f"**{v.claim.id} ({v.verdict})**: {v.claim.text}\n\n" + "\n".join(f"- {n}" for n in v.numbers)
            )
        )

# %% [markdown]
# ## Tables: cells and speedups

# %%
report.cells[["scenario", "cache", "change", "builder", "n_ok", "median_s", "iqr_s", "ci_low_s", "ci_high_s"]]

# %%
report.builder_speedups[["scenario", "cache", "change", "speedup", "ci_low", "ci_high", "p_value", "verdict"]]

# %%
report.cache_speedups[["scenario", "builder", "cache", "change", "speedup", "ci_low", "ci_high", "verdict"]]

# %% [markdown]
# ## The report's figures

# %%
figures = draw_all(report, FIGURES)
for f in figures:
    display(Markdown(f"### {f.title}\n\n{f.caption}"))
    display(Image(filename=str(FIGURES / f.name)))
assert figures, "the run has no ok build to draw"
