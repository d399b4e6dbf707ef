#!/usr/bin/env python3
"""Extraction speed, side by side in one run: thresh's HTML extractor, a
parse-only baseline (html5ever via scraper), and resiliparse
(`extract_plain_text(HTMLTree.parse(html), main_content=True)`), interleaved
round by round on the same pages; then the text-dump cleaner in MB/s.
Reports the median over rounds of pages per CPU-second, and the ratios as the
median of per-round ratios (measurements taken back to back).

Usage: python3 bench/speed.py target/release/examples/speed ../shared/eval/scrapinghub [ROUNDS]
(`just bench` builds the example and runs this.)
"""
import json, pathlib, statistics, subprocess, sys, time

speed, ds = sys.argv[1], pathlib.Path(sys.argv[2])
rounds = int(sys.argv[3]) if len(sys.argv) > 3 else 5
html_dir, text_dir = ds / "html", ds / "textdump"

# One-core figures are taken on one pinned CPU, the same for thresh and for
# resiliparse (this process): the two CPUs of a small VM drift apart in speed.
import os
ALL_CPUS = sorted(os.sched_getaffinity(0))
ONE_CPU = ALL_CPUS[0]
os.sched_setaffinity(0, {ONE_CPU})

def pinned(cmd, mode):
    cpus = ALL_CPUS if mode in ("html2", "text2", "scaling", "spinscaling") else [ONE_CPU]
    return ["taskset", "-c", ",".join(map(str, cpus)), *cmd]

def rust(mode, d, passes=2):
    # Two passes in one process, the second measured: a long run amortises
    # the lazy DFAs' state building over thousands of pages (resiliparse,
    # in this Python process, is warm after its first round too).
    out = subprocess.run(pinned([speed, mode, str(d), str(passes)], mode), capture_output=True, text=True, check=True).stdout
    r = json.loads(out.strip().splitlines()[-1])
    return r["items"] / r["cpu_s"], r["bytes"] / r["cpu_s"] / 1e6, r["items"] / r["wall_s"]

def text_warm(d, passes=6):
    out = subprocess.run(pinned([speed, "text", str(d), str(passes)], "text"), capture_output=True, text=True, check=True).stdout
    warm = [json.loads(l) for l in out.strip().splitlines()][1:]
    return statistics.median(r["bytes"] / r["cpu_s"] / 1e6 for r in warm)

try:
    from resiliparse.parse.html import HTMLTree
    from resiliparse.extract.html2text import extract_plain_text
    import gzip
    from resiliparse.parse.encoding import detect_encoding, bytes_to_str
    def page(p):
        b = p.read_bytes()
        b = gzip.decompress(b) if p.name.endswith(".gz") else b
        return bytes_to_str(b, detect_encoding(b))
    pages = [page(p) for p in sorted(html_dir.iterdir())]
except ImportError:
    pages = None
    print("resiliparse not installed (pip install resiliparse): comparing thresh against the parse baseline only")

def resili():
    t0 = time.process_time()
    for h in pages:
        extract_plain_text(HTMLTree.parse(h), main_content=True)
    return len(pages) / (time.process_time() - t0)

res = {"thresh": [], "parse": [], "resiliparse": [], "thresh_2threads_wall": [], "text_mb_s": [], "text_cold_mb_s": []}
# Per-round ratios of measurements taken back to back: this machine's speed
# drifts by tens of per cent over minutes, which a ratio of medians taken
# minutes apart would report as a speed difference.
ratios = {"thresh/resiliparse": [], "parse/resiliparse": [], "2 threads/1 thread": [], "machine ceiling": []}
for r in range(rounds):
    order = ["thresh", "parse", "resiliparse", "html2"] if r % 2 == 0 else ["html2", "resiliparse", "parse", "thresh"]
    got = {}
    for name in order:
        if name == "thresh":
            got["thresh"] = rust("html", html_dir)
        elif name == "parse":
            got["parse"] = rust("parse", html_dir)
        elif name == "html2":
            # One-thread and two-thread passes alternating in one process
            # (after a warm-up pair): wall-clock pages/s of each, paired.
            out = subprocess.run(pinned([speed, "scaling", str(html_dir), "8"], "scaling"), capture_output=True, text=True, check=True).stdout
            walls = [json.loads(l) for l in out.strip().splitlines()][2:]
            pairs = [(walls[k]["items"] / walls[k]["wall_s"], walls[k + 1]["items"] / walls[k + 1]["wall_s"]) for k in range(0, len(walls), 2)]
            got["html2"] = (None, None, statistics.median(p[1] for p in pairs))
            got["scaling"] = statistics.median(p[1] / p[0] for p in pairs)
            out = subprocess.run(pinned([speed, "spinscaling", str(html_dir), "8"], "spinscaling"), capture_output=True, text=True, check=True).stdout
            walls = [json.loads(l) for l in out.strip().splitlines()][2:]
            got["ceiling"] = statistics.median(walls[k]["wall_s"] / walls[k + 1]["wall_s"] for k in range(0, len(walls), 2))
        elif pages is not None:
            got["resiliparse"] = resili()
    res["thresh"].append(got["thresh"][0])
    res["parse"].append(got["parse"][0])
    res["thresh_2threads_wall"].append(got["html2"][2])
    ratios["2 threads/1 thread"].append(got["scaling"])
    # The same pairing for a register-only loop: what two threads can give here.
    ratios["machine ceiling"].append(got["ceiling"])
    if "resiliparse" in got:
        res["resiliparse"].append(got["resiliparse"])
        ratios["thresh/resiliparse"].append(got["thresh"][0] / got["resiliparse"])
        ratios["parse/resiliparse"].append(got["parse"][0] / got["resiliparse"])
    # Warm text cleaning: a pass takes tens of milliseconds, so one pass is
    # at the mercy of the machine's drift; the median of five warm passes
    # in one process (after a first, cold one) is the round's figure.
    res["text_mb_s"].append(text_warm(text_dir))
    res["text_cold_mb_s"].append(rust("text", text_dir, passes=1)[1])

med = {k: statistics.median(v) for k, v in res.items() if v}
print(f"rounds: {rounds} (interleaved), pages: {len(list(html_dir.iterdir()))}")
print(f"thresh HTML extract      {med['thresh']:8.1f} pages/CPU-s")
print(f"parse only (html5ever)   {med['parse']:8.1f} pages/CPU-s")
if "resiliparse" in med:
    print(f"resiliparse main_content {med['resiliparse']:8.1f} pages/CPU-s")
print(f"thresh 2 threads (wall)  {med['thresh_2threads_wall']:8.1f} pages/s")
t = res["text_mb_s"]
print(f"text-dump cleaning       {med['text_mb_s']:8.1f} MB/CPU-s (one core, warm, rounds {min(t):.1f}-{max(t):.1f}; cold first pass {med['text_cold_mb_s']:.1f})")
print("ratios, median of per-round ratios (min-max):")
for k, v in ratios.items():
    if v:
        print(f"  {k:20} {statistics.median(v):.2f}x  ({min(v):.2f}-{max(v):.2f})")
