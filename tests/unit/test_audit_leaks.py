"""The secret audit on synthetic layers, configs and archives: each encoding found, absence not found."""

from __future__ import annotations

import base64
import io
import json
import tarfile
from pathlib import Path

import pytest

from bench.audit.leaks import (
    Matcher,
    Secret,
    SecretInputError,
    read_secret_file,
    scan_config,
    scan_directory,
    scan_layer,
    scan_saved,
)

SECRET = Secret(b"s3cr3t-T0ken-0123456789abcdef", "token")
OTHER = Secret(b"another-secret-value-42", "other")


def _layer(files: dict[str, bytes], gzip: bool = False) -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz" if gzip else "w") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


def _scan_layer(files: dict[str, bytes], secret: Secret = SECRET) -> list[str]:
    with tarfile.open(fileobj=io.BytesIO(_layer(files)), mode="r:*") as layer:
        return [f"{f.encoding} {f.where}" for f in scan_layer(Matcher([secret]), layer, "L")]


@pytest.mark.parametrize(
    ("encoding", "content"),
    [
        ("plain", b"Authorization: Bearer " + SECRET.value + b"\n"),
        ("hex", b"x=" + SECRET.value.hex().encode()),
        ("HEX", SECRET.value.hex().upper().encode()),
        ("base64@0", base64.b64encode(SECRET.value)),
        ("base64@1", base64.b64encode(b"a" + SECRET.value + b"zz")),
        ("base64@2", base64.b64encode(b"ab" + SECRET.value + b"z")),
    ],
)
def test_each_encoding_is_found_in_a_layer_file(encoding: str, content: bytes) -> None:
    found = _scan_layer({"etc/app.conf": b"prefix " + content + b" suffix", "bin/sh": b"\x7fELF" * 100})
    assert f"{encoding} L /etc/app.conf" in found
    assert not any("/bin/sh" in f for f in found)


def test_url_safe_base64_is_its_own_encoding_only_when_it_differs() -> None:
    tilde = Secret(b"~~~token-with-tildes~~~")  # base64 "fn5+...": URL-safe "fn5-..."
    assert "base64url@0" in tilde.needles() and "base64url@0" not in SECRET.needles()
    blob = base64.urlsafe_b64encode(b"\xff\xfe\xfd" + tilde.value)
    assert _scan_layer({"etc/app.conf": blob}, secret=tilde) == ["base64url@0 L /etc/app.conf"]


def test_a_secret_embedded_in_a_long_base64_blob_is_found_at_any_offset() -> None:
    for offset in range(6):
        blob = base64.b64encode(bytes(range(offset)) + SECRET.value + bytes(range(50)))
        assert _scan_layer({"blob": blob}), f"not found at offset {offset}"


def test_absent_secret_is_not_found() -> None:
    assert _scan_layer({"etc/passwd": b"root:x:0:0\n", "tmp/near": SECRET.value[:-1]}) == []
    assert _scan_layer({"etc/app.conf": SECRET.value}, secret=OTHER) == []


