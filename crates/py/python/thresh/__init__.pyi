from typing import Iterable, Optional, Tuple, Union

__version__: str

Page = Union[str, bytes]

class Error(Exception):
    """Anything thresh could not do with an input."""

class InputError(Error):
    """The input is not a page or text: empty, binary, undecodable."""

class TooLargeError(InputError):
    """The input is over the size cap (64 MiB)."""

class InternalError(Error):
    """A bug in thresh: please report it with the input."""

def extract(
    html: Page, url: Optional[str] = None, *, favor: str = "balanced", include_comments: bool = False
) -> dict: ...
def clean_text(text: Page, url: Optional[str] = None) -> dict: ...
def fingerprint(text: str) -> Tuple[str, bytes]: ...
def extract_many(
    pages: Iterable[Union[Page, Tuple[Page, Optional[str]]]],
    threads: Optional[int] = None,
    *,
    favor: str = "balanced",
    include_comments: bool = False,
    errors: str = "raise",
) -> list: ...
