#!/usr/bin/env python3
"""The Python package's speed against trafilatura (and resiliparse), in pages
per CPU-second on one thread, each tool over the same decoded pages, three
passes each after a warm-up; thresh also on two threads (extract_many).

    target/py-venv/bin/python bench/python_speed.py ../shared/eval/scrapinghub/html

Needs the wheel installed (crates/py/test.sh does it) and
`pip install trafilatura resiliparse` in the same environment.
"""
import gzip
import pathlib
import statistics
import sys
import time

import thresh

folder = pathlib.Path(sys.argv[1])
pages = []
for p in sorted(folder.iterdir()):
    raw = p.read_bytes()
    raw = gzip.decompress(raw) if p.name.endswith(".gz") else raw
    pages.append(raw.decode("utf-8", errors="replace"))


def rate(fn, passes=3):
    fn(pages[:5])
    rates = []
    for _ in range(passes):
        t0 = time.process_time()
        fn(pages)
        rates.append(len(pages) / (time.process_time() - t0))
    return statistics.median(rates)


def one_by_one(f):
    return lambda ps: [f(p) for p in ps]


rows = [("thresh.extract, 1 thread", rate(one_by_one(thresh.extract)))]
t0, w0 = time.process_time(), time.perf_counter()
thresh.extract_many(pages, threads=2)
rows.append(("thresh.extract_many, 2 threads (pages per wall-second)", len(pages) / (time.perf_counter() - w0)))
try:
    import trafilatura

    rows.append(("trafilatura.extract", rate(one_by_one(trafilatura.extract), passes=1)))
except ImportError:
    print("(trafilatura not installed: pip install trafilatura)")
try:
    from resiliparse.extract.html2text import extract_plain_text
    from resiliparse.parse.html import HTMLTree

    rows.append(("resiliparse main content", rate(one_by_one(lambda h: extract_plain_text(HTMLTree.parse(h), main_content=True)))))
except ImportError:
    print("(resiliparse not installed: pip install resiliparse)")
print(f"{len(pages)} pages from {folder}")
for name, r in rows:
    print(f"  {name:<58} {r:8.1f} pages/s")
