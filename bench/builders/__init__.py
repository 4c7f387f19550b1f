"""The two builders behind one interface (`Builder`): legacy and BuildKit (and compose), each run as a timed
process whose output is parsed into steps as it arrives; the request and record types (records).
May import: errors, platforms, safe, config, plan, scenario, machine.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from bench.builders.buildkit import BuildKitBuilder
from bench.builders.legacy import LegacyBuilder
from bench.builders.protocol import Builder

if TYPE_CHECKING:
    from python_on_whales import DockerClient

BUILDERS: dict[str, type[BuildKitBuilder] | type[LegacyBuilder]] = {
    BuildKitBuilder.name: BuildKitBuilder,
    LegacyBuilder.name: LegacyBuilder,
}


def make_builder(name: str, client: DockerClient) -> Builder:
    """The builder called `name` (as in conf/builder), targeting the engine `client` talks to."""
    try:
        return BUILDERS[name](client)
    except KeyError:
        raise ValueError(f"unknown builder {name!r}; known: {', '.join(sorted(BUILDERS))}") from None


__all__ = ["BUILDERS", "BuildKitBuilder", "Builder", "LegacyBuilder", "make_builder"]
