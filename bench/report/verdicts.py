"""What a claim check is: the claim, the evidence it reads and the verdict it gives (bench/report/claims.py).

Kept apart from the checks so that each feature's checks live in their own module (claims_<topic>.py)
and claims.py can import and register them without an import cycle.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import pandas as pd

from bench.report import formatting as fmt

Verdict = Literal["supported", "not supported", "not measured"]
SUPPORTED: Verdict = "supported"
NOT_SUPPORTED: Verdict = "not supported"
NOT_MEASURED: Verdict = "not measured"


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
class ClaimVerdict:
    claim: Claim
    verdict: Verdict
    numbers: list[str] = field(default_factory=list)


Check = Callable[[Claim, Evidence], ClaimVerdict]


def interval_text(row: pd.Series) -> str:
    """A speedup row's interval as the checks quote it: "95% CI 1.10-1.40", or "(no interval)"."""
    text = fmt.ratio_interval(row["ci_low"], row["ci_high"])
    return "(no interval)" if text == fmt.MISSING else f"95% CI {text}"
