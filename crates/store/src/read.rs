//! Read-backs: statistics for `thresh stats`.

use rusqlite::OptionalExtension;
use serde_json::{json, Value};

use crate::{Store, StoreError};

/// One run's summary row.
#[derive(Debug, Clone, PartialEq)]
pub struct RunStats {
    /// Run id.
    pub id: i64,
    /// Command (`ingest`, `refresh`).
    pub command: String,
    /// How it ended (or that it is still going).
    pub status: crate::RunStatus,
    /// Start, ISO 8601.
    pub started_at: String,
    /// End, ISO 8601 (None while running or if killed).
    pub finished_at: Option<String>,
    /// Inputs seen.
    pub n_inputs: i64,
    /// New documents (duplicates included).
    pub n_new: i64,
    /// Updated documents.
    pub n_updated: i64,
    /// Unchanged inputs.
    pub n_unchanged: i64,
    /// Duplicates among the new / updated.
    pub n_duplicates: i64,
    /// Inputs dropped.
    pub n_dropped: i64,
    /// Inputs that failed.
    pub n_errors: i64,
}

/// Whole-database statistics.
#[derive(Debug, Clone, PartialEq)]
pub struct Stats {
    /// All document rows.
    pub documents: i64,
    /// Rows marked as duplicates.
    pub duplicates: i64,
    /// Segments removed, by kind, most first.
    pub removals_by_kind: Vec<(String, i64)>,
    /// Documents by extraction method (a `*-fallback` method means the
    /// rules removed everything and the best prose was kept).
    pub documents_by_method: Vec<(String, i64)>,
    /// Error rows.
    pub errors: i64,
    /// Errors by kind, most first.
    pub errors_by_kind: Vec<(String, i64)>,
    /// Inputs skipped over all runs, by reason (`extension`: files a
    /// directory walk left out), most first.
    pub skipped_by_reason: Vec<(String, i64)>,
    /// Every run, oldest first.
    pub runs: Vec<RunStats>,
}

impl Stats {
    /// As JSON, for `--format json`.
    pub fn to_json(&self) -> Value {
        json!({
            "documents": self.documents,
            "duplicates": self.duplicates,
            "documents_by_method": self.documents_by_method.iter().map(|(k, n)| json!({"method": k, "count": n})).collect::<Vec<_>>(),
            "removals_by_kind": self.removals_by_kind.iter().map(|(k, n)| json!({"kind": k, "count": n})).collect::<Vec<_>>(),
            "errors": self.errors,
            "errors_by_kind": self.errors_by_kind.iter().map(|(k, n)| json!({"kind": k, "count": n})).collect::<Vec<_>>(),
            "skipped_by_reason": self.skipped_by_reason.iter().map(|(k, n)| json!({"reason": k, "count": n})).collect::<Vec<_>>(),
            "runs": self.runs.iter().map(|r| json!({
                "id": r.id, "command": r.command, "status": r.status.as_str(),
                "started_at": r.started_at, "finished_at": r.finished_at,
                "inputs": r.n_inputs, "new": r.n_new, "updated": r.n_updated, "unchanged": r.n_unchanged,
                "duplicates": r.n_duplicates, "dropped": r.n_dropped, "errors": r.n_errors,
            })).collect::<Vec<_>>(),
        })
    }
}

impl Store {
    /// Gather [`Stats`].
    pub fn stats(&self) -> Result<Stats, StoreError> {
        let c = &self.conn;
        let e = |e| self.err(e);
        let (documents, duplicates): (i64, i64) = c
            .query_row("SELECT count(*), count(dup_of) FROM documents", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .map_err(e)?;
        let pairs = |sql: &str| -> Result<Vec<(String, i64)>, StoreError> {
            let mut st = c.prepare(sql).map_err(e)?;
            let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?))).map_err(e)?;
            rows.collect::<Result<_, _>>().map_err(e)
        };
        let removals_by_kind = pairs("SELECT kind, count(*) FROM removed_segments GROUP BY kind ORDER BY 2 DESC, 1")?;
        let documents_by_method =
            pairs("SELECT coalesce(method, '-'), count(*) FROM documents GROUP BY 1 ORDER BY 2 DESC, 1")?;
        let errors_by_kind = pairs("SELECT kind, count(*) FROM errors GROUP BY kind ORDER BY 2 DESC, 1")?;
        let errors = errors_by_kind.iter().map(|(_, n)| n).sum();
        let skipped_by_reason = pairs(
            "SELECT substr(name, 9), sum(value) FROM run_stats WHERE stage = 'clean' AND name LIKE 'skipped:%'
             GROUP BY 1 ORDER BY 2 DESC, 1",
        )?;
        let mut st = c
            .prepare(
                "SELECT id, command, status, started_at, finished_at, n_inputs, n_new, n_updated, n_unchanged,
                        n_duplicates, n_dropped, n_errors FROM runs ORDER BY id",
            )
            .map_err(e)?;
        let runs = st
            .query_map([], |r| {
                Ok(RunStats {
                    id: r.get(0)?,
                    command: r.get(1)?,
                    status: r.get(2)?,
                    started_at: r.get(3)?,
                    finished_at: r.get(4)?,
                    n_inputs: r.get(5)?,
                    n_new: r.get(6)?,
                    n_updated: r.get(7)?,
                    n_unchanged: r.get(8)?,
                    n_duplicates: r.get(9)?,
                    n_dropped: r.get(10)?,
                    n_errors: r.get(11)?,
                })
            })
            .map_err(e)?
            .collect::<Result<_, _>>()
            .map_err(e)?;
        Ok(Stats {
            documents,
            duplicates,
            documents_by_method,
            removals_by_kind,
            errors,
            errors_by_kind,
            skipped_by_reason,
            runs,
        })
    }
}

