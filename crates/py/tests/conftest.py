"""Shared set-up: the repository, the thresh binary the Rust tests built,
and pages to compare the package with the command line on."""

import gzip
import os
import pathlib
import subprocess

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[3]
SHARED_SH = ROOT.parent / "shared" / "eval" / "scrapinghub" / "html"


@pytest.fixture(scope="session")
def thresh_bin():
    path = pathlib.Path(os.environ.get("THRESH_BIN", ROOT / "target" / "release" / "thresh"))
    if not path.exists():
        subprocess.run(["cargo", "build", "--release", "--locked"], cwd=ROOT, check=True)
    return str(path)


def page(title, kind, i):
    """A page of one of five kinds, with chrome around its content, made up
    here (the repository carries no one else's pages)."""
    nav = "<nav><ul>" + "".join(f'<li><a href="/s{j}">Section {j}</a></li>' for j in range(8)) + "</ul></nav>"
    foot = '<footer><p>© 2025 Example Media. All rights reserved.</p><a href="/privacy">Privacy</a></footer>'
    share = '<div class="share-buttons"><a href="#">Share on Facebook</a> <a href="#">Tweet</a></div>'
    words = (
        "The committee met on a grey morning to weigh the proposal, which had been debated for months "
        "by residents, engineers and the council, and whose cost had grown by a third since spring."
    )
    if kind == "article":
        body = f"<article><h1>{title}</h1><p class=byline>By Ann Writer</p><time datetime='2025-0{1 + i % 9}-1{i % 9}'>date</time>" + "".join(
            f"<p>{words} Paragraph {k} of story {i} adds its own detail, number {k * i}.</p>" for k in range(6)
        ) + f"</article>{share}"
    elif kind == "forum":
        body = f"<h1>{title}</h1>" + "".join(
            f'<div class="post"><div class="author">user{k}</div><time>2025-03-0{k + 1}</time>'
            f"<div class=message><p>{words} Reply {k} in thread {i} says something else entirely.</p></div></div>"
            for k in range(5)
        )
    elif kind == "product":
        body = (
            f"<main><h1>{title}</h1><p class=price>$ {19 + i}.99</p><p>{words}</p>"
            "<ul><li>Stainless steel body, 1.2 litres</li><li>Two-year warranty</li><li>Dishwasher safe lid</li></ul>"
            "<table><tr><th>Weight</th><td>900 g</td></tr><tr><th>Power</th><td>2200 W</td></tr></table>"
            '<button>Add to cart</button></main><aside class="related">Customers also bought</aside>'
        )
    elif kind == "docs":
        body = (
            f"<div class=sidebar><ul><li><a href=/a>Install</a></li><li><a href=/b>Usage</a></li></ul></div>"
            f"<main><h1>{title}</h1><p>{words}</p><h2>Usage</h2><pre><code>thresh ingest --db news.db pages/  # {i}\n</code></pre>"
            f"<p>{words} Option {i} changes how the run treats duplicates.</p></main>"
        )
    else:
        body = f"<h1>{title}</h1><p>{words}</p>" + "".join(
            f'<div class="card"><h3><a href="/item/{k}">Item number {k} of list {i} with a long title</a></h3><p>A short description of item {k}.</p></div>'
            for k in range(6)
        )
    return f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{title} | Example</title></head><body>{nav}{body}{foot}</body></html>"


@pytest.fixture(scope="session")
def html_pages(tmp_path_factory):
    """20 pages of our own as files (4 of each kind), plus 20 ScrapingHub
    pages when ../shared is there."""
    d = tmp_path_factory.mktemp("pages")
    kinds = ["article", "forum", "product", "docs", "listing"]
    paths = []
    for i in range(20):
        p = d / f"own_{i:02}.html"
        p.write_text(page(f"Headline number {i} about the bridge", kinds[i % 5], i), encoding="utf-8")
        paths.append(p)
    paths.append(ROOT / "tests" / "fixtures" / "html" / "article.html")
    if SHARED_SH.exists():
        for src in sorted(SHARED_SH.iterdir())[:20]:
            raw = src.read_bytes()
            raw = gzip.decompress(raw) if src.name.endswith(".gz") else raw
            p = d / src.name.removesuffix(".gz")
            p.write_bytes(raw)
            paths.append(p)
    return paths


@pytest.fixture(scope="session")
def text_dumps():
    return sorted((ROOT / "samples").glob("*.txt"))
