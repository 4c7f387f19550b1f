"""The argument parsing the commands share, written once: every parser answers -h/--help with exit 0
and refuses bad arguments with its usage and exit 2 (argparse's own convention)."""

from __future__ import annotations

import argparse


def parser(command: str, description: str, epilog: str | None = None) -> argparse.ArgumentParser:
    return argparse.ArgumentParser(
        prog=f"bench {command}",
        description=description,
        epilog=epilog,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )


def add_overrides(parser: argparse.ArgumentParser) -> None:
    """Hydra overrides choosing the engine (and the rest of the config) as `bench run` takes them."""
    parser.add_argument(
        "overrides",
        nargs="*",
        metavar="OVERRIDE",
        help="Hydra overrides as `bench run` takes them, e.g. engine=ssh-local engine.context=x",
    )


def add_resamples(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--resamples", type=int, default=9999, help="bootstrap resamples (default 9999)")


def add_context(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--context", default="bench", help="docker context of the engine (default bench)")


def fraction(text: str) -> float:
    """An argument that is a fraction of 0 or more (0.05 = 5%); argparse names the argument when not."""
    try:
        value = float(text)
    except ValueError:
        value = -1.0
    if not value >= 0:
        raise argparse.ArgumentTypeError(f"{text!r} is not a fraction of 0 or more (0.05 = 5%)")
    return value
