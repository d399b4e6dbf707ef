//! End-to-end tests: the real `thresh` binary on real files, then queries on
//! the SQLite file it wrote.

mod shards;
mod site_learning;
mod util;

use std::io::Write;

use serde_json::Value;
use util::*;

fn extract_json(paths: &[&str]) -> Vec<Value> {
    let mut args = vec!["extract", "--format", "json"];
    args.extend_from_slice(paths);
    let out = thresh(&args);
    assert!(out.status.success(), "{}", stderr(&out));
    stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect()
}

/// The seed contract: title, date, every body paragraph verbatim, no removed
/// segment left standing (the same checks as shared/tools/check_seeds.py).
#[test]
fn seed_dumps_clean_as_expected() {
    let dir = samples();
    let docs = extract_json(&[dir.to_str().unwrap()]);
    assert_eq!(docs.len(), 5);
    for d in &docs {
        let path = std::path::Path::new(d["path"].as_str().unwrap());
        let stem = path.file_stem().unwrap().to_str().unwrap();
        let exp: Value =
            serde_json::from_str(&std::fs::read_to_string(fixture(&format!("seeds_expected/{stem}.json"))).unwrap())
                .unwrap();
        assert_eq!(norm(d["title"].as_str().unwrap_or("")), norm(exp["title"].as_str().unwrap()), "{stem} title");
        if let Some(p) = exp["published"].as_str() {
            assert!(
                d["published"].as_str().unwrap_or("").starts_with(&p[..10]),
                "{stem} published {:?}",
                d["published"]
            );
        }
        let text = d["text"].as_str().unwrap();
        let paras: Vec<String> = text.split('\n').map(norm).collect();
        let flat = norm(text);
        for b in exp["body"].as_array().unwrap() {
            assert!(flat.contains(&norm(b.as_str().unwrap())), "{stem}: body paragraph lost: {b}");
        }
        let removed_kinds: Vec<&str> =
            d["removed"].as_array().unwrap().iter().map(|r| r["kind"].as_str().unwrap()).collect();
        for r in exp["removed"].as_array().unwrap() {
            let t = norm(r["text"].as_str().unwrap());
            let gone = if t.len() > 40 { !flat.contains(&t) } else { !paras.contains(&t) };
            assert!(gone, "{stem}: boilerplate kept: {t}");
            assert!(removed_kinds.contains(&r["kind"].as_str().unwrap()), "{stem}: no removal of kind {}", r["kind"]);
        }
    }
}

#[test]
fn ingest_twice_then_a_renamed_copy_is_a_marked_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    for f in std::fs::read_dir(samples()).unwrap() {
        let f = f.unwrap().path();
        std::fs::copy(&f, input.join(f.file_name().unwrap())).unwrap();
    }
    for _ in 0..2 {
        let out = ingest(&db, &[&input], &["--quiet"]);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 5);
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE status='finished'"), 2);
    assert_eq!(count(&db, "SELECT n_unchanged FROM runs WHERE id=2"), 5);
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE dup_of IS NOT NULL"),
        0,
        "the seeds are not duplicates"
    );

    std::fs::copy(input.join("003_ef1a346737207dae.txt"), input.join("zz_copy.txt")).unwrap();
    let out = ingest(&db, &[&input], &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 6);
    let orig = count(&db, "SELECT id FROM documents WHERE source LIKE '%003_ef1a346737207dae.txt'");
    assert_eq!(count(&db, "SELECT dup_of FROM documents WHERE source LIKE '%zz_copy.txt'"), orig);
    // Public schema: text_sha256 is 64 lowercase hex; removals are recorded.
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE text_sha256 GLOB '[0-9a-f]*' AND length(text_sha256)=64"),
        6
    );
    assert!(count(&db, "SELECT count(*) FROM removed_segments WHERE kind='donation-appeal'") >= 5);
    // Full-text search finds the articles.
    assert_eq!(count(&db, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'Litvinenko'"), 2);
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE source LIKE '%003_ef1a346737207dae.txt' AND published_at = '2013-05-10T18:20:00Z' AND published_local = '2013-05-10T18:20'"),
        1
    );
}

#[test]
fn database_is_identical_for_one_and_many_threads() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    // Enough inputs for several batches, with duplicates spread around.
    for i in 0..150 {
        let src = std::fs::read_dir(samples()).unwrap().nth(i % 5).unwrap().unwrap().path();
        let mut text = std::fs::read_to_string(src).unwrap();
        if i % 3 != 0 {
            text.push_str(&format!(
                "\nVariant number {i} adds this closing sentence so the text differs from the others in the set."
            ));
        }
        std::fs::write(input.join(format!("{i:03}.txt")), text).unwrap();
    }
    let dump = |threads: &str| {
        let db = tmp.path().join(format!("t{threads}.db"));
        let out = ingest(&db, &[&input], &["--quiet", "--threads", threads]);
        assert!(out.status.success(), "{}", stderr(&out));
        (
            rows(&db, "SELECT id, replace(source, rtrim(source, replace(source, '/', '')), ''), title, published_at, text, text_sha256, dup_of FROM documents ORDER BY id"),
            rows(&db, "SELECT document_id, seq, kind, rule, text FROM removed_segments ORDER BY id"),
        )
    };
    let one = dump("1");
    let four = dump("4");
    assert_eq!(one.0.len(), 150);
    assert!(one.0.iter().filter(|r| r[6] != "Null").count() > 40, "duplicates were found");
    assert_eq!(one, four);
}

