#!/usr/bin/env python3
"""Crash consistency: kill -9 `thresh ingest` and `thresh refresh` at random
points, let the next run finish the work, and check that the database ends
as an uninterrupted run leaves it.

A local HTTP server (two host names, 127.0.0.1 and localhost: two sites)
serves pages built from the bundled samples' paragraphs, each wrapped in its
site's chrome (which per-site learning learns, then re-cleans the pages
stored before it), plus syndicated copies (near duplicates). The job is three
steps: ingest the first half of the URLs, ingest the rest, then change some
pages and refresh. Each trial runs the job on a fresh database and kills one
step (in turn) after a random delay, or, every fifth trial, aborts the writer
right after its first commit (before the re-clean that commit made due),
then runs the killed step again and goes on. Compared with the uninterrupted
run: documents (text, title, dup_of by source, dup_kind), removed segments,
learned lines, versions, the re-clean queue (empty), PRAGMA integrity_check
and the FTS index's integrity-check.

Usage: python3 bench/crash.py target/release/thresh [TRIALS] [SEED]
"""
import http.server, os, pathlib, random, signal, sqlite3, subprocess, sys, tempfile, threading, time

thresh = os.path.abspath(sys.argv[1])
trials = int(sys.argv[2]) if len(sys.argv) > 2 else 20
rng = random.Random(int(sys.argv[3]) if len(sys.argv) > 3 else 7)
root = pathlib.Path(__file__).resolve().parent.parent

CHROME = {
    "127.0.0.1": ["Welcome back to the Gazette, where we bring you the stories that matter most to the valley and its people.",
                  "Tell us what you think about this story by writing to the letters desk, and we may print your reply on Saturday."],
    "localhost": ["Read the Ledger every morning for the latest on markets, politics and the world, delivered before breakfast.",
                  "This story was produced by the Ledger's own newsroom, which is independent of our owners and of our advertisers."],
}
PAGES = 150  # per site
OLD, NEW = 1577836800, 1609459200  # 2020-01-01, 2021-01-01: Last-Modified before and after a change


def sentences():
    """The sentences of the samples' long lines: stories are drawn from them."""
    out = []
    for f in sorted((root / "samples").glob("*.txt")):
        for line in f.read_text(encoding="utf-8", errors="replace").splitlines():
            if len(line) >= 150:
                out += [s.strip() + "." for s in line.split(". ") if len(s.split()) >= 6]
    return sorted(set(out))


def story(pool, n):
    """Three paragraphs of four sentences each, drawn at random: pages share
    few word 5-grams, unless they are copies."""
    return [" ".join(rng.sample(pool, 4)) + f" (Story {n}.)" for _ in range(3)]


def page(host, title, body):
    chrome = CHROME[host]
    paras = [chrome[0], *body, chrome[1]]
    return ("<!doctype html><html><head><title>%s</title></head><body><article><h1>%s</h1>%s</article></body></html>"
            % (title, title, "".join("<p>%s</p>" % p for p in paras)))


def build_site(www):
    """Pages under www/; the URL list; the pages the refresh step changes."""
    pool = sentences()
    urls, changed, stories = [], [], []
    port = "{port}"
    n = 0
    for host in CHROME:
        for i in range(PAGES):
            body = story(pool, n)
            n += 1
            name = f"{host.replace('.', '_')}-{i:02}.html"
            (www / name).write_text(page(host, f"Report {i} from {host}", body), encoding="utf-8")
            urls.append(f"http://{host}:{port}/{name}")
            if i % 5 == 2:
                changed.append((name, host, i, body))
            if host == "127.0.0.1":
                stories.append(body)
    # Syndicated copies: the same story on the other site, lightly edited (near duplicates).
    for i in range(PAGES // 8):
        body = list(stories[i])
        body[-1] += " (Wire.)"
        name = f"wire-{i}.html"
        (www / name).write_text(page("localhost", f"Wire {i}", body), encoding="utf-8")
        urls.append(f"http://localhost:{port}/{name}")
    for f in www.iterdir():
        os.utime(f, (OLD, OLD))
    return urls, changed


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *a):
        pass


class Server(http.server.ThreadingHTTPServer):
    def handle_error(self, request, client_address):
        pass  # a client killed mid-response


def serve(www):
    handler = lambda *a, **k: Quiet(*a, directory=str(www), **k)
    srv = Server(("127.0.0.1", 0), handler)
    threading.Thread(target=srv.serve_forever, daemon=True).start()
    return srv


def steps(db, lists):
    common = ["--db", str(db), "--quiet", "--delay-ms", "0", "--per-host", "4", "--threads", "2"]
    return [
        ["ingest", *common, "--urls", str(lists[0])],
        ["ingest", *common, "--urls", str(lists[1])],
        ["refresh", *common],
    ]


