"""`bench publish RUN_DIR... --out DIR`: a static site, an index of runs and one page each, ready to host.

Each run gets runs/<run id>/ with index.html (self-contained), report.md and the figures; the index links
them. Relative links only, no scripts and no network, so any static host (or a file:// browser) serves it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from pathlib import Path

from bench.analysis import stats
from bench.report.export.html import page
from bench.report.files import write_report
from bench.report.model import build_report
from bench.store.results import Run

INDEX = "index.html"
NAV = '<nav><a href="../../index.html">all runs</a></nav>\n'


def slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", text).strip("-") or "run"


def _index_row(run: Run, href: str, verdict: str) -> str:
    meta = run.meta
    cells = [
        f'<a href="{html.escape(href)}">{html.escape(meta.run_id)}</a>',
        html.escape(meta.scenario.name),
        html.escape(meta.started_at),
        html.escape(meta.status),
        str(len(run.builds)),
        html.escape(verdict),
    ]
    return "<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>"


def publish(
    runs: Sequence[Run],
    out_dir: Path,
    *,
    n_resamples: int = stats.DEFAULT_RESAMPLES,
    seed: int | None = stats.DEFAULT_SEED,
    histories: Sequence[Path] = (),
) -> Path:
    """Write the site; returns the index page. Existing run pages of the same id are replaced. Histories
    (`bench history` directories) get histories/<name>/index.html, listed above the runs."""
    out_dir = Path(out_dir)
    rows = []
    for run in sorted(runs, key=lambda r: r.meta.started_at, reverse=True):
        run_slug = slug(run.meta.run_id)
        report = build_report([run], n_resamples=n_resamples, seed=seed)
        target = out_dir / "runs" / run_slug
        write_report(report, target, html_name=INDEX, nav=NAV)
        c1 = next((v.verdict for v in report.claims if v.claim.id == "C1"), "-")
        rows.append(_index_row(run, f"runs/{run_slug}/{INDEX}", c1))
    body = (
        _histories_html(histories, out_dir, n_resamples)
        + "<h1>Build benchmark runs</h1>\n<table>\n<thead><tr><th>run</th><th>scenario</th><th>started</th>"
        "<th>status</th><th>builds</th><th>C1: BuildKit faster cold</th></tr></thead>\n<tbody>\n"
        + "\n".join(rows)
        + "\n</tbody>\n</table>\n"
    )
    index = out_dir / INDEX
    out_dir.mkdir(parents=True, exist_ok=True)
    index.write_text(page("Build benchmark runs", body), encoding="utf-8")
    return index


def _histories_html(histories: Sequence[Path], out_dir: Path, n_resamples: int) -> str:
    """Each history's page (bench/report/history.py) and the index's table of them; "" without any."""
    from bench.report.history import write_history_report
    from bench.store.history_index import read_index

    rows = []
    for directory in histories:
        name = slug(Path(directory).resolve().name)
        write_history_report(
            directory, out_dir / "histories" / name, n_resamples=n_resamples, html_name=INDEX, nav=NAV
        )
        index = read_index(directory)
        where = Path(index.repo).name + ("" if index.path == "." else f"/{index.path}")
        cells = [
            f'<a href="histories/{html.escape(name)}/{INDEX}">{html.escape(name)}</a>',
            html.escape(where),
            html.escape(index.revs),
            str(len(index.points)),
            html.escape(index.status),
        ]
        rows.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
    if not rows:
        return ""
    return (
        "<h1>Build histories</h1>\n<table>\n<thead><tr><th>history</th><th>scenario</th><th>revisions</th>"
        "<th>commits</th><th>status</th></tr></thead>\n<tbody>\n" + "\n".join(rows) + "\n</tbody>\n</table>\n"
    )
