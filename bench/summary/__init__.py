"""Summary of one run's build rows: tables as data, and their terminal, Markdown and figure renderings.

- `table`: cell_table, speedup_table, failed_cells (pandas frames; the numbers every output shows)
- `terminal`: print_summary (rich)
- `markdown`: write_summary_md (summary.md, draws summary.png through `figure`)
- `figure`: plot_medians (matplotlib, imported only when a figure is drawn)

Nothing is imported here, so `import bench.summary` stays cheap; import the submodule you need.
"""
