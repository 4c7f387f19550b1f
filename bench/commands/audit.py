"""`bench audit`: search images (or a directory) for secret values, by hand or in CI (bench/audit/leaks.py).

    bench audit IMAGE... --secret-file F [--secret-file F2] [--context CTX] [--created-since EPOCH]
    bench audit --dir DIR... --secret-file F

One line per finding (where, the secret's fingerprint and the encoding; never the value), then a summary.
Exit 0 clean, 1 leaked, 2 bad input (a missing or empty secret file, an image the engine does not have).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import TYPE_CHECKING

from bench.commands import arguments

if TYPE_CHECKING:
    from bench.audit.leaks import Finding, Matcher

NAME = "audit"
USAGE = "IMAGE... --secret-file F [--dir DIR]"
HELP = "search layers, configs (or a directory) for a secret, also hex/base64 encoded (exit 1: leaked)"
EXIT_CLEAN, EXIT_LEAKED, EXIT_BAD_INPUT = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    parser = arguments.parser(
        NAME,
        "Search images' layers and configs, or directories, for secret values "
        "(also hex and base64 encoded). Exit 0 clean, 1 leaked, 2 bad input.",
    )
    parser.add_argument("images", nargs="*", metavar="IMAGE", help="images on the engine to audit")
    parser.add_argument("--dir", type=Path, action="append", default=[], help="a directory to audit")
    parser.add_argument(
        "--secret-file", type=Path, action="append", default=[], required=True, help="a file holding a secret"
    )
    arguments.add_context(parser)
    parser.add_argument(
        "--created-since",
        type=float,
        metavar="EPOCH",
        help="also audit every image (intermediate ones too) created since this time (epoch seconds)",
    )
    return parser


def _say(findings: list[Finding]) -> None:
    for finding in findings:
        print(finding.line())


def _summary(findings: list[Finding], what: str, size: int, seconds: float, fingerprints: list[str]) -> str:
    verdict = f"LEAKED ({len(findings)} finding(s))" if findings else "clean"
    return (
        f"audit of {what} for {len(fingerprints)} secret(s) [{', '.join(fingerprints)}]: {verdict};"
        f" {size / 1e6:.1f} MB read in {seconds:.2f} s"
    )


def audit_dirs(matcher: Matcher, dirs: list[Path]) -> tuple[list[Finding], int, list[str]]:
    findings: list[Finding] = []
    scanned, unreadable = 0, []
    for directory in dirs:
        from bench.audit.leaks import scan_directory

        scan = scan_directory(matcher, directory)
        findings += scan.findings
        scanned += scan.scanned_bytes
        unreadable += scan.unreadable
    return findings, scanned, unreadable


def main(args: list[str]) -> int:
    from bench.audit.leaks import Matcher, SecretInputError, read_secret_file

    ns = _parser().parse_args(args)
    try:
        secrets = [read_secret_file(path) for path in ns.secret_file]
    except SecretInputError as error:
        print(f"bench: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    if not ns.images and not ns.dir and ns.created_since is None:
        print("bench: audit needs IMAGE..., --dir DIR or --created-since EPOCH", file=sys.stderr)
        return EXIT_BAD_INPUT
    missing = [d for d in ns.dir if not d.is_dir()]
    if missing:
        print(f"bench: {missing[0]} is not a directory; give a run directory or log folder", file=sys.stderr)
        return EXIT_BAD_INPUT
    matcher = Matcher(secrets)
    fingerprints = [s.fingerprint for s in secrets]
    code = EXIT_CLEAN
    if ns.dir:
        started = time.monotonic()
        findings, scanned, unreadable = audit_dirs(matcher, ns.dir)
        _say(findings)
        for path in unreadable:
            print(f"UNREADABLE {path}")
        what = ", ".join(map(str, ns.dir))
        print(_summary(findings, what, scanned, time.monotonic() - started, fingerprints))
        code = EXIT_LEAKED if findings else code
    if ns.images or ns.created_since is not None:
        image_code = _audit_images(ns, matcher, fingerprints)
        code = image_code if image_code != EXIT_CLEAN else code
    return code


def _audit_images(ns: argparse.Namespace, matcher: Matcher, fingerprints: list[str]) -> int:
    from python_on_whales import DockerClient

    from bench.audit.image_leaks import (
        NOT_REACHED,
        NoSuchImageError,
        audit_images,
        images_created_since,
        require_images,
    )

    docker = DockerClient(context=ns.context)
    images = list(ns.images)
    try:
        require_images(docker, images)
        named = {docker.image.inspect(i).id for i in images}
        since = [] if ns.created_since is None else images_created_since(docker, ns.created_since, named)
        audit = audit_images(docker, images, matcher, left_behind=since)
    except NoSuchImageError as error:
        print(f"bench: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    _say(audit.findings)
    from bench.audit.leaks import short_digest

    shown = [short_digest(i) if i.startswith("sha256:") else i for i in audit.images]
    what = f"{len(shown)} image(s) ({', '.join(shown[:4])}{', ...' if len(shown) > 4 else ''})"
    print(_summary(audit.findings, what, audit.archive_bytes, audit.seconds, fingerprints))
    print(f"not reached: {NOT_REACHED}")
    return EXIT_LEAKED if audit.leaked else EXIT_CLEAN
