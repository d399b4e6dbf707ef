//! Read-backs for people: search, show, export, runs, and the numbers the
//! report draws.

use rusqlite::{params, OptionalExtension, Row};
use serde_json::{json, Value};

use crate::{Store, StoreError};

/// Search filters.
#[derive(Debug, Clone, Default)]
pub struct SearchFilter {
    /// Only documents of this site (site name or URL host).
    pub site: Option<String>,
    /// Published on or after (ISO 8601 prefix).
    pub since: Option<String>,
    /// Published on or before (ISO 8601 prefix).
    pub until: Option<String>,
    /// Only this language (ISO 639-1).
    pub lang: Option<String>,
    /// Include documents marked as duplicates.
    pub include_dups: bool,
    /// Most hits.
    pub limit: usize,
    /// Longest the search may run (None: [`SEARCH_BUDGET`]).
    pub budget: Option<std::time::Duration>,
    /// The query is FTS5 syntax, passed as it is (else it is read as a
    /// person types it: [`crate::query::to_fts5`]).
    pub raw: bool,
}

/// The hits of a search and how many documents match in all.
#[derive(Debug, Clone, PartialEq)]
pub struct Hits {
    /// Best first, at most the filter's limit.
    pub hits: Vec<Hit>,
    /// Every matching document (the filters applied).
    pub total: u64,
}

/// One search hit.
#[derive(Debug, Clone, PartialEq)]
pub struct Hit {
    /// Document id.
    pub id: i64,
    /// Title.
    pub title: Option<String>,
    /// Source locator.
    pub source: String,
    /// Page URL.
    pub url: Option<String>,
    /// Published date.
    pub published_at: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Language.
    pub lang: Option<String>,
    /// The earliest document this duplicates.
    pub dup_of: Option<i64>,
    /// Text around the match, matches in `[` `]`.
    pub snippet: String,
    /// bm25 rank (lower is better).
    pub rank: f64,
}

/// Most terms in a search query.
const MAX_TERMS: usize = 64;
/// Most prefix terms (`word*`) in a search query.
const MAX_PREFIX_TERMS: usize = 16;
/// Longest a search may run, by default.
pub const SEARCH_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);

/// A malformed FTS5 query, told apart from other failures.
#[derive(Debug, thiserror::Error)]
#[error("malformed search query {query:?}: {why}")]
pub struct BadQuery {
    /// The query.
    pub query: String,
    /// SQLite's complaint.
    pub why: String,
}

/// A removed segment, for `show --explain`.
#[derive(Debug, Clone, PartialEq)]
pub struct RemovedRow {
    /// Kind.
    pub kind: String,
    /// Rule.
    pub rule: String,
    /// Text.
    pub text: String,
}

/// A whole document, for `show`.
#[derive(Debug, Clone)]
pub struct DocView {
    /// All columns of the `documents` row, as JSON.
    pub row: Value,
    /// The decoded input.
    pub raw: Option<String>,
    /// Removed segments in order.
    pub removed: Vec<RemovedRow>,
    /// Earlier versions kept.
    pub versions: i64,
}

fn row_json(r: &Row<'_>) -> rusqlite::Result<Value> {
    let mut m = serde_json::Map::new();
    let stmt = r.as_ref();
    for i in 0..stmt.column_count() {
        let name = stmt.column_name(i)?.to_string();
        let v = match r.get_ref(i)? {
            rusqlite::types::ValueRef::Null => Value::Null,
            rusqlite::types::ValueRef::Integer(n) => json!(n),
            rusqlite::types::ValueRef::Real(f) => json!(f),
            rusqlite::types::ValueRef::Text(t) => json!(String::from_utf8_lossy(t)),
            rusqlite::types::ValueRef::Blob(b) => json!(format!("<{} bytes>", b.len())),
        };
        m.insert(name, v);
    }
    Ok(Value::Object(m))
}

/// Columns of an export row.
pub const EXPORT_COLUMNS: &[&str] = &[
    "id",
    "source",
    "url",
    "canonical_url",
    "title",
    "published_at",
    "author",
    "site",
    "lang",
    "text",
    "text_sha256",
    "dup_of",
    "dup_kind",
    "dup_similarity",
    "media_type",
    "method",
    "n_chars",
    "n_removed",
    "first_run",
    "last_run",
    "created_at",
    "updated_at",
    // Added later: at the end, so CSV columns keep their places.
    "published_local",
];

