//! thresh's SQLite store.
//!
//! [`Store::open`] sets the pragmas (WAL, foreign keys, busy timeout) and
//! applies the migrations in `migrations/` — compiled into the binary — so a
//! database is always at the schema the program expects. The writer side is
//! [`Store::write_batch`]: one transaction per batch, documents decided in the
//! order given, so the content is the same whatever produced the batch.
//!
//! ```
//! use thresh_store::Store;
//! let dir = tempfile::tempdir().unwrap();
//! let mut store = Store::open(&dir.path().join("t.db")).unwrap();
//! let run = store.begin_run("ingest", "[]", "{}", 1).unwrap();
//! store.finish_run(run, thresh_store::RunStatus::Finished).unwrap();
//! assert_eq!(store.stats().unwrap().runs.len(), 1);
//! ```
#![warn(missing_docs)]

mod bands;
mod inspect;
mod merge;
pub mod query;
mod raw;
mod read;
mod site;
mod sources;
mod write;

pub use inspect::{BadQuery, DocView, Hit, Hits, RemovedRow, SearchFilter, EXPORT_COLUMNS};
pub use merge::{ShardDoc, ShardRun};
pub use raw::{RawMode, StoredRaw};
pub use read::{Cluster, DocRef, DupMember, RunStats, Stats, StoredValidators};
pub use site::{learning_host, SampleFn, SiteConfig, SiteReader, StoredInput};
pub use sources::Adopted;
pub use write::{ConfirmFn, Fingerprint, Item, NearDupConfig, Outcome, VerifyFn};

use std::path::{Path, PathBuf};
use std::sync::LazyLock;
use std::time::Duration;

use include_dir::{include_dir, Dir};
use rusqlite::{Connection, OpenFlags, OptionalExtension};
use rusqlite_migration::Migrations;

static MIGRATIONS_DIR: Dir = include_dir!("$CARGO_MANIFEST_DIR/../../migrations");
static MIGRATIONS: LazyLock<Migrations<'static>> = LazyLock::new(|| {
    Migrations::from_directory(&MIGRATIONS_DIR).expect("migrations/ is compiled in and validated by a test")
});

/// SQLite's page cache per connection, in MiB (its default is 2).
const CACHE_MIB: u32 = 64;

/// How long a writer waits for another connection's lock before giving up.
pub const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// Store failures; each names the database file.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The file is not an SQLite database (or is corrupt).
    #[error("{path}: not a usable thresh database: {source}")]
    NotADatabase {
        /// The database file.
        path: PathBuf,
        /// SQLite's complaint.
        source: rusqlite::Error,
    },
    /// A database that cannot be written, made by an older thresh: it needs
    /// migrating, which needs writing.
    #[error("{path}: read-only, and its schema (version {version}) is older than this thresh's ({latest}); run thresh once where it can be written")]
    ReadOnlyBehind {
        /// The database file.
        path: PathBuf,
        /// Its schema version.
        version: i64,
        /// This thresh's.
        latest: i64,
    },
    /// The file is empty: no thresh run has written it (yet).
    #[error("{path}: an empty database; no thresh run has written to it")]
    Empty {
        /// The database file.
        path: PathBuf,
    },
    /// The file is an SQLite database, but not one thresh made.
    #[error("{path}: an SQLite database, but not a thresh database; refusing to touch it")]
    Foreign {
        /// The database file.
        path: PathBuf,
    },
    /// Another process holds the database lock longer than the busy timeout.
    #[error("{path}: database is locked by another process (waited {}s)", BUSY_TIMEOUT.as_secs())]
    Locked {
        /// The database file.
        path: PathBuf,
    },
    /// The schema could not be brought up to date.
    #[error("{path}: cannot migrate schema: {source}")]
    Migration {
        /// The database file.
        path: PathBuf,
        /// What the migration runner said.
        source: rusqlite_migration::Error,
    },
    /// Rows point at rows that are not there (found after migrating).
    #[error("{path}: {count} rows refer to rows that do not exist (see `PRAGMA foreign_key_check`); refusing to write to it")]
    BrokenReferences {
        /// The database file.
        path: PathBuf,
        /// Rows with a dangling reference.
        count: i64,
    },
    /// The database was not found (for read-only commands).
    #[error("{path}: no such database")]
    Missing {
        /// The database file.
        path: PathBuf,
    },
    /// A malformed full-text query.
    #[error(transparent)]
    Query(#[from] inspect::BadQuery),
    /// Writing output failed (e.g. a closed pipe during export).
    #[error("writing output: {0}")]
    Output(std::io::Error),
    /// Any other SQLite error.
    #[error("{path}: {source}")]
    Sqlite {
        /// The database file.
        path: PathBuf,
        /// SQLite's error.
        source: rusqlite::Error,
    },
}

