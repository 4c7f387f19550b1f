"""The data every report section reads, and how its numbers are written.

- `table`: cell_table, failed_cells and the row helpers (measured, ok_times, cell_keys...): pandas frames,
  the numbers every output shows
- `formatting`: seconds, intervals, ratios and p-values as text, the same in every format

The summary a run prints and writes (terminal, summary.md, summary.png) is not a second implementation:
it is a subset of the report's sections (bench.report.sections.SUMMARY_SECTIONS), written by the report's
exporters (bench.report.exporter.write_summary, bench.report.terminal.print_report).
Nothing is imported here, so `import bench.summary` stays cheap; import the submodule you need.
"""