impl Store {
    /// Full-text search, best first (bm25, title weighted over text).
    pub fn search(&self, typed: &str, f: &SearchFilter) -> Result<Hits, StoreError> {
        let bad = |why: String| StoreError::Query(BadQuery { query: typed.to_string(), why });
        let rewritten;
        let query = if f.raw {
            typed
        } else {
            rewritten = crate::query::to_fts5(typed);
            if rewritten.is_empty() {
                return Err(bad("nothing to search for (no letters or digits)".into()));
            }
            &rewritten
        };
        // Prefix terms each expand to every matching token: many of them
        // make a query that runs for minutes.
        let terms = query.split_whitespace().filter(|t| !matches!(*t, "AND" | "OR" | "NOT")).count();
        let prefixes = query.split_whitespace().filter(|t| t.trim_end_matches([')', '"']).ends_with('*')).count();
        if prefixes > MAX_PREFIX_TERMS || terms > MAX_TERMS {
            return Err(bad(format!(
                "too complex: {terms} terms, {prefixes} of them prefixes (at most {MAX_TERMS} and {MAX_PREFIX_TERMS})"
            )));
        }
        // And a time budget, whatever the query.
        let budget = f.budget.unwrap_or(SEARCH_BUDGET);
        let deadline = std::time::Instant::now() + budget;
        // SQLite checks for an interrupt between steps and inside FTS5's
        // long loops; a watchdog thread sends it at the deadline.
        let handle = self.conn.get_interrupt_handle();
        let (done, wait) = std::sync::mpsc::channel::<()>();
        let watchdog = std::thread::spawn(move || {
            if let Err(std::sync::mpsc::RecvTimeoutError::Timeout) =
                wait.recv_timeout(deadline.saturating_duration_since(std::time::Instant::now()))
            {
                handle.interrupt();
            }
        });
        let hits = self.search_unguarded(query, f);
        drop(done);
        let _ = watchdog.join();
        hits.map_err(|e| match e {
            StoreError::Sqlite { source, .. }
                if source.sqlite_error_code() == Some(rusqlite::ErrorCode::OperationInterrupted) =>
            {
                bad(format!("stopped after {:.1} s (--max-seconds); make it narrower", budget.as_secs_f64()))
            }
            e => e,
        })
    }

    fn search_unguarded(&self, query: &str, f: &SearchFilter) -> Result<Hits, StoreError> {
        const MATCHING: &str = "FROM documents_fts JOIN documents d ON d.id = documents_fts.rowid
                 WHERE documents_fts MATCH ?1
                   AND (?2 IS NULL OR d.site = ?2 COLLATE NOCASE OR d.url LIKE '%://' || ?2 || '/%'
                        OR d.url LIKE '%://www.' || ?2 || '/%')
                   AND (?3 IS NULL OR d.published_at >= ?3)
                   AND (?4 IS NULL OR d.published_at <= ?4 || 'z')
                   AND (?5 IS NULL OR d.lang = ?5)
                   AND (?6 OR d.dup_of IS NULL)";
        let bad_query = |e: rusqlite::Error| match e {
            rusqlite::Error::SqliteFailure(_, Some(msg)) if msg.contains("fts5") || msg.contains("syntax") => {
                StoreError::Query(BadQuery { query: query.to_string(), why: msg })
            }
            e => self.err(e),
        };
        let total: i64 = self
            .conn
            .query_row(
                &format!("SELECT count(*) {MATCHING}"),
                params![query, f.site, f.since, f.until, f.lang, f.include_dups],
                |r| r.get(0),
            )
            .map_err(bad_query)?;
        let mut st = self
            .conn
            .prepare(&format!(
                "SELECT d.id, d.title, d.source, d.url, d.published_at, d.site, d.lang, d.dup_of,
                        snippet(documents_fts, 1, '[', ']', '…', 16), bm25(documents_fts, 4.0, 1.0) AS rank
                 {MATCHING} ORDER BY rank, d.id LIMIT ?7"
            ))
            .map_err(|e| self.err(e))?;
        let rows = st.query_map(
            params![query, f.site, f.since, f.until, f.lang, f.include_dups, f.limit.max(1) as i64],
            |r| {
                Ok(Hit {
                    id: r.get(0)?,
                    title: r.get(1)?,
                    source: r.get(2)?,
                    url: r.get(3)?,
                    published_at: r.get(4)?,
                    site: r.get(5)?,
                    lang: r.get(6)?,
                    dup_of: r.get(7)?,
                    snippet: r.get(8)?,
                    rank: r.get(9)?,
                })
            },
        );
        let hits = rows.and_then(|rows| rows.collect::<Result<Vec<_>, _>>()).map_err(bad_query)?;
        Ok(Hits { hits, total: total as u64 })
    }

