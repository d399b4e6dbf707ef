#!/usr/bin/env python3
"""resiliparse over a folder of pages, N passes (for instruction counts under
callgrind: run with N=0 and N=2, halve the difference).

Usage: python3 bench/resiliparse_pass.py DIR N
"""
import gzip, pathlib, sys
from resiliparse.extract.html2text import extract_plain_text
from resiliparse.parse.html import HTMLTree
from resiliparse.parse.encoding import detect_encoding, bytes_to_str
d = pathlib.Path(sys.argv[1]); n = int(sys.argv[2])
pages = []
for p in sorted(d.iterdir()):
    b = p.read_bytes(); b = gzip.decompress(b) if p.name.endswith('.gz') else b
    pages.append(bytes_to_str(b, detect_encoding(b)))
for _ in range(n):
    for h in pages:
        extract_plain_text(HTMLTree.parse(h), main_content=True)
