"""`bench equivalence IMAGE_A IMAGE_B`: compare two images file by file and config field by field."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from bench.commands import arguments

NAME = "equivalence"
USAGE = "IMAGE_A IMAGE_B [--out F]"
HELP = "compare two images file by file and config field by field (exit 1: not equivalent)"


def main(args: list[str]) -> int:
    """Exit 0 when the images are equivalent (no file or config difference), 1 when they are not."""
    from python_on_whales import DockerClient
    from python_on_whales.exceptions import NoSuchImage

    from bench.audit.equivalence import compare_images
    from bench.audit.image_files import read_image

    parser = arguments.parser(NAME, "Compare two images file by file and config field by field.")
    parser.add_argument("image_a")
    parser.add_argument("image_b")
    parser.add_argument("--out", type=Path, help="write the full comparison here as JSON")
    arguments.add_context(parser)
    ns = parser.parse_args(args)
    docker = DockerClient(context=ns.context)
    try:
        result = compare_images(read_image(docker, ns.image_a), read_image(docker, ns.image_b))
    except NoSuchImage as error:
        print(f"bench: no such image: {error.docker_command[-1]}; build or pull it first", file=sys.stderr)
        return 2
    if ns.out:
        ns.out.write_text(json.dumps(result, indent=1, sort_keys=True, default=str) + "\n")
    for line in describe(result, ns.image_a, ns.image_b):
        print(line)
    return 0 if result["equivalent"] else 1


def describe(result: dict, name_a: str, name_b: str) -> list[str]:
    """A few lines a reader can act on: the verdict, the classes of differences, the inspect tells."""
    files = result["files"]
    from bench.audit.equivalence import verdict_word

    lines = [
        f"{name_a} vs {name_b}: {verdict_word(result)}",
        f"files: {files['compared']} paths compared; {files['only_a']} only in A,"
        f" {files['only_b']} only in B, {files['changed']} differ;"
        f" {files['mtime_only']} differ in mtime only",
        "differences by class: "
        + (", ".join(f"{k} {v}" for k, v in result["differences_by_class"].items()) or "none"),
    ]
    lines += [f"  only in A: {p}" for p in files["only_a_paths"][:10]]
    lines += [f"  only in B: {p}" for p in files["only_b_paths"][:10]]
    lines += [f"  differs: {c['path']} {c['differs']}" for c in files["changed_paths"][:10]]
    lines += [
        f"  config {f['field']}: {f['a']!r} vs {f['b']!r}" for f in result["fields"] if f["class"] == "config"
    ][:10]
    tells = result["inspect_tells"]
    lines.append(
        "docker inspect reveals the builder: "
        + ("; ".join(f"{t['field']} {t['a']!r} vs {t['b']!r}" for t in tells) if tells else "no")
    )
    return lines
