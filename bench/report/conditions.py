"""Where a claim holds: a verdict per condition its data covers, and a headline that names them.

A condition is what a claim's evidence is split by: the link (with its rate), the scenario, the platform,
the cache source. One word for all of it hides the answer a reader wants ("not supported" for a registry
cache that wins on loopback and loses on a slow link), so the checks (claims_*.py) give a verdict per
condition (`ConditionVerdict`), and this module names the conditions, combines them into the claim's one
word and writes the headline: "supported on loopback and cloud (200 Mbit/s), not on wan (50 Mbit/s)".

When the conditions are links, the axis is the link and the group the rest of what varies (the cache
source); for speedups the headline adds the link rate where the speedup crosses 1, when two measured links
bracket it.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

import pandas as pd

from bench.analysis import stats
from bench.report import formatting as fmt
from bench.report.cells import DIMENSIONS
from bench.report.verdicts import (
    MIXED,
    NOT_MEASURED,
    NOT_SUPPORTED,
    SUPPORTED,
    ConditionVerdict,
    Verdict,
    interval_text,
    supported_if,
)

LINK = "link"
LOOPBACK = "loopback"
#: What a condition may be split by, in the order a label names them: a cell's dimensions, the builder
#: named before the cache and the change ("buildkit, cache=registry").
CONDITION_DIMENSIONS: tuple[str, ...] = tuple(sorted(DIMENSIONS, key=lambda d: d in ("cache", "change")))
CROSSOVER_RULE = (
    "crossover: the link rate where the speedup's point estimate crosses 1 between two measured links,"
    " interpolated linearly in 1/rate (the time a bit takes on the link; unshaped loopback is 1/rate = 0)"
)


def link_rates(builds: pd.DataFrame) -> dict[str, float | None]:
    """Each link's rate in Mbit/s as its rows recorded it (None: not shaped, as loopback)."""
    if builds.empty:
        return {}
    links = builds[LINK].fillna(LOOPBACK) if LINK in builds.columns else pd.Series(LOOPBACK, builds.index)
    column = "link_rate_mbit"
    rates = builds[column] if column in builds.columns else pd.Series(math.nan, builds.index)
    out: dict[str, float | None] = {}
    for link, rows in rates.groupby(links, sort=False):
        known = rows.dropna()
        out[str(link)] = float(known.median()) if len(known) else None
    return out


def link_label(link: str, rate: float | None) -> str:
    """ "wan (50 Mbit/s)", or the name alone for an unshaped link."""
    return link if rate is None else f"{link} ({rate:g} Mbit/s)"


def value_label(dim: str, value: object, rates: dict[str, float | None]) -> str:
    """One dimension's value as a condition names it: scenario, builder, platform bare; the rest named."""
    if dim == LINK:
        return link_label(str(value), rates.get(str(value)))
    if dim in ("scenario", "builder", "platform"):
        return str(value)
    return f"{dim}={value}"


def _per_bit(rate: float | None) -> float:
    """1/rate, the time a bit takes on the link; 0 for an unshaped link."""
    return 1.0 / rate if rate else 0.0


def fastest_first(frame: pd.DataFrame, rates: dict[str, float | None]) -> pd.DataFrame:
    """Rows ordered by their link from the fastest (unshaped) to the slowest, otherwise as they were."""
    if LINK not in frame.columns:
        return frame
    per_bit = frame[LINK].map(lambda link: _per_bit(rates.get(str(link))))
    return frame.iloc[per_bit.argsort(kind="stable").to_numpy()]


def varying(frame: pd.DataFrame, dims: Iterable[str] = CONDITION_DIMENSIONS) -> list[str]:
    """The dimensions of `frame` that hold more than one value, in CONDITION_DIMENSIONS order."""
    return [d for d in dims if d in frame.columns and frame[d].nunique(dropna=True) > 1]


def split(frame: pd.DataFrame, primary: str) -> tuple[list[str], list[str]]:
    """(axis, group) dimensions of rows. Across links, or for a claim about links (`primary` "link"), the
    axis is the link and the group what else varies; otherwise the axis is what varies, or `primary` when
    nothing does (one condition, still named)."""
    dims = varying(frame)
    if LINK in dims or primary == LINK:
        return [LINK], [d for d in dims if d != LINK]
    return (dims or [primary]), []


def label(row: pd.Series, dims: Sequence[str], rates: dict[str, float | None]) -> str:
    """The condition's name from a row; a link the row does not name is the rows' one link."""
    parts = []
    for d in dims:
        value = row.get(d)
        if d == LINK and (value is None or pd.isna(value)):
            value = next(iter(rates), LOOPBACK) if len(rates) == 1 else LOOPBACK
        parts.append(value_label(d, value, rates))
    return ", ".join(parts)


def speedup_verdict(row: pd.Series) -> Verdict:
    """A speedup row as a condition's verdict: faster (interval above 1) supports a "faster" claim."""
    if row["verdict"] == stats.INSUFFICIENT_DATA:
        return NOT_MEASURED
    return supported_if(row["verdict"] == stats.FASTER)


def speedup_figure(row: pd.Series) -> str:
    return f"{fmt.ratio(row['speedup'])} {interval_text(row)}"