    /// A document by id, or by URL / source locator.
    pub fn document(&self, key: &str) -> Result<Option<DocView>, StoreError> {
        let e = |e| self.err(e);
        let id: Option<i64> = match key.parse::<i64>() {
            Ok(id) => Some(id),
            Err(_) => self
                .conn
                .query_row(
                    "SELECT id FROM documents WHERE source = ?1 OR url = ?1 OR canonical_url = ?1 ORDER BY id LIMIT 1",
                    [key],
                    |r| r.get(0),
                )
                .optional()
                .map_err(e)?,
        };
        let Some(id) = id else { return Ok(None) };
        let row = self.conn.query_row("SELECT * FROM documents WHERE id = ?1", [id], row_json).optional().map_err(e)?;
        let Some(row) = row else { return Ok(None) };
        let raw = self
            .conn
            .query_row("SELECT body FROM document_raw WHERE document_id = ?1", [id], |r| crate::raw::body(r, 0))
            .optional()
            .map_err(e)?;
        let mut st = self
            .conn
            .prepare("SELECT kind, rule, text FROM removed_segments WHERE document_id = ?1 ORDER BY seq")
            .map_err(e)?;
        let removed = st
            .query_map([id], |r| Ok(RemovedRow { kind: r.get(0)?, rule: r.get(1)?, text: r.get(2)? }))
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        let versions = self
            .conn
            .query_row("SELECT count(*) FROM document_versions WHERE document_id = ?1", [id], |r| r.get(0))
            .map_err(e)?;
        Ok(Some(DocView { row, raw, removed, versions }))
    }

    /// Stream every document (in id order) to `each`, one row at a time:
    /// constant memory however many rows there are. Returns the row count.
    pub fn export(
        &self,
        since_run: Option<i64>,
        include_dups: bool,
        mut each: impl FnMut(&Value) -> std::io::Result<()>,
    ) -> Result<u64, StoreError> {
        let sql = format!(
            "SELECT {} FROM documents WHERE (?1 IS NULL OR last_run >= ?1) AND (?2 OR dup_of IS NULL) ORDER BY id",
            EXPORT_COLUMNS.join(", ")
        );
        let mut st = self.conn.prepare(&sql).map_err(|e| self.err(e))?;
        let mut rows = st.query(params![since_run, include_dups]).map_err(|e| self.err(e))?;
        let mut n = 0;
        while let Some(r) = rows.next().map_err(|e| self.err(e))? {
            let v = row_json(r).map_err(|e| self.err(e))?;
            each(&v).map_err(StoreError::Output)?;
            n += 1;
        }
        Ok(n)
    }

    /// Rows of a read-only query as JSON objects (for the report and `runs`).
    pub fn rows(&self, sql: &str) -> Result<Vec<Value>, StoreError> {
        let mut st = self.conn.prepare(sql).map_err(|e| self.err(e))?;
        let rows = st.query_map([], row_json).map_err(|e| self.err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.err(e))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Fingerprint, Item};
    use thresh_doc::{Doc, MediaType, Removed, Source};

