#!/usr/bin/env python3
"""Extraction speed, side by side in one run: thresh's HTML extractor, a
parse-only baseline (html5ever via scraper), and resiliparse
(`extract_plain_text(HTMLTree.parse(html), main_content=True)`), interleaved
round by round on the same pages; then the text-dump cleaner in MB/s.
Reports the median over rounds of pages per CPU-second and the ratios.

Usage: python3 bench/speed.py target/release/examples/speed ../shared/eval/scrapinghub [ROUNDS]
(`just bench` builds the example and runs this.)
"""
import json, pathlib, statistics, subprocess, sys, time

speed, ds = sys.argv[1], pathlib.Path(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
html_dir, text_dir = ds / "html", ds / "textdump"

def rust(mode, d, passes=2):
    # Two passes in one process, the second measured: a long run amortises
    # the lazy DFAs' state building over thousands of pages (resiliparse,
    # in this Python process, is warm after its first round too).
    out = subprocess.run([speed, mode, str(d), str(passes)], capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return r["items"] / r["cpu_s"], r["bytes"] / r["cpu_s"] / 1e6, r["items"] / r["wall_s"]

try:
    from resiliparse.parse.html import HTMLTree
    from resiliparse.extract.html2text import extract_plain_text
    pages = [p.read_bytes().decode("utf-8", errors="replace") for p in sorted(html_dir.iterdir())]
except ImportError:
    pages = None
    print("resiliparse not installed (pip install resiliparse): comparing thresh against the parse baseline only")

def resili():
    t0 = time.process_time()
    for h in pages:
        extract_plain_text(HTMLTree.parse(h), main_content=True)
    return len(pages) / (time.process_time() - t0)

res = {"thresh": [], "parse": [], "resiliparse": [], "thresh_2threads_wall": [], "text_mb_s": [], "text_cold_mb_s": []}
for r in range(rounds):
    order = ["thresh", "parse", "resiliparse"] if r % 2 == 0 else ["resiliparse", "parse", "thresh"]
    for name in order:
        if name == "thresh":
            res["thresh"].append(rust("html", html_dir)[0])
        elif name == "parse":
            res["parse"].append(rust("parse", html_dir)[0])
        elif pages is not None:
            res["resiliparse"].append(resili())
    res["thresh_2threads_wall"].append(rust("html2", html_dir)[2])
    res["text_mb_s"].append(rust("text", text_dir)[1])
    res["text_cold_mb_s"].append(rust("text", text_dir, passes=1)[1])

med = {k: statistics.median(v) for k, v in res.items() if v}
print(f"rounds: {rounds} (interleaved), pages: {len(list(html_dir.iterdir()))}")
print(f"thresh HTML extract      {med['thresh']:8.1f} pages/CPU-s")
print(f"parse only (html5ever)   {med['parse']:8.1f} pages/CPU-s")
if "resiliparse" in med:
    print(f"resiliparse main_content {med['resiliparse']:8.1f} pages/CPU-s")
    print(f"ratio thresh / resiliparse   {med['thresh'] / med['resiliparse']:.2f}x")
    print(f"ratio parse  / resiliparse   {med['parse'] / med['resiliparse']:.2f}x")
print(f"thresh 2 threads (wall)  {med['thresh_2threads_wall']:8.1f} pages/s = {med['thresh_2threads_wall'] / med['thresh']:.2f}x one thread")
print(f"text-dump cleaning       {med['text_mb_s']:8.1f} MB/CPU-s (one core, warm; cold first pass {med['text_cold_mb_s']:.1f})")
