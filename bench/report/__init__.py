"""Reports people read: the content of a report built once (`model`), written by one exporter per format.

- `model`: build_report(runs) -> Report (tables, speedups, claims, completeness, environment)
- `exporter`: the Exporter protocol and write_report (draws the figures once, runs the exporters)
- `markdown`, `html`: report.md and a self-contained report.html
- `figures/`: distributions, speedups, heatmap, per-step timeline (matplotlib, imported when drawn)
- `claims`: the talk's claims as small functions returning a verdict and the numbers behind it
- `compare`: `bench compare BASE NEW`, per-cell change with an interval, regressions gate CI
- `publish`: a static site of several runs

Nothing is imported here, so `import bench.report` stays cheap.
"""
