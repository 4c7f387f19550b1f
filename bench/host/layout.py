"""Where bench keeps what it installs: every path set-up creates is under one of these two roots.

BENCH_STATE_ROOT moves the persistent root (tests; a machine whose /var is small); the run root stays
/run/bench because the engines' sockets and exec roots live there (conf/engine/*.yaml).
"""

from __future__ import annotations

import os
from pathlib import Path

STATE_ROOT = Path(os.environ.get("BENCH_STATE_ROOT", "/var/lib/bench"))
RUN_ROOT = Path("/run/bench")

PREFIX = STATE_ROOT / "prefix"  # Debian 13's engine packages unpacked (dpkg-deb -x), never installed
SSHD_PREFIX = STATE_ROOT / "sshd"  # the machine suite's sshd, unpacked (bench/host/sshd_prefix.py)
APT_DIR = STATE_ROOT / "apt"  # apt's private configuration, package lists and downloaded .debs
DOCKER_CONFIG = STATE_ROOT / "docker-config"  # the harness's DOCKER_CONFIG: contexts, plugin dirs
MANIFEST = STATE_ROOT / "manifest.json"  # what set-up changed on the host, so purge can undo it
SETUP_LOCK = STATE_ROOT / "setup.lock"

PREFIX_BIN_DIRS = (PREFIX / "usr" / "bin", PREFIX / "usr" / "sbin")
PREFIX_PLUGINS = PREFIX / "usr" / "libexec" / "docker" / "cli-plugins"
