//! Per-site boilerplate learning: line counts per host, the learned lines,
//! and the documents to re-clean when a line crosses the threshold.
//!
//! The writer calls [`learn`] for every document it stores with a known host:
//! each of the document's line keys not yet learned gets a row in
//! `site_line_docs`; when the number of original documents holding it reaches
//! `min_docs`, the line moves to `site_lines` (its membership rows go) and
//! every document that held it is queued for re-cleaning. A document whose
//! keys include a line learned earlier in the same run is queued too: the
//! workers clean with what was learned before the run began (so the result
//! does not depend on thread timing), the writer catches up in input order.
//! The queue is the `reclean_queue` table, written in the transaction that
//! learned the line: a crash before the re-clean leaves it for the next run.

use std::path::Path;

use rusqlite::{params, Connection, OpenFlags, OptionalExtension, Transaction};
use thresh_doc::{Doc, MediaType, SourceKind};

use crate::{classify, Store, StoreError};

/// Finds the text of a line key in a document (for `site_lines.sample`).
pub type SampleFn = fn(&Doc, u64) -> Option<String>;

/// How per-site learning behaves.
#[derive(Debug, Clone, Copy)]
pub struct SiteConfig {
    /// A line on this many original documents of a host is boilerplate there.
    pub min_docs: u32,
    /// Whether lines are learned (and documents cleaned again) as they cross
    /// `min_docs`. Off for a shard of a split run: its lines are counted
    /// (`site_line_docs`), and learned when the shards are merged.
    pub learn: bool,
    /// Recovers a line's text from a document and its key.
    pub sample: SampleFn,
}

/// The host learning groups a document under: its input URL's host (a
/// canonical URL found in the page is not trusted for this).
pub fn learning_host(doc: &Doc) -> Option<String> {
    doc.url.as_ref()?;
    doc.host()
}

/// Count a stored document's lines for its host; queue re-cleaning.
pub(crate) fn learn(
    tx: &Transaction<'_>,
    run: i64,
    id: i64,
    doc: &Doc,
    counted: bool,
    cfg: &SiteConfig,
) -> rusqlite::Result<()> {
    let Some(host) = learning_host(doc) else { return Ok(()) };
    // An updated document counts with its new lines only.
    tx.prepare_cached("DELETE FROM site_line_docs WHERE document_id = ?1")?.execute([id])?;
    let mut learned_in = tx.prepare_cached("SELECT learned_run FROM site_lines WHERE host = ?1 AND line_key = ?2")?;
    let mut bump =
        tx.prepare_cached("UPDATE site_lines SET n_documents = n_documents + 1 WHERE host = ?1 AND line_key = ?2")?;
    let mut member = tx.prepare_cached(
        "INSERT OR IGNORE INTO site_line_docs(host, line_key, document_id, counted) VALUES (?1, ?2, ?3, ?4)",
    )?;
    // Bounded: at most min_docs rows are read, however common the line. (The
    // limit is written into the statement: a bound LIMIT made SQLite prepare
    // it again at every execution.)
    let mut count = tx.prepare_cached(&format!(
        "SELECT count(*) FROM (SELECT 1 FROM site_line_docs WHERE host = ?1 AND line_key = ?2 AND counted = 1 LIMIT {})",
        cfg.min_docs
    ))?;
    let mut holders = tx.prepare_cached("SELECT document_id FROM site_line_docs WHERE host = ?1 AND line_key = ?2")?;
    let mut forget = tx.prepare_cached("DELETE FROM site_line_docs WHERE host = ?1 AND line_key = ?2")?;
    let mut queue =
        tx.prepare_cached("INSERT OR IGNORE INTO reclean_queue(document_id, queued_run) VALUES (?1, ?2)")?;
    let mut put = tx.prepare_cached(
        "INSERT INTO site_lines(host, line_key, n_documents, sample, learned_run) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for &k in &doc.site_keys {
        let key = k as i64;
        if let Some(learned_run) = learned_in.query_row(params![host, key], |r| r.get::<_, i64>(0)).optional()? {
            if counted {
                bump.execute(params![host, key])?;
            }
            if learned_run == run {
                // Learned during this run, after the worker cleaned this document.
                queue.execute(params![id, run])?;
            }
            continue;
        }
        member.execute(params![host, key, id, counted])?;
        if !counted || !cfg.learn {
            continue;
        }
        let n: i64 = count.query_row(params![host, key], |r| r.get(0))?;
        if n < i64::from(cfg.min_docs) {
            continue;
        }
        for d in holders.query_map(params![host, key], |r| r.get::<_, i64>(0))? {
            queue.execute(params![d?, run])?;
        }
        forget.execute(params![host, key])?;
        put.execute(params![host, key, n, (cfg.sample)(doc, k), run])?;
    }
    Ok(())
}

