#!/bin/bash
# Run a split thresh run on Kubernetes: the volume, the Indexed Job of
# shards, and, once every shard has completed, the merge Job.
#   deploy/k8s/run.sh [NAMESPACE]
# The inputs must already be on the volume under /data/in. Kubernetes has
# no dependencies between Jobs: this script waits for the first to complete.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ns=(--namespace "${1:-default}")
kubectl "${ns[@]}" apply -f "$here/volume.yaml"
kubectl "${ns[@]}" delete job thresh-shards thresh-merge --ignore-not-found
kubectl "${ns[@]}" apply -f "$here/shards.yaml"
# Wait for a Job to be Complete (return 0) or Failed (return 1).
wait_for() {
    local state
    while :; do
        state=$(kubectl "${ns[@]}" get job "$1" \
            -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
        case "$state" in
            *Failed*) return 1 ;;
            *Complete*) return 0 ;;
        esac
        sleep 30
    done
}
if ! wait_for thresh-shards; then
    echo "run.sh: thresh-shards failed; see kubectl logs -l app.kubernetes.io/component=shard" >&2
    exit 1
fi
kubectl "${ns[@]}" apply -f "$here/merge.yaml"
if ! wait_for thresh-merge; then
    echo "run.sh: thresh-merge failed; see kubectl logs job/thresh-merge" >&2
    exit 1
fi
kubectl "${ns[@]}" logs job/thresh-merge
