"""`bench goss IMAGE --spec FILE`: check an image with a goss spec by hand (bench/audit/goss.py)."""

from __future__ import annotations

import sys
from pathlib import Path

from bench.commands import arguments

NAME = "goss"
USAGE = "IMAGE --spec FILE [--context CTX]"
HELP = "check an image with a goss spec (exit 1: a check failed, 2: goss could not run)"


def main(args: list[str]) -> int:
    from python_on_whales import DockerClient

    from bench.audit.goss import check_image

    parser = arguments.parser(NAME, "Check an image with a goss spec (goss run inside a container of it).")
    parser.add_argument("image")
    parser.add_argument("--spec", type=Path, required=True, help="the goss.yaml to check")
    arguments.add_context(parser)
    ns = parser.parse_args(args)
    result = check_image(DockerClient(context=ns.context), ns.image, ns.spec)  # GossError: exit 2
    if result.error:
        print(f"bench: goss did not check {ns.image}: {result.error}", file=sys.stderr)
        return 2
    for failure in result.failures:
        print(f"FAILED {failure}")
    print(
        f"goss: {result.passed} passed, {result.failed} failed, {result.skipped} skipped"
        f" ({result.duration_s:.2f} s)"
    )
    return 0 if result.ok else 1
