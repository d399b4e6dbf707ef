#!/usr/bin/env python3
"""ThreshExtractor against datatrove's own Trafilatura step, in one datatrove
pipeline over the same WARC, in pages per CPU-second (this process and the
extraction processes datatrove's sandbox starts, which Trafilatura runs in).

    target/py-venv/bin/python bench/datatrove_speed.py ../shared/eval/scrapinghub/html

Writes a WARC of the folder's pages (each three times) to a temporary directory (never into the
repository), then runs WarcReader -> extractor for each step, alternating
thresh / trafilatura / thresh, and prints both rates and their ratio. Needs
the wheel (crates/py/test.sh) and `pip install trafilatura lxml_html_clean`.
"""
import gzip
import io
import pathlib
import resource
import sys
import tempfile
import time


def cpu():
    s, c = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return s.ru_utime + s.ru_stime + c.ru_utime + c.ru_stime


def write_warc(path, folder):
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    n = 0
    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        # Each page three times (under three URLs): enough pages that the one-off
        # start of a step (trafilatura's sandbox process) weighs little.
        for p in sorted(folder.iterdir()) * 3:
            n += 1
            raw = p.read_bytes()
            raw = gzip.decompress(raw) if p.name.endswith(".gz") else raw
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(f"https://bench.example/{n}/{p.name}", "response", payload=io.BytesIO(raw),
                                       http_headers=http, warc_headers_dict={"WARC-Identified-Payload-Type": "text/html"})
            w.write_record(rec)
    return n


def run(step, warcs):
    from datatrove.pipeline.readers import WarcReader

    c0, w0 = cpu(), time.perf_counter()
    reader = WarcReader(str(warcs), glob_pattern="*.warc.gz")
    docs = step.run(reader.run()) if step else reader.run()
    kept = sum(1 for d in docs if d.text)
    return cpu() - c0, time.perf_counter() - w0, kept


if __name__ == "__main__":
    from datatrove.pipeline.extractors import Trafilatura

    from thresh.datatrove import ThreshExtractor

    folder = pathlib.Path(sys.argv[1])
    with tempfile.TemporaryDirectory() as tmp:
        n = write_warc(pathlib.Path(tmp) / "pages.warc.gz", folder)
        read_cpu, _, _ = run(None, tmp)
        # Warm-up (thresh builds its cleaner, the page cache fills), not counted.
        run(ThreshExtractor(), tmp)
        rows = []
        for name, make in [("thresh", lambda: ThreshExtractor()), ("trafilatura", lambda: Trafilatura(timeout=30)),
                           ("thresh", lambda: ThreshExtractor())]:
            c, w, kept = run(make(), tmp)
            rows.append((name, c, w, kept))
            print(f"{name:<12} {n} pages, {kept} kept: {c:6.2f} CPU-s ({n / c:7.1f} pages per CPU-second; "
                  f"without the {read_cpu:.2f} s of reading the WARC: {n / max(c - read_cpu, 1e-9):7.1f})")
        thresh_c = (rows[0][1] + rows[2][1]) / 2
        print(f"ThreshExtractor / Trafilatura, pages per CPU-second: {rows[1][1] / thresh_c:.1f}x "
              f"(extraction alone: {(rows[1][1] - read_cpu) / max(thresh_c - read_cpu, 1e-9):.1f}x)")
