"""The root of the errors a user can act on: a message and what to run or do about it.

The top level (bench/cli.py) prints a BenchError as one line and exits 2; anything else that escapes a
command is a bug and shows its traceback.
"""

from __future__ import annotations


class BenchError(Exception):
    """Bad input or an unusable engine; `fix` says what to run or do (empty when the message says it)."""

    def __init__(self, message: str, fix: str | None = None) -> None:
        super().__init__(message)
        self.fix = fix or ""

    def one_line(self) -> str:
        return f"{self}; fix: {self.fix}" if self.fix else str(self)


class ConfigError(BenchError):
    """A composed config has a value its schema allows but bench cannot use (BenchConfig.__post_init__)."""


class EngineError(BenchError):
    """Something about the engine, the host set-up or a service bench runs is missing or broken; `fix` says
    what to run. Every layer raises it, so it lives here, below all of them."""


class HistoryError(BenchError):
    """A history cannot be made as asked (not a git checkout, a bad range); the message says what to fix."""


class ResultsError(BenchError):
    """A run directory that cannot be read as asked; the message says what to do. The row types read run.json
    (bench/store/rows.py) and the store reads the rest (bench/store/results.py), so it lives below both."""


def known_errors() -> tuple[type[BaseException], ...]:
    """What a command may raise for a user to act on: BenchError, and python-on-whales' DockerException."""
    from python_on_whales.exceptions import DockerException

    return (BenchError, DockerException)


def one_line(error: BaseException) -> str:
    """A known error as one line: a BenchError with its fix; a docker call's last words on stderr (not only
    "The docker command executed was ..."); Hydra's and OmegaConf's message with its options."""
    from python_on_whales.exceptions import DockerException

    if isinstance(error, BenchError):
        return error.one_line()
    if isinstance(error, DockerException):
        return _docker_line(error)
    return _hydra_line(error)


def docker_said(error: BaseException, lines: int = 1, limit: int = 300) -> str:
    """The last non-empty lines of what a failed docker call printed (stderr, else stdout), joined by "; ":
    the reason, where python-on-whales' own message starts with "The docker command executed was ..."."""
    text = getattr(error, "stderr", None) or getattr(error, "stdout", None) or ""
    said = [line.strip() for line in str(text).splitlines() if line.strip()]
    return "; ".join(said[-lines:])[:limit]


def _docker_line(error) -> str:
    command = " ".join(str(word) for word in error.docker_command[:4])
    tail = docker_said(error, lines=3) or "it printed nothing"
    return f"`{command} ...` failed (exit {error.return_code}): {tail}"


def _hydra_line(error: BaseException) -> str:
    """Hydra's and OmegaConf's messages in one line: the error, its options, the cause's first line."""
    text = str(error).split("Config search path:", 1)[0]
    line = "; ".join(part.strip() for part in text.splitlines() if part.strip())
    line = line.replace(":; ", ": ").replace(".; ", "; ")
    cause = str(error.__cause__).strip().splitlines()[0] if error.__cause__ and str(error.__cause__) else ""
    return f"{line}: {cause}" if cause else line


def print_error(error: BaseException) -> int:
    """Print a known error as `bench: ...` on stderr; the exit code of bad input or an unusable engine."""
    import sys

    print(f"bench: {one_line(error)}", file=sys.stderr)
    return 2
