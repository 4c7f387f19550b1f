"""What set-up puts on the machine, and how it is taken off again: the engine prefix, host packages (with a
manifest of what bench installed), the bench-owned docker client configuration, QEMU's
binfmt entries, the base images (made here, served by the local registry) and the rest a run needs made
before its first build (provision.py), purge.

Nothing here writes an apt source or pin, and nothing upgrades a package the machine already has.
"""
