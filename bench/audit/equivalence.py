"""Are two images equivalent? Files (path, type, mode, owner, size, sha256, link target) and config, with
every difference classified by why it exists (C8: "both builders produce equivalent images"; C9: "`docker
inspect` does not show that an image was built with BuildKit").

Classes of differences:
- `files`: a path only in one image, or differing in type, mode, owner, size, content or link target;
- `timestamps`: file mtimes, `created` dates, LastTagTime: any two builds differ there;
- `identity`: ids and digests, which follow from any byte of difference (mtimes in layer tars included);
- `history`: the build steps recorded in the config (created_by, comment, empty_layer);
- `buildkit-metadata`: values or keys naming BuildKit (moby.buildkit labels/annotations, the
  `buildkit.dockerfile.v0` comment);
- `builder-metadata`: fields one builder fills and the other leaves empty (Parent, DockerVersion,
  Container, ContainerConfig...);
- `config`: anything else of the config (Env, Cmd, WorkingDir, User, Labels...): a real difference.
Two images are *equivalent* when they differ in no `files` and no `config` field.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from bench.audit.image_files import FileEntry, ImageFiles

FILE_FIELDS = ("type", "mode", "uid", "gid", "size", "sha256", "link")
LISTED = 50  # differences listed per kind in equivalence.json (all are counted)

_TIMESTAMP_KEYS = ("created", "lasttagtime")
_IDENTITY = ("id", "repotags", "repodigests", "rootfs", "size", "virtualsize", "graphdriver", "descriptor")
_BUILDER_FIELDS = ("parent", "dockerversion", "container", "containerconfig", "comment", "author")
SUBSTANTIVE = ("files", "config")


def flatten(value: Any, prefix: str = "") -> dict[str, Any]:
    """Nested dicts and lists -> {"Config.Env[0]": ...}; empty containers and None are kept as leaves."""
    if isinstance(value, dict) and value:
        out: dict[str, Any] = {}
        for key, item in value.items():
            out.update(flatten(item, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(value, list) and value:
        out = {}
        for index, item in enumerate(value):
            out.update(flatten(item, f"{prefix}[{index}]"))
        return out
    return {prefix: value}


def _empty(value: Any) -> bool:
    return value in (None, "", [], {}, 0, False)


def classify_field(field: str, a: Any, b: Any) -> str:
    """Why a config or inspect field differs between two builds of the same project (module docstring)."""
    lowered = field.lower()
    words = [w.split("[")[0] for w in lowered.split(".")]
    if "buildkit" in lowered:
        return "buildkit-metadata"
    if words[0] in _IDENTITY:  # before the values: a tag may well contain the word "buildkit"
        return "identity"
    if any("buildkit" in str(v).lower() for v in (a, b)):
        return "buildkit-metadata"
    if words[-1] in _TIMESTAMP_KEYS:
        return "timestamps"
    if words[0] == "history":
        return "history"
    if words[0] in _BUILDER_FIELDS or (words[0] == "config" and words[-1] == "image"):
        return "builder-metadata"
    if words[0] == "config" and words[-1] == "argsescaped" and (_empty(a) or _empty(b)):
        return "builder-metadata"
    return "config"


def _entry(entry: FileEntry) -> dict[str, Any]:
    return {k: v for k, v in asdict(entry).items() if k in FILE_FIELDS}


def compare_files(a: dict[str, FileEntry], b: dict[str, FileEntry]) -> dict[str, Any]:
    """Paths only in one image, paths whose content or metadata differ, and mtime-only differences."""
    only_a, only_b = sorted(set(a) - set(b)), sorted(set(b) - set(a))
    changed, mtime_only = [], 0
    for path in sorted(set(a) & set(b)):
        ea, eb = _entry(a[path]), _entry(b[path])
        if ea != eb:
            fields = {k: [ea[k], eb[k]] for k in FILE_FIELDS if ea[k] != eb[k]}
            changed.append({"path": path, "differs": fields})
        elif a[path].mtime != b[path].mtime:
            mtime_only += 1
    return {
        "compared": len(set(a) | set(b)),
        "only_a": len(only_a),
        "only_b": len(only_b),
        "changed": len(changed),
        "mtime_only": mtime_only,
        "only_a_paths": only_a[:LISTED],
        "only_b_paths": only_b[:LISTED],
        "changed_paths": changed[:LISTED],
    }


def compare_fields(a: dict[str, Any], b: dict[str, Any], source: str) -> list[dict[str, Any]]:
    """Every flattened field that differs, with its class; `source` is `config` (the blob) or `inspect`."""
    fa, fb = flatten(a), flatten(b)
    out = []
    for key in sorted(set(fa) | set(fb)):
        va, vb = fa.get(key), fb.get(key)
        if va != vb:
            out.append(
                {"source": source, "field": key, "a": va, "b": vb, "class": classify_field(key, va, vb)}
            )
    return out


def compare_images(a: ImageFiles, b: ImageFiles) -> dict[str, Any]:
    """The full comparison of two images: files, config blob, inspect output, and the verdicts."""
    files = compare_files(a.files, b.files)
    fields = compare_fields(a.config, b.config, "config") + compare_fields(a.inspect, b.inspect, "inspect")
    by_class: dict[str, int] = {}
    for item in fields:
        by_class[item["class"]] = by_class.get(item["class"], 0) + 1
    if files["only_a"] or files["only_b"] or files["changed"]:
        by_class["files"] = files["only_a"] + files["only_b"] + files["changed"]
    if files["mtime_only"]:
        by_class["timestamps"] = by_class.get("timestamps", 0) + files["mtime_only"]
    tells = [
        item
        for item in fields
        if item["source"] == "inspect" and item["class"] in ("buildkit-metadata", "builder-metadata")
    ]
    return {
        "identical": a.inspect.get("Id") is not None and a.inspect.get("Id") == b.inspect.get("Id"),
        "equivalent": not any(by_class.get(c) for c in SUBSTANTIVE),
        "differences_by_class": dict(sorted(by_class.items())),
        "files": files,
        "fields": fields[: LISTED * 4],
        "inspect_reveals_builder": bool(tells),
        "inspect_tells": [{k: t[k] for k in ("field", "a", "b", "class")} for t in tells],
        "layers": [a.layers, b.layers],
    }


def verdict_word(result: dict[str, Any]) -> str:
    """identical, equivalent (files and config the same, metadata aside) or NOT equivalent."""
    if result["identical"]:
        return "identical"
    return "equivalent" if result["equivalent"] else "NOT equivalent"
