"""The dedicated engine: its daemon, what it can do (probe), what it holds and how it is emptied before a
measurement (contents, reset, ownership, own_images), whether a run can go on (health, noise), and what is
measured around a build (observer, transfer, image platform, cost, the engine's cgroup and its counters).
May import: bases, services, host, network, builders, machine and below; never run/ or stack/.
"""
