//! Helpers for the integration tests: run the real binary, open the real
//! SQLite file it wrote.

use std::path::{Path, PathBuf};
use std::process::Output;

use assert_cmd::Command;
use rusqlite::Connection;

/// The repository root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// The bundled sample dumps (copies of the seed articles).
pub fn samples() -> PathBuf {
    root().join("samples")
}

/// `n` text dumps in `dir/in`, one seed each with a closing sentence of its
/// own (distinct documents, none a duplicate), named `00000.txt` … in order.
pub fn numbered_dumps(dir: &Path, n: usize) -> PathBuf {
    let input = dir.join("in");
    std::fs::create_dir(&input).expect("input directory");
    let base = std::fs::read_to_string(samples().join("003_ef1a346737207dae.txt")).expect("seed");
    for i in 0..n {
        let text = format!("{base}\nDocument number {i} closes with its own sentence, which makes it unique.\n");
        std::fs::write(input.join(format!("{i:05}.txt")), text).expect("dump written");
    }
    input
}

pub fn fixture(rel: &str) -> PathBuf {
    root().join("tests/fixtures").join(rel)
}

/// `thresh ARGS...`, with no terminal attached.
pub fn thresh(args: &[&str]) -> Output {
    Command::cargo_bin("thresh").expect("binary built").args(args).output().expect("thresh runs")
}

pub fn thresh_stdin(args: &[&str], stdin: &[u8]) -> Output {
    Command::cargo_bin("thresh")
        .expect("binary built")
        .args(args)
        .write_stdin(stdin.to_vec())
        .output()
        .expect("thresh runs")
}

