"""The terminal view of `bench compare`: one rich table, warnings, and the regressions named."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from bench.report import compare as cmp
from bench.summary import formatting as fmt
from bench.summary import table as tables

STATUS_STYLE = {cmp.REGRESSION: "red", cmp.IMPROVEMENT: "green"}


#: Width of the table when the output is not a terminal (a CI log), where rich would assume 80 columns.
LOG_WIDTH = 120


def print_comparison(result: cmp.RunComparison, console: Console, base: str, new: str) -> None:
    if not console.is_terminal:
        console.width = max(console.width, LOG_WIDTH)
    for line in result.environment_differences:
        console.print(f"[yellow]warning: environments differ[/] {escape(line)}", highlight=False)
    cells = result.cells
    present = [k for k in tables.cell_keys(cells) if k in cells and cells[k].notna().any()]
    fixed = [k for k in present if cells[k].nunique() == 1]  # named once in the title, not on every row
    keys = [k for k in present if k not in fixed]
    where = ", ".join(f"{k}={cells[k].iloc[0]}" for k in fixed)
    title = f"{escape(base)} -> {escape(new)}" + (f" ({escape(where)})" if where else "")
    table = Table(title=title, title_justify="left", header_style="bold", box=box.SIMPLE_HEAD)
    table.add_column("/".join(keys) or "cell", no_wrap=True)
    for name in ("n", "base (s)", "new (s)", "change", "95% CI", "p"):
        table.add_column(name, justify="right", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for _, c in cells.iterrows():
        style = STATUS_STYLE.get(c["status"], "dim" if c["status"] != cmp.UNCHANGED else "")
        low, high = c["ci_low"], c["ci_high"]
        ci = f"{cmp.percent(low)}..{cmp.percent(high)}" if low == low and high == high else fmt.MISSING
        table.add_row(
            escape("/".join(str(c[k]) for k in keys)),
            f"{c['n_base']}/{c['n_new']}",
            fmt.seconds(c["base_median_s"]),
            fmt.seconds(c["new_median_s"]),
            cmp.percent(c["ratio"]),
            ci,
            fmt.p_value(c["p_value"]),
            f"[{style}]{c['status']}[/]" if style else c["status"],
        )
    console.print(table)
    console.print(
        f"[dim]change = new median / base median - 1; 95% percentile bootstrap interval; a regression or"
        f" improvement needs the interval to exclude 0 and the change to pass {result.threshold:.0%}.[/]"
    )
    n_reg, n_imp = len(result.regressions), len(result.improvements)
    colour = "red" if n_reg else "green"
    console.print(f"[{colour}]{n_reg} regression(s)[/], {n_imp} improvement(s)")
