"""`bench engine add NAME --host HOST [--owned]`: arguments in, a docker context and a config file out.

Shared is the default: an engine bench did not start is emptied only when a person says `--owned` and it is
empty then (adopted with its engine ID: bench/engine/adoption.py).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from bench.commands import arguments

NAME = "add"
USAGE = "NAME --host ssh://USER@HOST|tcp://HOST:2376 [--owned] [--tls-ca F --tls-cert F --tls-key F]"
HELP = "a docker context and engine/NAME.yaml, so that `bench run engine=NAME` measures on it"
WHERE = (
    "NAME.yaml is written to $XDG_CONFIG_HOME/bench/engine/ (default ~/.config/bench/engine/), which every "
    "bench command searches after the configs bench ships; --conf-dir writes it elsewhere (then it is "
    "yours to put on Hydra's search path, e.g. hydra.searchpath=[file://DIR/..])."
)


def _parser() -> argparse.ArgumentParser:
    parser = arguments.parser(
        f"engine {NAME}",
        "Create a docker context for an engine and engine/NAME.yaml, so that `bench run engine=NAME` "
        "measures on it.",
        epilog=WHERE,
    )
    parser.add_argument("name", metavar="NAME", help="engine and docker context name, e.g. build1")
    parser.add_argument(
        "--host", required=True, help="ssh://USER@HOST, tcp://HOST:2376 (with TLS) or unix://"
    )
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--shared",
        action="store_true",
        help="the default: an engine others use too; bench removes only its own tags and never prunes",
    )
    kind.add_argument(
        "--owned",
        action="store_true",
        help="bench may empty it before every cold build (containers, volumes, images, build cache); "
        "adopted only when it holds no container, volume, image or build cache bench did not make",
    )
    for name, what in (("ca", "CA certificate"), ("cert", "client certificate"), ("key", "client key")):
        parser.add_argument(f"--tls-{name}", type=Path, help=f"{what} (PEM) of a tcp:// engine")
    parser.add_argument(
        "--force",
        action="store_true",
        help="replace a context or config of that name (never owns an engine that is not empty)",
    )
    parser.add_argument(
        "--conf-dir",
        type=Path,
        default=None,
        help="where NAME.yaml goes (default: $XDG_CONFIG_HOME/bench/engine)",
    )
    return parser


def main(args: list[str]) -> int:
    from bench.engine.fleet import Tls, add_engine

    ns = _parser().parse_args(args)
    given = [ns.tls_ca, ns.tls_cert, ns.tls_key]
    if any(given) and not all(given):
        print("bench: give all three of --tls-ca, --tls-cert and --tls-key, or none", file=sys.stderr)
        return 2
    tls = Tls(ns.tls_ca, ns.tls_cert, ns.tls_key) if all(given) else None
    path = add_engine(ns.name, ns.host, owned=ns.owned, tls=tls, force=ns.force, conf_dir=ns.conf_dir)
    kind = "owned (prunable)" if ns.owned else "shared (never pruned)"
    print(f"engine {ns.name!r}: docker context {ns.name!r} -> {ns.host}, {kind}; wrote {path}")
    print(f"probe it: bench doctor engine={ns.name}    measure on it: bench run engine={ns.name} ...")
    return 0
