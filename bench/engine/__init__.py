"""Engine state: the dedicated daemon, what an engine can do (probe, capabilities), what it holds and how
it is emptied before a measurement (contents, reset, ownership), whether a run can go on (health, the
machine's lock), and what is measured around a build (observer, transfer, image platform; its cost: cost,
the engine's own cgroup and its counters, per-process usage where there is none). Set-up is bench/host/, the
servers beside the engine bench/services/, the link to the registry bench/network/."""
