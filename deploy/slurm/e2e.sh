#!/bin/bash
# End to end on a real Slurm: install Debian's slurm-wlm and munge, start a
# one-node cluster on this machine, submit a split run (an array of 4 shard
# tasks, then the merge with --dependency=afterok) over the test corpus, and
# check the merged database against one run over the same inputs.
#   deploy/slurm/e2e.sh        (as root; `just slurm-e2e`)
# Not part of the test suite: it installs packages and starts daemons.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
shards=4
if [ "$(id -u)" -ne 0 ]; then
    echo "e2e.sh: needs root (it installs packages and starts slurmctld, slurmd, munged)" >&2
    exit 2
fi
if ! command -v slurmctld >/dev/null || ! command -v munged >/dev/null; then
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q slurm-wlm munge >/dev/null
fi
(cd "$root" && cargo build --release --locked -q)
thresh="$root/target/release/thresh"

w=$(mktemp -d /tmp/thresh-slurm.XXXXXX)
chmod 755 "$w"
host=$(hostname -s)
export SLURM_CONF="$w/slurm.conf"
cleanup() {
    scontrol shutdown >/dev/null 2>&1 || true
    [ -f "$w/munged.pid" ] && kill "$(cat "$w/munged.pid")" 2>/dev/null || true
}
trap cleanup EXIT

# munge: a key of our own, its socket in the work directory.
mkdir -p "$w/munge"
dd if=/dev/urandom of="$w/munge/munge.key" bs=1024 count=1 status=none
chmod 700 "$w/munge"; chmod 400 "$w/munge/munge.key"
munged --force --key-file="$w/munge/munge.key" --socket="$w/munge/munge.socket" \
    --pid-file="$w/munged.pid" --log-file="$w/munged.log" --seed-file="$w/munge/seed"
cpus=$(nproc)
mem=$(awk '/MemTotal/ {print int($2 / 1024 / 2)}' /proc/meminfo)
mkdir -p "$w/state" "$w/spool"
cat > "$SLURM_CONF" <<CONF
ClusterName=thresh-e2e
SlurmctldHost=$host(127.0.0.1)
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=$w/munge/munge.socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
SchedulerType=sched/backfill
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
ReturnToService=2
MinJobAge=3600
StateSaveLocation=$w/state
SlurmdSpoolDir=$w/spool
SlurmctldPidFile=$w/slurmctld.pid
SlurmdPidFile=$w/slurmd.pid
SlurmctldLogFile=$w/slurmctld.log
SlurmdLogFile=$w/slurmd.log
NodeName=$host NodeAddr=127.0.0.1 CPUs=$cpus RealMemory=$mem State=UNKNOWN
PartitionName=e2e Nodes=ALL Default=YES MaxTime=INFINITE State=UP
CONF
slurmctld -i
slurmd
for _ in $(seq 60); do
    sinfo -h -o %T 2>/dev/null | grep -qE '^(idle|mixed)' && break
    sleep 1
done
sinfo

# The corpus, and one run over it to compare with.
python3 "$root/tests/shards/make_corpus.py" "$w/corpus" >/dev/null
"$thresh" ingest --quiet --db "$w/one.db" --manifest "$w/corpus/manifest.csv" "$w/corpus/pages" || [ $? -eq 1 ]

# The split run, as a user would submit it.
export THRESH="$thresh" THRESH_ARGS="--manifest $w/corpus/manifest.csv" SBATCH_CPUS_PER_TASK=1
merge_job=$("$root/deploy/slurm/submit.sh" "$shards" "$w/out" "$w/corpus/pages")
echo "merge job $merge_job, after the shard array"
for _ in $(seq 300); do
    state=$(scontrol show job "$merge_job" -o | grep -o 'JobState=[A-Z_]*' | cut -d= -f2)
    case "$state" in COMPLETED | FAILED | CANCELLED | TIMEOUT | NODE_FAIL | OUT_OF_MEMORY) break ;; esac
    sleep 2
done
scontrol show job -o | awk '{for (i = 1; i <= NF; i++) if ($i ~ /^(JobId|ArrayTaskId|JobName|JobState|ExitCode|Dependency)=/) printf "%s ", $i; print ""}'
if [ "$state" != COMPLETED ]; then
    echo "e2e.sh: the merge job ended $state" >&2
    tail -n 20 "$w"/out/*.log "$w/slurmctld.log" >&2 || true
    exit 1
fi
"$thresh" runs --db "$w/out/merged.db"
python3 "$root/tests/shards/same_db.py" "$w/one.db" "$w/out/merged.db"
echo "e2e.sh: $shards shards on Slurm, merged, are the one run ($w)"