#[test]
fn bad_inputs_are_reported_and_the_rest_is_stored() {
    let tmp = tempfile::tempdir().unwrap();
    let input = tmp.path().join("in");
    std::fs::create_dir(&input).unwrap();
    std::fs::copy(samples().join("000_12da990105962c31.txt"), input.join("good.txt")).unwrap();
    std::fs::write(input.join("binary.html"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0").unwrap();
    std::fs::write(input.join("empty.txt"), b"").unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(std::fs::read_to_string(samples().join("001_e461bc2495ff5da0.txt")).unwrap().as_bytes()).unwrap();
    let gz = gz.finish().unwrap();
    std::fs::write(input.join("truncated.txt.gz"), &gz[..gz.len() / 2]).unwrap();
    std::fs::write(input.join("whole.txt.gz"), &gz).unwrap();
    // Invalid UTF-8 inside otherwise good text: decoded with replacement, not fatal.
    let mut bad_utf8 = std::fs::read(samples().join("002_f25422c66ff5e1f2.txt")).unwrap();
    bad_utf8.splice(10..10, [0xff, 0xfe, 0xc3]);
    std::fs::write(input.join("invalid_utf8.txt"), bad_utf8).unwrap();
    let missing = tmp.path().join("no-such-file.html");

    let db = tmp.path().join("t.db");
    let out = ingest(&db, &[&input, &missing], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    for name in ["binary.html", "empty.txt", "truncated.txt.gz", "no-such-file.html"] {
        assert!(err.contains(name), "stderr names {name}: {err}");
    }
    assert!(err.contains("NUL byte at offset"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 3, "good, whole.gz and invalid_utf8 are stored");
    assert_eq!(count(&db, "SELECT count(*) FROM errors"), 4);
    assert_eq!(count(&db, "SELECT count(*) FROM errors WHERE kind='gzip' AND message LIKE '%truncated.txt.gz%'"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE id=1 AND status='partial' AND n_errors=4 AND n_new=3"), 1);
}

#[test]
fn a_corrupt_database_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("bad.db");
    let junk = b"definitely not an sqlite database, just bytes that fill more than a header".repeat(100);
    std::fs::write(&db, &junk).unwrap();
    let out = ingest(&db, &[&samples()], &[]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("bad.db"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&db).unwrap(), junk);
    let out = thresh(&["stats", "--db", tmp.path().join("missing.db").to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("missing.db"));
}

#[test]
fn a_second_run_on_a_locked_database_exits_3() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let lock = std::fs::File::create(tmp.path().join("t.db.lock")).unwrap();
    lock.try_lock().unwrap();
    let out = ingest(&db, &[&samples()], &[]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("another thresh run"), "{}", stderr(&out));
    drop(lock);
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
}

#[test]
fn stdin_and_html_with_metadata() {
    let page = std::fs::read(fixture("html/article.html")).unwrap();
    let out = thresh_stdin(&["extract", "--format", "json", "-"], &page);
    assert!(out.status.success(), "{}", stderr(&out));
    let d: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(d["path"], "-");
    assert_eq!(d["title"], "Harbour bridge reopens after repairs");
    assert_eq!(d["published"], "2021-03-04T09:30:00Z");
    assert_eq!(d["author"], "Mary Quay");
    assert_eq!(d["site"], "Coastal Gazette");
    assert_eq!(d["lang"], "en");
    assert_eq!(d["url"], "https://gazette.example/news/2021/03/04/harbour-bridge");
    let text = d["text"].as_str().unwrap();
    assert!(text.starts_with("The harbour bridge reopened"), "{text}");
    assert!(text.contains("Costs rose by a third\nThe work cost £4.2m"), "{text}");
    assert!(text.ends_with("during the autumn months."), "{text}");
    for junk in ["Share on", "cookies", "Related", "commute", "Privacy", "not text", "Sport"] {
        assert!(!text.contains(junk), "{junk} in {text}");
    }
}

#[test]
fn mis_declared_latin1_page_comes_out_right() {
    let tmp = tempfile::tempdir().unwrap();
    let p = tmp.path().join("page.html");
    let body = "Zürich’s café owners said the new rules, which take effect in März, would cost them dearly — “a disaster”, one said, and several others agreed with that view.";
    std::fs::write(&p, format!("<html><head><meta charset=\"iso-8859-1\"><title>T</title></head><body><article><p>{body}</p><p>{body}</p></article></body></html>")).unwrap();
    let d = &extract_json(&[p.to_str().unwrap()])[0];
    assert_eq!(d["text"].as_str().unwrap(), format!("{body}\n{body}"));
}

#[test]
fn stats_reports_runs_removals_and_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let out = thresh(&["stats", "--db", db.to_str().unwrap()]);
    assert!(out.status.success());
    let s = stdout(&out);
    assert!(s.contains("documents  5 (0 duplicates"), "{s}");
    assert!(s.contains("donation-appeal"), "{s}");
    let out = thresh(&["stats", "--db", db.to_str().unwrap(), "--format", "json"]);
    let j: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(j["documents"], 5);
    assert_eq!(j["runs"][0]["new"], 5);
    assert_eq!(j["runs"][0]["status"], "finished");
    // Every document is counted under the method that extracted it.
    let methods = j["documents_by_method"].as_array().unwrap();
    assert_eq!(methods.iter().map(|m| m["count"].as_i64().unwrap()).sum::<i64>(), 5);
    assert!(methods.iter().all(|m| !m["method"].as_str().unwrap().is_empty()), "{methods:?}");
    assert!(s.contains("by extraction method"), "{s}");
}

/// A syndicated copy (byline added, two words edited, a paragraph dropped)
/// ingested in a later run is marked as a near duplicate of the original;
/// the other seed articles, on the same event, are not.
#[test]
fn edited_copy_in_a_later_run_is_a_near_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let orig = std::fs::read_to_string(samples().join("003_ef1a346737207dae.txt")).unwrap();
    let mut lines: Vec<String> = orig.lines().map(String::from).collect();
    lines.insert(3, "By RT staff, with agencies".into());
    let drop_at = lines.iter().position(|l| l.starts_with("After meeting Putin")).unwrap();
    lines.remove(drop_at);
    let edited = lines.join("\n").replace("On Thursday", "On Wednesday").replace("savage war", "brutal war");
    let copy = tmp.path().join("syndicated.txt");
    std::fs::write(&copy, edited).unwrap();
    let out = ingest(&db, &[&copy], &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));

    let orig_id = count(&db, "SELECT id FROM documents WHERE source LIKE '%003_ef1a346737207dae.txt'");
    let (dup_of, kind, sim): (i64, String, f64) = open(&db)
        .query_row(
            "SELECT dup_of, dup_kind, dup_similarity FROM documents WHERE source LIKE '%syndicated.txt'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!((dup_of, kind.as_str()), (orig_id, "near"));
    assert!((0.8..1.0).contains(&sim), "{sim}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE dup_of IS NOT NULL"),
        1,
        "same-topic articles stay apart"
    );
    assert_eq!(count(&db, "SELECT count(*) FROM minhash_signatures"), 6);
    assert_eq!(count(&db, "SELECT count(*) FROM minhash_signatures WHERE length(bands) = 16 * 8"), 6);

    let out = thresh(&["dups", "--db", db.to_str().unwrap(), "--format", "json"]);
    let all: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(all.as_array().map(Vec::len), Some(1));
    let c = &all[0];
    assert_eq!(c["original"]["id"], orig_id);
    assert_eq!(c["duplicates"][0]["kind"], "near");

    // With near-dup detection off, the same copy is stored as an original.
    let db2 = tmp.path().join("exact.db");
    assert!(ingest(&db2, &[&samples(), &copy], &["--quiet", "--no-near-dups"]).status.success());
    assert_eq!(count(&db2, "SELECT count(*) FROM documents WHERE dup_of IS NOT NULL"), 0);
    assert_eq!(count(&db2, "SELECT count(*) FROM minhash_signatures"), 0);
}

/// A copy with one word in forty changed everywhere: its 5-gram resemblance
/// is under 0.8 (each changed word costs five shingles), but 97% of each
/// text's words sit in shared shingles, so it is an edited copy at the default
/// threshold — and not at 0.95, which asks for 97.5% coverage.
#[test]
fn copy_with_words_edited_throughout_is_a_near_duplicate() {
    let tmp = tempfile::tempdir().unwrap();
    let orig = std::fs::read_to_string(samples().join("003_ef1a346737207dae.txt")).unwrap();
    let mut k = 0;
    let edited: Vec<String> = orig
        .lines()
        .map(|l| {
            l.split(' ')
                .map(|w| {
                    k += 1;
                    if k % 40 == 0 {
                        format!("edit{k}")
                    } else {
                        w.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    let dir = tmp.path().join("in");
    std::fs::create_dir(&dir).unwrap();
    std::fs::copy(samples().join("003_ef1a346737207dae.txt"), dir.join("a_orig.txt")).unwrap();
    std::fs::write(dir.join("b_edited.txt"), edited.join("\n")).unwrap();
    let sim_of = |db: &std::path::Path| -> Option<(String, f64)> {
        open(db)
            .query_row("SELECT dup_kind, dup_similarity FROM documents WHERE source LIKE '%b_edited.txt'", [], |r| {
                Ok(r.get::<_, Option<String>>(0)?.zip(r.get::<_, Option<f64>>(1)?))
            })
            .unwrap()
    };
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&dir], &["--quiet"]).status.success());
    let (kind, sim) = sim_of(&db).expect("an edited copy is a near duplicate");
    assert_eq!(kind, "near");
    assert!(sim < 0.8, "resemblance {sim} should be under the threshold");
    let strict = tmp.path().join("strict.db");
    assert!(ingest(&strict, &[&dir], &["--quiet", "--near-threshold", "0.95"]).status.success());
    assert_eq!(sim_of(&strict), None);
}

/// A Common Crawl style .warc.gz (gzip per record): HTML responses become
/// documents with their target URI, WET conversions become text documents,
/// other records are skipped and counted, and a truncated last record is an
/// error naming the file and offset while the records before it are kept.
#[test]
fn warc_archive_with_a_truncated_last_record() {
    let tmp = tempfile::tempdir().unwrap();
    let dump = std::fs::read_to_string(samples().join("000_12da990105962c31.txt")).unwrap();
    let records = [
        warc_record("warcinfo", "", b"software: thresh tests"),
        warc_record("request", "https://a.example/story", b"GET /story HTTP/1.1\r\nHost: a.example\r\n\r\n"),
        warc_record(
            "response",
            "https://a.example/story",
            &http_response("text/html; charset=utf-8", &article_html(1, "/story")),
        ),
        warc_record("response", "https://a.example/logo.png", &http_response("image/png", "\u{1}PNG")),
        warc_record("conversion", "https://b.example/dump", dump.as_bytes()),
        warc_record("response", "https://a.example/other", &http_response("text/html", &article_html(2, "/other"))),
    ];
    let members: Vec<Vec<u8>> = records.iter().map(|r| gzip(r)).collect();
    let mut bytes = members[..5].concat();
    let last_offset = bytes.len();
    bytes.extend_from_slice(&members[5][..members[5].len() / 2]);
    let warc = tmp.path().join("crawl.warc.gz");
    std::fs::write(&warc, &bytes).unwrap();

    let db = tmp.path().join("t.db");
    let out = ingest(&db, &[&warc], &[]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("crawl.warc.gz: WARC record at offset {last_offset}")), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE url = 'https://a.example/story' AND source = url AND media_type = 'html'"), 1);
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE url = 'https://b.example/dump' AND media_type = 'text'"),
        1
    );
    let story_offset = members[..2].iter().map(Vec::len).sum::<usize>();
    assert_eq!(
        count(
            &db,
            &format!(
                "SELECT count(*) FROM sources WHERE kind = 'warc' AND archive LIKE '%crawl.warc.gz#{story_offset}'"
            )
        ),
        1
    );
    assert_eq!(count(&db, "SELECT n_skipped FROM runs WHERE id = 1"), 3);
    assert_eq!(count(&db, "SELECT value FROM run_stats WHERE run_id = 1 AND name = 'skipped:non_html'"), 1);
    assert_eq!(
        count(
            &db,
            &format!("SELECT count(*) FROM errors WHERE kind = 'warc' AND locator LIKE '%crawl.warc.gz#{last_offset}'")
        ),
        1
    );
    assert_eq!(
        count(&db, "SELECT count(*) FROM sources WHERE kind = 'warc' AND fetched_at = '2019-11-19T10:00:00Z'"),
        2
    );
}

/// URL lists against a real local server: conditional GET, redirects, 404,
/// 500-then-200, a timeout, a refused connection, robots.txt; then refresh.
#[test]
fn url_list_then_refresh_against_a_local_server() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("urls.txt");
    let urls = ["/article", "/redirect", "/missing", "/flaky", "/slow", "/private/page", "/gone-later"];
    let mut text = String::from("# a comment\n\n");
    for u in urls {
        text.push_str(&srv.url(u));
        text.push('\n');
    }
    text.push_str("http://127.0.0.1:9/refused\n");
    std::fs::write(&list, text).unwrap();
    let db = tmp.path().join("t.db");
    let http = ["--timeout", "1", "--retries", "1", "--delay-ms", "0", "--per-host", "4"];
    let run = |cmd: &str, extra: &[&str]| {
        let mut args = vec![cmd, "--db", db.to_str().unwrap()];
        args.extend_from_slice(&http);
        args.extend_from_slice(extra);
        thresh(&args)
    };

    let out = run("ingest", &["--urls", list.to_str().unwrap()]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{}: timed out", srv.url("/slow"))), "{err}");
    assert!(err.contains("http://127.0.0.1:9/refused: connection refused"), "{err}");
    // stored: article, redirect (same page: an exact duplicate), flaky (after one retry), gone-later
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 4);
    let src = |path: &str, col: &str| -> String {
        let v: rusqlite::types::Value = open(&db)
            .query_row(&format!("SELECT {col} FROM sources WHERE locator = ?1"), [srv.url(path)], |r| r.get(0))
            .unwrap();
        format!("{v:?}")
    };
    assert_eq!(src("/missing", "last_status"), "Text(\"gone\")");
    assert!(err.contains(&format!("{}: HTTP 404", srv.url("/missing"))), "{err}");
    assert_eq!(src("/article", "etag"), "Text(\"\\\"v1\\\"\")");
    assert_eq!(src("/redirect", "final_url"), format!("Text(\"{}\")", srv.url("/article")));
    assert!(src("/redirect", "redirects").contains("/redirect"));
    assert_eq!(srv.requests("/private/page"), 0, "robots.txt is obeyed");
    assert_eq!(srv.count("/flaky", 500), 1);
    assert_eq!(srv.count("/flaky", 200), 1);
    assert_eq!(
        count(
            &db,
            "SELECT count(*) FROM documents d JOIN documents o ON o.id = d.dup_of WHERE d.source LIKE '%/redirect'"
        ),
        1
    );
    assert_eq!(count(&db, "SELECT count(*) FROM errors WHERE locator LIKE '%/slow' OR locator LIKE '%:9/refused'"), 2);
    assert_eq!(count(&db, "SELECT n_skipped FROM runs WHERE id = 1"), 1);
    assert!(src("/slow", "last_error").contains("timed out"), "failures are recorded per source");

    // Refresh with nothing changed: 304s, no body downloaded again. The two
    // failing URLs are retried (and fail again: exit 1).
    let full_gets = srv.count("/article", 200);
    let out = run("refresh", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert_eq!(srv.count("/article", 200), full_gets, "unchanged page was not downloaded");
    assert!(srv.count("/article", 304) >= 1);
    assert_eq!(count(&db, "SELECT count(*) FROM document_versions"), 0);
    assert!(count(&db, "SELECT n_unchanged FROM runs WHERE id = 2") >= 2);

    // The page changes and another goes away.
    srv.version.store(2, std::sync::atomic::Ordering::SeqCst);
    let out = run("refresh", &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let text: String = open(&db)
        .query_row("SELECT text FROM documents WHERE source = ?1", [srv.url("/article")], |r| r.get(0))
        .unwrap();
    assert!(text.contains("version 2"), "{text}");
    assert_eq!(
        count(&db, "SELECT count(*) FROM document_versions WHERE text LIKE '%version 1%'"),
        2,
        "article and its redirect kept v1"
    );
    assert_eq!(src("/gone-later", "last_status"), "Text(\"gone\")");
    assert_eq!(
        count(&db, "SELECT count(*) FROM documents WHERE source LIKE '%/gone-later'"),
        1,
        "a gone page keeps its document"
    );
    assert!(count(&db, "SELECT n_updated FROM runs WHERE id = 3") >= 1);
    assert_eq!(count(&db, "SELECT n_gone FROM runs WHERE id = 3"), 1);

    // --older-than: everything fetched successfully was fetched just now, so
    // only the two never-fetched failing URLs are due.
    let article_hits = srv.requests("/article");
    let out = run("refresh", &["--older-than", "1h"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(srv.requests("/article"), article_hits);
    assert_eq!(count(&db, "SELECT n_inputs FROM runs WHERE id = 4"), 2);
}

/// A run killed mid-way leaves a consistent database. The same command run
/// again continues it (one run, finished, as if never killed); another
/// command marks it interrupted.
#[test]
fn a_killed_run_is_completed_by_the_next() {
    let tmp = tempfile::tempdir().unwrap();
    let input = numbered_dumps(tmp.path(), 800);
    let db = tmp.path().join("t.db");
    // The writer aborts right after its third commit, as a kill -9 there would.
    let out = ingest_aborting_after(3, &db, &[&input], &["--quiet"]);
    assert!(!out.status.success());
    let integrity: String = open(&db).query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 3 * 64, "three whole batches");
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE status = 'running'"), 1);

    let out = ingest(&db, &[&input], &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 800);
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), 1);
    let first: String = open(&db).query_row("SELECT status FROM runs WHERE id = 1", [], |r| r.get(0)).unwrap();
    assert_eq!(first, "finished");
    assert_eq!(count(&db, "SELECT n_new FROM runs WHERE id = 1"), 800);

    // Killed again, then another command: the killed run stays interrupted.
    let more = tmp.path().join("more");
    std::fs::create_dir(&more).unwrap();
    let more = numbered_dumps(&more, 200);
    assert!(!ingest_aborting_after(1, &db, &[&more], &["--quiet"]).status.success());
    let out = ingest(&db, &[&input, &more], &["--quiet"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let status = |id: i64| -> String {
        open(&db).query_row("SELECT status FROM runs WHERE id = ?1", [id], |r| r.get(0)).unwrap()
    };
    assert_eq!((status(2).as_str(), status(3).as_str()), ("interrupted", "finished"));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 1000);
}

/// Ingest the samples plus a copy and a small HTML page; return the database.
fn inspect_db(tmp: &std::path::Path) -> std::path::PathBuf {
    let db = tmp.join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let copy = tmp.join("copy.txt");
    std::fs::copy(samples().join("000_12da990105962c31.txt"), &copy).unwrap();
    assert!(ingest(&db, &[&copy, &fixture("html/article.html")], &["--quiet"]).status.success());
    db
}

#[test]
fn search_show_export_runs_schema() {
    let tmp = tempfile::tempdir().unwrap();
    let db = inspect_db(tmp.path());
    let d = db.to_str().unwrap();

    let out = thresh(&["search", "--db", d, "Litvinenko", "--format", "jsonl"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let hits: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    let array: Value =
        serde_json::from_str(&stdout(&thresh(&["search", "--db", d, "Litvinenko", "--format", "json"]))).unwrap();
    assert_eq!(array.as_array(), Some(&hits), "json is the same records as one array");
    assert_eq!(hits[0]["published_at"], hits[0]["published"], "the old spelling stays for one release");
    assert_eq!(hits.len(), 2);
    assert!(hits[0]["snippet"].as_str().unwrap().contains("[Litvinenko]"));
    let n = |args: &[&str]| stdout(&thresh(args)).lines().count();
    assert_eq!(n(&["search", "--db", d, "Cameron", "--format", "jsonl"]), 5, "the copy is hidden");
    assert_eq!(n(&["search", "--db", d, "Cameron", "--format", "jsonl", "--include-dups"]), 6);
    assert_eq!(n(&["search", "--db", d, "bridge", "--format", "jsonl", "--site", "Coastal Gazette"]), 1);
    assert_eq!(
        n(&["search", "--db", d, "bridge", "--format", "jsonl", "--since", "2021-03", "--until", "2021-03-31"]),
        1
    );
    assert_eq!(n(&["search", "--db", d, "bridge", "--format", "jsonl", "--since", "2022"]), 0);
    assert_eq!(n(&["search", "--db", d, "Putin", "--format", "jsonl", "--lang", "en"]), 5);
    // What people type is searched, not rejected as FTS5 syntax.
    // Each finds what its words, as FTS5 spells them, find.
    for (q, fts5) in [
        ("Putin AND (", "putin"),
        ("Putin's", "\"putin s\""),
        ("\"unclosed", "unclosed"),
        ("e-mail", "\"e mail\""),
        ("U.S.", "\"u s\""),
        ("don't OR 50% OR C++ OR what?", "\"don t\" OR 50 OR c OR what"),
    ] {
        let out = thresh(&["search", "--db", d, q, "--format", "jsonl", "--limit", "1000"]);
        assert!(out.status.success(), "{q}: {}", stderr(&out));
        let expected = count(
            &db,
            &format!(
                "SELECT count(*) FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
                 WHERE documents_fts MATCH '{}' AND d.dup_of IS NULL",
                fts5.replace('\'', "''")
            ),
        );
        assert!(expected > 0 || matches!(q, "e-mail" | "\"unclosed" | "U.S."), "{q} must find something here");
        assert_eq!(stdout(&out).lines().count() as i64, expected, "{q}");
    }
    // FTS5 syntax as it is, when asked for: its errors are one line, exit 2.
    let bad = thresh(&["search", "--db", d, "--syntax", "fts5", "Putin AND ("]);
    assert_eq!(bad.status.code(), Some(2));
    assert_eq!(stderr(&bad).lines().count(), 1, "{}", stderr(&bad));
    assert!(stderr(&bad).contains("malformed search query"));
    let none = thresh(&["search", "--db", d, "?!"]);
    assert_eq!(none.status.code(), Some(2));
    assert!(stderr(&none).contains("nothing to search for"), "{}", stderr(&none));

    let out = thresh(&["show", "--db", d, "5", "--explain"]);
    let s = stdout(&out);
    assert!(s.starts_with("# PMQs: David Cameron"), "{s}");
    assert!(s.contains("  KEEP  Mr Cameron will meet President Putin"), "{s}");
    assert!(s.contains("donation-appeal") && s.contains("Your support helps us to tell the story"), "{s}");
    let page = fixture("html/article.html");
    let out = thresh(&["show", "--db", d, page.to_str().unwrap(), "--raw"]);
    assert!(stdout(&out).contains("<!DOCTYPE html>"));
    let out = thresh(&[
        "show",
        "--db",
        d,
        "https://gazette.example/news/2021/03/04/harbour-bridge",
        "--format",
        "json",
        "--explain",
    ]);
    let j: Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(j["document"]["author"], "Mary Quay");
    assert!(j["removed"].is_array());
    assert_eq!(j["document"]["published_at"], "2021-03-04T09:30:00Z");
    let missing = thresh(&["show", "--db", d, "999"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("no document \"999\""));

    let out = thresh(&["export", "--db", d]);
    let rows: Vec<Value> = stdout(&out).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(rows.len(), 6);
    let array: Value = serde_json::from_str(&stdout(&thresh(&["export", "--db", d, "--format", "json"]))).unwrap();
    assert_eq!(array.as_array(), Some(&rows));
    assert!(rows.iter().all(|r| r["dup_of"].is_null() && r["text"].is_string()));
    assert_eq!(n(&["export", "--db", d, "--include-dups"]), 7);
    assert_eq!(n(&["export", "--db", d, "--since-run", "2", "--include-dups"]), 2);
    let out = thresh(&["export", "--db", d, "--format", "csv"]);
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    assert_eq!(r.headers().unwrap().iter().take(3).collect::<Vec<_>>(), ["id", "source", "url"]);
    let recs: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
    assert_eq!(recs.len(), 6);
    assert!(recs[0][9].contains('\n'), "multi-paragraph text survives CSV quoting");

    let out = thresh(&["runs", "--db", d, "--format", "json"]);
    let runs: Vec<Value> = serde_json::from_value(serde_json::from_str(&stdout(&out)).unwrap()).unwrap();
    let lines = stdout(&thresh(&["runs", "--db", d, "--format", "jsonl"]));
    assert_eq!(lines.lines().map(|l| serde_json::from_str::<Value>(l).unwrap()).collect::<Vec<_>>(), runs);
    assert_eq!(runs.len(), 2);
    assert_eq!((runs[1]["n_new"].as_i64(), runs[1]["n_duplicates"].as_i64()), (Some(2), Some(1)));
    assert!(runs[0]["seconds"].as_f64().unwrap() >= 0.0);

    let schema = stdout(&thresh(&["schema"]));
    for t in [
        "CREATE TABLE documents",
        "CREATE TABLE runs",
        "CREATE TABLE removed_segments",
        "documents_fts",
        "CREATE VIEW current_documents",
    ] {
        assert!(schema.contains(t), "{t}");
    }
    // Views answer the common questions.
    assert_eq!(count(&db, "SELECT count(*) FROM current_documents"), 6);
    assert_eq!(count(&db, "SELECT n_duplicates FROM duplicate_clusters"), 1);
}

#[test]
fn report_is_self_contained_html_with_its_charts() {
    let tmp = tempfile::tempdir().unwrap();
    let db = inspect_db(tmp.path());
    let out_path = tmp.path().join("report.html");
    let out = thresh(&["report", "--db", db.to_str().unwrap(), "--out", out_path.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(&out_path).unwrap();
    let doc = scraper::Html::parse_document(&html);
    assert!(doc.errors.is_empty(), "parse errors: {:?}", doc.errors);
    let sel = |s: &str| scraper::Selector::parse(s).unwrap();
    let charts: Vec<String> = doc.select(&sel("section > svg > title")).map(|t| t.text().collect::<String>()).collect();
    assert_eq!(
        charts,
        [
            "Documents per site (originals)",
            "Removed segments by kind",
            "Share of text removed, per site: removed characters out of the page text cleaning started from (kept + removed); highest first",
            "Duplicate clusters by size",
            "Runs over time"
        ]
    );
    // Every mark of the runs chart, legend included, lies inside it.
    let runs = doc.select(&sel("#runs svg")).next().unwrap();
    let width: f64 = runs.value().attr("width").unwrap().parse().unwrap();
    for el in runs.descendants().filter_map(scraper::ElementRef::wrap) {
        let x: f64 = el.value().attr("x").and_then(|x| x.parse().ok()).unwrap_or(0.0);
        let w: f64 = el.value().attr("width").and_then(|x| x.parse().ok()).unwrap_or(0.0);
        // (A legend label is at most 9 characters of 11 px text.)
        let extent = if el.value().name() == "text" { x + 9.0 * 6.5 } else { x + w };
        assert!(extent <= width, "{} at x={x} runs past the chart's {width}px", el.value().name());
    }
    assert!(doc.select(&sel("#by-kind rect")).count() >= 8, "one bar per removal kind");
    assert!(doc.select(&sel("#runs rect")).count() >= 8, "four bars per run");
    assert_eq!(doc.select(&sel("script")).count(), 0);
    assert!(!html.contains("src=") && !html.contains("href="), "nothing is fetched");
}

#[test]
fn inspect_commands_refuse_bad_databases() {
    let tmp = tempfile::tempdir().unwrap();
    let other = tmp.path().join("other.db");
    rusqlite::Connection::open(&other).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
    for args in [
        vec!["search", "--db", "MISSING", "x"],
        vec!["show", "--db", "MISSING", "1"],
        vec!["export", "--db", "MISSING"],
        vec!["runs", "--db", "MISSING"],
        vec!["report", "--db", "MISSING", "--out", "/dev/null"],
    ] {
        for db in [tmp.path().join("missing.db"), other.clone()] {
            let args: Vec<&str> = args.iter().map(|a| if *a == "MISSING" { db.to_str().unwrap() } else { a }).collect();
            let out = thresh(&args);
            assert_eq!(out.status.code(), Some(2), "{args:?}");
            let err = stderr(&out);
            assert_eq!(err.lines().count(), 1, "{err}");
            assert!(err.contains(db.file_name().unwrap().to_str().unwrap()), "{err}");
        }
    }
}

/// Commands whose reader goes away (`thresh stats | head -1`) end quietly
/// with exit 0: no panic, nothing on stderr.
#[test]
fn a_closed_stdout_is_not_a_panic() {
    use std::process::Stdio;
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let d = db.to_str().unwrap();
    for args in [
        vec!["stats", "--db", d],
        vec!["dups", "--db", d],
        vec!["runs", "--db", d],
        vec!["show", "--db", d, "1"],
        vec!["schema"],
        vec!["export", "--db", d],
    ] {
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("thresh"))
            .args(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        // Close the reading end before the command writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        assert!(!stderr(&out).contains("panicked"), "{args:?}: {}", stderr(&out));
    }
}

/// Flag values that would overflow, hang or panic are refused up front,
/// with exit 2 and the flag named.
#[test]
fn out_of_range_flags_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let d = db.to_str().unwrap();
    let s = samples();
    let s = s.to_str().unwrap();
    for (flag, value) in [
        ("--threads", "100000"),
        ("--max-input-mib", "17592186044416"),
        ("--max-input-mib", "0"),
        ("--near-threshold", "nan"),
        ("--near-threshold", "1.5"),
    ] {
        let out = thresh(&["ingest", "--db", d, flag, value, s]);
        assert_eq!(out.status.code(), Some(2), "{flag} {value}");
        assert!(stderr(&out).contains(flag), "{flag}: {}", stderr(&out));
    }
    let out = thresh(&["ingest", "--db", d, "--urls", s, "--timeout", "inf"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(!db.exists(), "nothing was created");
    // An age past the start of time is every document, not a panic.
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let out = thresh(&["refresh", "--db", d, "--older-than", "300000y", "--quiet"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

/// `report --out` never overwrites the database, a symbolic link or a file
/// that is not an earlier report (without --force); an earlier report is
/// replaced.
#[test]
fn report_does_not_overwrite_what_it_did_not_write() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let d = db.to_str().unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = thresh(&["report", "--db", d, "--out", d, "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("is the database"), "{}", stderr(&out));
    assert_eq!(std::fs::read(&db).unwrap(), before);

    let notes = tmp.path().join("notes.html");
    std::fs::write(&notes, "my notes").unwrap();
    let n = notes.to_str().unwrap();
    let out = thresh(&["report", "--db", d, "--out", n]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("--force"), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");

    let link = tmp.path().join("link.html");
    std::os::unix::fs::symlink(&notes, &link).unwrap();
    let out = thresh(&["report", "--db", d, "--out", link.to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(std::fs::read_to_string(&notes).unwrap(), "my notes");

    let page = tmp.path().join("report.html");
    let p = page.to_str().unwrap();
    assert!(thresh(&["report", "--db", d, "--out", p]).status.success());
    assert!(thresh(&["report", "--db", d, "--out", p]).status.success(), "an earlier report is replaced");
    assert!(thresh(&["report", "--db", d, "--out", n, "--force"]).status.success());
    assert!(std::fs::read_to_string(&notes).unwrap().contains("<!-- thresh report -->"));
}

/// Gzipped stdin that inflates past the input cap is refused like the same
/// file given by name, not cut at the cap and stored.
#[test]
fn gzipped_stdin_over_the_cap_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let big = gzip("The council met again on Tuesday to discuss the budget. ".repeat(40_000).as_bytes());
    let out = thresh_stdin(&["ingest", "--db", db.to_str().unwrap(), "--max-input-mib", "1", "-"], &big);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains("input cap"), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 0);
    assert_eq!(count(&db, "SELECT count(*) FROM errors"), 1);
}

/// CSV export puts a ' before a cell a spreadsheet would run as a formula;
/// --raw-csv writes it as stored.
#[test]
fn csv_export_defuses_formulas() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let page = tmp.path().join("calc.txt");
    let body = "The council met on Tuesday to discuss the budget for the coming year, and the mayor said the plan would be reviewed again in the spring by the finance committee.";
    std::fs::write(&page, format!("=cmd|' /C calc'!A0\n\n{body}\n\n{body} Again.\n")).unwrap();
    assert!(ingest(&db, &[&page], &["--quiet"]).status.success());
    let title: String = open(&db).query_row("SELECT title FROM documents", [], |r| r.get(0)).unwrap();
    assert!(title.starts_with('='), "the stored title is as the page wrote it: {title}");
    let cells = |extra: &[&str]| {
        let mut args = vec!["export", "--db", db.to_str().unwrap(), "--format", "csv"];
        args.extend(extra);
        let out = thresh(&args);
        let mut r = csv::Reader::from_reader(out.stdout.as_slice());
        let headers = r.headers().unwrap().clone();
        let i = headers.iter().position(|h| h == "title").unwrap();
        r.records().next().unwrap().unwrap()[i].to_string()
    };
    assert_eq!(cells(&[]), format!("'{title}"));
    assert_eq!(cells(&["--raw-csv"]), title);
}

/// A bug that panics on one input fails that input only: one line naming
/// it, recorded in `errors`, the others stored, the run partial (exit 1).
#[test]
fn a_panic_on_one_input_fails_only_that_input() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("thresh"))
        .args(["ingest", "--db", db.to_str().unwrap(), "--quiet", samples().to_str().unwrap()])
        .env("THRESH_TEST_PANIC_ON", "002_")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("002_f25422c66ff5e1f2.txt") && err.contains("internal error"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 4);
    assert_eq!(count(&db, "SELECT count(*) FROM errors WHERE kind = 'internal'"), 1);
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE status = 'partial' AND n_errors = 1"), 1);
}

/// A bug in the writer stops the run: what it committed stays, the run is
/// marked failed (not left running), one line says so, exit 2; the next run
/// completes the work and finishes.
#[test]
fn a_writer_crash_marks_the_run_failed() {
    let tmp = tempfile::tempdir().unwrap();
    let input = numbered_dumps(tmp.path(), 150);
    let db = tmp.path().join("t.db");
    let out = std::process::Command::new(assert_cmd::cargo::cargo_bin("thresh"))
        .args(["ingest", "--db", db.to_str().unwrap(), "--quiet", input.to_str().unwrap()])
        .env("THRESH_TEST_WRITER_PANIC_AFTER_BATCHES", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.lines().any(|l| l.contains("run 1 failed") && l.contains("writer crashed")), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 64, "the committed batch");
    assert_eq!(
        count(&db, "SELECT count(*) FROM runs WHERE id = 1 AND status = 'failed' AND finished_at IS NOT NULL"),
        1
    );
    assert!(ingest(&db, &[&input], &["--quiet"]).status.success());
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 150);
    assert_eq!(count(&db, "SELECT count(*) FROM runs WHERE id = 2 AND status = 'finished'"), 1);
}

/// A URL list whose only failure is a 404 exits 1 (cron hears of it).
#[test]
fn a_404_in_a_url_list_is_a_failure() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("urls.txt");
    std::fs::write(&list, format!("{}\n{}\n", srv.url("/article"), srv.url("/missing"))).unwrap();
    let db = tmp.path().join("t.db");
    let out = thresh(&["ingest", "--db", db.to_str().unwrap(), "--urls", list.to_str().unwrap(), "--delay-ms", "0"]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(stderr(&out).contains(&format!("{}: HTTP 404", srv.url("/missing"))), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 1);
}

/// The body cap holds for the decoded bytes: a 64 KiB gzip response that
/// inflates to 64 MiB is refused at the cap, with the URL named.
#[test]
fn a_gzip_bomb_over_http_stops_at_the_body_cap() {
    let srv = TestServer::start();
    let tmp = tempfile::tempdir().unwrap();
    let list = tmp.path().join("urls.txt");
    std::fs::write(&list, format!("{}\n", srv.url("/bomb"))).unwrap();
    let db = tmp.path().join("t.db");
    let out = thresh(&[
        "ingest",
        "--db",
        db.to_str().unwrap(),
        "--urls",
        list.to_str().unwrap(),
        "--max-body-mib",
        "1",
        "--delay-ms",
        "0",
    ]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.contains(&format!("{}: body larger than the 1048576-byte cap", srv.url("/bomb"))), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 0);
}

/// A search that would run for minutes (dozens of prefix terms) is refused
/// with a clear error, exit 2.
#[test]
fn an_overly_complex_search_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let q = vec!["a*"; 50].join(" OR ");
    let out = thresh(&["search", "--db", db.to_str().unwrap(), &q]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("too complex: 50 terms, 50 of them prefixes"), "{}", stderr(&out));
    let out = thresh(&["search", "--db", db.to_str().unwrap(), "--max-seconds", "5", "lit* OR kremlin*"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("Litvinenko"), "{}", stdout(&out));
    assert!(!stderr(&out).contains("--limit"), "all matches shown: {}", stderr(&out));
    // Results cut at --limit say so.
    let out = thresh(&["search", "--db", db.to_str().unwrap(), "--limit", "1", "the"]);
    assert_eq!(stdout(&out).lines().filter(|l| l.starts_with('#')).count(), 1);
    let total = count(&db, "SELECT count(*) FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid WHERE documents_fts MATCH 'the' AND d.dup_of IS NULL");
    assert!(
        stderr(&out).contains(&format!("1 of {total} matches shown, best first; --limit N shows more")),
        "{}",
        stderr(&out)
    );
}

/// A FIFO named on the command line is refused at once (it blocked for
/// ever); the other inputs are stored.
#[test]
fn a_fifo_is_refused_not_waited_on() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("pipe.txt");
    assert!(std::process::Command::new("mkfifo").arg(&fifo).status().unwrap().success());
    let db = tmp.path().join("t.db");
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("thresh"))
        .args(["ingest", "--quiet", "--db", db.to_str().unwrap(), fifo.to_str().unwrap(), samples().to_str().unwrap()])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(60);
    let status = loop {
        if let Some(s) = child.try_wait().unwrap() {
            break s;
        }
        if std::time::Instant::now() > deadline {
            child.kill().unwrap();
            panic!("thresh waited on the FIFO");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    };
    let mut err = String::new();
    std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut err).unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("pipe.txt") && err.contains("not a regular file"), "{err}");
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 5);
}

/// Nothing is skipped without a word: files a directory walk leaves out are
/// counted by extension (stderr, `stats`), named with --verbose, and taken
/// with --include-ext; a directory with nothing to take and a URL given as a
/// path are one-line errors, exit 1.
#[test]
fn skipped_files_are_told_and_empty_directories_are_errors() {
    let tmp = tempfile::tempdir().unwrap();
    let mirror = tmp.path().join("mirror");
    std::fs::create_dir(&mirror).unwrap();
    let page = std::fs::read_to_string(samples().join("003_ef1a346737207dae.txt")).unwrap();
    std::fs::write(mirror.join("index.php"), &page).unwrap();
    std::fs::write(mirror.join("about"), format!("{page}\nA different closing line, so not a duplicate.\n")).unwrap();
    let db = tmp.path().join("t.db");
    let out = ingest(&db, &[&mirror], &[]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.contains("2 files skipped in directories by extension: no extension 1, .php 1"), "{err}");
    assert!(err.contains("--include-ext none,php"), "{err}");
    assert!(err.contains("no page, text or archive files in this directory"), "{err}");
    let out = thresh(&["stats", "--db", db.to_str().unwrap()]);
    assert!(stdout(&out).contains("inputs skipped, by reason:\n  extension              2"), "{}", stdout(&out));

    let out = ingest(&db, &[&mirror], &["--include-ext", "php,none", "--verbose"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents"), 2);

    let empty = tmp.path().join("empty");
    std::fs::create_dir(&empty).unwrap();
    let out = ingest(&db, &[&empty], &["--quiet"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("no files in this directory"), "{}", stderr(&out));

    // (extract fetches a URL; ingest takes URLs from a list, and says so.)
    // Nothing named exists: a usage error, nothing done.
    let out = ingest(&db, &[std::path::Path::new("https://example.com/story")], &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(stderr(&out).lines().count(), 1, "{}", stderr(&out));
    assert!(stderr(&out).contains("to fetch URLs, list them in a file: thresh ingest --urls LIST"), "{}", stderr(&out));
    let runs = count(&db, "SELECT count(*) FROM runs");
    let out = ingest(&db, &[&tmp.path().join("no-such-dir")], &["--quiet"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("no-such-dir: no such file or directory; nothing to do"), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM runs"), runs, "no run recorded");
}

/// Each stdin input of `ingest` is its own document (named by its content,
/// or by --name, with --url for its site): a second never replaces the first.
#[test]
fn stdin_inputs_do_not_overwrite_each_other() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    let d = db.to_str().unwrap();
    let a = std::fs::read(samples().join("003_ef1a346737207dae.txt")).unwrap();
    let b = std::fs::read(samples().join("000_12da990105962c31.txt")).unwrap();
    for page in [&a, &b, &a] {
        let out = thresh_stdin(&["ingest", "--db", d, "--quiet", "-"], page);
        assert!(out.status.success(), "{}", stderr(&out));
    }
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE source LIKE 'stdin:%'"), 2);
    assert_eq!(count(&db, "SELECT count(*) FROM document_versions"), 0);
    let out =
        thresh_stdin(&["ingest", "--db", d, "--quiet", "--name", "feed", "--url", "https://a.example/1", "-"], &b);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE source = 'feed' AND url = 'https://a.example/1'"), 1);
    // `extract` has no identity to keep: stdin is `-` there.
    let out = thresh_stdin(&["extract", "--format", "json", "-"], &a);
    assert!(stdout(&out).contains("\"path\":\"-\""), "{}", stdout(&out));
}

/// sqlite-utils (and Datasette, which detects full-text search the same
/// way) finds the index of `documents`. Runs the real sqlite-utils: `.ci/run`
/// installs it in a virtualenv; elsewhere the test says it was not found and
/// checks the declaration sqlite-utils looks for instead.
#[test]
fn sqlite_utils_finds_the_full_text_index() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("t.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    let sql: String =
        open(&db).query_row("SELECT sql FROM sqlite_master WHERE name = 'documents_fts'", [], |r| r.get(0)).unwrap();
    assert!(sql.contains(r#"content="documents""#), "{sql}");
    let Ok(out) = std::process::Command::new("sqlite-utils")
        .args(["search", db.to_str().unwrap(), "documents", "Litvinenko", "--csv", "-c", "source"])
        .output()
    else {
        eprintln!("sqlite-utils not found: the real tool was not run (.ci/run installs it)");
        return;
    };
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let found = String::from_utf8_lossy(&out.stdout);
    let ours = count(&db, "SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'Litvinenko'");
    assert!(ours > 0);
    assert_eq!(found.lines().count() as i64, ours + 1, "{found}");
}

/// `thresh ARGS` started in `dir`.
fn thresh_in(dir: &std::path::Path, args: &[&str]) -> std::process::Output {
    std::process::Command::new(assert_cmd::cargo::cargo_bin("thresh")).current_dir(dir).args(args).output().unwrap()
}

/// A file is one document under every name: relative from two directories,
/// absolute, through a symbolic link. `show` finds it by any of them.
#[test]
fn a_file_is_one_document_whatever_name_it_is_given() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("srv/news");
    std::fs::create_dir_all(site.join("incoming")).unwrap();
    for f in ["000_12da990105962c31.txt", "003_ef1a346737207dae.txt"] {
        std::fs::copy(samples().join(f), site.join("incoming").join(f)).unwrap();
    }
    let db = tmp.path().join("t.db");
    let db = db.to_str().unwrap();
    assert!(thresh_in(&site, &["ingest", "--db", db, "--quiet", "incoming"]).status.success());
    // From the parent directory, from inside, absolute, and through a link.
    assert!(thresh_in(tmp.path(), &["ingest", "--db", db, "--quiet", "srv/news/incoming/"]).status.success());
    assert!(thresh_in(&site.join("incoming"), &["ingest", "--db", db, "--quiet", "./000_12da990105962c31.txt"])
        .status
        .success());
    let abs = site.join("incoming").canonicalize().unwrap();
    assert!(thresh_in(tmp.path(), &["ingest", "--db", db, "--quiet", abs.to_str().unwrap()]).status.success());
    std::os::unix::fs::symlink(&abs, tmp.path().join("link")).unwrap();
    assert!(thresh_in(tmp.path(), &["ingest", "--db", db, "--quiet", "link"]).status.success());
    let db = std::path::Path::new(db);
    assert_eq!(count(db, "SELECT count(*) FROM documents"), 2);
    assert_eq!(count(db, "SELECT count(*) FROM documents WHERE dup_of IS NOT NULL"), 0);
    assert_eq!(count(db, "SELECT sum(n_new) FROM runs"), 2);
    let want = abs.join("003_ef1a346737207dae.txt").to_string_lossy().into_owned();
    assert_eq!(count(db, &format!("SELECT count(*) FROM documents WHERE source = '{want}'")), 1);
    for (dir, name) in [
        (&site, "incoming/003_ef1a346737207dae.txt"),
        (&site, "./incoming/../incoming/003_ef1a346737207dae.txt"),
        (&site, want.as_str()),
    ] {
        let out = thresh_in(dir, &["show", "--db", db.to_str().unwrap(), "--format", "json", name]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
        let j: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(j["document"]["source"], want.as_str(), "{name}");
    }
}

/// A database written with relative paths (before 0009) is brought over by
/// the next run started where they resolve: the documents keep their ids
/// and are not stored again.
#[test]
fn relative_paths_stored_before_are_made_canonical_by_the_next_run() {
    let tmp = tempfile::tempdir().unwrap();
    let site = tmp.path().join("news");
    std::fs::create_dir_all(site.join("incoming")).unwrap();
    for f in ["000_12da990105962c31.txt", "003_ef1a346737207dae.txt"] {
        std::fs::copy(samples().join(f), site.join("incoming").join(f)).unwrap();
    }
    let db = tmp.path().join("t.db");
    assert!(thresh_in(&site, &["ingest", "--db", db.to_str().unwrap(), "--quiet", "incoming"]).status.success());
    // Make it look as the old thresh wrote it: relative sources, listed by 0009.
    let c = open(&db);
    let abs = site.canonicalize().unwrap().to_string_lossy().into_owned();
    c.execute_batch(&format!(
        "UPDATE sources SET locator = replace(locator, '{abs}/', '');
         UPDATE documents SET source = replace(source, '{abs}/', '');
         INSERT INTO relative_sources SELECT locator FROM sources;"
    ))
    .unwrap();
    drop(c);
    assert_eq!(count(&db, "SELECT count(*) FROM documents WHERE source LIKE 'incoming/%'"), 2);
    // A run from elsewhere cannot resolve them: they wait (and the file it
    // names is stored anew under its canonical path).
    let other = "news/incoming/000_12da990105962c31.txt";
    assert!(thresh_in(tmp.path(), &["ingest", "--db", db.to_str().unwrap(), "--quiet", other]).status.success());
    assert_eq!(count(&db, "SELECT count(*) FROM relative_sources"), 2);
    // From the directory they were written in, they resolve: 003 is rewritten
    // in place; 000, stored under both names by now, is left as it is.
    assert!(thresh_in(&site, &["ingest", "--db", db.to_str().unwrap(), "--quiet", "incoming"]).status.success());
    assert_eq!(count(&db, "SELECT count(*) FROM relative_sources"), 0);
    let absolute =
        "SELECT group_concat(id || ':' || (source LIKE '/%'), ' ') FROM (SELECT * FROM documents ORDER BY id)";
    let got: String = open(&db).query_row(absolute, [], |r| r.get(0)).unwrap();
    assert_eq!(got, "1:0 2:1 3:1");
    assert_eq!(count(&db, "SELECT n_new FROM runs WHERE id = 3"), 0);
}

/// extract's records carry the schema's field names, the old spellings
/// beside them for one release; json and jsonl are the same stream there.
#[test]
fn extract_fields_are_named_as_in_the_schema() {
    let page = fixture("html/article.html");
    let json = stdout(&thresh(&["extract", "--format", "json", page.to_str().unwrap()]));
    let jsonl = stdout(&thresh(&["extract", "--format", "jsonl", page.to_str().unwrap()]));
    assert_eq!(json, jsonl);
    let r: Value = serde_json::from_str(json.trim()).unwrap();
    let canonical = page.canonicalize().unwrap();
    assert_eq!(r["source"], canonical.to_str().unwrap());
    assert_eq!(r["path"], r["source"]);
    assert_eq!(r["published_local"], r["published"]);
    assert!(r["published_at"].as_str().is_some_and(|d| d.ends_with('Z')), "{r}");
}

/// `extract URL` fetches it (as trafilatura users expect), a missing page is
/// one error line and exit 1; `-o DIR` writes one file per document, named
/// after its input.
#[test]
fn extract_fetches_urls_and_writes_one_file_per_input() {
    let srv = TestServer::start();
    let out = thresh(&["extract", "--format", "json", &srv.url("/article")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let r: Value = serde_json::from_str(stdout(&out).trim()).unwrap();
    assert_eq!(r["source"], srv.url("/article"));
    assert!(r["text"].as_str().is_some_and(|t| !t.is_empty()), "{r}");
    let out = thresh(&["extract", &srv.url("/missing")]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stderr(&out).trim(), format!("thresh: error: {}: HTTP 404", srv.url("/missing")));

    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("out");
    let page = fixture("html/article.html");
    let sample = samples().join("003_ef1a346737207dae.txt");
    let args = ["extract", "-o", dir.to_str().unwrap(), page.to_str().unwrap(), sample.to_str().unwrap()];
    let out = thresh(&[&args[..], &[srv.url("/article").as_str()]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).is_empty());
    let mut names: Vec<String> =
        std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    let from_url = format!("{}.txt", srv.url("/article").trim_start_matches("http://").replace([':', '/'], "_"));
    let mut want = vec!["003_ef1a346737207dae.txt".to_string(), "article.txt".into(), from_url];
    want.sort();
    assert_eq!(names, want);
    let text = std::fs::read_to_string(dir.join("003_ef1a346737207dae.txt")).unwrap();
    let printed = stdout(&thresh(&["extract", sample.to_str().unwrap()]));
    assert_eq!(printed.split_once('\n').unwrap().1, text, "the file is what extract prints, less the ==> line");
    // JSON formats write .json files holding the record.
    assert!(thresh(&["extract", "--format", "json", "-o", dir.to_str().unwrap(), page.to_str().unwrap()])
        .status
        .success());
    let j: Value = serde_json::from_str(&std::fs::read_to_string(dir.join("article.json")).unwrap()).unwrap();
    assert_eq!(j["source"], page.canonicalize().unwrap().to_str().unwrap());
}

/// Inputs are stored zstd-compressed by default (and read back as text by
/// `show --raw` and re-cleaning), as text with `--raw keep`, not at all with
/// `--raw drop`; bodies stored as text before 0010 are compressed by the next
/// run, and `vacuum` gives the space back.
#[test]
fn stored_inputs_are_compressed_kept_or_dropped() {
    let tmp = tempfile::tempdir().unwrap();
    let page = fixture("html/article.html");
    let original = std::fs::read_to_string(&page).unwrap();
    let d = |name: &str| tmp.path().join(name);
    for (mode, kind) in [("compress", "blob"), ("keep", "text")] {
        let db = d(&format!("{mode}.db"));
        assert!(ingest(&db, &[&page, &samples()], &["--quiet", "--raw", mode]).status.success());
        assert_eq!(count(&db, &format!("SELECT count(*) FROM document_raw WHERE typeof(body) = '{kind}'")), 6);
        let out = thresh(&["show", "--db", db.to_str().unwrap(), page.to_str().unwrap(), "--raw"]);
        assert_eq!(stdout(&out).trim_end(), original.trim_end(), "{mode}");
    }
    let (c, k) = (
        count(&d("compress.db"), "SELECT sum(length(body)) FROM document_raw"),
        count(&d("keep.db"), "SELECT sum(length(CAST(body AS BLOB))) FROM document_raw"),
    );
    assert!(c * 2 < k, "compressed {c} bytes, plain {k}");
    let drop = d("drop.db");
    assert!(ingest(&drop, &[&page], &["--quiet", "--raw", "drop"]).status.success());
    assert_eq!(count(&drop, "SELECT count(*) FROM document_raw"), 0);
    assert_eq!(count(&drop, "SELECT count(*) FROM documents"), 1);

    // A database from before 0010: plain bodies, listed for compression.
    let old = d("keep.db");
    open(&old).execute_batch("INSERT INTO raw_to_compress SELECT document_id FROM document_raw").unwrap();
    let out = thresh(&["vacuum", "--db", old.to_str().unwrap()]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stderr(&out).contains("6 stored inputs compressed"), "{}", stderr(&out));
    assert_eq!(count(&old, "SELECT count(*) FROM document_raw WHERE typeof(body) = 'blob'"), 6);
    assert_eq!(count(&old, "SELECT count(*) FROM raw_to_compress"), 0);
    let out = thresh(&["show", "--db", old.to_str().unwrap(), page.to_str().unwrap(), "--raw"]);
    assert_eq!(stdout(&out).trim_end(), original.trim_end());
    let integrity: String = open(&old).query_row("PRAGMA integrity_check", [], |r| r.get(0)).unwrap();
    assert_eq!(integrity, "ok");
}

/// `--shard K/N` splits the inputs of one ingest over N runs: each input
/// (file, URL, WARC record) in exactly one shard, whatever the input order
/// or thread count, and together they hold what one run holds.
#[test]
fn shards_split_the_inputs_exactly() {
    let tmp = tempfile::tempdir().unwrap();
    let input = numbered_dumps(tmp.path(), 40);
    let warc = tmp.path().join("a.warc");
    let mut w = Vec::new();
    for i in 0..12 {
        let body = format!(
            "<html><body><p>WARC page {i} has a sentence of its own, long enough to be kept as text.</p></body></html>"
        );
        let http = format!("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n{body}");
        w.extend_from_slice(
            format!("WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: https://w.example/{i}\r\nContent-Length: {}\r\n\r\n{http}\r\n\r\n", http.len())
                .as_bytes(),
        );
    }
    std::fs::write(&warc, w).unwrap();
    let sources = |db: &std::path::Path| {
        let mut v: Vec<String> = rows(db, "SELECT source FROM documents").into_iter().map(|r| r[0].clone()).collect();
        v.sort();
        v
    };
    let whole = tmp.path().join("whole.db");
    assert!(ingest(&whole, &[&input, &warc], &["--quiet"]).status.success());
    let mut union = Vec::new();
    for k in 1..=3 {
        let db = tmp.path().join(format!("s{k}.db"));
        let shard = format!("{k}/3");
        // Inputs in another order, another thread count: the same shard.
        let threads = if k == 2 { "1" } else { "2" };
        assert!(ingest(&db, &[&warc, &input], &["--quiet", "--shard", &shard, "--threads", threads]).status.success());
        let got = sources(&db);
        assert!(!got.is_empty() && got.len() < 52, "shard {k}: {}", got.len());
        let again = tmp.path().join(format!("again{k}.db"));
        assert!(ingest(&again, &[&input, &warc], &["--quiet", "--shard", &shard]).status.success());
        assert_eq!(sources(&again), got, "shard {k} is the same whatever the order");
        union.extend(got);
    }
    union.sort();
    assert_eq!(union, sources(&whole), "every input in exactly one shard");
    for bad in ["0/3", "4/3", "3", "a/b"] {
        let out = ingest(&tmp.path().join("x.db"), &[&input], &["--shard", bad]);
        assert_eq!(out.status.code(), Some(2), "{bad}");
    }
}

/// A database in a directory nobody may write to, itself read-only, is read
/// by every reading command (opened read-only, immutable), and left as it
/// was: no journal files appear. As root, which permissions do not stop, the
/// commands run as `nobody` through setpriv (where it is installed).
#[test]
fn a_read_only_database_in_a_read_only_directory_is_read() {
    use std::os::unix::fs::PermissionsExt;
    let tmp = tempfile::tempdir().unwrap();
    std::fs::set_permissions(tmp.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    let dir = tmp.path().join("ro");
    std::fs::create_dir(&dir).unwrap();
    let db = dir.join("x.db");
    assert!(ingest(&db, &[&samples()], &["--quiet"]).status.success());
    std::fs::remove_file(dir.join("x.db.lock")).ok();
    std::fs::set_permissions(&db, std::fs::Permissions::from_mode(0o444)).unwrap();
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
    let before: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    let root = std::process::Command::new("id").arg("-u").output().is_ok_and(|o| o.stdout.starts_with(b"0\n"));
    let setpriv = std::path::Path::new("/usr/bin/setpriv").exists();
    let run = |args: &[&str]| {
        let bin = assert_cmd::cargo::cargo_bin("thresh");
        let mut c = if root && setpriv {
            let mut c = std::process::Command::new("/usr/bin/setpriv");
            c.args(["--reuid=65534", "--regid=65534", "--clear-groups"]).arg(&bin);
            c
        } else {
            std::process::Command::new(&bin)
        };
        c.args(args).output().unwrap()
    };
    let d = db.to_str().unwrap();
    for args in [
        vec!["stats", "--db", d],
        vec!["search", "--db", d, "Cameron"],
        vec!["show", "--db", d, "1"],
        vec!["export", "--db", d],
        vec!["runs", "--db", d],
        vec!["dups", "--db", d],
    ] {
        let out = run(&args);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
    let after: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().file_name()).collect();
    assert_eq!(before, after, "nothing written beside the database");
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
}
