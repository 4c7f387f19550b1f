#!/usr/bin/env bash
# Acceptance test of set-up (issues 11 and 26): on a pristine Debian 12 root, the README's way of setting up
# the project leaves the machine's packages as they were but for what bench's manifest names, writes no
# Debian 13 apt line, builds the `tiny` scenario with both builders, and `bench engine purge --yes` brings
# the package list back and leaves no bench path. Prints the set-up figures (seconds to the first measured
# build, bytes received, disk used) as it goes.
#
# Version skew, as on most Debian 12 machines that are not fully upgraded: before set-up, the root gets the
# machine's apt sources (updates and security too) and openssh-client at the oldest bookworm version they
# still hold, older than the archive's. `bench engine up --all` (what `make test` sets up) must then succeed
# there without upgrading anything: Debian's openssh-server would upgrade the client, so bench unpacks the
# server into its prefix instead (bench/host/sshd_prefix.py).
#
# The root is made with debootstrap, then entered with chroot inside a private mount namespace (unshare):
# every mount made for it, and every mount its dockerd makes, lives only in that namespace, and the root is
# deleted from the machine's own namespace only after checking that nothing is mounted under it.
# Its engine uses other ports than the machine's (ENGINE_ARGS below): the root shares the network.
#
#   bash tests/acceptance/fresh_debian12.sh                      # the test (tiny, both builders)
#   RUN_ARGS="scenario=multistage" bash tests/acceptance/fresh_debian12.sh   # the set-up benchmark
set -euo pipefail

SRC=$(cd "$(dirname "$0")/../.." && pwd)
WORK=${BENCH_ACCEPTANCE_DIR:-/var/tmp/bench-acceptance}
ROOT=$WORK/root
RUN_ARGS=${RUN_ARGS:-scenario=tiny repetitions=1 warmup=0}
ENGINE_ARGS=${ENGINE_ARGS:-engine.registry=127.0.0.1:5100 engine.package_index=127.0.0.1:5180}
MIRROR=$(awk '/^URIs:/ && !/security/ {print $2; exit} /^deb / && !/security/ {print $2; exit}' \
  /etc/apt/sources.list.d/debian.sources /etc/apt/sources.list 2>/dev/null || true)