/// A document named in a listing.
#[derive(Debug, Clone, PartialEq)]
pub struct DocRef {
    /// Row id.
    pub id: i64,
    /// Where it came from.
    pub source: String,
    /// Title.
    pub title: Option<String>,
}

/// One duplicate in a cluster.
#[derive(Debug, Clone, PartialEq)]
pub struct DupMember {
    /// The duplicate.
    pub doc: DocRef,
    /// `exact` or `near`.
    pub kind: String,
    /// Estimated Jaccard similarity with the original (1.0 for exact).
    pub similarity: Option<f64>,
}

/// An original and the documents marked as its duplicates.
#[derive(Debug, Clone, PartialEq)]
pub struct Cluster {
    /// The earliest document of the cluster.
    pub original: DocRef,
    /// Its duplicates, oldest first.
    pub members: Vec<DupMember>,
}

impl Store {
    /// Every duplicate cluster, by original id.
    pub fn dup_clusters(&self) -> Result<Vec<Cluster>, StoreError> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare(
                "SELECT o.id, o.source, o.title, d.id, d.source, d.title, coalesce(d.dup_kind, 'exact'), d.dup_similarity
                 FROM documents d JOIN documents o ON o.id = d.dup_of ORDER BY o.id, d.id",
            )
            .map_err(e)?;
        let mut out: Vec<Cluster> = Vec::new();
        let rows = st
            .query_map([], |r| {
                Ok((
                    DocRef { id: r.get(0)?, source: r.get(1)?, title: r.get(2)? },
                    DupMember {
                        doc: DocRef { id: r.get(3)?, source: r.get(4)?, title: r.get(5)? },
                        kind: r.get(6)?,
                        similarity: r.get(7)?,
                    },
                ))
            })
            .map_err(e)?;
        for row in rows {
            let (orig, member) = row.map_err(e)?;
            match out.last_mut() {
                Some(c) if c.original.id == orig.id => c.members.push(member),
                _ => out.push(Cluster { original: orig, members: vec![member] }),
            }
        }
        Ok(out)
    }
}

/// `(ETag, Last-Modified)` stored for a source.
pub type StoredValidators = (Option<String>, Option<String>);

impl Store {
    /// Stored HTTP validators for these URLs (those known).
    pub fn validators(
        &self,
        urls: &[String],
    ) -> Result<std::collections::HashMap<String, StoredValidators>, StoreError> {
        let e = |e| self.err(e);
        let mut st = self.conn.prepare("SELECT etag, last_modified FROM sources WHERE locator = ?1").map_err(e)?;
        let mut out = std::collections::HashMap::new();
        for u in urls {
            if let Some(v) = st.query_row([u], |r| Ok((r.get(0)?, r.get(1)?))).optional().map_err(e)? {
                out.insert(u.clone(), v);
            }
        }
        Ok(out)
    }

    /// URL sources to revalidate: last fetched before `cutoff` (ISO 8601), if
    /// given; gone ones only when asked. In locator order.
    pub fn url_sources(
        &self,
        cutoff: Option<&str>,
        include_gone: bool,
    ) -> Result<Vec<(String, StoredValidators)>, StoreError> {
        let e = |e| self.err(e);
        let mut st = self
            .conn
            .prepare(
                "SELECT locator, etag, last_modified FROM sources
                 WHERE kind = 'url' AND (?1 IS NULL OR fetched_at IS NULL OR fetched_at < ?1)
                   AND (?2 OR gone_at IS NULL)
                 ORDER BY locator",
            )
            .map_err(e)?;
        let rows = st
            .query_map(rusqlite::params![cutoff, include_gone], |r| Ok((r.get(0)?, (r.get(1)?, r.get(2)?))))
            .map_err(e)?;
        rows.collect::<Result<_, _>>().map_err(e)
    }
}
