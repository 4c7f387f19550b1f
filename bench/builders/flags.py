"""The command-line flags every builder derives from a BuildRequest, and the image id file it writes.

Both builders take the same flags for the same request, so that the only difference between two
measured commands is the builder itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from bench.builders.records import BuildRequest

if TYPE_CHECKING:
    from python_on_whales.client_config import Command


def add_request_flags(cmd: Command, request: BuildRequest, iidfile: str | None) -> Command:
    """Append `--iidfile`, `--network`, build args, target, file, tag, extra flags and the context.

    The image id comes from `--iidfile` (both builders support it) rather than an inspect afterwards,
    so no extra engine call is needed. Build args are sorted so equal requests give equal argv.
    """
    cmd.add_simple_arg("--iidfile", iidfile)
    cmd.add_simple_arg("--network", request.network)
    cmd.add_args_mapping("--build-arg", dict(sorted(request.build_args.items())))
    cmd.add_simple_arg("--target", request.target)
    cmd.add_simple_arg("--file", request.dockerfile)
    cmd.add_simple_arg("--tag", request.tag)
    cmd.extend(request.extra_flags)
    cmd.append(request.context_dir)
    return cmd


def flag_values(flags: Sequence[str], *names: str) -> list[str]:
    """Values given to any of `names` in `flags`, in `--name value` or `--name=value` form.

    A flag given without a value (e.g. `--push`) yields an empty string.
    """
    values: list[str] = []
    for position, word in enumerate(flags):
        name, equals, value = word.partition("=")
        if name not in names:
            continue
        if equals:
            values.append(value)
        elif position + 1 < len(flags) and not flags[position + 1].startswith("-"):
            values.append(flags[position + 1])
        else:
            values.append("")
    return values


def read_iidfile(path: str | Path) -> str | None:
    """The image id a build wrote, or None when it wrote none (a failed build)."""
    try:
        image_id = Path(path).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return image_id or None
