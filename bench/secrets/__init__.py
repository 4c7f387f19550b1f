"""The secrets and SSH scenarios' harness side: a token made per run and the server that wants it, an SSH
agent, key and git server, and how each Dockerfile variant is given them (secret mount, build arg, file).
May import: audit, engine, services, builders, scenario, plan and below.
"""