fn ingest_args(db: &Path, paths: &[&Path], extra: &[&str]) -> Vec<String> {
    let mut args = vec!["ingest".to_string(), "--db".into(), db.to_string_lossy().into_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    args
}

pub fn ingest(db: &Path, paths: &[&Path], extra: &[&str]) -> Output {
    let args = ingest_args(db, paths, extra);
    thresh(&args.iter().map(String::as_str).collect::<Vec<_>>())
}

/// [`ingest`] whose writer aborts right after its `batches`-th commit, as a
/// kill -9 there would (THRESH_TEST_ABORT_AFTER_BATCHES).
pub fn ingest_aborting_after(batches: u32, db: &Path, paths: &[&Path], extra: &[&str]) -> Output {
    Command::cargo_bin("thresh")
        .expect("binary built")
        .args(ingest_args(db, paths, extra))
        .env("THRESH_TEST_ABORT_AFTER_BATCHES", batches.to_string())
        .output()
        .expect("thresh runs")
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn open(db: &Path) -> Connection {
    Connection::open(db).expect("database opens")
}

pub fn count(db: &Path, sql: &str) -> i64 {
    open(db).query_row(sql, [], |r| r.get(0)).unwrap_or_else(|e| panic!("{sql}: {e}"))
}

/// Every row of a query, as strings, for whole-table comparisons.
pub fn rows(db: &Path, sql: &str) -> Vec<Vec<String>> {
    let c = open(db);
    let mut st = c.prepare(sql).unwrap();
    let n = st.column_count();
    st.query_map([], |r| {
        (0..n)
            .map(|i| {
                let v: rusqlite::types::Value = r.get(i)?;
                Ok(format!("{v:?}"))
            })
            .collect::<Result<Vec<_>, _>>()
    })
    .unwrap()
    .collect::<Result<_, _>>()
    .unwrap()
}

/// Whitespace and Unicode normalised, as the seed checks compare.
pub fn norm(s: &str) -> String {
    s.replace('\u{a0}', " ").split_whitespace().collect::<Vec<_>>().join(" ")
}

/// A real HTTP server on 127.0.0.1 for the tests, with a few behaviours:
///
/// - `/robots.txt` disallows `/private`;
/// - `/article` serves an article with `ETag` and `Last-Modified`, answers
///   304 to a matching `If-None-Match`, and changes when `version` is bumped;
/// - `/redirect` answers 301 to `/article`;
/// - `/missing` answers 404; `/gone-later` answers 200, then 410 once `version` ≥ 2;
/// - `/flaky` answers 500 (with `Retry-After: 0`) the first time, then 200;
/// - `/slow` waits 3 s before answering;
/// - `/private/page` must never be requested.
///
/// Every request is counted by path and method outcome. The server stops when dropped.
pub struct TestServer {
    pub base: String,
    pub version: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    pub hits: std::sync::Arc<std::sync::Mutex<Vec<(String, u16)>>>,
    server: std::sync::Arc<tiny_http::Server>,
}

impl Drop for TestServer {
    fn drop(&mut self) {
        self.server.unblock();
    }
}

impl TestServer {
    pub fn start() -> TestServer {
        use std::sync::atomic::Ordering;
        use std::sync::{Arc, Mutex};
        let server = Arc::new(tiny_http::Server::http("127.0.0.1:0").expect("bind loopback"));
        let base = format!("http://{}", server.server_addr().to_ip().expect("ip address"));
        let version = Arc::new(std::sync::atomic::AtomicUsize::new(1));
        let hits: Arc<Mutex<Vec<(String, u16)>>> = Arc::default();
        let flaky_seen = Arc::new(std::sync::atomic::AtomicBool::new(false));
        let (srv, ver, h) = (server.clone(), version.clone(), hits.clone());
        std::thread::spawn(move || {
            for req in srv.incoming_requests() {
                let (ver, h, flaky_seen) = (ver.clone(), h.clone(), flaky_seen.clone());
                std::thread::spawn(move || {
                    let path = req.url().to_string();
                    let v = ver.load(Ordering::SeqCst);
                    let header =
                        |k: &str, val: &str| tiny_http::Header::from_bytes(k.as_bytes(), val.as_bytes()).unwrap();
                    let inm =
                        req.headers().iter().find(|x| x.field.equiv("If-None-Match")).map(|x| x.value.to_string());
                    let (status, body, headers): (u16, Vec<u8>, Vec<tiny_http::Header>) = match path.as_str() {
                        "/robots.txt" => (200, "User-agent: *\nDisallow: /private\n".into(), vec![]),
                        "/article" | "/gone-later" if path == "/gone-later" && v >= 2 => (410, "gone".into(), vec![]),
                        "/article" | "/gone-later" => {
                            let etag = format!("\"v{v}\"");
                            if inm.as_deref() == Some(etag.as_str()) {
                                (304, Vec::new(), vec![header("ETag", &etag)])
                            } else {
                                (
                                    200,
                                    article_html(v, &path).into(),
                                    vec![
                                        header("ETag", &etag),
                                        header("Last-Modified", "Tue, 19 Nov 2019 10:00:00 GMT"),
                                        header("Content-Type", "text/html; charset=utf-8"),
                                    ],
                                )
                            }
                        }
                        "/redirect" => (301, Vec::new(), vec![header("Location", "/article")]),
                        "/missing" => (404, "not here".into(), vec![]),
                        "/flaky" if !flaky_seen.swap(true, Ordering::SeqCst) => {
                            (500, "try again".into(), vec![header("Retry-After", "0")])
                        }
                        "/flaky" => (200, article_html(7, "/flaky").into(), vec![header("Content-Type", "text/html")]),
                        "/slow" => {
                            std::thread::sleep(std::time::Duration::from_secs(3));
                            (200, article_html(8, "/slow").into(), vec![header("Content-Type", "text/html")])
                        }
                        // 64 MiB of text in a 64 KiB gzip response.
                        "/bomb" => (
                            200,
                            gzip(&vec![b'a'; 64 << 20]),
                            vec![header("Content-Type", "text/html"), header("Content-Encoding", "gzip")],
                        ),
                        _ => (404, "no route".into(), vec![]),
                    };
                    h.lock().unwrap().push((path, status));
                    let mut resp = tiny_http::Response::from_data(body).with_status_code(status);
                    for hd in headers {
                        resp.add_header(hd);
                    }
                    let _ = req.respond(resp);
                });
            }
        });
        TestServer { base, version, hits, server }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// How many answers with this status were sent for this path.
    pub fn count(&self, path: &str, status: u16) -> usize {
        self.hits.lock().unwrap().iter().filter(|(p, s)| p == path && *s == status).count()
    }

    pub fn requests(&self, path: &str) -> usize {
        self.hits.lock().unwrap().iter().filter(|(p, _)| p == path).count()
    }
}

/// An article page whose text depends on `version` and `path`.
pub fn article_html(version: usize, path: &str) -> String {
    let para = |i: usize| {
        format!(
            "<p>Paragraph {i} of version {version} at {path}: the council said on Tuesday that the harbour bridge \
             would reopen after months of repairs, and that the cost of the work had risen by about a third.</p>"
        )
    };
    format!(
        "<!doctype html><html lang=en><head><title>Story {path} v{version}</title></head><body><nav><a href='/'>Home</a></nav>\
         <article><h1>Story {path} v{version}</h1>{}</article><footer>© Example</footer></body></html>",
        (1..=4).map(para).collect::<String>()
    )
}

/// One WARC record with these headers and block.
pub fn warc_record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
    let mut r = format!(
        "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2019-11-19T10:00:00Z\r\nWARC-Record-ID: <urn:uuid:0>\r\nContent-Length: {}\r\n\r\n",
        block.len()
    )
    .into_bytes();
    r.extend_from_slice(block);
    r.extend_from_slice(b"\r\n\r\n");
    r
}

pub fn http_response(ctype: &str, body: &str) -> Vec<u8> {
    format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
}

pub fn gzip(b: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    e.write_all(b).unwrap();
    e.finish().unwrap()
}
