"""The one interface both builders implement, so planner, runner and stats never ask which one ran."""

from __future__ import annotations

from typing import Protocol

from bench.builders.records import BuildRecord, BuildRequest


class Builder(Protocol):
    """Runs one build and reports it; constructed with a python-on-whales `DockerClient`.

    Not runtime-checkable on purpose: isinstance against it would only compare attribute names, so a
    builder is checked by what it does (its tests), and its type by a type checker.

    `build` never raises for a build that fails: the record says FAILED, with the exit code and the
    end of the output. It raises only for programming errors.
    """

    name: str

    def supports(self, request: BuildRequest) -> str | None:
        """None when this builder can build `request` faithfully, else the reason it cannot."""
        ...

    def build(self, request: BuildRequest) -> BuildRecord:
        """Build `request`, timing the build process alone."""
        ...
