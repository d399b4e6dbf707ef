"""thresh: the main content and metadata of web pages, the residue of text
dumps cleaned away, and fingerprints for deduplication, from Rust.

Every function returns what ``thresh extract --format json`` prints for the
same input and releases the GIL while it works. Bad input raises a
:class:`thresh.Error` subclass with the message the command line prints.
"""

from __future__ import annotations

import json
from typing import Any, Iterable, Optional, Sequence, Tuple, Union

from . import _native
from ._native import Error, InputError, InternalError, TooLargeError, __version__

__all__ = [
    "Error",
    "InputError",
    "InternalError",
    "TooLargeError",
    "__version__",
    "clean_text",
    "extract",
    "extract_many",
    "fingerprint",
]

Page = Union[str, bytes]

_ERRORS = {"too_large": TooLargeError, "internal": InternalError}


def extract(
    html: Page,
    url: Optional[str] = None,
    *,
    favor: str = "balanced",
    include_comments: bool = False,
) -> dict:
    """The main content and metadata of one HTML page.

    ``html`` is ``str`` or ``bytes``; bytes are decoded as thresh decodes a
    file (BOM, HTTP-less meta charset, detection). ``url`` is the page's
    address (its site when the page names none). ``favor`` is
    ``"precision"``, ``"balanced"`` or ``"recall"``. Returns the fields of
    ``thresh extract --format json``: ``text`` (paragraphs joined by
    ``\\n``), ``title``, ``author``, ``published_at``, ``site``, ``lang``,
    ``removed`` (every cut with its kind and rule), ``dropped`` when nothing
    was kept, and the rest.
    """
    return json.loads(_native.extract(html, url, favor, include_comments))


def clean_text(text: Page, url: Optional[str] = None) -> dict:
    """A plain-text dump cleaned of its residue (navigation, share and
    subscribe prompts, donation appeals, widget text…): the record of
    ``thresh extract`` for a text file, with ``text`` and ``removed``."""
    return json.loads(_native.clean_text(text, url))


def fingerprint(text: str) -> Tuple[str, bytes]:
    """``(sha256_hex, minhash)`` of a clean text: the sha256 of its
    normalised form (equal for exact duplicates) and its MinHash signature
    (128 little-endian u32 over word 5-grams), the values thresh's database
    stores as ``documents.text_sha256`` and ``minhash_signatures.sig``."""
    return _native.fingerprint(text)


def extract_many(
    pages: Iterable[Union[Page, Tuple[Page, Optional[str]]]],
    threads: Optional[int] = None,
    *,
    favor: str = "balanced",
    include_comments: bool = False,
    errors: str = "raise",
) -> list:
    """:func:`extract` over many pages on thresh's thread pool, in order.

    Each page is ``html`` or ``(html, url)``. ``threads`` sizes the pool
    (default: one thread per core). With ``errors="raise"`` the first page
    that fails raises; with ``errors="return"`` its place holds
    ``{"error": message, "error_kind": kind}``.
    """
    if errors not in ("raise", "return"):
        raise ValueError(f'errors is "raise" or "return", not {errors!r}')
    items = [(p, None) if isinstance(p, (str, bytes)) else (p[0], p[1]) for p in pages]
    out = []
    for ok, failed in _native.extract_many(items, threads, favor, include_comments):
        if ok is not None:
            out.append(json.loads(ok))
            continue
        kind, message = failed
        if errors == "raise":
            raise _ERRORS.get(kind, InputError)(message)
        out.append({"error": message, "error_kind": kind})
    return out