/// The keys learned for `host` in runs before `before_run`.
fn learned_keys(conn: &Connection, host: &str, before_run: i64) -> rusqlite::Result<Vec<u64>> {
    let mut st = conn.prepare_cached("SELECT line_key FROM site_lines WHERE host = ?1 AND learned_run < ?2")?;
    let keys = st.query_map(params![host, before_run], |r| r.get::<_, i64>(0))?;
    keys.map(|k| k.map(|k| k as u64)).collect()
}

/// A read-only view of the learned lines, for the workers: each sees only
/// what was learned before the current run, so what they produce does not
/// depend on how far the writer has got.
pub struct SiteReader {
    conn: Connection,
}

impl SiteReader {
    /// Open a second, read-only connection to the database.
    pub fn open(path: &Path) -> Result<SiteReader, StoreError> {
        let conn =
            Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX)
                .map_err(|e| classify(path, e))?;
        conn.busy_timeout(crate::BUSY_TIMEOUT).map_err(|e| classify(path, e))?;
        Ok(SiteReader { conn })
    }

    /// The keys learned for `host` in runs before `run`.
    pub fn learned_before(&self, host: &str, run: i64) -> rusqlite::Result<Vec<u64>> {
        learned_keys(&self.conn, host, run)
    }
}

/// What a document was cleaned from, to clean it again.
#[derive(Debug)]
pub struct StoredInput {
    /// The document row.
    pub id: i64,
    /// A fresh document: source, media type, URL, raw body and input metadata.
    pub doc: Doc,
}

impl Store {
    /// Turn on per-site learning for the documents written from now on.
    pub fn set_site_learning(&mut self, cfg: Option<SiteConfig>) {
        self.site = cfg;
    }

    /// Documents that need cleaning again because lines of their site were
    /// learned (in this run or in one that stopped before it got to them),
    /// in id order. Each stays queued until [`Store::replace_clean`] settles it.
    pub fn queued_reclean(&self) -> Result<Vec<i64>, StoreError> {
        let mut st = self
            .conn
            .prepare_cached("SELECT document_id FROM reclean_queue ORDER BY document_id")
            .map_err(|e| classify(&self.path, e))?;
        let ids = st.query_map([], |r| r.get(0)).and_then(Iterator::collect);
        ids.map_err(|e| classify(&self.path, e))
    }

    /// Every key learned for `host`.
    pub fn learned(&self, host: &str) -> Result<Vec<u64>, StoreError> {
        learned_keys(&self.conn, host, i64::MAX).map_err(|e| classify(&self.path, e))
    }

    /// The stored input of a document, ready to be cleaned again.
    pub fn stored_input(&self, id: i64) -> Result<Option<StoredInput>, StoreError> {
        let err = |e| classify(&self.path, e);
        self.conn
            .query_row(
                "SELECT s.kind, d.source, d.media_type, s.url, r.body, d.charset, d.raw_sha256
                 FROM documents d JOIN document_raw r ON r.document_id = d.id
                 LEFT JOIN sources s ON s.id = d.source_id WHERE d.id = ?1",
                [id],
                |r| {
                    let kind: Option<String> = r.get(0)?;
                    let media: String = r.get(2)?;
                    let source = thresh_doc::Source {
                        kind: kind.as_deref().and_then(SourceKind::parse).unwrap_or(SourceKind::File),
                        locator: r.get(1)?,
                    };
                    let media_type = MediaType::parse(&media).unwrap_or_default();
                    let mut doc = Doc::new(source, media_type, crate::raw::body(r, 4)?);
                    doc.url = r.get(3)?;
                    doc.charset = r.get::<_, Option<String>>(5)?.unwrap_or_default();
                    doc.raw_sha256 = r.get::<_, Option<String>>(6)?.unwrap_or_default();
                    Ok(StoredInput { id, doc })
                },
            )
            .optional()
            .map_err(err)
    }
}
