"""Errors the engine layer raises for the CLI to print as one line with the command that fixes them."""

from __future__ import annotations


class EngineError(RuntimeError):
    """Something about the engine is missing or broken; `fix` says what to run."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.fix = fix

    def one_line(self) -> str:
        return f"{self}; fix: {self.fix}" if self.fix else str(self)
