"""Every format shows every section of the one model, and every speedup in the one direction.

A section missing from one exporter, or a ratio inverted in one format (0.50x where the others say
2.00x), fails here: the same report is rendered as Markdown, HTML and on the terminal and read back.
The registry (bench/report/export/) renders one document in every format it finds, and a format added as
one file is found without being listed anywhere.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
import sys
from pathlib import Path

import pandas as pd
import pytest
from fakes import run_meta
from rich.console import Console

from bench.report import comparisons, export
from bench.report.compare import compare_runs
from bench.report.compare_terminal import print_comparison
from bench.report.document import Document, Heading
from bench.report.export import Exports, formats, render
from bench.report.files import print_report, write_report, write_summary
from bench.report.model import Report, build_report
from bench.report.sections import REPORT_SECTIONS, SUMMARY_SECTIONS, TERMINAL_SECTIONS, document
from bench.store.results import Run

N = 199
#: legacy cold 20 s, BuildKit cold 10 s (2x); legacy warm 5 s (4x over its cold build)
TIMES = {
    ("legacy", "none"): [20.0, 20.5, 19.5, 20.2, 19.8],
    ("buildkit", "none"): [10.0, 10.2, 9.8, 10.1, 9.9],
    ("legacy", "local"): [5.0, 5.1, 4.9, 5.05, 4.95],
    ("buildkit", "local"): [5.0, 5.1, 4.9, 5.05, 4.95],
}


def _builds(times: dict[tuple[str, str], list[float]], factor: float = 1.0) -> pd.DataFrame:
    rows = []
    for (builder, cache), walls in times.items():
        change = "none" if cache == "none" else "source"
        for wall in walls:
            rows.append(
                {
                    "run_id": "r",
                    "seq": len(rows),
                    "cell": f"multistage|{builder}|{cache}|{change}",
                    "scenario": "multistage",
                    "builder": builder,
                    "cache": cache,
                    "change": change,
                    "warmup": False,
                    "outcome": "ok",
                    "wall_s": wall * factor,
                    "flags": ["engine-not-empty"] if wall == walls[0] else [],
                    "error_tail": None,
                }
            )
    failed = {**rows[0], "seq": len(rows), "outcome": "failed", "wall_s": None, "error_tail": "ERROR: boom"}
    return pd.DataFrame([*rows, failed])


def _run(path: Path, builds: pd.DataFrame) -> Run:
    meta = run_meta(path.name, environment={"kernel": "6.1"}, config_yaml="a: 1\n")
    return Run(path, meta, builds, pd.DataFrame())


@pytest.fixture(scope="module")
def report(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return build_report([_run(tmp_path_factory.mktemp("run"), _builds(TIMES))], n_resamples=N)


@pytest.fixture(scope="module")
def rendered(report: Report, tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The report in each format, as the text a reader sees (HTML without its tags)."""
    out = tmp_path_factory.mktemp("out")
    md, page = write_report(report, out)
    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_report(report, console, REPORT_SECTIONS)
    summary = write_summary(report, tmp_path_factory.mktemp("summary"), figure=False)
    return {
        "markdown": md.read_text(),
        "html": html.unescape(re.sub(r"<[^>]+>", "", page.read_text())),
        "terminal": console.file.getvalue(),
        "summary": summary.read_text(),
    }


def _headings(report: Report, sections) -> list[str]:  # type: ignore[no-untyped-def]
    return [
        b.text.replace("`", "")
        for section in sections
        for b in section(report, [])
        if isinstance(b, Heading) and b.level == 2
    ]


def _plain(text: str) -> str:
    return text.replace("`", "").replace("**", "")


def test_the_summary_is_a_subset_of_the_report_in_the_same_order() -> None:
    assert [s for s in REPORT_SECTIONS if s in SUMMARY_SECTIONS] == list(SUMMARY_SECTIONS)
    assert [s for s in SUMMARY_SECTIONS if s in TERMINAL_SECTIONS] == list(TERMINAL_SECTIONS)


@pytest.mark.parametrize("fmt", ["markdown", "html", "terminal"])
def test_every_report_section_is_in_every_format(report: Report, rendered: dict[str, str], fmt: str) -> None:
    headings = _headings(report, REPORT_SECTIONS)
    assert {"Claims of the talk", "Build times per scenario", "Speedups", "Flags and outliers"} <= set(
        headings
    )
    text = _plain(rendered[fmt])
    assert [h for h in headings if h not in text] == []


def test_every_summary_section_is_in_summary_md(report: Report, rendered: dict[str, str]) -> None:
    text = _plain(rendered["summary"])
    assert [h for h in _headings(report, SUMMARY_SECTIONS) if h not in text] == []
    assert "Claims of the talk" not in text


@pytest.mark.parametrize("fmt", ["markdown", "html", "terminal", "summary"])
def test_every_format_states_each_speedup_one_way(rendered: dict[str, str], fmt: str) -> None:
    text = rendered[fmt]
    assert "speedup (legacy / BuildKit)" in text and "speedup (cold / cached)" in text
    assert re.search(r"2\.00x\s*\|?\s*\[", text), "BuildKit cold: legacy 20 s / BuildKit 10 s"
    assert re.search(r"4\.00x\s*\|?\s*\[", text), "legacy warm: cold 20 s / cached 5 s"
    assert "0.50x" not in text and "0.25x" not in text  # an inverted ratio anywhere


