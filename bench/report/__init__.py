"""Reports people read: one model built once (`model`), sections written once (`sections`), one exporter
per format (as hyperfine's src/export/).

- `model`: build_report(runs) -> Report (cells, comparisons, failed cells, claims, environment...)
- `cells`: the data every section reads (cell_table, failed_cells, measured rows...); `formatting`: seconds,
  intervals, ratios and p-values as text, the same in every format
- `comparisons`: the one function behind every comparison table; speedup = reference / candidate median
- `document`, `sections/`: the report's sections as blocks, one module per subject; REPORT, SUMMARY and
  TERMINAL lists of them; `sections.document` makes them, with the model's tables, the one Document
- `export/`: the Exporter interface and one module per format (terminal, markdown, html, json, csv),
  found by name; `Exports` writes a command's --export-* files
- `files`: which document goes where: write_report (report.md, report.html), write_summary (summary.md),
  print_report (the terminal); the summary is not a second implementation but a subset of the report's
  sections (sections.SUMMARY_SECTIONS)
- `figures/`: medians, speedups, heatmap, per-step timeline (matplotlib, imported when drawn)
- `claims/`: the talk's claims (docs/claims.md), small functions returning a verdict and its numbers
- `compare`, `compare_terminal`: `bench compare BASE NEW`, per-cell speedup, regressions gate CI; its
  table as a Document
- `publish`: a static site of several runs

Nothing is imported here, so `import bench.report` stays cheap. May import: sweep, analysis, audit, debug,
store and the layers below; never run/ (a run imports report/ to write its summary).
"""
