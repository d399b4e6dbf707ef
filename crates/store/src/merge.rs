//! Reading a shard's database for `thresh merge`, and copying its history
//! (runs, errors, drops, counters, versions, sources) into the merged one.
//!
//! The merge itself is the ordinary writer: each shard document is written
//! again, in the order one run would have met it (`documents.input_seq`), so
//! the duplicate decisions and the learned site lines are those of one run.
//! What lives here is what reads a shard and what carries its record across.

use std::borrow::Cow;

use rusqlite::{params, OptionalExtension};
use thresh_doc::{Doc, MediaType, Removed, Source, SourceKind};

use crate::{classify, Store, StoreError, StoredRaw};

/// A run of a shard's database, as the merge sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShardRun {
    /// Its id in the shard's database.
    pub id: i64,
    /// `ingest`, `refresh`, `merge`.
    pub command: String,
    /// Its place among the shard's runs, from 1: the runs of the shards of
    /// one split job have the same rank when the shards ran alike. A run
    /// that did not finish (killed, failed) shares the rank of the run that
    /// came after it: the retry of the same command.
    pub rank: u32,
    /// Whether it went through all its inputs (`finished` or `partial`).
    pub complete: bool,
    /// `K/N` for a run of `ingest --shard K/N`.
    pub shard: Option<String>,
    /// Its configuration (`runs.config`): how it cleaned and decided
    /// duplicates, which the merge repeats.
    pub config: Option<serde_json::Value>,
    /// Its command line (`runs.args`, a JSON array).
    pub args: Option<String>,
}

/// A shard document, ready to be written again.
#[derive(Debug)]
pub struct ShardDoc {
    /// The document as the shard's cleaner left it: input metadata, clean
    /// text (one paragraph per line), removals, and its site line keys.
    pub doc: Doc,
    /// Its stored input, as stored.
    pub raw: StoredRaw,
    /// `documents.input_seq`.
    pub seq: Option<i64>,
}

impl Store {
    /// This database's name for merges (`database_identity`).
    pub fn identity(&self) -> Result<String, StoreError> {
        self.conn.query_row("SELECT id FROM database_identity", [], |r| r.get(0)).map_err(|e| self.err(e))
    }