MIRROR=${MIRROR:-http://deb.debian.org/debian}

say() { printf 'acceptance: %s\n' "$*"; }
fail() { printf 'acceptance: FAILED: %s\n' "$*" >&2; exit 1; }

mounted_under_root() { awk -v r="$ROOT" '$5 == r || index($5, r "/") == 1 {print $5}' /proc/self/mountinfo; }

processes_in_root() {  # PIDs whose root directory is the test root (started inside the chroot)
  local pid
  for pid in /proc/[0-9]*; do
    [ "$(readlink "$pid/root" 2>/dev/null)" = "$ROOT" ] && echo "${pid#/proc/}"
  done
  return 0
}

remove_root() {
  # Stop by PID whatever still runs in the root, then delete it only when nothing is mounted under it.
  local pids
  pids=$(processes_in_root)
  if [ -n "$pids" ]; then
    say "stopping processes left in the root: $(echo $pids)"
    kill -TERM $pids 2>/dev/null || true
    sleep 3
    pids=$(processes_in_root)
    [ -n "$pids" ] && kill -KILL $pids 2>/dev/null || true
    sleep 1
  fi
  if [ -n "$(mounted_under_root)" ]; then
    say "still mounted under $ROOT (left in place, not deleted): $(mounted_under_root | tr '\n' ' ')"
    return 1
  fi
  [ -d "$ROOT" ] && rm -rf --one-file-system "$ROOT"
  return 0
}
trap 'remove_root || true' EXIT

command -v debootstrap >/dev/null || fail "debootstrap is missing on this machine (make test or .venv/bin/bench engine up installs it)"
[ "$(id -u)" = 0 ] || fail "needs root (debootstrap, chroot, mounts)"
remove_root  # a root left by an interrupted earlier run
mkdir -p "$WORK"

say "debootstrap bookworm into $ROOT ($MIRROR)"
start=$(date +%s)
debootstrap bookworm "$ROOT" "$MIRROR" >"$WORK/debootstrap.log" 2>&1 || fail "debootstrap: $(tail -1 "$WORK/debootstrap.log")"
say "root made in $(( $(date +%s) - start )) s"
# The machine's network settings, which a user's machine of this kind has: name servers, and the CA
# bundle and pip setting that its route to PyPI needs. Files, not packages: the package list is unchanged.
cp /etc/resolv.conf "$ROOT/etc/resolv.conf"
give_network_settings() {  # again after packages that regenerate the CA bundle (ca-certificates)
  mkdir -p "$ROOT/etc/ssl/certs" "$ROOT/usr/local/share/ca-certificates"
  cp /etc/ssl/certs/ca-certificates.crt "$ROOT/etc/ssl/certs/ca-certificates.crt"
  cp -r /usr/local/share/ca-certificates/. "$ROOT/usr/local/share/ca-certificates/" 2>/dev/null || true
  if [ -f /etc/pip.conf ]; then cp /etc/pip.conf "$ROOT/etc/pip.conf"; fi
}
give_network_settings

# Each command runs in a private mount namespace of its own with /proc, /sys, the cgroup mount and /dev;
# /run and /tmp are the root's own directories, so a daemon started by one command is found by the next
# (its pid files), and the machine's /run (its own engine's sockets) is never seen.
in_root() {
  unshare --mount --propagation private --fork bash -euo pipefail -c '
    root=$1; shift
    mount --bind "$root" "$root"          # runc wants / to be a mount point
    mount -t proc proc "$root/proc"
    mount --bind /sys "$root/sys"
    mount --rbind /sys/fs/cgroup "$root/sys/fs/cgroup"   # v1 hierarchies are mounts below it
    mount --bind /dev "$root/dev"
    mount --bind /dev/pts "$root/dev/pts"
    exec chroot "$root" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 "$@"
  ' in_root "$ROOT" "$@"
}

say "giving it what a user's machine has: python3, python3-venv, make"
in_root apt-get -qq -y install python3 python3-venv make >"$WORK/user-packages.log" 2>&1 \
  || fail "installing python3 in the root: $(tail -1 "$WORK/user-packages.log")"
give_network_settings

# The machine's apt sources (a user's machine has updates and security, debootstrap writes main only).
if [ -f /etc/apt/sources.list.d/debian.sources ]; then
  cp /etc/apt/sources.list.d/debian.sources "$ROOT/etc/apt/sources.list.d/debian.sources"
  : >"$ROOT/etc/apt/sources.list"
elif [ -f /etc/apt/sources.list ]; then
  cp /etc/apt/sources.list "$ROOT/etc/apt/sources.list"
fi
in_root apt-get -qq update >>"$WORK/user-packages.log" 2>&1 || fail "apt-get update in the root"
oldest_older_than() {  # the lowest version of $1 the root's sources hold that is below $2, if any
  local version oldest=
  for version in $(in_root apt-cache madison "$1" | awk -F'|' '{gsub(/ /, "", $2); print $2}'); do
    in_root dpkg --compare-versions "$version" lt "$2" || continue
    if [ -z "$oldest" ] || in_root dpkg --compare-versions "$version" lt "$oldest"; then oldest=$version; fi
  done
  echo "$oldest"
}
candidate=$(in_root apt-cache policy openssh-client | awk '/Candidate:/ {print $2}')
older=$(oldest_older_than openssh-client "$candidate")
[ -n "$older" ] || fail "no openssh-client older than the archive's $candidate is reachable: no version skew to test"
say "version skew: openssh-client $older installed, the archive has $candidate"
in_root apt-get -qq -y install --no-install-recommends "openssh-client=$older" >>"$WORK/user-packages.log" 2>&1 \
  || fail "installing openssh-client $older in the root: $(tail -1 "$WORK/user-packages.log")"
give_network_settings
in_root dpkg-query -W -f='${binary:Package} ${Version}\n' | sort >"$WORK/dpkg-before.txt"
cp "$ROOT/etc/debian_version" "$WORK/debian_version-before"
say "baseline: $(wc -l <"$WORK/dpkg-before.txt") packages, Debian $(cat "$WORK/debian_version-before")"

mkdir -p "$ROOT/opt/bench"
git -C "$SRC" archive HEAD | tar -x -C "$ROOT/opt/bench"   # the project as a user clones it

rx_bytes() { awk 'NR > 2 && $1 != "lo:" {sum += $2} END {printf "%.0f\n", sum}' /proc/net/dev; }
rx_before=$(rx_bytes)
t0=$(date +%s)
say "make run RUN_ARGS='$RUN_ARGS' ENGINE_ARGS='$ENGINE_ARGS' (the README's first command)"
# The engine's daemons outlive `make run` in the namespace; bench engine purge below stops them, and
# whatever is left is stopped by PID on exit.
set +e
in_root bash -c "cd /opt/bench && exec make run RUN_ARGS='$RUN_ARGS' ENGINE_ARGS='$ENGINE_ARGS'" \
  >"$WORK/make-run.log" 2>&1 &
make_pid=$!
wait $make_pid
status=$?
set -e
t1=$(date +%s)
rx_after=$(rx_bytes)
tail -5 "$WORK/make-run.log"
[ $status = 0 ] || [ $status = 1 ] || fail "make run exited $status: $(grep -m1 'bench:' "$WORK/make-run.log" || tail -1 "$WORK/make-run.log")"

builds=$(ls "$ROOT"/opt/bench/results/*/builds.jsonl 2>/dev/null | head -1)
[ -n "$builds" ] || fail "no builds.jsonl under /opt/bench/results"
first_build=$(python3 - "$builds" <<'PY'
import json, sys
from datetime import datetime
rows = [json.loads(line) for line in open(sys.argv[1]) if line.strip()]
print(int(datetime.fromisoformat(min(r["started_at"] for r in rows)).timestamp()))
PY
)
for builder in legacy buildkit; do
  ok=$(grep -c "\"builder\": \"$builder\".*\"outcome\": \"ok\"" "$builds" || true)
  [ "$ok" -ge 1 ] || fail "no ok $builder build in $builds"
  say "$builder: $ok ok build(s)"
done
say "FIGURE seconds from make run to the run's first build (its first warmup, if any): $(( first_build - t0 ))"
say "FIGURE make run in all: $(( t1 - t0 )) s"
say "FIGURE bytes received during make run (all interfaces but lo): $(( rx_after - rx_before ))"
say "FIGURE disk used: /var/lib/bench $(du -sh "$ROOT/var/lib/bench" | cut -f1), .venv $(du -sh "$ROOT/opt/bench/.venv" | cut -f1)"

say "bench engine up --all (what the README's second command, make test, sets up) with the skewed client"
t2=$(date +%s)
in_root bash -c "cd /opt/bench && exec .venv/bin/bench engine up --all $ENGINE_ARGS" >"$WORK/engine-all.log" 2>&1 \
  || { tail -5 "$WORK/engine-all.log"; fail "bench engine up --all: $(grep -m1 'bench:' "$WORK/engine-all.log" || tail -1 "$WORK/engine-all.log")"; }
say "FIGURE bench engine up --all after make run: $(( $(date +%s) - t2 )) s"
grep -E 'openssh-server|sshd' "$WORK/engine-all.log" | sed 's/^/  /' || true
[ -x "$ROOT/var/lib/bench/sshd/usr/sbin/sshd" ] || fail "no sshd in bench's prefix after bench engine up --all"

in_root dpkg-query -W -f='${binary:Package} ${Version}\n' | sort >"$WORK/dpkg-after.txt"
manifest=$(python3 -c 'import json,sys; print(" ".join(json.load(open(sys.argv[1]))["host_packages"]))' \
  "$ROOT/var/lib/bench/manifest.json")
say "manifest names: $manifest"
changed=$(diff <(cut -d' ' -f1 "$WORK/dpkg-before.txt") <(cut -d' ' -f1 "$WORK/dpkg-after.txt") | grep '^[<>]' || true)
removed=$(echo "$changed" | awk '/^</ {print $2}')
[ -z "$removed" ] || fail "set-up removed packages: $removed"
added=$(echo "$changed" | awk '/^>/ {print $2}' | sort)
[ "$added" = "$(echo $manifest | tr ' ' '\n' | sort | sed '/^$/d')" ] || fail "packages added ($(echo $added)) are not the manifest's ($manifest)"
versions=$(join <(sort "$WORK/dpkg-before.txt") <(sort "$WORK/dpkg-after.txt") | awk '$2 != $3 {print $1" "$2" -> "$3}')
[ -z "$versions" ] || fail "set-up changed versions: $versions"
cmp -s "$WORK/debian_version-before" "$ROOT/etc/debian_version" || fail "/etc/debian_version changed to $(cat "$ROOT/etc/debian_version")"
! grep -rqs trixie "$ROOT/etc/apt" || fail "a Debian 13 line under /etc/apt: $(grep -rl trixie "$ROOT/etc/apt")"
say "packages: $(echo "$added" | wc -w) added, all named by the manifest; none removed or upgraded; Debian $(cat "$ROOT/etc/debian_version")"

say "bench engine purge --yes"
in_root bash -c "cd /opt/bench && .venv/bin/bench engine purge --yes" >"$WORK/purge.log" 2>&1 \
  || { cat "$WORK/purge.log"; fail "purge exited non-zero"; }
cat "$WORK/purge.log"
in_root dpkg-query -W -f='${binary:Package} ${Version}\n' | sort >"$WORK/dpkg-purged.txt"
diff "$WORK/dpkg-before.txt" "$WORK/dpkg-purged.txt" || fail "the package list after purge differs from before set-up"
for path in /var/lib/bench /run/bench; do [ ! -e "$ROOT$path" ] || fail "purge left $path"; done
left=$(processes_in_root)
[ -z "$left" ] || fail "processes still running in the root after purge: $(ps -o pid=,comm= -p $(echo $left | tr ' ' ,))"
say "purge: package list as before set-up, no bench path, no process left"
remove_root || fail "could not remove the root"
say "passed"
