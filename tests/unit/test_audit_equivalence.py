"""Image checks without an engine: goss output, layers with whiteouts, equivalence and its classes, and the
claim checks C8-C11 and C13 on small hand-made evidence."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from bench.audit.equivalence import classify_field, compare_files, compare_images, flatten
from bench.audit.goss import parse_results
from bench.audit.image_files import FileEntry, ImageFiles, apply_layer
from bench.audit.run_equivalence import write_equivalence
from bench.report.claims import registry as claims
from bench.report.claims.compose import check_c11
from bench.report.claims.debug import check_c13
from bench.report.claims.images import check_c8, check_c9, check_c10
from bench.report.verdicts import Evidence

CLAIM = {c.id: c for c in claims.CLAIMS}
EMPTY = pd.DataFrame()


def _goss(*checks: dict) -> str:
    return json.dumps({"results": list(checks), "summary": {}})


def test_goss_results_are_counted_and_failures_named() -> None:
    text = _goss(
        {"successful": True, "skipped": False, "summary-line-compact": "File: /a: exists: matches"},
        {
            "successful": False,
            "skipped": False,
            "summary-line-compact": "File: /b: mode: Expected '0644' to equal '0755'",
        },
        {"successful": False, "skipped": True},
    )
    result = parse_results(text)
    assert (result.passed, result.failed, result.skipped) == (1, 1, 1)
    assert result.failures == ["File: /b: mode: Expected '0644' to equal '0755'"]
    assert not result.ok and result.error is None


def test_goss_output_without_results_is_an_error_not_a_pass() -> None:
    result = parse_results("exec /goss/goss: no such file or directory\n")
    assert result.error and "no such file" in result.error and not result.ok


def _layer(*members: tuple[str, bytes | None, dict]) -> tarfile.TarFile:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w") as tar:
        for name, data, extra in members:
            info = tarfile.TarInfo(name)
            for key, value in extra.items():
                setattr(info, key, value)
            if data is not None:
                info.size = len(data)
            tar.addfile(info, io.BytesIO(data) if data is not None else None)
    buffer.seek(0)
    return tarfile.open(fileobj=buffer)


DIR = {"type": tarfile.DIRTYPE, "mode": 0o755}


def test_layers_apply_in_order_with_whiteouts_opaque_dirs_and_hard_links() -> None:
    files: dict[str, FileEntry] = {}
    apply_layer(
        files,
        _layer(
            ("etc", None, DIR),
            ("etc/a", b"a", {"mode": 0o644}),
            ("etc/b", b"b", {"mode": 0o644}),
            ("opt", None, DIR),
            ("opt/old", b"x", {}),
            ("bin", None, DIR),
            ("bin/tool", b"tool", {"mode": 0o755}),
        ),
    )
    apply_layer(
        files,
        _layer(
            ("etc/.wh.a", b"", {}),
            ("opt/.wh..wh..opq", b"", {}),
            ("opt/new", b"n", {}),
            ("bin/alias", None, {"type": tarfile.LNKTYPE, "linkname": "bin/tool"}),
            ("etc/b", b"B!", {"mode": 0o600, "uid": 1000}),
        ),
    )
    assert "/etc/a" not in files and "/opt/old" not in files
    assert files["/opt/new"].type == "file" and "/opt" in files  # the opaque dir itself stays
    assert files["/bin/alias"] == files["/bin/tool"]  # a hard link is the file it links to
    assert (files["/etc/b"].size, files["/etc/b"].mode, files["/etc/b"].uid) == (2, "0600", 1000)


def test_a_hard_link_before_its_target_in_the_layer_is_kept() -> None:
    files: dict[str, FileEntry] = {}
    apply_layer(
        files,
        _layer(
            ("usr", None, DIR),
            ("usr/alias", None, {"type": tarfile.LNKTYPE, "linkname": "usr/tool"}),
            ("usr/tool", b"tool", {"mode": 0o755}),
        ),
    )
    assert files["/usr/alias"] == files["/usr/tool"] and files["/usr/alias"].size == 4


def _entry(sha: str = "1", mtime: int = 0, mode: str = "0644") -> FileEntry:
    return FileEntry("file", mode, 0, 0, 1, sha, None, mtime)


def test_mtime_only_differences_are_not_file_differences() -> None:
    a = {"/x": _entry(mtime=1), "/y": _entry(), "/only-a": _entry()}
    b = {"/x": _entry(mtime=2), "/y": _entry(sha="2", mode="0755")}
    result = compare_files(a, b)
    assert (result["only_a"], result["only_b"], result["changed"], result["mtime_only"]) == (1, 0, 1, 1)
    assert result["changed_paths"][0] == {
        "path": "/y",
        "differs": {"mode": ["0644", "0755"], "sha256": ["1", "2"]},
    }


@pytest.mark.parametrize(
    ("field", "a", "b", "expected"),
    [
        ("Created", "t1", "t2", "timestamps"),
        ("history[3].created", "t1", "t2", "timestamps"),
        ("Comment", "", "buildkit.dockerfile.v0", "buildkit-metadata"),
        ("Config.Labels.moby.buildkit.frontend", None, "x", "buildkit-metadata"),
        ("history[4].created_by", "/bin/sh -c #(nop) CMD", "CMD", "history"),
        ("Parent", "sha256:1", "", "builder-metadata"),
        ("RootFS.Layers[1]", "sha256:1", "sha256:2", "identity"),
        ("RepoTags[0]", "bench-run/s:legacy-3", "bench-run/s:buildkit-0", "identity"),
        ("Config.Env[0]", "A=1", "A=2", "config"),
        ("config.Cmd[0]", "a", "b", "config"),
    ],
)
def test_config_differences_are_classified_by_why_they_exist(field, a, b, expected) -> None:
    assert classify_field(field, a, b) == expected


def test_flatten_names_nested_fields() -> None:
    assert flatten({"Config": {"Env": ["A=1"], "Labels": None}}) == {
        "Config.Env[0]": "A=1",
        "Config.Labels": None,
    }


def _image(files: dict[str, FileEntry], comment: str, env: str = "A=1") -> ImageFiles:
    config = {"config": {"Env": [env]}, "created": comment}
    return ImageFiles(
        files, config, {"Id": f"sha256:{comment}", "Comment": comment, "Config": {"Env": [env]}}, 1
    )


def test_images_with_the_same_files_and_config_are_equivalent_and_inspect_tells_are_listed() -> None:
    files = {"/x": _entry()}
    result = compare_images(_image(files, ""), _image(files, "buildkit.dockerfile.v0"))
    assert result["equivalent"] and not result["identical"]
    assert result["inspect_reveals_builder"] and result["inspect_tells"][0]["field"] == "Comment"
    different = compare_images(_image(files, "", "A=1"), _image(files, "", "A=2"))
    assert not different["equivalent"] and different["differences_by_class"]["config"] == 2


def _kept(folder: Path, seq: int, builder: str, image: ImageFiles) -> None:
    document = {"key": "s|none|none|native", "builder": builder, "seq": seq, "image_id": f"sha256:{seq}"}
    (folder / f"{seq}.json").write_text(json.dumps({**document, **image.to_json()}))


def test_a_run_compares_the_builders_images_and_c8_c9_read_it(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    _kept(tmp_path / "images", 0, "legacy", _image({"/x": _entry(mtime=1)}, ""))
    _kept(tmp_path / "images", 1, "buildkit", _image({"/x": _entry(mtime=2)}, "buildkit.dockerfile.v0"))
    written = write_equivalence(tmp_path)
    assert written == tmp_path / "equivalence.json"
    evidence = Evidence(EMPTY, EMPTY, EMPTY, EMPTY, (tmp_path,))
    c8 = check_c8(CLAIM["C8"], evidence)
    assert c8.verdict == claims.SUPPORTED and "0 differ, 1 differ in mtime only" in c8.numbers[0]
    c9 = check_c9(CLAIM["C9"], evidence)
    assert c9.verdict == claims.NOT_SUPPORTED and "Comment" in c9.numbers[0]
    assert check_c8(CLAIM["C8"], Evidence(EMPTY, EMPTY, EMPTY, EMPTY, ())).verdict == claims.NOT_MEASURED


def _builds(*rows: dict) -> pd.DataFrame:
    base = {"run_id": "r", "warmup": False, "scenario": "s", "cache": "none", "change": "none"}
    return pd.DataFrame([{**base, **row} for row in rows])


def _steps(*rows: dict) -> pd.DataFrame:
    base = {"run_id": "r", "cached": False, "error": None, "duration_s": 1.0}
    return pd.DataFrame([{**base, **row} for row in rows])


def test_c10_needs_a_timed_test_stage_and_a_broken_test_failing_there() -> None:
    builds = _builds(
        {"seq": 0, "builder": "legacy", "outcome": "ok"},
        {"seq": 1, "builder": "legacy", "outcome": "failed", "cache": "local", "change": "test"},
    )
    steps = _steps(
        {"seq": 0, "name": "RUN make check", "stage": "test"},
        {"seq": 1, "name": "RUN make check", "stage": "test", "error": "exit 1"},
    )
    verdict = check_c10(CLAIM["C10"], Evidence(builds, steps, EMPTY, EMPTY))
    assert verdict.verdict == claims.SUPPORTED, verdict.numbers
    elsewhere = steps.assign(stage=["test", "build"])
    assert check_c10(CLAIM["C10"], Evidence(builds, elsewhere, EMPTY, EMPTY)).verdict == claims.NOT_SUPPORTED
    only_ok = builds.iloc[:1]
    assert check_c10(CLAIM["C10"], Evidence(only_ok, steps, EMPTY, EMPTY)).verdict == claims.NOT_MEASURED


def test_c11_reads_compose_builds_by_their_evidence() -> None:
    builds = _builds(
        {"seq": 0, "builder": "buildkit", "outcome": "ok", "wall_s": 2.0, "steps_total": 20,
         "builder_evidence": "compose: BuildKit #N progress lines"},
        {"seq": 1, "builder": "legacy", "outcome": "ok", "wall_s": 3.0, "steps_total": 0,
         "builder_evidence": "compose: legacy Step lines"},
    )  # fmt: skip
    verdict = check_c11(CLAIM["C11"], Evidence(builds, EMPTY, EMPTY, EMPTY))
    assert verdict.verdict == claims.SUPPORTED
    assert any("whole build only" in line for line in verdict.numbers)
    plain = builds.assign(builder_evidence="rawjson vertices")
    assert check_c11(CLAIM["C11"], Evidence(plain, EMPTY, EMPTY, EMPTY)).verdict == claims.NOT_MEASURED


def test_c13_is_not_supported_when_the_target_changed(tmp_path: Path) -> None:
    check = {
        "target": "t", "sees_target_processes": True, "sees_target_sockets": True,
        "target_listening_ports": [80], "toolbox_listening_ports": [80], "target_unchanged": False,
    }  # fmt: skip
    (tmp_path / "debug.json").write_text(json.dumps(check))
    verdict = check_c13(CLAIM["C13"], Evidence(EMPTY, EMPTY, EMPTY, EMPTY, (tmp_path,)))
    assert verdict.verdict == claims.NOT_SUPPORTED
    (tmp_path / "debug.json").write_text(json.dumps({**check, "target_unchanged": True}))
    assert (
        check_c13(CLAIM["C13"], Evidence(EMPTY, EMPTY, EMPTY, EMPTY, (tmp_path,))).verdict == claims.SUPPORTED
    )