/// An open thresh database.
pub struct Store {
    conn: Connection,
    path: PathBuf,
    near: Option<NearDupConfig>,
    site: Option<SiteConfig>,
    raw: RawMode,
    bands: bands::LiveBands,
}

impl Store {
    /// Open (creating if needed) a database for writing, and migrate it.
    pub fn open(path: &Path) -> Result<Store, StoreError> {
        let conn = Connection::open(path).map_err(|e| classify(path, e))?;
        Store::setup(conn, path, true)
    }

    /// Open an existing database for reading; fails if it does not exist or
    /// is not a thresh database. Migrations are applied if the schema is
    /// behind (so an old database keeps working with a newer binary).
    pub fn open_existing(path: &Path) -> Result<Store, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing { path: path.to_path_buf() });
        }
        if !writable(path) {
            return Store::open_read_only(path);
        }
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| classify(path, e))?;
        let store = Store::setup(conn, path, false)?;
        Ok(store)
    }

    /// A database that cannot be written (a read-only file, or one in a
    /// read-only folder, where SQLite could not make its WAL index): opened
    /// immutable, for reading only, and never migrated.
    fn open_read_only(path: &Path) -> Result<Store, StoreError> {
        let mut uri = url_path(path);
        uri.push_str("?mode=ro&immutable=1");
        let flags = OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_URI | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(&uri, flags).map_err(|e| classify(path, e))?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
        if !is_ours(&conn, path)? {
            return Err(StoreError::Foreign { path: path.to_path_buf() });
        }
        let latest = Store::schema_sql().len() as i64;
        if version < latest {
            return Err(StoreError::ReadOnlyBehind { path: path.to_path_buf(), version, latest });
        }
        Ok(Store::with(conn, path))
    }

    /// A store over an open connection, with nothing set yet.
    fn with(conn: Connection, path: &Path) -> Store {
        Store {
            conn,
            path: path.to_path_buf(),
            near: None,
            site: None,
            raw: RawMode::default(),
            bands: Default::default(),
        }
    }

    fn setup(mut conn: Connection, path: &Path, create: bool) -> Result<Store, StoreError> {
        conn.busy_timeout(BUSY_TIMEOUT).map_err(|e| classify(path, e))?;
        // Touch the file header first: a non-database file fails here, clearly.
        let count_objects = |conn: &Connection| -> Result<i64, StoreError> {
            conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0)).map_err(|e| classify(path, e))
        };
        let mut objects = count_objects(&conn)?;
        if objects == 0 && !create {
            // An empty file: most likely a first ingest that is creating the
            // schema this very moment. Give it the busy timeout to appear.
            let until = std::time::Instant::now() + BUSY_TIMEOUT;
            while objects == 0 && std::time::Instant::now() < until {
                std::thread::sleep(Duration::from_millis(50));
                objects = count_objects(&conn)?;
            }
            if objects == 0 {
                return Err(StoreError::Empty { path: path.to_path_buf() });
            }
        }
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
        // Is it ours? Decided before anything is written (journal mode
        // included): a database with tables must have thresh's, and a
        // user_version thresh set.
        if (objects > 0 || !create) && (version == 0 || !is_ours(&conn, path)?) {
            return Err(StoreError::Foreign { path: path.to_path_buf() });
        }
        if create {
            let mode: String =
                conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0)).map_err(|e| classify(path, e))?;
            debug_assert!(mode.eq_ignore_ascii_case("wal") || mode.eq_ignore_ascii_case("memory"));
        }
        // Migrations run with foreign keys off, as SQLite's procedure for
        // rebuilding a table asks (0008 rebuilds `runs`, which other tables
        // point at); every reference is checked before they are turned on.
        conn.execute_batch(&format!(
            "PRAGMA foreign_keys=OFF; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-{};",
            CACHE_MIB * 1024
        ))
        .map_err(|e| classify(path, e))?;
        MIGRATIONS.to_latest(&mut conn).map_err(|source| match source {
            rusqlite_migration::Error::RusqliteError { err, .. } => classify(path, err),
            source => StoreError::Migration { path: path.to_path_buf(), source },
        })?;
        let broken: i64 = conn
            .query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0))
            .map_err(|e| classify(path, e))?;
        if broken > 0 {
            return Err(StoreError::BrokenReferences { path: path.to_path_buf(), count: broken });
        }
        conn.execute_batch("PRAGMA foreign_keys=ON").map_err(|e| classify(path, e))?;
        Ok(Store::with(conn, path))
    }

    /// Turn on near-duplicate detection for the documents written from now on.
    pub fn set_near_dups(&mut self, cfg: Option<NearDupConfig>) {
        self.near = cfg;
    }

    /// The database file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The underlying connection, for read-only queries in tools and tests.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }

    /// The compiled-in migrations, in order: `(name, SQL)`. Every table and
    /// column is commented there; `thresh schema` prints them.
    pub fn schema_sql() -> Vec<(String, String)> {
        let mut dirs: Vec<_> = MIGRATIONS_DIR.dirs().collect();
        dirs.sort_by_key(|d| d.path().to_path_buf());
        dirs.iter()
            .filter_map(|d| {
                let up = d.get_file(d.path().join("up.sql"))?;
                Some((d.path().display().to_string(), up.contents_utf8()?.to_string()))
            })
            .collect()
    }

    fn err(&self, e: rusqlite::Error) -> StoreError {
        classify(&self.path, e)
    }

    /// Start a run; any run left `running` by a killed process is marked
    /// `interrupted` first. Returns the new run's id.
    pub fn begin_run(&mut self, command: &str, args: &str, config: &str, threads: usize) -> Result<i64, StoreError> {
        let now = now();
        self.conn
            .execute("UPDATE runs SET status='interrupted' WHERE status='running'", [])
            .map_err(|e| self.err(e))?;
        self.conn
            .execute(
                "INSERT INTO runs(started_at, status, command, args, config, threads, thresh_version)
                 VALUES (?1, 'running', ?2, ?3, ?4, ?5, ?6)",
                rusqlite::params![now, command, args, config, threads as i64, env!("CARGO_PKG_VERSION")],
            )
            .map_err(|e| self.err(e))?;
        Ok(self.conn.last_insert_rowid())
    }

    /// The last run, when it is a `command` run that did not finish (killed:
    /// `running`, or `interrupted` by a later start) and `same(its config,
    /// its arguments)` holds: it is marked running again, and returned with
    /// how many inputs it had committed (`runs.n_inputs`, counted in each
    /// batch's transaction).
    pub fn resumable_run(
        &mut self,
        command: &str,
        same: impl Fn(&serde_json::Value, Option<&serde_json::Value>) -> bool,
    ) -> Result<Option<(i64, u64)>, StoreError> {
        type Last = (i64, String, RunStatus, Option<String>, Option<String>, i64);
        let last: Option<Last> = self
            .conn
            .query_row(
                "SELECT id, command, status, config, args, n_inputs FROM runs WHERE origin_db IS NULL
                 ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)),
            )
            .optional()
            .map_err(|e| self.err(e))?;
        let Some((id, cmd, status, config, args, n_inputs)) = last else { return Ok(None) };
        let config = config.and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok());
        let args = args.map(serde_json::Value::String);
        if cmd != command
            || !matches!(status, RunStatus::Running | RunStatus::Interrupted)
            || !config.is_some_and(|c| same(&c, args.as_ref()))
        {
            return Ok(None);
        }
        self.conn
            .execute("UPDATE runs SET status = 'running', finished_at = NULL WHERE id = ?1", [id])
            .map_err(|e| self.err(e))?;
        Ok(Some((id, n_inputs as u64)))
    }

    /// Errors a run recorded (`runs.n_errors`).
    pub fn run_errors(&self, run: i64) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT n_errors FROM runs WHERE id = ?1", [run], |r| r.get::<_, i64>(0).map(|n| n as u64))
            .map_err(|e| self.err(e))
    }

    /// The sources a run has already written (`sources.last_run`): what a
    /// continued run need not read again.
    pub fn sources_of_run(&self, run: i64) -> Result<std::collections::HashSet<String>, StoreError> {
        let mut st = self.conn.prepare("SELECT locator FROM sources WHERE last_run = ?1").map_err(|e| self.err(e))?;
        let rows = st.query_map([run], |r| r.get(0)).and_then(Iterator::collect);
        rows.map_err(|e| self.err(e))
    }

    /// Record that `run` is shard `shard` ('K/N') of a split run.
    pub fn set_run_shard(&mut self, run: i64, shard: &str) -> Result<(), StoreError> {
        self.conn
            .execute("UPDATE runs SET shard = ?1 WHERE id = ?2", rusqlite::params![shard, run])
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Close a run with the status it ended in.
    pub fn finish_run(&mut self, run: i64, status: RunStatus) -> Result<(), StoreError> {
        self.conn
            .execute(
                "UPDATE runs SET finished_at=?1, status=?2 WHERE id=?3",
                rusqlite::params![now(), status.as_str(), run],
            )
            .map_err(|e| self.err(e))?;
        Ok(())
    }

    /// Store per-stage counters for a run (replacing any already there).
    pub fn put_run_stats(&mut self, run: i64, stage: &str, values: &[(String, u64)]) -> Result<(), StoreError> {
        let tx = self.conn.transaction().map_err(|e| classify(&self.path, e))?;
        {
            let mut st = tx
                .prepare_cached("INSERT OR REPLACE INTO run_stats(run_id, stage, name, value) VALUES (?1, ?2, ?3, ?4)")
                .map_err(|e| classify(&self.path, e))?;
            for (name, value) in values {
                st.execute(rusqlite::params![run, stage, name, *value as i64]).map_err(|e| classify(&self.path, e))?;
            }
        }
        tx.commit().map_err(|e| classify(&self.path, e))
    }
}

