"""The machine around the builds: its CPUs (cpu), whether this is a batch job's node (node), disk use as `du`
counts it (disk), the identity of a process bench started (process_identity: a pid is signalled only while
it is still that process) and the machine lock that keeps two runs from measuring at once (lock).
May import: errors, config, safe.
"""
