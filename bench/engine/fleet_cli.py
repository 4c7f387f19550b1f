"""`bench engine add NAME --host HOST [--shared]`: arguments in, a docker context and a config file out."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.engine.fleet import Tls, add_engine


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="bench engine add",
        description="Create a docker context for an engine and conf/engine/NAME.yaml, so that "
        "`bench run engine=NAME` measures on it.",
    )
    parser.add_argument("name", metavar="NAME", help="engine and docker context name, e.g. build1")
    parser.add_argument(
        "--host", required=True, help="ssh://USER@HOST, tcp://HOST:2376 (with TLS) or unix://"
    )
    parser.add_argument(
        "--shared",
        action="store_true",
        help="an engine others use too: bench removes only its own tags and never prunes",
    )
    for name, what in (("ca", "CA certificate"), ("cert", "client certificate"), ("key", "client key")):
        parser.add_argument(f"--tls-{name}", type=Path, help=f"{what} (PEM) of a tcp:// engine")
    parser.add_argument("--force", action="store_true", help="replace a context or config of that name")
    parser.add_argument(
        "--conf-dir",
        type=Path,
        default=None,
        help="where NAME.yaml goes (default: the project's conf/engine)",
    )
    return parser


def add(args: list[str]) -> int:
    ns = _parser().parse_args(args)
    given = [ns.tls_ca, ns.tls_cert, ns.tls_key]
    if any(given) and not all(given):
        print("bench: give all three of --tls-ca, --tls-cert and --tls-key, or none", file=sys.stderr)
        return 2
    tls = Tls(ns.tls_ca, ns.tls_cert, ns.tls_key) if all(given) else None
    extra = {"conf_dir": ns.conf_dir} if ns.conf_dir else {}
    path = add_engine(ns.name, ns.host, shared=ns.shared, tls=tls, force=ns.force, **extra)
    kind = "shared (never pruned)" if ns.shared else "owned (prunable)"
    print(f"engine {ns.name!r}: docker context {ns.name!r} -> {ns.host}, {kind}; wrote {path}")
    print(f"probe it: bench doctor engine={ns.name}    measure on it: bench run engine={ns.name} ...")
    return 0
