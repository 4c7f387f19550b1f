"""The PEP 503 index the harness serves to scenarios that install Python packages."""

from __future__ import annotations

from pathlib import Path

from bench.services.package_index import normalize, wheel_project, write_simple_index


def test_projects_are_named_as_pep_503_says() -> None:
    assert normalize("Charset_Normalizer") == "charset-normalizer"
    assert normalize("python.dateutil") == "python-dateutil"
    assert (
        wheel_project("charset_normalizer-3.3.2-cp311-cp311-manylinux_2_17_x86_64.whl")
        == "charset-normalizer"
    )


def test_every_wheel_is_linked_from_its_project_page(tmp_path: Path) -> None:
    files = tmp_path / "files"
    files.mkdir()
    wheels = [
        "numpy-1.26.4-cp311-cp311-manylinux_2_17_x86_64.whl",
        "python_dateutil-2.9.0.post0-py2.py3-none-any.whl",
    ]
    for name in wheels:
        (files / name).write_bytes(b"PK")
    assert write_simple_index(tmp_path) == 2
    root_page = (tmp_path / "simple" / "index.html").read_text()
    assert 'href="numpy/"' in root_page and 'href="python-dateutil/"' in root_page
    page = (tmp_path / "simple" / "python-dateutil" / "index.html").read_text()
    assert f'href="../../files/{wheels[1]}"' in page
    assert (tmp_path / "simple" / "numpy" / "../../files" / wheels[0]).resolve().is_file()
