"""The Python package against the command line: the same records, the same
fingerprints as the database, errors as exceptions; then a real datatrove
pipeline and Ray Data."""

import json
import sqlite3
import subprocess
import threading

import pytest

import thresh

# Fields that name the input, which the two sides name differently
# (a file's path, or the URL passed to the function).
NAMING = ("path", "source")


def cli_records(thresh_bin, paths):
    out = subprocess.run(
        [thresh_bin, "extract", "--format", "json", *map(str, paths)], capture_output=True, text=True, check=True
    ).stdout
    return {r["source"]: r for r in map(json.loads, out.splitlines())}


def same(a, b):
    return {k: v for k, v in a.items() if k not in NAMING} == {k: v for k, v in b.items() if k not in NAMING}


def test_extract_gives_what_the_cli_gives(thresh_bin, html_pages):
    cli = cli_records(thresh_bin, html_pages)
    assert len(cli) == len(html_pages)
    for p in html_pages:
        want = cli[str(p.resolve())]
        # bytes are decoded as the command line decodes a file
        got = thresh.extract(p.read_bytes())
        assert same(got, want), p.name
        assert got["text"], p.name
        assert set(got) == set(want)


def test_extract_of_str_and_options(thresh_bin, html_pages):
    p = html_pages[0]
    assert thresh.extract(p.read_text(encoding="utf-8"))["text"] == thresh.extract(p.read_bytes())["text"]
    with_url = thresh.extract(p.read_bytes(), url="https://news.example/a")
    assert with_url["source"] == with_url["url"] == "https://news.example/a"
    for favor in ("precision", "balanced", "recall"):
        out = subprocess.run(
            [thresh_bin, "extract", "--format", "json", "--favor", favor, "--include-comments", str(p)],
            capture_output=True, text=True, check=True,
        ).stdout
        assert same(thresh.extract(p.read_bytes(), favor=favor, include_comments=True), json.loads(out))
    with pytest.raises(ValueError):
        thresh.extract("<p>x</p>", favor="most")


def test_clean_text_gives_what_the_cli_gives(thresh_bin, text_dumps):
    cli = cli_records(thresh_bin, text_dumps)
    for p in text_dumps:
        got = thresh.clean_text(p.read_text(encoding="utf-8"))
        assert same(got, cli[str(p.resolve())]), p.name
        assert got["text"] and got["removed"]


def test_fingerprints_are_what_the_database_stores(thresh_bin, text_dumps, html_pages, tmp_path):
    db = tmp_path / "t.db"
    subprocess.run([thresh_bin, "ingest", "--db", str(db), "--quiet", *map(str, text_dumps + html_pages[:10])], check=True)
    con = sqlite3.connect(db)
    rows = con.execute(
        "SELECT d.text, d.text_sha256, m.sig FROM documents d JOIN minhash_signatures m ON m.document_id = d.id"
    ).fetchall()
    assert len(rows) == len(text_dumps) + 10
    for text, sha, sig in rows:
        assert thresh.fingerprint(text) == (sha, sig)
    a, b = thresh.fingerprint("One two three four five six."), thresh.fingerprint("ONE  two, three four five six")
    assert a[0] == b[0], "the sha256 is of the normalised text"


def test_extract_many_is_extract_in_order(html_pages):
    pages = [p.read_bytes() for p in html_pages]
    one = [thresh.extract(p) for p in pages]
    assert thresh.extract_many(pages) == one
    assert thresh.extract_many(pages, threads=2) == one
    assert thresh.extract_many([(pages[0], "https://a.example/x")])[0]["url"] == "https://a.example/x"
    mixed = thresh.extract_many([pages[0], b"\x00\x01\x02", pages[1]], errors="return")
    assert mixed[0] == one[0] and mixed[2] == one[1]
    assert mixed[1]["error_kind"] == "binary" and "not text" in mixed[1]["error"]
    with pytest.raises(thresh.InputError):
        thresh.extract_many([pages[0], b"\x00\x01"])


def test_the_gil_is_released(html_pages):
    # Another Python thread runs while thresh works.
    pages = [p.read_bytes() for p in html_pages] * 20
    ticks = []
    stop = threading.Event()

    def tick():
        while not stop.is_set():
            ticks.append(1)
            stop.wait(0.001)

    t = threading.Thread(target=tick)
    t.start()
    thresh.extract_many(pages, threads=1)
    stop.set()
    t.join()
    assert len(ticks) > 5


def test_bad_input_raises_and_never_crashes():
    for bad in (b"\x00\x01\x02binary\xff" * 100, b"", "   "):
        with pytest.raises(thresh.InputError) as e:
            thresh.extract(bad)
        assert e.value.args[0].startswith("input: ")
    with pytest.raises(thresh.InputError, match="not text"):
        thresh.clean_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    with pytest.raises(TypeError):
        thresh.extract(5)
    assert issubclass(thresh.TooLargeError, thresh.InputError) and issubclass(thresh.InputError, thresh.Error)
    with pytest.raises(thresh.TooLargeError):
        thresh.extract(b"<p>" + b"x" * (65 << 20))
    # A 10 MB page nested two million deep, and a charset no one has heard
    # of: each comes back as a record (or a thresh.Error), the interpreter lives.
    deep = "<html><body>" + "<div>" * 2_000_000 + "deep text here" + "</div>" * 10
    assert "deep text here" in thresh.extract(deep)["text"]
    odd = b'<html><head><meta charset="x-no-such-charset"></head><body><p>Caf\xe9 au lait for everyone here.</p></body></html>'
    assert thresh.extract(odd)["text"] == "Café au lait for everyone here."
