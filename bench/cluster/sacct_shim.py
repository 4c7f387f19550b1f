"""A stand-in `sacct` for the bench cluster, which keeps no accounting (slurm_conf.py).

The real sacct exits 1 there ("accounting storage is disabled"); submitit then reads every job as UNKNOWN, and
`job.result()` of a job that died or was cancelled before writing its result waits forever (docs/cluster.md,
"The trap"). submitit 1.5.4 asks exactly `sacct -o JobID,State,NodeList --parsable2 -j ID [-j ID...]` and
reads a `|`-separated header then one line per job (array tasks as ID_N). This script answers that call
from squeue, which still knows each finished job for MinJobAge: the header, then squeue's lines of the
jobs asked for. A job squeue does not list comes from slurmctld's job completion log (jobcomp/filetxt):
an array task cancelled while pending leaves no record squeue shows (`scontrol show job 36_1`: not
found), and submitit, which asks by array id, would read it as UNKNOWN and wait forever. Nor does the
log record a task cancelled before the array's pending record was split (`scancel 44_0` while 44_[0-1]
waited): that task simply vanishes. So for each array the lines know, the stand-in first prints the whole
range of task ids as CANCELLED, then the real lines, which override it for every task SLURM still knows
(submitit reads the lines in order; a range expands to every id). On this cluster a task of a known array
that neither squeue (MinJobAge: an hour after it ended) nor the completion log lists was removed before
it ran, which only scancel does. Any other question (other fields) is refused in one line rather than
answered wrongly.
"""

from __future__ import annotations

import shlex
from pathlib import Path

from bench.cluster.layout import ClusterPaths
from bench.safe import atomic_file

FIELDS = "JobID,State,NodeList"
#: SLURM's default MaxArraySize: array task ids run from 0 to 1000
MAX_ARRAY_SIZE = 1001
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
{{
    printf '%s\n' "$queue"
    # jobs squeue no longer knows (an array task cancelled while pending has no record of its own)
    if [ -r {completions} ]; then
        awk '{{
            id = ""; array = ""; task = ""; state = ""; nodes = ""
            for (i = 1; i <= NF; i++) {{
                key = substr($i, 1, index($i, "=") - 1); value = substr($i, index($i, "=") + 1)
                if (key == "JobId") id = value; else if (key == "ArrayJobId") array = value
                else if (key == "ArrayTaskId") task = value; else if (key == "JobState") state = value
                else if (key == "NodeList") nodes = value
            }}
            if (array != "" && task != "" && task != "4294967294") id = array "_" task
            if (nodes == "(null)") nodes = ""
            if (id != "") print id "|" state "|" nodes
        }}' {completions}
    fi
}} | awk -F'|' -v ids="$ids" '
    $0 != "" && !seen[$1]++ {{
        split($1, id, "_")
        if (ids == "," || index(ids, "," id[1] ",")) {{ kept[++n] = $0; if ($1 ~ /_/) arrays[id[1]] = 1 }}
    }}
    END {{
        # first, every task of an array the lines above know: a later line of a task overrides this one
        for (array in arrays) print array "_[0-{last_task}]|CANCELLED|"
        for (i = 1; i <= n; i++) print kept[i]
    }}'
"""


def script(conf: Path, completions: Path) -> str:
    """The stand-in's text; `conf` is the slurm.conf it uses when SLURM_CONF is not set, `completions`
    slurmctld's job completion log (jobcomp/filetxt), read for the jobs squeue no longer lists."""
    return _SCRIPT.format(
        conf=shlex.quote(str(conf)),
        fields=FIELDS,
        squeue=shlex.join(SQUEUE),
        completions=shlex.quote(str(completions)),
        last_task=MAX_ARRAY_SIZE - 1,
    )


def write(paths: ClusterPaths) -> Path:
    """Put the stand-in in the cluster's bin directory (first on the clients' PATH), executable by all."""
    paths.bin_dir.mkdir(parents=True, exist_ok=True)
    atomic_file.write(paths.sacct, script(paths.conf, paths.job_completions), mode=0o755)  # unique temp name
    return paths.sacct
