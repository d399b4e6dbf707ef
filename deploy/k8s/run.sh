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
# Complete, or failed (a shard ran out of retries): whichever comes first.
while :; do
    state=$(kubectl "${ns[@]}" get job thresh-shards \
        -o jsonpath='{range .status.conditions[?(@.status=="True")]}{.type} {end}')
    case "$state" in
        *Failed*)
            echo "run.sh: thresh-shards failed; see kubectl logs -l app.kubernetes.io/component=shard" >&2
            exit 1
            ;;
        *Complete*) break ;;
    esac
    sleep 30
done
kubectl "${ns[@]}" apply -f "$here/merge.yaml"
kubectl "${ns[@]}" wait job/thresh-merge --for=condition=Complete --timeout=72h
kubectl "${ns[@]}" logs job/thresh-merge
