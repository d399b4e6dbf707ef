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

pub fn ingest(db: &Path, paths: &[&Path], extra: &[&str]) -> Output {
    let mut args = vec!["ingest".to_string(), "--db".into(), db.to_string_lossy().into_owned()];
    args.extend(extra.iter().map(|s| s.to_string()));
    args.extend(paths.iter().map(|p| p.to_string_lossy().into_owned()));
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    thresh(&args)
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
