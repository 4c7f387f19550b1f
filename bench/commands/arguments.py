"""The argument parsing the commands share, written once: every parser answers -h/--help with exit 0
and refuses bad arguments with its usage and exit 2 (argparse's own convention)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bench.config import BenchConfig
    from bench.report.export import Exports


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


def composed(command: str, description: str, args: list[str]) -> BenchConfig:
    """The config a command's overrides compose, as `bench run` would (the parser answers --help)."""
    from bench.composition import compose

    found = parser(command, description)
    add_overrides(found)
    return compose(found.parse_args(args).overrides)


def directory_parser(command: str, description: str, metavar: str, example: str) -> argparse.ArgumentParser:
    """The parser of a command that takes one directory (`directory`), for the command's own flags."""
    found = parser(command, description)
    found.add_argument("directory", type=Path, metavar=metavar, help=f"e.g. {example}")
    return found


def runs(
    command: str, description: str, args: list[str], out_help: str, out_required: bool
) -> argparse.Namespace:
    """RUN_DIR... [--out DIR] [--resamples N]: the arguments of the commands that render runs."""
    found = parser(command, description)
    found.add_argument("run_dirs", nargs="+", type=Path, metavar="RUN_DIR")
    found.add_argument("--out", type=Path, required=out_required, help=out_help)
    add_resamples(found)
    return found.parse_args(args)


#: (format, flag) of the exports a command offers, in the order they are written
EXPORT_FLAGS = (("json", "--export-json"), ("csv", "--export-csv"), ("markdown", "--export-markdown"))


def add_exports(parser: argparse.ArgumentParser) -> None:
    """--export-json/--export-csv/--export-markdown F: formats of bench/report/export/ a command writes."""
    for kind, flag in EXPORT_FLAGS:
        parser.add_argument(flag, type=Path, metavar="FILE", help=f"also write the tables as {kind} to FILE")


def exports(ns: argparse.Namespace) -> Exports:
    """The exports an argument namespace asks for, in the order of the flags."""
    from bench.report.export import Exports

    paths = {kind: getattr(ns, flag[2:].replace("-", "_")) for kind, flag in EXPORT_FLAGS}
    return Exports({kind: path for kind, path in paths.items() if path is not None})
