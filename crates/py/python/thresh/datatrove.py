"""A datatrove pipeline step: thresh in the place of datatrove's
``Trafilatura`` extractor.

    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter
    from thresh.datatrove import ThreshExtractor

    pipeline = [WarcReader("crawl/"), ThreshExtractor(), JsonlWriter("out/")]

Like ``Trafilatura`` it replaces each document's ``text`` (its HTML) with the
main content and drops documents left empty; it also fills
``document.metadata`` with what the page says of itself (``title``,
``author``, ``published_at``, ``site``, ``lang``, ``canonical_url``; keys
already there, such as the reader's ``url``, are kept). thresh needs no
sandbox process or timeout: it has no unbounded work and never takes the
interpreter down, so documents go through in batches on its thread pool.
"""

from __future__ import annotations

from typing import Optional

from datatrove.data import DocumentsPipeline
from datatrove.pipeline.extractors.base import BaseExtractor
from datatrove.utils.typeshelper import StatHints

from . import extract as _extract
from . import extract_many

# What a record adds to a document's metadata.
METADATA = ("title", "author", "published_at", "site", "lang", "canonical_url")


class ThreshExtractor(BaseExtractor):
    """thresh's extractor as a datatrove step.

    Args:
        favour_precision: cut more boilerplate at some cost in text
            (thresh's ``favor="precision"``); False is thresh's default,
            ``"balanced"``. Named as in ``Trafilatura``.
        favor: thresh's own setting, ``"precision"``, ``"balanced"`` or
            ``"recall"``; wins over ``favour_precision``.
        include_comments: keep user comments (as in ``Trafilatura``, off).
        metadata: fill ``document.metadata`` from the page.
        threads: thresh threads per task (default 1: datatrove runs tasks
            side by side).
        batch_size: documents handed to thresh at once.
        timeout: accepted for compatibility with ``Trafilatura``; unused.
    """

    name = "⛏ thresh"

    def __init__(
        self,
        favour_precision: bool = False,
        favor: Optional[str] = None,
        include_comments: bool = False,
        metadata: bool = True,
        threads: int = 1,
        batch_size: int = 64,
        timeout: float = 1,
    ):
        super().__init__(timeout)
        self.favor = favor or ("precision" if favour_precision else "balanced")
        self.include_comments = include_comments
        self.metadata = metadata
        self.threads = threads
        self.batch_size = max(1, batch_size)

    def extract(self, text: str) -> str:
        """The main content of one page (the ``BaseExtractor`` interface)."""
        return _extract(text, favor=self.favor, include_comments=self.include_comments)["text"]

    def _flush(self, batch):
        pages = [(doc.text, doc.metadata.get("url")) for doc in batch]
        with self.track_time(unit="batch"):
            records = extract_many(
                pages, self.threads, favor=self.favor, include_comments=self.include_comments, errors="return"
            )
        for doc, rec in zip(batch, records):
            if "error" in rec:
                self.stat_update("clean_error")
                if not self._warned_error:
                    from datatrove.utils.logging import logger

                    logger.warning(f'❌ Error "{rec["error"]}" while cleaning record text. Skipping record.')
                    self._warned_error = True
                continue
            self.stat_update("extracted")
            doc.text = rec["text"]
            if self.metadata:
                for k in METADATA:
                    if rec.get(k) is not None:
                        doc.metadata.setdefault(k, rec[k])
            if doc.text:
                self.stat_update(StatHints.forwarded)
                self.update_doc_stats(doc)
                yield doc
            else:
                self.stat_update(StatHints.dropped)

    def run(self, data: DocumentsPipeline, rank: int = 0, world_size: int = 1) -> DocumentsPipeline:
        batch = []
        for doc in data:
            self.stat_update(StatHints.total)
            batch.append(doc)
            if len(batch) >= self.batch_size:
                yield from self._flush(batch)
                batch = []
        if batch:
            yield from self._flush(batch)
