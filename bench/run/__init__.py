"""One `bench run`: the experiment's entry (experiment), the plan's order, the runner and its context, the
engine it measures on (engine: the RunEngine protocol and Docker), input checks, progress, stopping, resume,
the rows made from a build (build_rows, quality_checks) and the project's provenance.
May import: every layer below it (report included); stack/, history/, commands/ import it.
"""