def speedup_conditions(
    rows: pd.DataFrame,
    builds: pd.DataFrame,
    primary: str,
    verdict_of: Callable[[pd.Series], Verdict] = speedup_verdict,
) -> list[ConditionVerdict]:
    """A verdict per row of a speedup table (bench/report/comparisons.py), named by what varies."""
    axis, group = split(rows, primary)
    rates = link_rates(builds)
    rows = fastest_first(rows, rates)
    return group_major(
        [
            ConditionVerdict(label(r, axis, rates), verdict_of(r), speedup_figure(r), label(r, group, rates))
            for _, r in rows.iterrows()
        ]
    )


def group_major(found: Sequence[ConditionVerdict]) -> list[ConditionVerdict]:
    """Conditions with each group's together, groups and the conditions within them in their first order."""
    order = {g: i for i, g in enumerate(dict.fromkeys(c.group for c in found))}
    return sorted(found, key=lambda c: order[c.group])


def crossovers(points: Iterable[tuple[float | None, float]]) -> list[float]:
    """Link rates (Mbit/s) where a speedup crosses 1 between two measured links, from (rate, speedup).

    Interpolated linearly in 1/rate, the time a bit takes on the link (an unshaped link, rate None, is
    1/rate = 0: the fastest), since a build's transfer time grows with it; only between two links whose
    speedups lie on either side of 1.
    """
    xs = sorted((_per_bit(rate), s) for rate, s in points if math.isfinite(s))
    out = []
    for (x1, s1), (x2, s2) in pairwise(xs):
        if x1 != x2 and (s1 - 1.0) * (s2 - 1.0) < 0:
            x = x1 + (s1 - 1.0) / (s1 - s2) * (x2 - x1)
            out.append(1.0 / x)
    return out


def rate_text(rate: float) -> str:
    """A rate to two significant figures: 12, 4.1, 150."""
    return f"{float(f'{rate:.2g}'):g}"


def crossover_notes(rows: pd.DataFrame, builds: pd.DataFrame) -> dict[str, str]:
    """Group label -> "crossover ~50 Mbit/s" for each group of a speedup table whose links bracket 1."""
    if LINK not in varying(rows):
        return {}
    group = [d for d in varying(rows) if d != LINK]
    rates = link_rates(builds)
    keyed = rows.assign(_group=[label(r, group, rates) for _, r in rows.iterrows()])
    notes = {}
    for name, g in keyed.groupby("_group", sort=False):
        found = crossovers((rates.get(str(r[LINK])), float(r["speedup"])) for _, r in g.iterrows())
        if found:
            notes[str(name)] = "crossover " + ", ".join(f"~{rate_text(x)} Mbit/s" for x in found)
    return notes


def overall(conditions: Sequence[ConditionVerdict], *, one_suffices: bool = False) -> Verdict:
    """The claim's one word: supported under every decided condition, not under any, else mixed (or
    supported when `one_suffices`: a claim hedged as "in many cases")."""
    decided = [c.verdict for c in conditions if c.verdict != NOT_MEASURED]
    if not decided:
        return NOT_MEASURED
    held = decided.count(SUPPORTED)
    if held == len(decided):
        return SUPPORTED
    if held == 0:
        return NOT_SUPPORTED
    return SUPPORTED if one_suffices else MIXED


def _and(names: Sequence[str]) -> str:
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def where(conditions: Sequence[ConditionVerdict]) -> str:
    """ "supported on a and b, not on c, not measured on d" for the conditions of one group."""
    held = [c.condition for c in conditions if c.verdict == SUPPORTED]
    not_held = [c.condition for c in conditions if c.verdict == NOT_SUPPORTED]
    unknown = [c.condition for c in conditions if c.verdict == NOT_MEASURED]
    parts = []
    if held:
        parts.append(f"supported on {_and(held)}")
    if not_held:
        parts.append(f"{'not' if held else 'not supported'} on {_and(not_held)}")
    if unknown:
        parts.append(f"not measured on {_and(unknown)}")
    return ", ".join(parts)


def headline(conditions: Sequence[ConditionVerdict], notes: dict[str, str] | None = None) -> str:
    """Where the claim holds. One verdict everywhere: "supported for cache=inline and cache=registry-max
    on loopback and wan (50 Mbit/s)"; else group by group, groups that read the same named together:
    "cache=inline: supported on loopback, not on wan (50 Mbit/s) (crossover ~80 Mbit/s); cache=..."."""
    notes = notes or {}
    groups = list(dict.fromkeys(c.group for c in conditions))
    if len({c.verdict for c in conditions}) == 1:
        names = list(dict.fromkeys(c.condition for c in conditions))
        of = f" for {_and(groups)}" if any(groups) else ""
        extra = "".join(f"; {g}: {n}" if g else f" ({n})" for g, n in notes.items())
        return f"{conditions[0].verdict}{of} on {_and(names)}{extra}"
    texts: dict[str, list[str]] = {}
    for name in groups:
        text = where([c for c in conditions if c.group == name])
        if name in notes:
            text += f" ({notes[name]})"
        texts.setdefault(text, []).append(name)
    return "; ".join(f"{_and(names)}: {text}" if any(names) else text for text, names in texts.items())
