"""The one interface both builders implement, so planner, runner and stats never ask which one ran."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from bench.records import BuildRecord, BuildRequest


@runtime_checkable
class Builder(Protocol):
    """Runs one build and reports it; constructed with a python-on-whales `DockerClient`.

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
