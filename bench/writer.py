#!/usr/bin/env python3
"""The database side of a run (#12): `ingest` against `extract` on the same
pages, the database's size against the input's, and a split run (N shards,
then `merge`) against one ingest.

Usage: python3 bench/writer.py target/release/thresh DIR [ROUNDS] [SHARDS]

Each round runs `extract --threads 2` (output to /dev/null) and `ingest
--threads 2` into a fresh database, back to back, and reports both in pages
per wall second and per CPU second (children's user + system time); the
ratio is taken within the round, so the machine's drift cancels. Then, once:
database bytes per input byte (the file after a checkpoint; gzipped pages
count as what they decompress to), and the split run: N
`ingest --shard K/N` one after another and `merge`, in CPU seconds against
the one ingest's, with the merged database checked equal to the single
one (tests/shards/same_db.py).
"""
import gzip
import os
import pathlib
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

thresh, pages = sys.argv[1], pathlib.Path(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
shards = int(sys.argv[4]) if len(sys.argv) > 4 else 4
root = pathlib.Path(__file__).resolve().parent.parent
n_pages = sum(1 for p in pages.rglob("*") if p.is_file())
# What the pages hold: gzipped pages count as their decompressed size.
input_bytes = sum(len(gzip.decompress(p.read_bytes())) if p.name.endswith(".gz") else p.stat().st_size
                  for p in pages.rglob("*") if p.is_file())


def timed(args, stdout=subprocess.DEVNULL):
    """Wall and CPU seconds (user + system) of one command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    r = subprocess.run(args, stdout=stdout, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if r.returncode not in (0, 1):
        sys.exit(f"{' '.join(args)}: exit {r.returncode}: {r.stderr[-500:]}")
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


tmp = pathlib.Path(tempfile.mkdtemp(prefix="thresh-writer-"))
try:
    print(f"{pages}: {n_pages} pages, {input_bytes / 1e6:.1f} MB")
    print("| round | extract pages/s | ingest pages/s | ratio (wall) | extract CPU-s | ingest CPU-s | ratio (CPU) |")
    print("|---|---|---|---|---|---|---|")
    wall_ratios, cpu_ratios = [], []
    for i in range(rounds):
        ew, ec = timed([thresh, "extract", "--threads", "2", "--format", "json", str(pages)])
        db = tmp / f"round{i}.db"
        iw, ic = timed([thresh, "ingest", "--quiet", "--threads", "2", "--db", str(db), str(pages)])
        if i > 0:
            for f in tmp.glob(f"round{i}.db*"):
                f.unlink()  # (left on disk, their write-back slowed later rounds)
        wall_ratios.append(ew / iw)
        cpu_ratios.append(ec / ic)
        print(f"| {i + 1} | {n_pages / ew:.0f} | {n_pages / iw:.0f} | {ew / iw:.2f} | {ec:.2f} | {ic:.2f} | {ec / ic:.2f} |")
    print(f"ingest / extract pages per second: median {statistics.median(wall_ratios):.2f}x (wall), "
          f"{statistics.median(cpu_ratios):.2f}x (CPU)")

    one = tmp / "round0.db"
    subprocess.run(["sqlite3", str(one), "PRAGMA wal_checkpoint(TRUNCATE)"], capture_output=True)
    db_bytes = one.stat().st_size
    print(f"database: {db_bytes / 1e6:.1f} MB for {input_bytes / 1e6:.1f} MB of input: {db_bytes / input_bytes:.3f}x")

    single_wall, single_cpu = timed([thresh, "ingest", "--quiet", "--threads", "2", "--db", str(tmp / "one.db"), str(pages)])
    shard_cpu = shard_wall = 0.0
    dbs = []
    for k in range(1, shards + 1):
        db = tmp / f"shard-{k}-of-{shards}.db"
        dbs.append(str(db))
        w, c = timed([thresh, "ingest", "--quiet", "--threads", "2", "--db", str(db), "--shard", f"{k}/{shards}", str(pages)])
        shard_wall = max(shard_wall, w)
        shard_cpu += c
    merge_wall, merge_cpu = timed([thresh, "merge", "--quiet", "--threads", "2", "--db", str(tmp / "merged.db"), *dbs])
    same = subprocess.run([sys.executable, str(root / "tests/shards/same_db.py"), str(tmp / "one.db"), str(tmp / "merged.db")],
                          capture_output=True, text=True)
    print(f"split run, {shards} shards: the shards {shard_cpu:.2f} CPU-s in all (slowest {shard_wall:.2f} s wall), "
          f"merge {merge_wall:.2f} s wall / {merge_cpu:.2f} CPU-s ({n_pages / merge_wall:.0f} pages/s); "
          f"one ingest {single_wall:.2f} s wall / {single_cpu:.2f} CPU-s; "
          f"merged = one run: {'yes' if same.returncode == 0 else 'NO'}")
    if same.returncode != 0:
        print(same.stdout)
finally:
    shutil.rmtree(tmp, ignore_errors=True)
