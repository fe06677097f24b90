#!/usr/bin/env bash
# A sweep scaled out on a real Slurm, end to end, on the machine it runs on:
#   1. a one-node Slurm cluster in a temporary directory (Debian's slurm-wlm and munge, as root,
#      no systemd: munged as the munge user, slurmctld and slurmd in the foreground);
#   2. the sweep once, unsharded;
#   3. the same sweep as a job array (`sbatch --array=0-3`, each task `--shard auto`) and the
#      merge as a job that waits for it (`--dependency=afterok`);
#   4. the merged sweep compared with the unsharded one bit for bit;
#   5. the array resubmitted: every shard is skipped (its manifest verifies);
#   6. one shard's results cut short (a node lost mid-write), the array resubmitted: that shard
#      alone is redone, and the merge again equals the unsharded sweep.
# Usage: scripts/slurm-e2e.sh target/debug/quantlab   (as root; installs slurm-wlm and munge
# with apt-get when they are missing, and fails, never skips, when it cannot)
set -euo pipefail

die() {
  echo "slurm-e2e: FAILED: $*" >&2
  exit 1
}
say() { echo "slurm-e2e: $*"; }

[ $# -eq 1 ] || die "usage: $0 path/to/quantlab"
QL=$(readlink -f "$1")
[ -x "$QL" ] || die "$1 is not an executable"
[ "$(id -u)" -eq 0 ] || die "run as root: it starts munged, slurmctld and slurmd"
started_at=$(date +%s)

# --- packages -------------------------------------------------------------------------------
missing=()
for c in slurmctld slurmd sbatch; do command -v "$c" >/dev/null 2>&1 || missing+=(slurm-wlm); done
command -v munged >/dev/null 2>&1 || missing+=(munge)
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
if [ ${#missing[@]} -gt 0 ]; then
  mapfile -t missing < <(printf '%s\n' "${missing[@]}" | sort -u)
  say "installing ${missing[*]}"
  # Keep the packages' init scripts from starting daemons of their own (no systemd here).
  made_policy=""
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d
    made_policy=1
  fi
  apt-get update -qq || die "apt-get update failed"
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null ||
    die "apt-get install ${missing[*]} failed"
  [ -n "$made_policy" ] && rm -f /usr/sbin/policy-rc.d
fi
for c in munged slurmctld slurmd sbatch squeue sinfo scontrol scancel setpriv python3; do
  command -v "$c" >/dev/null 2>&1 || die "$c is not installed"
done
id munge >/dev/null 2>&1 || die "no munge user (the munge package creates it)"

# --- the cluster ----------------------------------------------------------------------------
T=$(mktemp -d /tmp/quantlab-slurm-e2e.XXXXXX)
chmod 755 "$T" # munged (the munge user) reaches its own folder through it
pids=()
cleanup() {
  code=$?
  if [ -n "${SLURM_CONF:-}" ] && [ -e "$SLURM_CONF" ]; then
    scancel --quiet --user=root >/dev/null 2>&1 || true
  fi
  for ((i = ${#pids[@]} - 1; i >= 0; i--)); do kill "${pids[$i]}" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  if [ "$code" -ne 0 ]; then
    for f in "$T"/slurmctld.log "$T"/slurmd.log "$T"/logs/* "$T"/merged-*.json; do
      [ -s "$f" ] && { echo "--- $f (last lines)"; tail -n 20 "$f"; }
    done
    echo "slurm-e2e: everything is left in $T" >&2
  else
    rm -rf "$T"
  fi
}
trap cleanup EXIT

host=$(hostname -s)
cpus=$(nproc)
# Modest, and never more than the machine has (slurmd drains a node short of its RealMemory).
mem_mb=$(awk '/^MemTotal:/ { print int($2 / 1024) }' /proc/meminfo)
real_mb=$((mem_mb / 2 < 1000 ? mem_mb / 2 : 1000))
mkdir -p "$T/munge" "$T/state" "$T/spool" "$T/logs" "$T/shards"
dd if=/dev/urandom of="$T/munge/munge.key" bs=1024 count=1 status=none
chown -R munge:munge "$T/munge"
chmod 755 "$T/munge" # clients (slurm, as root) need to reach the socket; the key stays 0400
chmod 400 "$T/munge/munge.key"
socket="$T/munge/munge.socket"
setpriv --reuid=munge --regid=munge --init-groups \
  munged --foreground --key-file="$T/munge/munge.key" --socket="$socket" \
  --pid-file="$T/munge/munged.pid" --log-file="$T/munge/munged.log" --seed-file="$T/munge/munged.seed" \
  >"$T/logs/munged.stderr" 2>&1 &
pids+=($!)
for _ in $(seq 100); do [ -S "$socket" ] && break; sleep 0.1; done
[ -S "$socket" ] || die "munged did not start (no socket)"

# Ports away from the defaults, so a Slurm already on the machine is left alone.
export SLURM_CONF="$T/slurm.conf"
cat >"$SLURM_CONF" <<EOF
ClusterName=quantlab-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=16817
SlurmdPort=16818
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$socket
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/slurmctld.pid
SlurmdPidFile=$T/slurmd.pid
SlurmctldLogFile=$T/slurmctld.log
SlurmdLogFile=$T/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerType=sched/backfill
MpiDefault=none
ReturnToService=2
JobCompType=jobcomp/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
# A merge whose shards failed is cancelled instead of waiting forever.
DependencyParameters=kill_invalid_depend
# Finished jobs stay visible to scontrol while this script reads their state.
MinJobAge=3600
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$real_mb State=UNKNOWN
PartitionName=e2e Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOF
slurmctld -D -f "$SLURM_CONF" >"$T/logs/slurmctld.stderr" 2>&1 &
pids+=($!)
slurmd -D -f "$SLURM_CONF" -N "$host" >"$T/logs/slurmd.stderr" 2>&1 &
pids+=($!)
state=""
for _ in $(seq 120); do
  state=$(sinfo -h -N -n "$host" -o %t 2>/dev/null || true)
  [ "$state" = idle ] && break
  sleep 0.5
done
[ "$state" = idle ] || die "node $host is not idle after 60 s (sinfo says '${state:-nothing}')"
say "one-node cluster up: $host, $cpus CPU(s), slurm $(sinfo -V | awk '{print $2}')"

# --- the sweep, unsharded -------------------------------------------------------------------
"$QL" --json --workspace "$T/data" data synth --out "$T/bars.parquet" --bars 20000 --timeframe 1h \
  >"$T/logs/synth.json"
sweep_args=(sweep --data "$T/bars.parquet" --strategy sma_cross --grid fast=5:60:5 --grid slow=20:300:20
  --constraint 'fast<slow' --objective sharpe --fee-bps 10 --progress none)
"$QL" --json --workspace "$T/single" sweep "${sweep_args[@]:1}" >"$T/single.json"
say "unsharded sweep: $(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["result"]["combinations"]))' "$T/single.json") combinations"

# --- the array and the merge ----------------------------------------------------------------
# Each task: its own workspace (as on nodes with local scratch), the shared data file by path.
cat >"$T/shard.sh" <<EOF
#!/bin/bash
set -euo pipefail
ws="$T/shards/shard-\$SLURM_ARRAY_TASK_ID"
mkdir -p "\$ws" # the signal file's folder must exist
exec "$QL" --json --workspace "\$ws" --signal-file "\$ws/done.json" \\
  $(printf '%q ' "${sweep_args[@]}") --jobs 1 --shard auto >"$T/logs/shard-\$SLURM_ARRAY_TASK_ID.\$ATTEMPT.json"
EOF
chmod 755 "$T/shard.sh"

# The state of job $1 and, for an array, of each of its tasks, one per line.
job_states() { scontrol show job -o "$1" 2>/dev/null | grep -o 'JobState=[A-Z_]*' | cut -d= -f2; }

# Wait (at most $2 s) until every task of job $1 has ended; fail unless all COMPLETED.
wait_job() {
  local id=$1 limit=$2 t0 states
  t0=$(date +%s)
  while :; do
    states=$(job_states "$id")
    [ -n "$states" ] || die "job $id is unknown to slurmctld"
    if ! grep -qvE '^(COMPLETED|FAILED|CANCELLED|TIMEOUT|NODE_FAIL|OUT_OF_MEMORY|BOOT_FAIL|DEADLINE|PREEMPTED)$' <<<"$states"; then
      break
    fi
    [ $(($(date +%s) - t0)) -lt "$limit" ] || die "job $id not done after ${limit} s: $(tr '\n' ' ' <<<"$states")"
    sleep 1
  done
  grep -qv '^COMPLETED$' <<<"$states" && die "job $id ended $(sort <<<"$states" | uniq -c | tr '\n' ' ')"
  return 0
}

submit_array() { # $1: attempt name
  ATTEMPT=$1 sbatch --parsable --export=ALL --array=0-3 --cpus-per-task=1 --job-name=quantlab-sweep \
    --output="$T/logs/shard-%a.$1.out" "$T/shard.sh" | cut -d';' -f1
}

submit_merge() { # $1: array job id, $2: attempt name
  sbatch --parsable --dependency="afterok:$1" --job-name=quantlab-merge --output="$T/logs/merge.$2.out" \
    --wrap "rm -rf '$T/merged-$2' && '$QL' --json --workspace '$T/merged-$2' sweep merge $T/shards/shard-*/sweeps/*/shard_manifest.json >'$T/merged-$2.json'" |
    cut -d';' -f1
}

# Every result of the merged sweep against the unsharded one, bit for bit: results.csv and the
# heatmaps byte for byte (floats are written in their shortest round-trip form, so equal text
# is equal bits), results.parquet byte for byte (every column, bits and nulls), and sweep.json's
# combinations and best by each float's bits (Python's float parsing is correctly rounded).
compare() { # $1: attempt name
  local a b f
  a=$(dirname "$(ls "$T"/single/sweeps/*/sweep.json)")
  b=$(dirname "$(ls "$T/merged-$1"/sweeps/*/sweep.json)")
  for f in results.csv results.parquet heatmap.csv heatmap_fast_slow.csv; do
    [ "$(sha256sum <"$a/$f")" = "$(sha256sum <"$b/$f")" ] || die "$1: merged $f differs from the unsharded one"
  done
  python3 - "$a/sweep.json" "$b/sweep.json" "$1" <<'PY' || die "$1: merged sweep.json differs from the unsharded one"
import json, struct, sys

def bits(v):
    if isinstance(v, bool) or v is None or isinstance(v, str):
        return v
    if isinstance(v, int):
        return ("int", v)
    if isinstance(v, float):
        return ("f64", struct.pack("<d", v).hex())
    if isinstance(v, list):
        return [bits(x) for x in v]
    return {k: bits(x) for k, x in v.items()}

a, b = (json.load(open(p)) for p in sys.argv[1:3])
for key in ("combinations", "config", "total_combinations", "skipped_invalid"):
    if bits(a[key]) != bits(b[key]):
        sys.exit(f"{key} differs")
for key in ("best_params", "best_objective"):
    if bits(a["machine_contract"][key]) != bits(b["machine_contract"][key]):
        sys.exit(f"machine_contract.{key} differs")
floats = sum(1 for c in a["combinations"] for v in c["metrics"].values() if isinstance(v, float))
print(f"slurm-e2e: {sys.argv[3]}: merged == unsharded, bit for bit: {len(a['combinations'])} rows, {floats} metric floats, results.csv/.parquet identical")
PY
}

# The shards' responses of one attempt: how many said skipped.
skipped_count() { # $1: attempt name
  python3 - "$T/logs" "$1" <<'PY'
import glob, json, sys
files = sorted(glob.glob(f"{sys.argv[1]}/shard-*.{sys.argv[2]}.json"))
if len(files) != 4:
    sys.exit(f"{len(files)} shard responses for {sys.argv[2]}, expected 4")
print(sum(1 for f in files if json.load(open(f))["result"]["resume"]["skipped"]))
PY
}

run_attempt() { # $1: attempt name
  local array merge
  array=$(submit_array "$1")
  merge=$(submit_merge "$array" "$1")
  say "$1: array job $array (4 shards, --shard auto), merge job $merge (afterok:$array)"
  wait_job "$array" 600
  wait_job "$merge" 300
  compare "$1"
}

run_attempt first
n=$(skipped_count first)
[ "$n" -eq 0 ] || die "first: $n shard(s) skipped on the first run"

# Resubmitted as it is: every shard is already done.
before=$(find "$T/shards" -path '*/sweeps/*' -type f -printf '%p %s %T@\n' | sort | sha256sum)
run_attempt rerun
n=$(skipped_count rerun)
[ "$n" -eq 4 ] || die "rerun: only $n of 4 shards skipped"
after=$(find "$T/shards" -path '*/sweeps/*' -type f -printf '%p %s %T@\n' | sort | sha256sum)
[ "$before" = "$after" ] || die "rerun: a skipped shard changed its files"
say "rerun: 4 of 4 shards skipped (manifests verified), nothing rewritten"

# A node lost while shard 2's results were written: the file is cut short; only shard 2 is redone.
parquet=$(ls "$T"/shards/shard-2/sweeps/*/results.parquet)
truncate -s 100 "$parquet"
run_attempt resume
n=$(skipped_count resume)
[ "$n" -eq 3 ] || die "resume: $n shards skipped, expected 3 (shard 2 redone)"
python3 -c 'import json,sys; r=json.load(open(sys.argv[1]))["result"]["resume"]; sys.exit(0 if not r["skipped"] and len(r["replaced"]) == 1 else f"shard 2: {r}")' \
  "$T/logs/shard-2.resume.json" || die "resume: shard 2 was not redone in place of its corrupt attempt"
say "resume: shard 2 redone (its corrupt attempt replaced), 3 skipped"

say "passed in $(($(date +%s) - started_at)) s"
