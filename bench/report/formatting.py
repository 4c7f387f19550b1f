"""Number formatting shared by the terminal and Markdown summaries, so both print the same text."""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from typing import Any

MISSING = "-"


def _finite(x: object) -> bool:
    return isinstance(x, int | float) and math.isfinite(x)


def seconds(x: object) -> str:
    """A duration in seconds with precision that suits its size: 0.412, 12.3, 185."""
    if not _finite(x):
        return MISSING
    v = float(x)  # type: ignore[arg-type]
    if abs(v) < 10:
        return f"{v:.3f}" if abs(v) < 1 else f"{v:.2f}"
    return f"{v:.1f}" if abs(v) < 100 else f"{v:.0f}"


def interval(low: object, high: object, fmt: Callable[[object], str] = seconds) -> str:
    """ "[low, high]" or "-" when the interval is undefined."""
    if not (_finite(low) and _finite(high)):
        return MISSING
    return f"[{fmt(low)}, {fmt(high)}]"


def ratio(x: object) -> str:
    """A speedup factor: 1.82x."""
    return f"{float(x):.2f}x" if _finite(x) else MISSING  # type: ignore[arg-type]


def ratio_interval(low: object, high: object) -> str:
    return interval(low, high, fmt=lambda v: f"{float(v):.2f}")


def p_value(p: object) -> str:
    if not _finite(p):
        return MISSING
    v = float(p)  # type: ignore[arg-type]
    return "<0.001" if v < 0.001 else f"{v:.3f}"


def flags(counts: object) -> str:
    """{"engine-not-empty": 2} -> "engine-not-empty (2)"."""
    if not isinstance(counts, dict) or not counts:
        return ""
    return ", ".join(f"{name} ({n})" for name, n in counts.items())


def verdict(value: str, subject: str) -> str:
    """ "BuildKit faster" / "cached slower"; other verdicts (no difference, insufficient data) as they are."""
    return f"{subject} {value}" if value in ("faster", "slower") else value


def speedup_cells(row: Mapping[str, Any], reference: str, candidate: str, subject: str) -> list[str]:
    """The six cells every speedup table shows after its dimensions: the two medians (columns named
    `reference` and `candidate`), the ratio, its interval, the Mann-Whitney p-value and the verdict."""
    return [
        seconds(row[reference]),
        seconds(row[candidate]),
        ratio(row["speedup"]),
        ratio_interval(row["ci_low"], row["ci_high"]),
        p_value(row["p_value"]),
        verdict(row["verdict"], subject),
    ]