def test_a_secret_across_a_chunk_boundary_is_found(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bench.audit.leaks.CHUNK_BYTES", 16)
    assert "plain L /big" in _scan_layer({"big": b"x" * 37 + SECRET.value + b"y" * 50})


def test_a_secret_in_a_file_name_is_found() -> None:
    assert any("(path)" in f for f in _scan_layer({f"keys/{SECRET.value.decode()}": b"-"}))


def test_config_fields_are_named() -> None:
    config = {
        "config": {"Env": ["PATH=/bin", f"TOKEN={SECRET.value.decode()}"], "Labels": {"ok": "yes"}},
        "history": [
            {"created_by": "FROM base"},
            {"created_by": f"RUN |1 TOKEN={SECRET.value.decode()} /bin/sh -c wget"},
        ],
    }
    found = [f.where for f in scan_config(Matcher([SECRET]), config, "img config")]
    assert found == ["img config config.Env[1]", "img config history[1].created_by"]
    assert scan_config(Matcher([OTHER]), config, "img config") == []


def _saved_archive(path: Path, layers: list[bytes], config: dict, gzip_layers: bool = False) -> None:
    with tarfile.open(path, "w") as outer:
        names = []
        for index, data in enumerate(layers):
            name = f"blobs/sha256/{str(index + 1) * 64}"
            info = tarfile.TarInfo(name)
            info.size = len(data)
            outer.addfile(info, io.BytesIO(data))
            names.append(name)
        config_bytes = json.dumps(config).encode()
        info = tarfile.TarInfo("blobs/sha256/" + "c" * 64)
        info.size = len(config_bytes)
        outer.addfile(info, io.BytesIO(config_bytes))
        manifest = json.dumps([{"Config": info.name, "RepoTags": ["x:1"], "Layers": names}]).encode()
        minfo = tarfile.TarInfo("manifest.json")
        minfo.size = len(manifest)
        outer.addfile(minfo, io.BytesIO(manifest))


def test_saved_archive_names_the_layer_and_path_of_a_deleted_file(tmp_path: Path) -> None:
    """copy-then-delete: the file is in layer 2 although layer 3 whites it out."""
    layers = [
        _layer({"bin/busybox": b"\x7fELF"}),
        _layer({"tmp/token": SECRET.value}, gzip=True),
        _layer({"tmp/.wh.token": b""}),
    ]
    archive = tmp_path / "image.tar"
    _saved_archive(archive, layers, {"history": [{"created_by": "COPY token /tmp/token"}]})
    found = scan_saved(Matcher([SECRET]), archive)
    assert [f.where for f in found] == [f"x:1 layer 2/3 sha256:{'2' * 12} /tmp/token"]
    assert found[0].fingerprint == SECRET.fingerprint


def test_clean_archive_has_no_findings(tmp_path: Path) -> None:
    archive = tmp_path / "image.tar"
    _saved_archive(archive, [_layer({"artifact.bin": b"\0" * 4096})], {"config": {"Env": ["A=b"]}})
    assert scan_saved(Matcher([SECRET, OTHER]), archive) == []


def test_directory_scan_finds_files_and_names(tmp_path: Path) -> None:
    (tmp_path / "logs").mkdir()
    (tmp_path / "logs" / "build.log").write_bytes(b"argv --build-arg TOKEN=" + SECRET.value)
    (tmp_path / "clean.json").write_text("{}")
    (tmp_path / "link").symlink_to(tmp_path / "logs" / "build.log")
    scan = scan_directory(Matcher([SECRET]), tmp_path)
    assert [f.where for f in scan.findings] == [str(tmp_path / "logs" / "build.log")]
    assert scan.scanned_bytes > len(SECRET.value)


def test_the_value_never_appears_in_a_finding_or_repr() -> None:
    finding = Matcher([SECRET]).findings([(SECRET.fingerprint, "plain")], "somewhere")[0]
    assert SECRET.value.decode() not in finding.line() + repr(SECRET)
    assert SECRET.fingerprint in finding.line() and len(SECRET.fingerprint) == 8


def test_secret_files_bad_input(tmp_path: Path) -> None:
    with pytest.raises(SecretInputError, match="does not exist"):
        read_secret_file(tmp_path / "missing")
    (tmp_path / "empty").write_text("\n")
    with pytest.raises(SecretInputError, match="is empty"):
        read_secret_file(tmp_path / "empty")
    (tmp_path / "short").write_text("abc")
    with pytest.raises(SecretInputError, match="at least"):
        read_secret_file(tmp_path / "short")
    (tmp_path / "ok").write_bytes(SECRET.value + b"\n")
    assert read_secret_file(tmp_path / "ok").value == SECRET.value


def test_daemon_log_findings_go_to_the_build_that_logged_them(tmp_path: Path) -> None:
    from bench.audit.leak_check import DaemonLog

    log = tmp_path / "dockerd.log"
    log.write_bytes(b"old line with " + SECRET.value + b"\n")  # before the run: not this run's builds
    daemon = DaemonLog(log)
    matcher = Matcher([SECRET])
    assert daemon.new_findings(matcher) == []
    with log.open("ab") as out:
        out.write(b"clean\nspan=RUN wget --header Bearer " + SECRET.value + b"\npartial " + SECRET.value)
    assert [f.where for f in daemon.new_findings(matcher)] == [f"daemon log {log} line 3"]
    with log.open("ab") as out:
        out.write(b" end\n")
    assert [f.where for f in daemon.new_findings(matcher)] == [f"daemon log {log} line 4"]
    assert daemon.new_findings(matcher) == []
