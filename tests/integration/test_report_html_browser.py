"""report.html in headless Chromium: no console errors, every image loads, a screenshot is taken."""

from __future__ import annotations

from pathlib import Path

from browser import check_page

from bench.composition import PROJECT_ROOT
from bench.report.files import write_report
from bench.report.model import build_report
from bench.store.results import load

RECORDED_RUN = PROJECT_ROOT / "tests" / "fixtures" / "runs" / "tiny"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def test_report_page_loads_cleanly_with_every_image(tmp_path: Path) -> None:
    _, page = write_report(build_report([load(RECORDED_RUN)], n_resamples=999), tmp_path / "report")
    shot = tmp_path / "report.png"
    seen = check_page(page, shot)
    assert seen.console_errors == []
    assert seen.title.startswith("Build benchmark report")
    assert len(seen.images) >= 4
    assert all(i["complete"] and i["width"] > 300 and i["height"] > 100 for i in seen.images), seen.images
    assert shot.read_bytes().startswith(PNG_MAGIC) and shot.stat().st_size > 10_000


def test_the_check_sees_a_broken_image_and_a_script_error(tmp_path: Path) -> None:
    page = tmp_path / "broken.html"
    page.write_text(
        '<!DOCTYPE html><html><head><title>t</title><link rel="icon" href="data:,"></head><body>'
        '<img src="missing.png"><script>console.error("boom")</script></body></html>'
    )
    seen = check_page(page, tmp_path / "broken.png")
    assert any("boom" in e for e in seen.console_errors)
    assert any("missing.png" in e or "ERR_FILE_NOT_FOUND" in e for e in seen.console_errors), (
        seen.console_errors
    )
    assert seen.images[0]["width"] == 0