/// How a run ended (`runs.status`; migration 0008 says what each means).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RunStatus {
    /// Going on, or killed and not yet found by a later run.
    Running,
    /// Every input went through, none failed.
    Finished,
    /// Every input went through, some failed (they are in `errors`).
    Partial,
    /// Stopped early on an error of its own (the database could not be
    /// written, the writer crashed); what it committed is kept.
    Failed,
    /// Killed or stopped from outside, found by a later run.
    Interrupted,
}

impl RunStatus {
    /// The word stored in `runs.status`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Running => "running",
            RunStatus::Finished => "finished",
            RunStatus::Partial => "partial",
            RunStatus::Failed => "failed",
            RunStatus::Interrupted => "interrupted",
        }
    }

    /// Of a stored word; `aborted` is the name `failed` had before migration 0008.
    pub fn parse(s: &str) -> Option<RunStatus> {
        Some(match s {
            "running" => RunStatus::Running,
            "finished" => RunStatus::Finished,
            "partial" => RunStatus::Partial,
            "failed" | "aborted" => RunStatus::Failed,
            "interrupted" => RunStatus::Interrupted,
            _ => return None,
        })
    }

    /// A run that went through every input: finished, or partial when some failed.
    pub fn completed(errors: u64) -> RunStatus {
        if errors == 0 {
            RunStatus::Finished
        } else {
            RunStatus::Partial
        }
    }
}

