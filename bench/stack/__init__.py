"""Everything bench runs, brought up and taken down in order: `bench engine up|down|status` (lifecycle: host
set-up, dedicated dockerd, registry, base images) and `bench engine purge`
(purge), above the parts they drive.
May import: run and every layer below it.
"""
