"""Errors the engine layer raises for the CLI to print as one line with the command that fixes them."""

from __future__ import annotations

from bench.errors import BenchError


class EngineError(BenchError):
    """Something about the engine is missing or broken; `fix` says what to run."""