def change(www, changed, on):
    """The refresh step's changes: one paragraph more on some pages (or back)."""
    for name, host, i, body in changed:
        extra = [f"An update to report {i} added this paragraph later, after the first version of the story had run."]
        (www / name).write_text(page(host, f"Report {i} from {host}", body + (extra if on else [])), encoding="utf-8")
        os.utime(www / name, (NEW, NEW) if on else (OLD, OLD))


def run(cmd, env=None):
    return subprocess.run([thresh, *cmd], capture_output=True, text=True, env=env)


def snapshot(db):
    c = sqlite3.connect(db)
    q = lambda sql: [tuple(r) for r in c.execute(sql)]
    snap = {
        "documents": q("""SELECT d.source, d.title, d.text, d.dup_kind, o.source FROM documents d
                          LEFT JOIN documents o ON o.id = d.dup_of ORDER BY d.source"""),
        "removed": q("""SELECT d.source, r.seq, r.kind, r.rule, r.text FROM removed_segments r
                        JOIN documents d ON d.id = r.document_id ORDER BY d.source, r.seq"""),
        "learned": q("SELECT host, line_key, n_documents, sample FROM site_lines ORDER BY host, line_key"),
        "versions": q("""SELECT d.source, v.text FROM document_versions v JOIN documents d ON d.id = v.document_id
                         ORDER BY d.source, v.id"""),
        "queue": q("SELECT document_id FROM reclean_queue"),
        "integrity": q("PRAGMA integrity_check"),
    }
    try:
        c.execute("INSERT INTO documents_fts(documents_fts) VALUES ('integrity-check')")
        snap["fts"] = "ok"
    except sqlite3.DatabaseError as e:
        snap["fts"] = str(e)
    c.close()
    return snap


def job(tmp, www, changed, lists, kill=None):
    """Run the three steps on a fresh database; `kill` = (step, delay or 'abort')."""
    db = tmp / f"t{time.monotonic_ns()}.db"
    change(www, changed, False)
    took, note = [], ""
    for k, cmd in enumerate(steps(db, lists)):
        if k == 2:
            change(www, changed, True)
        t0 = time.monotonic()
        if kill and kill[0] == k:
            if kill[1] == "abort":
                r = run(cmd, {**os.environ, "THRESH_TEST_ABORT_AFTER_BATCHES": "1"})
                note = f"step {k} aborted after its first commit (exit {r.returncode})"
            else:
                p = subprocess.Popen([thresh, *cmd], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
                time.sleep(kill[1])
                done = p.poll() is not None
                if not done:
                    p.send_signal(signal.SIGKILL)
                p.wait()
                note = f"step {k} killed at {kill[1]:.2f}s" + (" (had finished)" if done else "")
        r = run(cmd)
        took.append(time.monotonic() - t0)
        if r.returncode != 0:
            raise SystemExit(f"step {k} failed: {r.stderr}")
    return snapshot(db), took, note


def main():
    with tempfile.TemporaryDirectory() as t:
        tmp = pathlib.Path(t)
        www = tmp / "www"
        www.mkdir()
        urls, changed = build_site(www)
        srv = serve(www)
        port = srv.server_address[1]
        urls = [u.replace("{port}", str(port)) for u in urls]
        rng.shuffle(urls)
        half = len(urls) // 2
        lists = [tmp / "a.txt", tmp / "b.txt"]
        lists[0].write_text("\n".join(urls[:half]) + "\n")
        lists[1].write_text("\n".join(urls[half:]) + "\n")
        ref, took, _ = job(tmp, www, changed, lists)
        assert ref["integrity"] == [("ok",)] and ref["fts"] == "ok", ref["integrity"]
        assert ref["learned"] and any(d[3] for d in ref["documents"]), "the job must learn and find duplicates"
        print(f"reference: {len(ref['documents'])} documents, {len(ref['learned'])} learned lines, "
              f"{sum(1 for d in ref['documents'] if d[3])} duplicates, {len(ref['versions'])} versions; "
              f"steps took {', '.join(f'{s:.2f}s' for s in took)}")
        bad = 0
        for n in range(trials):
            step = n % 3
            kill = (step, "abort") if n % 5 == 0 and step < 2 else (step, rng.uniform(0.02, 0.9 * took[step]))
            snap, _, note = job(tmp, www, changed, lists, kill)
            diffs = [k for k in ref if snap[k] != ref[k]]
            bad += bool(diffs)
            print(f"trial {n + 1:2}: {note}: " + ("same as uninterrupted" if not diffs else "DIFFERS in " + ", ".join(diffs)))
            for k in diffs:
                a, b = set(map(repr, ref[k])), set(map(repr, snap[k]))
                for x in sorted(a - b)[:3]:
                    print(f"    - {x[:200]}")
                for x in sorted(b - a)[:3]:
                    print(f"    + {x[:200]}")
        srv.shutdown()
        print(f"{trials - bad} of {trials} trials end as the uninterrupted run")
        sys.exit(1 if bad else 0)


main()
