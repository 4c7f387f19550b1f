"""The talk's debugging tips, measured: a toolbox container in a target's namespaces (claim C13), a check
that it leaves the target as it was, and a shell in the last state a failed build reached.
May import: store, engine, builders, scenario and below.
"""
