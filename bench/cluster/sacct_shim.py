"""A stand-in `sacct` for the bench cluster, which keeps no accounting (slurm_conf.py).

The real sacct exits 1 there ("accounting storage is disabled"); submitit then reads every job as UNKNOWN,
and `job.result()` of a job that died or was cancelled before writing its result waits forever (CLUSTER.md,
"THE TRAP"). submitit 1.5.4 asks exactly `sacct -o JobID,State,NodeList --parsable2 -j ID [-j ID...]` and
reads a `|`-separated header then one line per job (array tasks as ID_N). This script answers that call
from squeue, which still knows each finished job for MinJobAge: the header, then squeue's lines of the
jobs asked for. Any other question (other fields) is refused in one line rather than answered wrongly.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from bench.cluster.layout import ClusterPaths

FIELDS = "JobID,State,NodeList"
SQUEUE = ("squeue", "--all", "--array", "--noheader", "--states=all", "--format=%i|%T|%N")

_SCRIPT = r"""#!/bin/sh
# sacct of the bench cluster (written by `bench cluster up`; bench/cluster/sacct_shim.py says why):
# accounting is off there, so the jobs' states come from squeue. Answers `sacct -o {fields} --parsable2
# -j ID...` (submitit's call) and nothing else.
SLURM_CONF="${{SLURM_CONF:-{conf}}}"
export SLURM_CONF
ids=,
fields={fields}
while [ $# -gt 0 ]; do
    case "$1" in
        -j|--jobs|-o|--format)
            if [ $# -lt 2 ]; then echo "sacct (bench cluster): $1 needs a value" >&2; exit 1; fi
            case "$1" in -j|--jobs) ids="$ids$2," ;; *) fields=$2 ;; esac
            shift 2 ;;
        -j*) ids="$ids${{1#-j}}," ; shift ;;
        --jobs=*) ids="$ids${{1#--jobs=}}," ; shift ;;
        -o*) fields=${{1#-o}} ; shift ;;
        --format=*) fields=${{1#--format=}} ; shift ;;
        *) shift ;;
    esac
done
if [ "$fields" != "{fields}" ]; then
    echo "sacct (bench cluster): accounting is off here; this stand-in answers only -o {fields}" >&2
    exit 1
fi
queue=$({squeue}) || exit $?
echo "JobID|State|NodeList"
printf '%s\n' "$queue" | awk -F'|' -v ids="$ids" '
    $0 != "" {{ split($1, id, "_"); if (ids == "," || index(ids, "," id[1] ",")) print }}'
"""


def script(conf: Path) -> str:
    """The stand-in's text; `conf` is the slurm.conf it uses when SLURM_CONF is not set."""
    return _SCRIPT.format(conf=shlex.quote(str(conf)), fields=FIELDS, squeue=shlex.join(SQUEUE))


def write(paths: ClusterPaths) -> Path:
    """Put the stand-in in the cluster's bin directory (first on the clients' PATH), executable by all."""
    paths.bin_dir.mkdir(parents=True, exist_ok=True)
    partial = paths.sacct.with_name("sacct.partial")
    partial.write_text(script(paths.conf))
    partial.chmod(0o755)
    partial.replace(paths.sacct)
    return paths.sacct
