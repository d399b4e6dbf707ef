#!/usr/bin/env python3
"""A corpus for checking that sharded runs merge into what one run gives.

    make_corpus.py OUTDIR [--pages N] [--round 2]

Writes OUTDIR/pages/ (text dumps and HTML pages of four sites) and
OUTDIR/manifest.csv (each page's URL, so site lines are learned per host).
Deterministic: the same files every time. It holds what a merge must get
right across shards:

- site chrome: lines each site repeats on every page, which read like
  article text, so only their recurrence gives them away (learned lines);
- exact copies of pages under other names, on the same site and on others;
- near copies: a page re-published with a sentence edited or a paragraph
  dropped, some of them edited several times (clusters of near duplicates);
- pages that clean to nothing (drops) and a file that is not text (an error).

`--round 2` writes the same files and then a second crawl's: new pages of
the same sites, copies and near copies of first-round pages, and one
first-round page changed (for a second run, incremental merges, versions).
"""
import argparse
import os
import random

WORDS = (
    "river council budget school harvest bridge winter market railway doctor festival library "
    "village mayor court storm election museum farmer teacher hospital company factory ferry "
    "mountain island coast valley orchard vineyard canal harbour airport station tunnel highway "
    "report season agreement inquiry committee minister treaty strike protest parade concert "
    "painter author scientist engineer nurse driver sailor miner baker builder lawyer judge "
    "announced approved rejected delayed opened closed expanded repaired surveyed measured "
    "quietly sharply finally slowly briefly openly widely narrowly recently formally "
    "northern southern eastern western coastal rural urban ancient modern public private local"
).split()

SITES = [
    ("gazette.example", "Meridian Gazette"),
    ("ledger.example", "The Ledger"),
    ("courier.example", "Valley Courier"),
    ("herald.example", "Harbour Herald"),
]


def sentence(rng, n=None):
    n = n or rng.randint(12, 22)
    words = [rng.choice(WORDS) for _ in range(n)]
    words[0] = words[0].capitalize()
    return " ".join(words) + "."


def paragraph(rng):
    return " ".join(sentence(rng) for _ in range(rng.randint(3, 5)))


def chrome(rng, name):
    """Lines a site repeats on every page: they read like text."""
    return [f"{name}: " + sentence(rng, 16) for _ in range(3)]


def as_text(name, title, head, body, tail):
    return "\n".join([name, "Home", "News", "Opinion", title, head, *body, *tail, f"(c) 2025 {name}"]) + "\n"


def as_html(name, title, head, body, tail):
    ps = "\n".join(f"<p>{p}</p>" for p in body)
    return (
        f"<!doctype html><html><head><title>{title} - {name}</title></head><body>"
        f"<header><a href='/'>{name}</a><nav><a href='/news'>News</a> <a href='/opinion'>Opinion</a></nav></header>"
        f"<main><article><h1>{title}</h1><p>{head}</p>\n{ps}\n"
        + "".join(f"<p>{t}</p>" for t in tail)
        + f"</article></main><footer>(c) 2025 {name}</footer></body></html>\n"
    )


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("out")
    ap.add_argument("--pages", type=int, default=24, help="original pages per site")
    ap.add_argument("--round", type=int, default=1, choices=(1, 2))
    a = ap.parse_args()
    rng = random.Random(20261205)
    pages_dir = os.path.join(a.out, "pages")
    os.makedirs(pages_dir, exist_ok=True)
    manifest = []
    originals = []

    def write(name, content, url):
        path = os.path.join(pages_dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(content)
        manifest.append((name, url))

    for host, name in SITES:
        lines = chrome(rng, name)
        for i in range(a.pages):
            title = f"{name} report {i}: " + sentence(rng, 6).rstrip(".")
            body = [paragraph(rng) for _ in range(rng.randint(3, 6))]
            html = i % 4 == 3
            render = as_html if html else as_text
            fname = f"{host}-{i:03d}.{'html' if html else 'txt'}"
            write(fname, render(name, title, lines[0], body, lines[1:]), f"https://www.{host}/news/{i}")
            originals.append((host, name, lines, title, body, render, fname))

    # Exact copies: the same page under another name, on its site and on another.
    for j, (host, name, lines, title, body, render, fname) in enumerate(originals[::9]):
        ext = fname.rsplit(".", 1)[1]
        write(f"copy-{j:02d}.{ext}", render(name, title, lines[0], body, lines[1:]), f"https://www.{host}/copy/{j}")
        other_host, other_name = SITES[(SITES.index((host, name)) + 1) % len(SITES)]
        write(
            f"mirror-{j:02d}.{ext}",
            render(name, title, lines[0], body, lines[1:]),
            f"https://{other_host}/mirror/{j}",
        )

    # Near copies: a sentence edited, a paragraph dropped; some edited again.
    for j, (host, name, lines, title, body, render, fname) in enumerate(originals[4::7]):
        edited = list(body)
        edited[0] = edited[0].replace(".", ", officials said.", 1)
        if len(edited) > 4:
            edited = edited[:-1]
        ext = fname.rsplit(".", 1)[1]
        write(f"near-{j:02d}a.{ext}", render(name, title, lines[0], edited, lines[1:]), f"https://www.{host}/near/{j}a")
        again = list(edited)
        again[-1] = again[-1] + " " + sentence(rng, 10)
        write(f"near-{j:02d}b.{ext}", render(name, title, lines[0], again, lines[1:]), f"https://www.{host}/near/{j}b")

    # Pages that clean to nothing, and a file that is not text.
    for j in range(3):
        host, name = SITES[j]
        write(f"empty-{j}.txt", "Home\nShare\nClose\n", f"https://www.{host}/empty/{j}")
    with open(os.path.join(pages_dir, "binary.txt"), "wb") as f:
        f.write(bytes(range(256)) * 8)

    if a.round == 2:
        for k, (host, name, lines, title, body, render, fname) in enumerate(originals[2::5]):
            ext = fname.rsplit(".", 1)[1]
            new_body = [paragraph(rng) for _ in range(4)]
            write(f"r2-{host}-{k:03d}.{ext}", render(name, f"Round two {k}", lines[0], new_body, lines[1:]),
                  f"https://www.{host}/r2/{k}")
            if k % 3 == 0:
                write(f"r2-copy-{k:03d}.{ext}", render(name, title, lines[0], body, lines[1:]),
                      f"https://www.{host}/r2copy/{k}")
            if k % 3 == 1:
                near = body[:-1] + [body[-1].replace(".", ", the report said.", 1)]
                write(f"r2-near-{k:03d}.{ext}", render(name, title, lines[0], near, lines[1:]),
                      f"https://www.{host}/r2near/{k}")
        host, name, lines, title, body, render, fname = originals[0]
        write(fname, render(name, title, lines[0], body + [paragraph(rng)], lines[1:]), f"https://www.{host}/news/0")

    with open(os.path.join(a.out, "manifest.csv"), "w", encoding="utf-8") as f:
        f.write("path,url\n")
        for name, url in dict(manifest).items():
            f.write(f"pages/{name},{url}\n")
    print(f"{len(manifest) + 1} files in {pages_dir}")


if __name__ == "__main__":
    main()
