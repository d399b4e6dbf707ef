"""A Ray Data function: thresh over a column of HTML.

    import ray, thresh.ray
    ds = ray.data.read_parquet("pages/")            # a column "html", maybe "url"
    ds = ds.map_batches(thresh.ray.extract_batch)   # adds text, title, author, …

Works on the batch formats of ``map_batches``: a dict of columns (numpy
arrays or lists, the default) and a pandas DataFrame. Pass options with
``fn_kwargs``: ``ds.map_batches(thresh.ray.extract_batch, fn_kwargs={"column": "body"})``.
"""

from __future__ import annotations

from typing import Any, Optional

from . import extract_many

# The columns a batch gains.
COLUMNS = ("text", "title", "author", "published_at", "site", "lang", "dropped", "error")


def extract_batch(
    batch: Any,
    column: str = "html",
    url_column: Optional[str] = "url",
    favor: str = "balanced",
    include_comments: bool = False,
    threads: Optional[int] = None,
) -> Any:
    """Extract every page of ``batch[column]`` (str or bytes; ``url_column``
    gives their URLs when the batch has it) and return the batch with the
    columns of :data:`COLUMNS` added (``error`` says why a page failed, and
    its ``text`` is None). ``threads``: thresh threads for this batch
    (default one per core; with many Ray workers on a node, 1)."""
    is_frame = hasattr(batch, "columns") and hasattr(batch, "assign")
    pages = list(batch[column])
    urls = list(batch[url_column]) if url_column and url_column in batch else [None] * len(pages)
    urls = [u if isinstance(u, str) else None for u in urls]
    records = extract_many(
        list(zip(pages, urls)), threads, favor=favor, include_comments=include_comments, errors="return"
    )
    added = {c: [r.get(c) for r in records] for c in COLUMNS}
    if is_frame:
        return batch.assign(**added)
    out = dict(batch)
    out.update(added)
    return out
