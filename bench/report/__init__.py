"""Reports people read: one model built once (`model`), sections written once (`sections`), one exporter
per format (as hyperfine's src/export/).

- `model`: build_report(runs) -> Report (cells, comparisons, failed cells, claims, environment...)
- `comparisons`: the one function behind every comparison table; speedup = reference / candidate median
- `document`, `sections/`: the report's sections as blocks, one module per subject; REPORT, SUMMARY and
  TERMINAL lists of them
- `exporter`: the Exporter protocol, write_report (report.md, report.html) and write_summary (summary.md)
- `markdown`, `html`, `terminal`: the formats
- `figures/`: medians, speedups, heatmap, per-step timeline (matplotlib, imported when drawn)
- `claims`: the talk's claims as small functions returning a verdict and the numbers behind it
- `compare`, `compare_terminal`: `bench compare BASE NEW`, per-cell speedup, regressions gate CI
- `publish`: a static site of several runs

Nothing is imported here, so `import bench.report` stays cheap.
"""