    fn store_with_docs() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let mk = |loc: &str, title: &str, text: &str, site: &str, date: &str| {
            let mut d = Doc::new(Source::file(loc), MediaType::Text, format!("raw of {loc}"));
            d.raw_sha256 = format!("{:0>64}", loc.len());
            d.title = Some(title.into());
            d.paragraphs = vec![text.into()];
            d.site = Some(site.into());
            d.url = Some(format!("https://{site}/{loc}"));
            d.published = Some(date.into());
            d.lang = Some("en".into());
            d.removed = vec![Removed::new("widget", "phrase:x", "Close")];
            d
        };
        let docs = [
            mk("a", "Bridge reopens", "The harbour bridge reopened on Tuesday.", "gazette.example", "2021-03-04"),
            mk("b", "Council budget", "The council approved a budget for the bridge.", "herald.example", "2021-05-01"),
            mk("c", "Bridge reopens", "The harbour bridge reopened on Tuesday.", "mirror.example", "2021-03-05"),
        ];
        let shas: Vec<String> = docs.iter().map(|d| format!("{:0>64}", d.text().len())).collect();
        let items: Vec<Item<'_>> = docs
            .iter()
            .zip(&shas)
            .map(|(d, s)| Item::Doc { doc: d, fp: Fingerprint::exact(s), raw: None, seq: None })
            .collect();
        s.write_batch(run, &items).unwrap();
        (dir, s)
    }

    #[test]
    fn search_ranks_filters_and_hides_duplicates() {
        let (_d, s) = store_with_docs();
        let all = SearchFilter { limit: 10, ..Default::default() };
        let found = s.search("bridge", &all).unwrap();
        assert_eq!(found.total, 2);
        let hits = found.hits;
        assert_eq!(hits.iter().map(|h| h.id).collect::<Vec<_>>(), [1, 2], "c is a duplicate of a");
        assert!(hits[0].snippet.contains("[bridge]"), "{}", hits[0].snippet);
        let n = |f: &SearchFilter| s.search("bridge", f).unwrap().hits.len();
        let with_dups = SearchFilter { include_dups: true, ..all.clone() };
        assert_eq!(n(&with_dups), 3);
        let site = SearchFilter { site: Some("herald.example".into()), ..all.clone() };
        assert_eq!(s.search("bridge", &site).unwrap().hits[0].id, 2);
        let since = SearchFilter { since: Some("2021-04".into()), ..all.clone() };
        assert_eq!(n(&since), 1);
        let until = SearchFilter { until: Some("2021-03-04".into()), ..all.clone() };
        assert_eq!(n(&until), 1);
        let one = SearchFilter { limit: 1, ..all.clone() };
        let found = s.search("bridge", &one).unwrap();
        assert_eq!((found.hits.len(), found.total), (1, 2));
        // What a person types is searched; FTS5 syntax errors only when asked for it raw.
        assert_eq!(s.search("bridge AND (", &all).unwrap().total, 2);
        assert_eq!(s.search("harbour's \"tues", &all).unwrap().total, 0);
        assert_eq!(s.search("bridge's", &all).unwrap().total, 0);
        assert_eq!(s.search("e-mail OR tuesday", &all).unwrap().total, 1);
        let raw = SearchFilter { raw: true, ..all.clone() };
        let e = s.search("bridge AND (", &raw).unwrap_err();
        assert!(matches!(e, StoreError::Query(_)), "{e}");
        let e = s.search("?!", &all).unwrap_err();
        assert!(e.to_string().contains("nothing to search for"), "{e}");
    }

    /// Whatever is typed, the rewritten query is valid FTS5.
    #[test]
    fn any_typed_query_is_valid_fts5() {
        let (_d, s) = store_with_docs();
        let all = SearchFilter { limit: 10, ..Default::default() };
        let alphabet: Vec<char> = "ab \"()*:-'%?+^.AND OR NOT title text{}[]~,;\\".chars().collect();
        let mut x: u64 = 0x9E3779B97F4A7C15;
        for _ in 0..3000 {
            let mut q = String::new();
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let len = (x % 24) as usize;
            for k in 0..len {
                let c = alphabet[((x >> (k % 8 * 8)) as usize + k * 7) % alphabet.len()];
                q.push(c);
                if c == 'N' {
                    q.push_str("OT ");
                }
            }
            match s.search(&q, &all) {
                Ok(_) => {}
                Err(StoreError::Query(b)) if b.why.starts_with("nothing to search") => {}
                Err(e) => panic!("{q:?} -> {:?}: {e}", crate::query::to_fts5(&q)),
            }
        }
    }

    #[test]
    fn show_and_export() {
        let (_d, s) = store_with_docs();
        let v = s.document("2").unwrap().unwrap();
        assert_eq!(v.row["title"], "Council budget");
        assert_eq!(v.raw.as_deref(), Some("raw of b"));
        assert_eq!(v.removed[0].kind, "widget");
        assert!(s.document("https://herald.example/b").unwrap().is_some());
        assert!(s.document("99").unwrap().is_none());
        let mut seen = Vec::new();
        let n = s.export(None, false, |v| {
            seen.push(v["id"].as_i64().unwrap());
            Ok(())
        });
        assert_eq!(n.unwrap(), 2);
        assert_eq!(seen, [1, 2]);
        assert_eq!(s.export(None, true, |_| Ok(())).unwrap(), 3);
    }
}
