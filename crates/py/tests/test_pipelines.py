"""thresh inside the engines data teams run: a datatrove pipeline (WARC
reader, ThreshExtractor, JSONL writer) on LocalPipelineExecutor with two
tasks, and Ray Data's map_batches on a local cluster."""

import gzip
import io
import json

import pytest

import thresh


def write_warc(path, pages):
    """A gzipped WARC of HTTP responses, one per (url, html)."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with open(path, "wb") as f:
        w = WARCWriter(f, gzip=True)
        for url, html in pages:
            http = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            rec = w.create_warc_record(
                url,
                "response",
                payload=io.BytesIO(html.encode("utf-8")),
                http_headers=http,
                warc_headers_dict={"WARC-Identified-Payload-Type": "text/html"},
            )
            w.write_record(rec)


@pytest.fixture(scope="module")
def pages(html_pages):
    own = [p for p in html_pages if p.name.startswith("own_")]
    return [(f"https://site{i % 3}.example/{p.stem}", p.read_text(encoding="utf-8")) for i, p in enumerate(own)]


def test_datatrove_pipeline_on_two_tasks(pages, tmp_path):
    from datatrove.executor import LocalPipelineExecutor
    from datatrove.pipeline.readers import WarcReader
    from datatrove.pipeline.writers import JsonlWriter

    from thresh.datatrove import ThreshExtractor

    warcs = tmp_path / "warc"
    warcs.mkdir()
    write_warc(warcs / "a.warc.gz", pages[:10])
    write_warc(warcs / "b.warc.gz", pages[10:])
    out = tmp_path / "out"
    LocalPipelineExecutor(
        pipeline=[WarcReader(str(warcs), glob_pattern="*.warc.gz"), ThreshExtractor(batch_size=4), JsonlWriter(str(out))],
        tasks=2,
        logging_dir=str(tmp_path / "logs"),
    ).run()
    files = sorted(out.glob("*.jsonl.gz"))
    assert len(files) == 2, "one output per task"
    docs = [json.loads(line) for f in files for line in gzip.open(f, "rt")]
    assert len(docs) == len(pages)
    want = {url: thresh.extract(html, url) for url, html in pages}
    for d in docs:
        url = d["metadata"]["url"]
        rec = want[url]
        assert d["text"] == rec["text"] and d["text"]
        assert d["metadata"]["title"] == rec["title"]
        assert d["metadata"].get("site") == rec["site"]
        assert d["id"].startswith("<urn:uuid:")
    # The step's interface of Trafilatura's: one page in, its text out.
    assert ThreshExtractor().extract(pages[0][1]) == thresh.extract(pages[0][1])["text"]


def test_ray_data_map_batches(pages):
    ray = pytest.importorskip("ray")
    import thresh.ray

    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        rows = [{"url": u, "html": h} for u, h in pages] + [{"url": None, "html": "\x00\x01 not a page"}]
        ds = ray.data.from_items(rows)
        got = ds.map_batches(thresh.ray.extract_batch, batch_size=8).take_all()
        assert len(got) == len(rows)
        by_url = {r["url"]: r for r in got}
        for url, html in pages:
            rec = thresh.extract(html, url)
            assert by_url[url]["text"] == rec["text"]
            assert by_url[url]["title"] == rec["title"]
        bad = by_url[None]
        assert bad["text"] is None and "not text" in bad["error"]
        # pandas batches too
        frames = ds.map_batches(thresh.ray.extract_batch, batch_format="pandas", batch_size=8).take_all()
        assert sorted(r["text"] or "" for r in frames) == sorted(r["text"] or "" for r in got)
    finally:
        ray.shutdown()
