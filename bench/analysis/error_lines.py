"""The one line of a failed build's error tail a reader needs first: in a summary, a report, a sweep's list.

The full tail stays in the results store (bench/store/rows.py caps it); this picks and shortens a line.
"""

from __future__ import annotations

#: characters of the line shown for a failed cell
ERROR_LINE_MAX = 160

#: causes that tell more than Docker's summary line: the machine failed the build, not the project (a
#: full disk makes the project's own step fail, e.g. "mkdir: can't create directory '/out': No space ...")
ENGINE_CAUSES = ("no space left on device",)


def first_error_line(tail: object) -> str:
    """The most telling line of an error tail: one naming an engine cause (a full disk), else the first
    one mentioning an error, else the last line.

    Docker's own summary line ("ERROR: failed to solve: ...", "The command ... returned a non-zero code")
    is what a reader needs first; the full tail stays in the results store.
    """
    if not isinstance(tail, str):
        return ""
    lines = [ln.strip() for ln in tail.splitlines() if ln.strip()]
    if not lines:
        return ""
    for line in lines:
        cause = next((c for c in ENGINE_CAUSES if c in line.lower()), None)
        if cause:
            return _shortened(line, keep=cause)
    return _shortened(next((ln for ln in lines if "error" in ln.lower()), lines[-1]), keep=None)


def _shortened(line: str, keep: str | None) -> str:
    """`line` cut to ERROR_LINE_MAX characters, eliding its middle when the cause to `keep` sits at its
    end: BuildKit's error chains name the step first and the cause last ("COPY ...: failed to prepare
    ...: mkdir /var/lib/...: no space left on device: unknown")."""
    if len(line) <= ERROR_LINE_MAX:
        return line
    tail = line[line.lower().find(keep) :] if keep else ""
    if tail and len(tail) <= ERROR_LINE_MAX // 2:
        return line[: ERROR_LINE_MAX - len(tail) - 3] + " … " + tail
    return line[: ERROR_LINE_MAX - 1] + "…"
