"""WARC files in, thresh's main content out as JSON Lines, with datatrove.

    python crates/py/examples/datatrove_warc.py CRAWL_DIR OUT_DIR [TASKS]

The same pipeline runs on a cluster by changing only the executor:
datatrove's SlurmPipelineExecutor(pipeline=..., tasks=..., time="01:00:00",
partition=..., logging_dir=...) or RayPipelineExecutor(pipeline=...,
tasks=...). thresh itself needs nothing on the nodes but the wheel.
"""

import sys

from datatrove.executor import LocalPipelineExecutor
from datatrove.pipeline.readers import WarcReader
from datatrove.pipeline.writers import JsonlWriter

from thresh.datatrove import ThreshExtractor

if __name__ == "__main__":
    crawl, out = sys.argv[1], sys.argv[2]
    tasks = int(sys.argv[3]) if len(sys.argv) > 3 else 2
    LocalPipelineExecutor(
        pipeline=[
            WarcReader(crawl, glob_pattern="*.warc.gz"),
            ThreshExtractor(),  # in the place of datatrove's Trafilatura()
            JsonlWriter(out),
        ],
        tasks=tasks,
        logging_dir=f"{out}/logs",
    ).run()
