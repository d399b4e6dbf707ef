"""A column of HTML through thresh with Ray Data.

    python crates/py/examples/ray_pages.py PAGES_DIR

Reads every .html file of PAGES_DIR into a dataset of {"url", "html"} rows,
extracts them with `map_batches`, and prints each page's title and the
length of its text. On a cluster, `ray.init(address="auto")` instead.
"""

import pathlib
import sys

import ray

import thresh.ray

if __name__ == "__main__":
    ray.init(num_cpus=2)
    rows = [{"url": p.as_uri(), "html": p.read_text(errors="replace")} for p in sorted(pathlib.Path(sys.argv[1]).glob("*.html"))]
    ds = ray.data.from_items(rows).map_batches(thresh.ray.extract_batch, fn_kwargs={"threads": 1})
    for r in ds.take_all():
        print(f"{len(r['text'] or ''):>7}  {r['title']}")