    /// Every run of this database, in id order, ranked.
    pub fn shard_runs(&self) -> Result<Vec<ShardRun>, StoreError> {
        type Row = (i64, String, Option<String>, Option<String>, crate::RunStatus, Option<String>);
        let mut st = self
            .conn
            .prepare("SELECT id, command, config, shard, status, args FROM runs WHERE origin_db IS NULL ORDER BY id")
            .map_err(|e| self.err(e))?;
        let rows: Vec<Row> = st
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?)))
            .and_then(Iterator::collect)
            .map_err(|e| self.err(e))?;
        let mut rank = 1;
        let mut out = Vec::with_capacity(rows.len());
        for (id, command, config, shard, status, args) in rows {
            let complete = matches!(status, crate::RunStatus::Finished | crate::RunStatus::Partial);
            out.push(ShardRun {
                id,
                command,
                shard,
                rank,
                complete,
                config: config.and_then(|c| serde_json::from_str::<serde_json::Value>(&c).ok()),
                args,
            });
            rank += u32::from(complete);
        }
        Ok(out)
    }

    /// Documents first stored by one of `runs` and changed by a later one of
    /// a different rank: a merge of those runs at once would see only their
    /// last state, so it refuses them (merge after each split run).
    pub fn redecided(&self, runs: &[ShardRun]) -> Result<u64, StoreError> {
        let rank: std::collections::HashMap<i64, u32> = runs.iter().map(|r| (r.id, r.rank)).collect();
        let mut st = self
            .conn
            .prepare("SELECT first_run, input_run FROM documents WHERE input_run != first_run")
            .map_err(|e| self.err(e))?;
        let rows = st.query_map([], |r| Ok((r.get::<_, i64>(0)?, r.get::<_, i64>(1)?))).map_err(|e| self.err(e))?;
        let mut n = 0;
        for row in rows {
            let (first, last) = row.map_err(|e| self.err(e))?;
            if let (Some(a), Some(b)) = (rank.get(&first), rank.get(&last)) {
                n += u64::from(a != b);
            }
        }
        Ok(n)
    }

    /// Whether any run of this database was a shard (`ingest --shard`); the
    /// shard runs a merge copied in do not count (a merged database learns).
    pub fn holds_shard_runs(&self) -> Result<bool, StoreError> {
        self.conn
            .query_row("SELECT EXISTS (SELECT 1 FROM runs WHERE shard IS NOT NULL AND origin_db IS NULL)", [], |r| {
                r.get(0)
            })
            .map_err(|e| self.err(e))
    }

    /// The runs of database `origin` already merged into this one (their ids there).
    pub fn merged_runs(&self, origin: &str) -> Result<std::collections::HashSet<i64>, StoreError> {
        let mut st = self.conn.prepare("SELECT origin_run FROM runs WHERE origin_db = ?1").map_err(|e| self.err(e))?;
        let ids = st.query_map([origin], |r| r.get(0)).and_then(Iterator::collect).map_err(|e| self.err(e));
        ids
    }

    /// Up to `limit` documents decided (stored new, or changed) by run
    /// `run`, in its input order, after `after` (`(input_seq, id)`): what a
    /// merge reads of a shard, a page at a time.
    pub fn documents_of_run(&self, run: i64, after: (i64, i64), limit: usize) -> Result<Vec<(i64, i64)>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached(&format!(
                "SELECT input_seq, id FROM documents WHERE input_run = ?1 AND (input_seq, id) > (?2, ?3)
                 ORDER BY input_seq, id LIMIT {limit}"
            ))
            .map_err(|e| self.err(e))?;
        let rows = st.query_map(params![run, after.0, after.1], |r| Ok((r.get(0)?, r.get(1)?)));
        rows.and_then(Iterator::collect).map_err(|e| self.err(e))
    }

    /// How many documents run `run` decided.
    pub fn count_documents_of_run(&self, run: i64) -> Result<u64, StoreError> {
        self.conn
            .query_row("SELECT count(*) FROM documents WHERE input_run = ?1", [run], |r| {
                r.get::<_, i64>(0).map(|n| n as u64)
            })
            .map_err(|e| self.err(e))
    }

    /// Shard document `id`, as [`ShardDoc`]. An input that cannot be read
    /// back (a damaged compressed body) is an error naming the document.
    pub fn shard_doc(&self, id: i64) -> Result<Option<ShardDoc>, StoreError> {
        let row = self
            .conn
            .prepare_cached(
                "SELECT d.source, s.kind, d.media_type, s.url, d.raw_sha256, d.charset, s.fetched_at, s.etag,
                        s.last_modified, s.archive, s.redirects, s.http_status, d.title, d.published_local, d.author,
                        d.site, d.lang, d.canonical_url, d.text, d.method, d.input_seq, r.body, typeof(r.body)
                 FROM documents d LEFT JOIN sources s ON s.id = d.source_id
                 LEFT JOIN document_raw r ON r.document_id = d.id WHERE d.id = ?1",
            )
            .and_then(|mut st| {
                st.query_row([id], |r| {
                    let kind: Option<String> = r.get(1)?;
                    let media: String = r.get(2)?;
                    let source = Source {
                        kind: kind.as_deref().and_then(SourceKind::parse).unwrap_or(SourceKind::File),
                        locator: r.get(0)?,
                    };
                    let body_type: Option<String> = r.get(22)?;
                    let (raw, stored) = match body_type.as_deref() {
                        Some("blob") => (crate::raw::body(r, 21)?, StoredRaw::Zstd(r.get(21)?)),
                        Some("text") => (r.get(21)?, StoredRaw::Text),
                        _ => (String::new(), StoredRaw::Nothing),
                    };
                    let mut doc = Doc::new(source, MediaType::parse(&media).unwrap_or_default(), raw);
                    doc.url = r.get(3)?;
                    doc.raw_sha256 = r.get::<_, Option<String>>(4)?.unwrap_or_default();
                    doc.charset = r.get::<_, Option<String>>(5)?.unwrap_or_default();
                    doc.fetched_at = r.get(6)?;
                    doc.etag = r.get(7)?;
                    doc.last_modified = r.get(8)?;
                    doc.archive = r.get(9)?;
                    doc.redirects =
                        r.get::<_, Option<String>>(10)?.and_then(|j| serde_json::from_str(&j).ok()).unwrap_or_default();
                    doc.http_status = r.get(11)?;
                    doc.title = r.get(12)?;
                    doc.published = r.get(13)?;
                    doc.author = r.get(14)?;
                    doc.site = r.get(15)?;
                    doc.lang = r.get(16)?;
                    doc.canonical_url = r.get(17)?;
                    doc.paragraphs = r.get::<_, String>(18)?.split('\n').map(str::to_string).collect();
                    doc.method = r.get(19)?;
                    Ok(ShardDoc { doc, raw: stored, seq: r.get(20)? })
                })
                .optional()
            })
            .map_err(|e| self.err(e))?;
        let Some(mut sd) = row else { return Ok(None) };
        sd.doc.removed = self
            .conn
            .prepare_cached("SELECT kind, rule, text FROM removed_segments WHERE document_id = ?1 ORDER BY seq")
            .and_then(|mut st| {
                st.query_map([id], |r| {
                    Ok(Removed { kind: Cow::Owned(r.get(0)?), rule: Cow::Owned(r.get(1)?), text: r.get(2)? })
                })?
                .collect()
            })
            .map_err(|e| self.err(e))?;
        sd.doc.site_keys = self
            .conn
            .prepare_cached("SELECT line_key FROM site_line_docs WHERE document_id = ?1 ORDER BY line_key")
            .and_then(|mut st| st.query_map([id], |r| r.get::<_, i64>(0).map(|k| k as u64))?.collect())
            .map_err(|e| self.err(e))?;
        // (As the cleaner lists them: thresh_clean::site::keys.)
        sd.doc.site_keys.sort_unstable();
        Ok(Some(sd))
    }

    /// Copy the record of a shard's `runs` (not merged before) into this
    /// database, under merge run `merge`: the runs (with the shard's name for
    /// itself and their ids there), their errors, drops and counters, and
    /// the sources that have no document here. (Earlier versions of changed
    /// documents are not copied: the merge's writer keeps them, as one run's
    /// would.) One transaction: a merge killed before it leaves the runs
    /// unmerged, and the next merge writes their documents again (unchanged
    /// ones are recognised) and copies them then.
    pub fn copy_shard_history(
        &mut self,
        merge: i64,
        shard: &std::path::Path,
        origin: &str,
        runs: &[ShardRun],
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| classify(&path, e);
        self.conn.execute("ATTACH DATABASE ?1 AS shard", [shard.to_string_lossy()]).map_err(|e| classify(shard, e))?;
        let copied = (|| -> rusqlite::Result<()> {
            let tx = self.conn.transaction()?;
            tx.execute("CREATE TEMP TABLE IF NOT EXISTS merging(id INTEGER PRIMARY KEY)", [])?;
            tx.execute("DELETE FROM temp.merging", [])?;
            {
                let mut put = tx.prepare("INSERT INTO temp.merging(id) VALUES (?1)")?;
                for r in runs {
                    put.execute([r.id])?;
                }
            }
            tx.execute(
                "INSERT INTO main.runs(started_at, finished_at, status, command, args, config, threads,
                     thresh_version, n_inputs, n_new, n_updated, n_unchanged, n_duplicates, n_dropped, n_errors,
                     n_skipped, n_gone, shard, origin_db, origin_run, merged_by)
                 SELECT started_at, finished_at, CASE status WHEN 'running' THEN 'interrupted' ELSE status END,
                     command, args, config, threads, thresh_version, n_inputs, n_new, n_updated, n_unchanged,
                     n_duplicates, n_dropped, n_errors, n_skipped, n_gone, shard, ?1, id, ?2
                 FROM shard.runs WHERE id IN (SELECT id FROM temp.merging) ORDER BY id",
                params![origin, merge],
            )?;
            // A shard run's id here.
            let mapped =
                |col: &str| format!("(SELECT m.id FROM main.runs m WHERE m.origin_db = ?1 AND m.origin_run = {col})");
            // What each run recorded, under its id here: (how, table, columns, order).
            for (how, table, cols, order) in [
                ("INSERT", "errors", "locator, stage, kind, message, at", "ORDER BY id"),
                ("INSERT", "drops", "locator, reason, at", "ORDER BY id"),
                ("INSERT OR REPLACE", "run_stats", "stage, name, value", ""),
            ] {
                tx.execute(
                    &format!(
                        "{how} INTO main.{table}(run_id, {cols}) SELECT {}, {cols} FROM shard.{table}
                         WHERE run_id IN (SELECT id FROM temp.merging) {order}",
                        mapped("run_id")
                    ),
                    [origin],
                )?;
            }
            // The sources as the shard last saw them: those of inputs that
            // left no document here (dropped, failed, gone) and, for the rest,
            // what the shard's later runs said (gone, errors, validators).
            tx.execute(
                &format!(
                    "INSERT INTO main.sources(locator, kind, url, raw_sha256, etag, last_modified, fetched_at,
                         first_run, last_run, last_status, last_error, archive, http_status, final_url, redirects,
                         gone_at)
                     SELECT s.locator, s.kind, s.url, s.raw_sha256, s.etag, s.last_modified, s.fetched_at,
                         coalesce({}, ?2), coalesce({}, ?2), s.last_status, s.last_error, s.archive,
                         s.http_status, s.final_url, s.redirects, s.gone_at
                     FROM shard.sources s WHERE s.last_run IN (SELECT id FROM temp.merging)
                     ORDER BY s.id
                     ON CONFLICT(locator) DO UPDATE SET last_run = excluded.last_run,
                         last_status = excluded.last_status, last_error = excluded.last_error,
                         http_status = excluded.http_status, gone_at = excluded.gone_at,
                         fetched_at = coalesce(excluded.fetched_at, fetched_at),
                         etag = coalesce(excluded.etag, etag),
                         last_modified = coalesce(excluded.last_modified, last_modified)",
                    mapped("s.first_run"),
                    mapped("s.last_run")
                ),
                params![origin, merge],
            )?;
            tx.commit()
        })();
        let detached = self.conn.execute("DETACH DATABASE shard", []);
        copied.map_err(err)?;
        detached.map_err(err)?;
        Ok(())
    }
}
