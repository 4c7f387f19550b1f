"""The base images cold builds start from: made locally from Debian's packages (images), the variants a
source change asks for (variants), and what a scenario needs provisioned before its first build (provision).
May import: services, host, machine, scenario, config and below.
"""
