"""C7, "buildx cross-builds images for other platforms", from cells whose platform is not the engine's.

A foreign-platform build row is `ok` only after the runner checked its image (bench/engine/image_platform):
the config names the platform and the binary, run under QEMU, reports the right machine. So ok rows are
verified cross-builds; failed rows carry what was wrong. The strategy (emulated or cross-compiled) is the
Dockerfile a row was built from.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import PurePath

import pandas as pd

from bench import platforms
from bench.analysis import error_lines
from bench.report import cells as tables
from bench.report import conditions
from bench.report import formatting as fmt
from bench.report.verdicts import NOT_MEASURED, Claim, ClaimVerdict, ConditionVerdict, Evidence, supported_if


def dockerfile_of(argv: object) -> str | None:
    """The file name given to `--file` in a build's argv (the Dockerfile names the strategy)."""
    words = list(argv) if isinstance(argv, list | tuple) else []
    for flag, value in pairwise(words):
        if flag in ("--file", "-f"):
            return PurePath(str(value)).name
    return None


def foreign_rows(builds: pd.DataFrame) -> pd.DataFrame:
    """Measured rows whose platform is not the engine's own (native, or the host's spelled out)."""
    meas = tables.measured(builds)
    if "platform" not in meas.columns:
        return meas.iloc[0:0]
    host = platforms.host_platform()
    names = meas["platform"].fillna(platforms.NATIVE)
    foreign = names.map(lambda p: p != platforms.NATIVE and p != host)
    return meas[foreign]


def check_c7(claim: Claim, ev: Evidence) -> ClaimVerdict:
    """Supported when BuildKit produced verified images for a foreign platform; a verdict per platform (and
    Dockerfile when strategies differ); per builder, platform and Dockerfile, how many builds succeeded and
    their median time."""
    foreign = foreign_rows(ev.builds)
    if foreign.empty:
        return ClaimVerdict(
            claim, NOT_MEASURED, [f"the run has no foreign-platform cells; {claim.measured_by}"]
        )
    foreign = foreign.assign(dockerfile=[dockerfile_of(a) or "Dockerfile" for a in foreign["argv"]])
    numbers = []
    for (scenario, builder, platform, dockerfile), rows in foreign.groupby(
        ["scenario", "builder", "platform", "dockerfile"], sort=True
    ):
        ok = rows[rows["outcome"] == "ok"]
        line = (
            f"{scenario} {builder} {platform} ({dockerfile}): {len(ok)} of {len(rows)} builds ok and verified"
        )
        if len(ok):
            line += f", median {fmt.seconds(float(ok['wall_s'].median()))} s"
        other = rows[rows["outcome"] != "ok"]
        if len(other):
            first = error_lines.first_error_line(other["error_tail"].iloc[0])
            line += f"; {other['outcome'].iloc[0]}: {first[:100]}"
        numbers.append(line)
    buildkit = foreign[foreign["builder"] == "buildkit"]
    if buildkit.empty:
        return ClaimVerdict(claim, NOT_MEASURED, [*numbers, "no BuildKit build for a foreign platform"])
    found = _platform_conditions(buildkit)
    # one verified platform suffices for "cross-builds for other platforms"; the headline says which
    verdict = conditions.overall(found, one_suffices=True)
    return ClaimVerdict(claim, verdict, numbers, tuple(found), conditions.headline(found))


def _platform_conditions(buildkit: pd.DataFrame) -> list[ConditionVerdict]:
    """Per foreign platform (and Dockerfile, when the strategies differ): BuildKit's verified builds."""
    by_file = buildkit["dockerfile"].nunique() > 1
    keys = ["dockerfile", "platform"] if by_file else ["platform"]
    found = []
    for key, rows in buildkit.groupby(keys, sort=True):
        ok = int((rows["outcome"] == "ok").sum())
        verdict = supported_if(ok)
        figure = f"{ok} of {len(rows)} builds ok and verified"
        found.append(ConditionVerdict(str(key[-1]), verdict, figure, str(key[0]) if by_file else ""))
    return found
