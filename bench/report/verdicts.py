"""What a claim check is: the claim, the evidence it reads and the verdict it gives (bench/report/claims/).

Kept apart from the checks so that each feature's checks live in their own module (claims_<topic>.py)
and claims.py can import and register them without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from bench.report import formatting as fmt

Verdict = Literal["supported", "not supported", "mixed", "not measured"]
SUPPORTED: Verdict = "supported"
NOT_SUPPORTED: Verdict = "not supported"
#: supported under some conditions of the data (a link, a scenario) and not under others; the claim's
#: `conditions` say which
MIXED: Verdict = "mixed"
NOT_MEASURED: Verdict = "not measured"


def supported_if(held: bool) -> Verdict:
    """The verdict of a claim (or of one condition) whose check came out `held` or not."""
    return SUPPORTED if held else NOT_SUPPORTED


@dataclass(frozen=True)
class Claim:
    id: str
    text: str
    measured_by: str


@dataclass(frozen=True)
class Evidence:
    """What the checks read: build and step rows, and the speedup tables the report already computed."""

    builds: pd.DataFrame
    steps: pd.DataFrame
    builder_speedups: pd.DataFrame
    cache_speedups: pd.DataFrame
    #: the run directories, for checks that read a run's other files (equivalence.json: C8, C9)
    run_dirs: tuple[Path, ...] = ()


@dataclass(frozen=True)
class ConditionVerdict:
    """The verdict under one condition the claim's data covers: `condition` is the axis value (a link with
    its rate, a scenario), `group` the rest of what the data varies over ("cache=inline"; empty when
    nothing else varies), `figure` the number it rests on ("1.84x 95% CI [1.27, 2.49]")."""

    condition: str
    verdict: Verdict
    figure: str
    group: str = ""


#: the fields of a claim's verdict as data (ClaimVerdict.record); a condition's are ConditionVerdict's
RECORD_FIELDS: tuple[str, ...] = (
    "id",
    "claim",
    "measured_by",
    "verdict",
    "headline",
    "numbers",
    "conditions",
)


@dataclass(frozen=True)
class ClaimVerdict:
    """One claim's verdict over all its data (`verdict`, one machine-readable word), the verdict per
    condition its data covers (`conditions`) and a `headline` that says where it holds, e.g. "supported
    on loopback and cloud (200 Mbit/s), not on wan (50 Mbit/s)" (bench/report/conditions.py)."""

    claim: Claim
    verdict: Verdict
    numbers: list[str] = field(default_factory=list)
    conditions: tuple[ConditionVerdict, ...] = ()
    headline: str = ""

    def record(self) -> dict[str, Any]:
        """The verdict as data (--export-json's `claims`, fields RECORD_FIELDS): what the report's claims
        section shows, so a tool reads the verdict, numbers and per-condition verdicts a person reads."""
        values = (
            self.claim.id,
            self.claim.text,
            self.claim.measured_by,
            self.verdict,
            self.headline,
            list(self.numbers),
            [asdict(c) for c in self.conditions],
        )
        return dict(zip(RECORD_FIELDS, values, strict=True))


Check = Callable[[Claim, Evidence], ClaimVerdict]


def interval_text(row: pd.Series) -> str:
    """A speedup row's interval as the checks quote it: "95% CI 1.10-1.40", or "(no interval)"."""
    text = fmt.ratio_interval(row["ci_low"], row["ci_high"])
    return "(no interval)" if text == fmt.MISSING else f"95% CI {text}"
