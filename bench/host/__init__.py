"""What set-up puts on the machine, and how it is taken off again: the engine prefix, host packages (with a
manifest of what bench installed), the bench-owned docker client configuration, purge.

Nothing here writes an apt source or pin, and nothing upgrades a package the machine already has.
"""