def test_the_model_holds_reference_over_candidate(report: Report) -> None:
    cold = report.builder_speedups.set_index("cache").loc["none"]
    assert cold["speedup"] == pytest.approx(cold["legacy_median_s"] / cold["buildkit_median_s"]) == 2.0
    warm = report.cache_speedups.set_index("builder").loc["legacy"]
    assert warm["speedup"] == pytest.approx(warm["cold_median_s"] / warm["cached_median_s"]) == 4.0


def test_bench_compare_states_the_same_direction(tmp_path: Path) -> None:
    """NEW 25% slower: speedup base / new = 0.80x, a regression, and the table says so the same way."""
    base = _run(tmp_path / "base", _builds(TIMES))
    new = _run(tmp_path / "new", _builds(TIMES, factor=1.25))
    result = compare_runs(base, new, n_resamples=N)
    assert result.cells["speedup"].tolist() == pytest.approx([0.8] * 4)
    assert (result.cells["status"] == "regression").all()
    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_comparison(result, console, "base", "new")
    out = console.file.getvalue()
    assert comparisons.RUNS.header in out and "0.80x" in out and "1.25x" not in out
    assert "4 regression(s)" in out


def test_the_terminal_leaves_out_count_columns_that_are_zero_everywhere(report: Report) -> None:
    """No cell has an unsupported build: the files keep the column, the narrow terminal does not."""
    console = Console(file=io.StringIO(), width=200, color_system=None)
    print_report(report, console)
    header = next(ln for ln in console.file.getvalue().splitlines() if ln.startswith("cache"))
    assert "failed" in header and "unsupported" not in header
    assert "| unsupported |" in render(document(report, []), "markdown")


def _console() -> Console:
    return Console(file=io.StringIO(), width=200, color_system=None)


def test_every_format_renders_the_same_report(report: Report) -> None:
    """One document in each registered format: BuildKit's cold median (10.0 s) and the cold speedup (2x)
    reach the formats people read and those tools read alike."""
    page = document(report, [], REPORT_SECTIONS)
    options = {"terminal": {"console": _console()}}
    out = {name: render(page, name, **options.get(name, {})) for name in formats()}
    assert sorted(out) == ["csv", "html", "json", "markdown", "terminal"]
    read = {**out, "html": html.unescape(re.sub(r"<[^>]+>", "", out["html"]))}  # the text a reader sees
    for name in ("markdown", "html", "terminal"):
        assert re.search(r"buildkit\W+5(\W+0)+\W+10\.0\b", read[name]), name  # ok, 0 warmups...failed, median
        assert re.search(r"2\.00x\W+\[", read[name]), name
    exported = json.loads(out["json"])
    assert [t for t in exported if t in report.tables] == [
        "cells",
        "builder_speedups",
        "cache_speedups",
        "claims",
        "flagged_builds",
    ]
    cells = {(c["builder"], c["cache"]): c for c in exported["cells"]}
    assert cells[("buildkit", "none")]["median_s"] == 10.0
    cold = next(s for s in exported["builder_speedups"] if s["cache"] == "none")
    assert cold["speedup"] == pytest.approx(2.0)
    rows = list(csv.DictReader(io.StringIO(out["csv"])))
    assert [(r["builder"], r["cache"], float(r["median_s"])) for r in rows] == [
        (c["builder"], c["cache"], c["median_s"]) for c in exported["cells"]
    ]
    assert ("buildkit", "none", 10.0) in [(r["builder"], r["cache"], float(r["median_s"])) for r in rows]


def test_each_format_is_the_module_of_its_name() -> None:
    assert {name: f"bench.report.export.{name}" for name in formats()} == {
        name: exporter.__module__ for name, exporter in formats().items()
    }


def test_the_terminal_renders_what_it_shows(report: Report) -> None:
    page = document(report, [], TERMINAL_SECTIONS)
    shown = _console()
    formats()["terminal"](console=shown).show(page)
    assert render(page, "terminal", console=_console()) == shown.file.getvalue()
    assert "Build times per scenario" in shown.file.getvalue()


NEW_FORMAT = """
from bench.report.document import Document, Table


class AsciidocExporter:
    name = "asciidoc"

    def render(self, document: Document) -> str:
        tables = [block for block in document.blocks if isinstance(block, Table)]
        rows = ["|" + " |".join(map(str, row)) for table in tables for row in table.rows]
        return "|===\\n" + "\\n".join(rows) + "\\n|===\\n"


EXPORTER = AsciidocExporter
"""


def test_a_new_format_is_one_file(
    report: Report, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest
) -> None:
    """A module dropped into the package's path is a format, for render and for --export-* alike."""
    (tmp_path / "formats").mkdir()
    (tmp_path / "formats" / "asciidoc.py").write_text(NEW_FORMAT)
    monkeypatch.setattr(export, "__path__", [*export.__path__, str(tmp_path / "formats")])
    request.addfinalizer(lambda: sys.modules.pop("bench.report.export.asciidoc", None))
    assert "asciidoc" in formats()
    page = Document(None, [*document(report, [], TERMINAL_SECTIONS).blocks])
    written = Exports({"asciidoc": tmp_path / "cells.adoc", "markdown": tmp_path / "cells.md"}).write(page)
    assert written == [tmp_path / "cells.adoc", tmp_path / "cells.md"]
    text = written[0].read_text()
    assert text.startswith("|===\n|") and "|buildkit |5 |0 |0 |0 |10.0 |" in text
