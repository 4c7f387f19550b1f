#!/usr/bin/env bash
# Set-up on a fresh machine, measured: the acceptance test's pristine Debian 12 root, `make run` with the
# default scenario (multistage), and its figures: seconds from `make run` to the run's first build,
# `make run` in all, bytes received, disk used. Run it on a quiet machine (nothing else building).
#   bash tests/benchmarks/fresh_setup.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
RUN_ARGS=${RUN_ARGS:-scenario=multistage} BENCH_ACCEPTANCE_DIR=${BENCH_ACCEPTANCE_DIR:-/var/tmp/bench-setup-benchmark} \
  bash "$here/../acceptance/fresh_debian12.sh" | tee /dev/stderr | grep FIGURE
