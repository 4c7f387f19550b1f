"""What a run is given, checked before anything is written or any engine is touched.

`bench run` calls this before Hydra makes the run directory (bench/commands/run.py) and again inside the run
(bench/run/experiment.py, for sweep jobs and direct callers), so that bad input is one line and exit 2 with
nothing half-written under results/: the scenario's directory, bench.yaml and Dockerfiles
(bench/scenario/definition.py), and the size of the plan.
"""

from __future__ import annotations

from bench.builders.dockerfile import read_dockerfile
from bench.config import BenchConfig
from bench.errors import BenchError
from bench.plan import Measurement, cells, make_plan
from bench.scenario.definition import Scenario, ScenarioError, load_scenario
from bench.vocabulary import Pairing

#: The most builds one run may plan. At seconds to minutes a build, 10,000 builds are days of a machine:
#: more is a typo (repetitions=1000000) rather than a plan, and building the list alone would take memory.
MAX_BUILDS = 10_000


class PlanTooLarge(BenchError):
    """The plan would have more builds than MAX_BUILDS."""


def planned_builds(config: BenchConfig, n_cells: int) -> int:
    return n_cells * (config.warmup + config.rounds)


def _check_dockerfiles(scenario: Scenario) -> None:
    """Each Dockerfile the cells build has a FROM: without one, the first build would fail after a reset."""
    if scenario.kind != "dockerfile":
        return
    for name in dict.fromkeys([scenario.dockerfile, *scenario.variants.values()]):
        path = scenario.directory / name
        try:
            keywords = {instruction.keyword for instruction in read_dockerfile(path)}
        except OSError as error:
            raise ScenarioError(f"cannot read {path}: {error.strerror or error}") from None
        if "FROM" not in keywords:
            raise ScenarioError(
                f"{path} has no FROM instruction; a Dockerfile starts its first stage with FROM"
            )


def checked_input(config: BenchConfig) -> tuple[Scenario, list[Measurement]]:
    """The scenario and the plan, or ScenarioError / PlanTooLarge saying what is wrong in one line."""
    scenario = load_scenario(config.scenario)
    _check_dockerfiles(scenario)
    plan_cells = cells(config, scenario.name, list(scenario.variants))
    total = planned_builds(config, len(plan_cells))
    if total > MAX_BUILDS:
        raise PlanTooLarge(
            f"the plan has {total:,} builds ({len(plan_cells)} cells x {config.warmup} warmup + "
            f"{config.rounds} repetitions), more than the {MAX_BUILDS:,} one run may plan; lower "
            "repetitions, or split it into runs of other seeds (bench run -m seed=1,2,3) for bench report"
        )
    paired = config.pairing is Pairing.paired and config.engine.owned  # another's engine keeps its cache
    return scenario, make_plan(plan_cells, config.rounds, config.warmup, config.seed, paired=paired)