impl std::fmt::Display for RunStatus {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl rusqlite::types::FromSql for RunStatus {
    fn column_result(v: rusqlite::types::ValueRef<'_>) -> rusqlite::types::FromSqlResult<Self> {
        let s = v.as_str()?;
        RunStatus::parse(s)
            .ok_or_else(|| rusqlite::types::FromSqlError::Other(format!("unknown run status {s:?}").into()))
    }
}

/// Current time, ISO 8601 UTC with milliseconds: the one timestamp format
/// of the database (text comparisons on it order by time).
pub fn now() -> String {
    iso_millis(std::time::SystemTime::now())
}

/// Whether thresh made the database: its `documents` and `runs` tables are there.
fn is_ours(conn: &Connection, path: &Path) -> Result<bool, StoreError> {
    conn.query_row(
        "SELECT count(*) = 2 FROM sqlite_master WHERE type='table' AND name IN ('documents', 'runs')",
        [],
        |r| r.get(0),
    )
    .map_err(|e| classify(path, e))
}

/// Whether this process may write `path` and make files beside it (SQLite's
/// WAL index and journal).
fn writable(path: &Path) -> bool {
    let file_ok = std::fs::OpenOptions::new().append(true).open(path).is_ok();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    file_ok && tempfile::tempfile_in(dir).is_ok()
}

/// `path` as a `file:` URI (percent-encoding what a URI cannot hold).
fn url_path(path: &Path) -> String {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let mut out = String::from("file:");
    for b in abs.to_string_lossy().bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// A time as `YYYY-MM-DDTHH:MM:SS.mmmZ`; times before 1970 are 1970 (no
/// document is older), times past 9999 are the end of 9999.
pub fn iso_millis(t: std::time::SystemTime) -> String {
    let d = t.duration_since(std::time::UNIX_EPOCH).unwrap_or_default();
    let last = chrono::NaiveDate::from_ymd_opt(9999, 12, 31).and_then(|d| d.and_hms_milli_opt(23, 59, 59, 999));
    let t = i64::try_from(d.as_secs())
        .ok()
        .and_then(|s| chrono::DateTime::from_timestamp(s, d.subsec_nanos()))
        .filter(|t| last.is_some_and(|l| t.naive_utc() <= l))
        .unwrap_or_else(|| last.expect("a valid date").and_utc());
    t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
fn iso8601_utc(secs: i64, millis: u32) -> String {
    iso_millis(std::time::UNIX_EPOCH + std::time::Duration::new(secs as u64, millis * 1_000_000))
}

pub(crate) fn classify(path: &Path, e: rusqlite::Error) -> StoreError {
    use rusqlite::ffi::ErrorCode;
    let path = path.to_path_buf();
    match e.sqlite_error_code() {
        Some(ErrorCode::NotADatabase) | Some(ErrorCode::DatabaseCorrupt) => {
            StoreError::NotADatabase { path, source: e }
        }
        Some(ErrorCode::DatabaseBusy) | Some(ErrorCode::DatabaseLocked) => StoreError::Locked { path },
        _ => StoreError::Sqlite { path, source: e },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn migrations_are_valid() {
        MIGRATIONS.validate().unwrap();
    }

    /// A database in a temporary directory, migrated up to `version` only
    /// (as an older thresh left it), with foreign keys on or off for the
    /// rows a test writes into it: the directory, the file, the connection.
    fn old_database(version: usize, foreign_keys: bool) -> (tempfile::TempDir, std::path::PathBuf, Connection) {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("old.db");
        let mut conn = Connection::open(&p).unwrap();
        conn.execute_batch(if foreign_keys { "PRAGMA foreign_keys=ON" } else { "PRAGMA foreign_keys=OFF" }).unwrap();
        MIGRATIONS.to_version(&mut conn, version).unwrap();
        (d, p, conn)
    }

    /// A database written before 0005 gets its dates in UTC, the page's own
    /// form kept in published_local.
    #[test]
    fn published_at_is_migrated_to_utc() {
        let (_d, p, conn) = old_database(4, false);
        let dates = ["2019-11-19", "2019-11-19T22:04:05-05:00", "2019-11-19T10:04", "not a date"];
        for (i, date) in dates.iter().enumerate() {
            conn.execute(
                "INSERT INTO documents(source, title, published_at, text, text_sha256, media_type, raw_sha256,
                     raw_bytes, n_chars, n_removed, created_at, updated_at)
                 VALUES (?1, 't', ?2, 'x', printf('%064d', 0), 'text', 'r', 1, 1, 0, 'now', 'now')",
                rusqlite::params![format!("f{i}"), date],
            )
            .unwrap();
        }
        drop(conn);
        let s = Store::open(&p).unwrap();
        let got: Vec<(Option<String>, Option<String>)> = s
            .conn
            .prepare("SELECT published_at, published_local FROM documents ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let utc = ["2019-11-19T00:00:00Z", "2019-11-20T03:04:05Z", "2019-11-19T10:04:00Z", "not a date"];
        for ((at, local), (want, page)) in got.iter().zip(utc.iter().zip(dates)) {
            assert_eq!(at.as_deref(), Some(*want));
            assert_eq!(local.as_deref(), Some(page));
        }
    }

    /// 0008 rebuilds `runs` for its new statuses: rows, the rows that
    /// point at them, and the view over it come through; `aborted` is `failed`.
    #[test]
    fn run_statuses_are_migrated_with_their_references() {
        let (_d, p, conn) = old_database(7, true);
        conn.execute_batch(
            "INSERT INTO runs(id, started_at, status, command, n_errors, n_gone) VALUES
                 (1, 'a', 'finished', 'ingest', 0, 0), (2, 'b', 'aborted', 'ingest', 3, 1), (3, 'c', 'running', 'refresh', 0, 0);
             INSERT INTO errors(run_id, locator, stage, kind, message, at) VALUES (2, 'x.html', 'fetch', 'io', 'gone', 'b');
             INSERT INTO run_stats(run_id, stage, name, value) VALUES (2, 'clean', 'docs_in', 5);",
        )
        .unwrap();
        drop(conn);
        let mut s = Store::open(&p).unwrap();
        let rows: Vec<(i64, RunStatus, i64, i64)> = s
            .conn
            .prepare("SELECT id, status, n_errors, n_gone FROM run_summary")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [(1, RunStatus::Finished, 0, 0), (2, RunStatus::Failed, 3, 1), (3, RunStatus::Running, 0, 0)]);
        let stored: String = s.conn.query_row("SELECT status FROM runs WHERE id = 2", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, "failed");
        // The children still point at `runs`, and every reference holds.
        let orphans: i64 = s.conn.query_row("SELECT count(*) FROM pragma_foreign_key_check", [], |r| r.get(0)).unwrap();
        assert_eq!(orphans, 0);
        let schema: String =
            s.conn.query_row("SELECT group_concat(sql, ' ') FROM sqlite_master", [], |r| r.get(0)).unwrap();
        assert!(!schema.contains("runs_0007"), "{schema}");
        assert!(s.conn.execute("INSERT INTO errors(run_id, locator, stage, kind, message, at) VALUES (99, 'y', 'fetch', 'io', 'm', 'c')", []).is_err());
        // New statuses are accepted, unknown ones are not.
        let r = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        s.finish_run(r, RunStatus::Partial).unwrap();
        assert!(s.conn.execute("UPDATE runs SET status = 'done' WHERE id = 1", []).is_err());
    }

    #[test]
    fn documents_stored_before_0011_get_their_deciding_run_and_order() {
        // (As Store::open migrates: foreign keys off, see setup.)
        let (_d, p, conn) = old_database(10, false);
        let doc = |id: i64, first: i64, last: i64| {
            format!(
                "INSERT INTO documents(id, source, text, text_sha256, media_type, first_run, last_run, created_at, updated_at)
                 VALUES ({id}, 's{id}', 't', '{}', 'text', {first}, {last}, 'a', 'a');",
                "0".repeat(64)
            )
        };
        conn.execute_batch(&format!(
            "INSERT INTO runs(id, started_at, status, command) VALUES
                 (1, 'a', 'finished', 'ingest'), (2, 'b', 'finished', 'ingest'), (3, 'c', 'finished', 'refresh');
             {} {} {}
             INSERT INTO document_versions(document_id, run_id, replaced_at, text, text_sha256) VALUES (2, 2, 'b', 'old', 'x');",
            doc(1, 1, 3), // stored in run 1, found unchanged since: decided by run 1
            doc(2, 1, 3), // changed by run 2 (it kept a version), unchanged in 3
            doc(3, 2, 2),
        ))
        .unwrap_or_else(|e| panic!("{e}"));
        drop(conn);
        let s = Store::open(&p).unwrap();
        let rows: Vec<(i64, i64, i64)> = s
            .conn
            .prepare("SELECT id, input_run, input_seq FROM documents ORDER BY id")
            .unwrap()
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(rows, [(1, 1, 1), (2, 2, 2), (3, 2, 3)]);
        assert_eq!(s.identity().unwrap().len(), 32);
        assert_eq!(s.documents_of_run(2, (i64::MIN, i64::MIN), 10).unwrap(), [(2, 2), (3, 3)]);
    }

    #[test]
    fn signatures_stored_before_0012_still_find_their_copies() {
        let (_d, p, conn) = old_database(11, false);
        // A document with its signature and its band rows, as 0011 kept them.
        let key: i64 = 7 << 40;
        let keys: Vec<u8> = [key, 1 << 33].iter().flat_map(|k| k.to_le_bytes()).collect();
        conn.execute_batch(&format!(
            "INSERT INTO runs(id, started_at, status, command) VALUES (1, 'a', 'finished', 'ingest');
             INSERT INTO documents(id, source, text, text_sha256, media_type, first_run, last_run, created_at, updated_at)
                 VALUES (1, 's1', 'text of one', '{}', 'text', 1, 1, 'a', 'a');
             INSERT INTO minhash_bands(band, key, document_id) VALUES (0, {key}, 1), (1, {}, 1);",
            "0".repeat(64),
            1i64 << 33
        ))
        .unwrap();
        conn.execute(
            "INSERT INTO minhash_signatures(document_id, n_shingles, sig, bands) VALUES (1, 10, ?1, ?2)",
            rusqlite::params![vec![1u8; 40], keys],
        )
        .unwrap();
        drop(conn);
        let mut s = Store::open(&p).unwrap();
        let left: i64 = s
            .conn
            .query_row("SELECT count(*) FROM sqlite_master WHERE name = 'minhash_bands'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(left, 0);
        fn same(_: &[u8], _: u32, _: &[u8], _: u32, _: f64) -> Option<f64> {
            Some(0.9)
        }
        s.set_near_dups(Some(NearDupConfig {
            threshold: 0.8,
            confirm: same,
            max_bucket: 16,
            verify: None,
            verify_margin: 0.0,
        }));
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let copy =
            thresh_doc::Doc::new(thresh_doc::Source::file("s2"), thresh_doc::MediaType::Text, "text of two".into());
        let sha = "1".repeat(64);
        let sig = vec![1u8; 40];
        let fp = Fingerprint { text_sha256: &sha, minhash: Some(&sig), shingles: 10, bands: &[key, 5 << 33] };
        let out = s.write_batch(run, &[Item::Doc { doc: &copy, fp, raw: None, seq: None }]).unwrap();
        assert_eq!(out, [Outcome::New { id: 2, dup_of: Some(1) }], "found through the keys kept with its signature");
    }

    #[test]
    fn times_out_of_range_are_clamped_not_a_panic() {
        let now = std::time::SystemTime::now();
        let ancient = now.checked_sub(std::time::Duration::from_secs(300_000 * 366 * 86_400)).unwrap();
        assert_eq!(iso_millis(ancient), "1970-01-01T00:00:00.000Z");
        let far = now + std::time::Duration::from_secs(300_000 * 366 * 86_400);
        assert_eq!(iso_millis(far), "9999-12-31T23:59:59.999Z");
    }

    /// Another app's database with a user_version of its own is refused
    /// before anything is written: its journal mode stays as it was.
    #[test]
    fn a_foreign_database_is_refused_untouched() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("app.db");
        let c = Connection::open(&p).unwrap();
        c.execute_batch("CREATE TABLE notes(x); PRAGMA user_version = 7;").unwrap();
        drop(c);
        let before = std::fs::read(&p).unwrap();
        assert!(matches!(Store::open(&p), Err(StoreError::Foreign { .. })));
        assert!(matches!(Store::open_existing(&p), Err(StoreError::Foreign { .. })));
        assert_eq!(std::fs::read(&p).unwrap(), before);
        let mode: String = Connection::open(&p).unwrap().query_row("PRAGMA journal_mode", [], |r| r.get(0)).unwrap();
        assert_eq!(mode, "delete");
    }

    /// A database in a folder this process cannot write is read (opened
    /// immutable). Skipped where permissions do not bind (root).
    #[test]
    fn a_read_only_database_can_be_read() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("ro");
        std::fs::create_dir(&dir).unwrap();
        let p = dir.join("t.db");
        drop(Store::open(&p).unwrap());
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o444)).unwrap();
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o555)).unwrap();
        // The read-only way in, whoever runs the test.
        let s = Store::open_read_only(&p).unwrap();
        assert_eq!(s.stats().unwrap().documents, 0);
        drop(s);
        let binding = std::fs::File::create(dir.join("probe")).is_err();
        if binding {
            let s = Store::open_existing(&p).unwrap();
            assert_eq!(s.stats().unwrap().documents, 0);
        }
        std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    }

    /// A reader that opens the database while the first ingest is still
    /// creating it waits for the schema instead of calling it foreign.
    #[test]
    fn a_reader_racing_the_first_writer_waits_for_the_schema() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("new.db");
        std::fs::File::create(&p).unwrap();
        let writer = {
            let p = p.clone();
            std::thread::spawn(move || {
                std::thread::sleep(Duration::from_millis(300));
                drop(Store::open(&p).unwrap());
            })
        };
        let s = Store::open_existing(&p).unwrap();
        assert_eq!(s.stats().unwrap().documents, 0);
        writer.join().unwrap();
    }

    #[test]
    fn iso_dates() {
        assert_eq!(iso8601_utc(0, 0), "1970-01-01T00:00:00.000Z");
        assert_eq!(iso8601_utc(1_700_000_000, 5), "2023-11-14T22:13:20.005Z");
        assert_eq!(iso8601_utc(951_782_400, 0), "2000-02-29T00:00:00.000Z");
    }

    #[test]
    fn garbage_file_is_not_a_database() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("junk.db");
        std::fs::write(&p, b"this is definitely not sqlite, just some text padding it out ......").unwrap();
        let e = Store::open(&p).err().unwrap();
        assert!(matches!(e, StoreError::NotADatabase { .. }), "{e}");
        assert!(e.to_string().contains("junk.db"));
        // and the file is left alone
        assert!(std::fs::read(&p).unwrap().starts_with(b"this is definitely"));
    }

    #[test]
    fn open_existing_refuses_missing_and_foreign() {
        let d = tempfile::tempdir().unwrap();
        assert!(matches!(Store::open_existing(&d.path().join("nope.db")), Err(StoreError::Missing { .. })));
        let p = d.path().join("other.db");
        Connection::open(&p).unwrap().execute_batch("CREATE TABLE t(x)").unwrap();
        assert!(matches!(Store::open_existing(&p), Err(StoreError::Foreign { .. })));
        assert!(matches!(Store::open(&p), Err(StoreError::Foreign { .. })));
    }

    #[test]
    fn interrupted_runs_are_marked() {
        let d = tempfile::tempdir().unwrap();
        let mut s = Store::open(&d.path().join("t.db")).unwrap();
        let r1 = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let r2 = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        s.finish_run(r2, RunStatus::Finished).unwrap();
        let st: String = s.conn.query_row("SELECT status FROM runs WHERE id=?1", [r1], |r| r.get(0)).unwrap();
        assert_eq!(st, "interrupted");
    }
}
