#!/usr/bin/env python3
"""Check the Kubernetes manifests: against the Kubernetes JSON schemas
(kubernetes-validate, strict: no field the schema does not know), then for
what a split run needs of them.

    python3 deploy/k8s/check.py        (needs: pip install kubernetes-validate)

The second part checks that the shard Job is Indexed, that its N is the same
in completions, parallelism and SHARDS and the merge's SHARDS, that the
shard number comes from JOB_COMPLETION_INDEX, and that both Jobs mount the
one claim the volume manifest makes.
"""
import pathlib
import sys

import kubernetes_validate
import yaml

HERE = pathlib.Path(__file__).resolve().parent
VERSION = "1.33.0"


def load(name):
    return yaml.safe_load((HERE / name).read_text())


def env(container, name):
    return next(e["value"] for e in container["env"] if e["name"] == name)


def main():
    failures = []
    docs = {}
    for path in sorted(HERE.glob("*.yaml")):
        data = yaml.safe_load(path.read_text())
        docs[path.name] = data
        try:
            kubernetes_validate.validate(data, VERSION, strict=True)
            print(f"{path.name}: valid {data['kind']} (Kubernetes {VERSION}, strict)")
        except kubernetes_validate.ValidationError as e:
            failures.append(f"{path.name}: {e.path}: {e.message}")
    shards, merge, volume = docs["shards.yaml"], docs["merge.yaml"], docs["volume.yaml"]
    spec = shards["spec"]
    c = spec["template"]["spec"]["containers"][0]
    m = merge["spec"]["template"]["spec"]["containers"][0]
    n = int(env(c, "SHARDS"))
    checks = [
        (spec.get("completionMode") == "Indexed", "the shard Job is an Indexed Job"),
        (spec["completions"] == n == spec["parallelism"], "completions, parallelism and SHARDS agree"),
        (int(env(m, "SHARDS")) == n, "the merge's SHARDS is the shards'"),
        ("JOB_COMPLETION_INDEX" in " ".join(c["args"]), "the shard number comes from JOB_COMPLETION_INDEX"),
        ('--shard "$k/$SHARDS"' in " ".join(c["args"]), "the shard runs ingest --shard K/N"),
        ("thresh merge" in " ".join(m["args"]), "the merge runs thresh merge"),
    ]
    claim = volume["metadata"]["name"]
    for job, container in (("shards", c), ("merge", m)):
        pod = docs[f"{job}.yaml"]["spec"]["template"]["spec"]
        vols = {v["name"]: v for v in pod["volumes"]}
        mounts = [vm["name"] for vm in container["volumeMounts"]]
        checks.append((all(mt in vols for mt in mounts), f"{job}: every mount names a volume"))
        checks.append(
            (any(v.get("persistentVolumeClaim", {}).get("claimName") == claim for v in vols.values()),
             f"{job}: mounts the claim {claim}")
        )
        checks.append((pod["restartPolicy"] in ("Never", "OnFailure"), f"{job}: a Job's restartPolicy"))
    checks.append(("ReadWriteMany" in volume["spec"]["accessModes"], "the volume is ReadWriteMany"))
    for ok, what in checks:
        print(f"{'ok' if ok else 'FAILED'}: {what}")
        if not ok:
            failures.append(what)
    for f in failures:
        print(f"check.py: {f}", file=sys.stderr)
    sys.exit(1 if failures else 0)


if __name__ == "__main__":
    main()
