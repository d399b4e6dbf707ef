#!/bin/bash
# Submit a split thresh run to Slurm: N shard tasks, then the merge.
#   deploy/slurm/submit.sh N OUT_DIR INPUT...
# e.g. THRESH=/opt/thresh/bin/thresh deploy/slurm/submit.sh 16 /shared/crawl-2026-12 /shared/warc/*.warc.gz
# Prints the merge job's id. THRESH_ARGS (ingest options, the same for every
# shard; the merge reads them back from the shards) passes through; sbatch
# options such as --partition go in SBATCH_* variables.
set -eu
if [ $# -lt 3 ]; then
    sed -n '2,7p' "$0" >&2
    exit 2
fi
n=$1
shift
# Absolute paths: the jobs run in OUT_DIR, on other nodes.
out=$(realpath -m "$1")
shift
here=$(cd "$(dirname "$0")" && pwd)
mkdir -p "$out"
# The inputs go in a file (NUL-separated): a crawl's list of WARC files can
# be longer than an environment variable may be, and paths may hold spaces.
: > "$out/inputs.list"
for input in "$@"; do
    printf '%s\0' "$(realpath -m "$input")" >> "$out/inputs.list"
done
export THRESH_INPUTS_FILE="$out/inputs.list" THRESH_OUT="$out" THRESH_SHARDS="$n"
array=$(sbatch --parsable --export=ALL --array="1-$n" --chdir="$out" "$here/shard.sbatch")
array=${array%%;*}
sbatch --parsable --export=ALL --dependency="afterok:$array" --kill-on-invalid-dep=yes --chdir="$out" "$here/merge.sbatch"
