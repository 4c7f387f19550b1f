"""A small Dockerfile scanner: instructions, stages, and features only BuildKit has.

The builders need three facts from a Dockerfile without running anything: which stages exist
(to name legacy steps the way BuildKit names them), and whether it uses BuildKit-only syntax
(so a legacy cell is recorded as unsupported instead of failing, or worse, building something else).
This is deliberately not a full parser: it handles parser directives, comments, line continuations
and heredocs, which is what it takes to find instruction boundaries reliably.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_DIRECTIVE = re.compile(r"^#\s*([A-Za-z]+)\s*=\s*(.*?)\s*$")
_HEREDOC = re.compile(r"<<(-?)\s*([\"']?)([A-Za-z0-9_.-]+)\2")
_FLAG = re.compile(r"--([a-z-]+)(?:=(\S*))?")


@dataclass(frozen=True)
class Instruction:
    """One instruction with its continuation lines joined; `line` is where it starts (1-based)."""

    keyword: str
    args: str
    line: int
    heredoc: bool = False

    def flags(self) -> dict[str, str]:
        """The leading `--flag[=value]` options of the instruction (empty value for bare flags)."""
        found: dict[str, str] = {}
        for word in self.args.split():
            match = _FLAG.fullmatch(word)
            if match is None:
                break
            found[match.group(1)] = match.group(2) or ""
        return found


@dataclass(frozen=True)
class FromLine:
    """A `FROM image [AS name]` line: `index` is the stage's position in the file (0-based)."""

    index: int
    image: str
    name: str | None
    platform: str | None = None


def read_instructions(text: str) -> list[Instruction]:
    """Split Dockerfile text into instructions, honouring `# escape=`, comments, `\\` and heredocs."""
    lines = text.splitlines()
    escape = "\\"
    position = 0
    while position < len(lines):  # parser directives: only at the very top, before anything else
        match = _DIRECTIVE.match(lines[position])
        if match is None:
            break
        if match.group(1).lower() == "escape" and match.group(2) in ("\\", "`"):
            escape = match.group(2)
        position += 1

    result: list[Instruction] = []
    while position < len(lines):
        raw = lines[position].strip()
        position += 1
        if not raw or raw.startswith("#"):
            continue
        start = position
        parts = [raw]
        while parts[-1].endswith(escape):
            parts[-1] = parts[-1][: -len(escape)].rstrip()
            while position < len(lines) and (
                not lines[position].strip() or lines[position].lstrip().startswith("#")
            ):
                position += 1
            if position >= len(lines):
                break
            parts.append(lines[position].strip())
            position += 1
        keyword, _, args = " ".join(parts).partition(" ")
        args = args.strip()
        heredocs = _HEREDOC.findall(args) if keyword.upper() in ("RUN", "COPY", "ADD") else []
        for strip_tabs, _quote, word in heredocs:  # skip each heredoc body up to its terminator
            while position < len(lines):
                body = lines[position]
                position += 1
                if (body.lstrip("\t") if strip_tabs else body) == word:
                    break
        result.append(Instruction(keyword.upper(), args, start, heredoc=bool(heredocs)))
    return result


def read_dockerfile(path: str | Path) -> list[Instruction]:
    """Instructions of the Dockerfile at `path`."""
    return read_instructions(Path(path).read_text(encoding="utf-8", errors="replace"))


def from_lines(instructions: list[Instruction]) -> list[FromLine]:
    """The stages of a Dockerfile, in file order."""
    stages: list[FromLine] = []
    for instruction in instructions:
        if instruction.keyword != "FROM":
            continue
        flags = instruction.flags()
        words = [w for w in instruction.args.split() if not w.startswith("--")]
        name = words[2] if len(words) >= 3 and words[1].upper() == "AS" else None
        image = words[0] if words else ""
        stages.append(FromLine(len(stages), image, name, flags.get("platform")))
    return stages


def stage_label(stages: list[FromLine], index: int) -> str | None:
    """The stage name BuildKit prints for stage `index`: its `AS` name, else `stage-N`.

    BuildKit prints no stage name at all for a single-stage Dockerfile; this returns None then,
    so that both builders label the same step with the same stage.
    """
    stage = stages[index]
    if stage.name is not None:
        return stage.name
    return f"stage-{index}" if len(stages) > 1 else None


# Flags the legacy builder rejects, checked on dockerd 26.1.5 ("requires BuildKit" or "unknown flag").
# Not listed because it builds the same files: COPY --link and ADD --checksum/--keep-git-dir, which
# it silently ignores. Heredocs are worse: accepted, and the body is dropped (RUN runs nothing).
_LEGACY_REJECTED_FLAGS: dict[str, tuple[str, ...]] = {
    "RUN": ("mount", "network", "security"),
    "COPY": ("chmod", "parents", "exclude"),
    "ADD": ("chmod", "parents", "exclude"),
}


def buildkit_only_features(instructions: list[Instruction]) -> list[str]:
    """Human-readable reasons why the legacy builder cannot build this Dockerfile faithfully."""
    reasons: list[str] = []
    for instruction in instructions:
        where = f"line {instruction.line}: {instruction.keyword}"
        for flag in _LEGACY_REJECTED_FLAGS.get(instruction.keyword, ()):
            if flag in instruction.flags():
                reasons.append(f"{where} --{flag} needs BuildKit")
        if instruction.heredoc:
            reasons.append(f"{where} with a heredoc needs BuildKit (the legacy builder drops the body)")
        if instruction.keyword == "FROM" and "$BUILDPLATFORM" in instruction.args.replace("{", "").replace(
            "}", ""
        ):
            reasons.append(f"{where} uses BUILDPLATFORM, which the legacy builder does not set")
    return reasons
