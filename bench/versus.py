#!/usr/bin/env python3
"""thresh against resiliparse, one pinned CPU, alternating thresh / resiliparse /
thresh in every round: each round's ratio compares resiliparse with the mean of
the two thresh runs around it, so a drift of the machine's speed within the
round cancels out. Prints each round and the median ratio.

Usage: python3 bench/versus.py target/release/examples/speed ../shared/eval/scrapinghub/html [ROUNDS]
"""
import json, os, pathlib, statistics, subprocess, sys, time

speed, html_dir = sys.argv[1], pathlib.Path(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 7
cpu = min(os.sched_getaffinity(0))
os.sched_setaffinity(0, {cpu})

from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree

import gzip
from resiliparse.parse.encoding import detect_encoding, bytes_to_str

def page(p):
    b = p.read_bytes()
    b = gzip.decompress(b) if p.name.endswith(".gz") else b
    return bytes_to_str(b, detect_encoding(b))

pages = [page(p) for p in sorted(html_dir.iterdir())]

def resiliparse():
    t0 = time.process_time()
    for h in pages:
        extract_plain_text(HTMLTree.parse(h), main_content=True)
    return len(pages) / (time.process_time() - t0)

def thresh():
    # Three passes in one process; the median of the last two (the first warms up).
    out = subprocess.run(["taskset", "-c", str(cpu), speed, "html", str(html_dir), "3"],
                         capture_output=True, text=True, check=True).stdout
    runs = [json.loads(l) for l in out.strip().splitlines()][1:]
    return statistics.median(r["items"] / r["cpu_s"] for r in runs)

resiliparse()  # warm up
ratios = []
print("round  thresh  resiliparse  thresh  ratio   (pages per CPU-second)")
for r in range(rounds):
    a, b, c = thresh(), resiliparse(), thresh()
    ratios.append((a + c) / 2 / b)
    print(f"{r + 1:5}  {a:6.0f}  {b:11.0f}  {c:6.0f}  {ratios[-1]:.2f}")
print(f"thresh / resiliparse, median of {rounds} rounds: {statistics.median(ratios):.2f}x")
