//! The writer: one transaction per batch, decisions in the order given.

use rusqlite::{params, OptionalExtension, Transaction, TransactionBehavior};
use thresh_doc::{Doc, DropReason};

use crate::bands::{keys, too_large, LiveBands};
use crate::{classify, now, Store, StoreError};

/// A document's fingerprints, computed by the workers.
#[derive(Debug, Clone, Copy)]
pub struct Fingerprint<'a> {
    /// sha256 of the normalised text (exact duplicates).
    pub text_sha256: &'a str,
    /// The stored form of the MinHash signature, when near-dup detection is on.
    pub minhash: Option<&'a [u8]>,
    /// Distinct shingles behind the signature.
    pub shingles: u32,
    /// LSH band keys, one per band.
    pub bands: &'a [i64],
}

impl<'a> Fingerprint<'a> {
    /// Exact-duplicate fingerprint only.
    pub fn exact(text_sha256: &'a str) -> Self {
        Fingerprint { text_sha256, minhash: None, shingles: 0, bands: &[] }
    }
}

/// Confirms a near-duplicate candidate: `(signature, shingles, other signature,
/// other shingles, threshold)` → the similarity to record, when confirmed.
pub type ConfirmFn = fn(&[u8], u32, &[u8], u32, f64) -> Option<f64>;

/// How near duplicates are decided.
#[derive(Debug, Clone, Copy)]
pub struct NearDupConfig {
    /// Candidates are confirmed when their similarity reaches this.
    pub threshold: f64,
    /// Decide from two stored signatures and their shingle counts whether they
    /// are near duplicates at `threshold`; the similarity to record if so
    /// (`thresh_dedup::Signature::near_duplicate`).
    pub confirm: ConfirmFn,
    /// Most candidates read from one band bucket.
    pub max_bucket: usize,
    /// Settles candidates whose estimate lands within `verify_margin` above or
    /// twice that below the threshold on the two clean texts (`(new text, stored text, threshold)`
    /// → the similarity when they are near duplicates;
    /// `thresh_dedup::minhash::exact_near_duplicate`). None: estimates decide.
    pub verify: Option<VerifyFn>,
    /// How close to the threshold an estimate must be to be verified.
    pub verify_margin: f64,
}

/// Decides a near-duplicate candidate on the texts themselves.
pub type VerifyFn = fn(&str, &str, f64) -> Option<f64>;

/// One thing for the writer to record.
#[derive(Debug)]
pub enum Item<'a> {
    /// A clean document with its fingerprints.
    Doc {
        /// The document.
        doc: &'a Doc,
        /// Its fingerprints.
        fp: Fingerprint<'a>,
        /// Its input as it is to be stored, encoded already (by a worker);
        /// None: the writer encodes it as the store's [`crate::RawMode`] says.
        raw: Option<&'a crate::StoredRaw>,
        /// Where its input stood in the run (`documents.input_seq`).
        seq: Option<i64>,
    },
    /// A document that was read but not kept.
    Dropped {
        /// The document.
        doc: &'a Doc,
        /// Why.
        reason: DropReason,
    },
    /// An input that is not meant as a document (a non-HTML WARC record,
    /// a URL robots.txt forbids): counted, not stored.
    Skipped {
        /// Where it was.
        locator: &'a str,
        /// A stable reason.
        reason: &'a str,
    },
    /// A URL that answered 304 Not Modified: nothing was downloaded.
    NotModified {
        /// The URL (source locator).
        locator: &'a str,
    },
    /// A URL that answered 404 or 410: its source is marked gone; its
    /// document, if any, is kept.
    Gone {
        /// The URL.
        locator: &'a str,
        /// The HTTP status.
        status: u16,
    },
    /// An input that failed.
    Error {
        /// The file / URL / `FILE#OFFSET`.
        locator: &'a str,
        /// `fetch`, `clean` or `store`.
        stage: &'a str,
        /// A stable name for the error class.
        kind: &'a str,
        /// The full message (it names the locator).
        message: &'a str,
    },
}

/// What the writer did with an [`Item`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A new document row; `dup_of` is set when it duplicates an earlier one.
    New {
        /// The row id.
        id: i64,
        /// The earliest document with the same normalised text, if any.
        dup_of: Option<i64>,
    },
    /// The input changed since it was stored: the row was updated in place.
    Updated {
        /// The row id.
        id: i64,
        /// The earliest other document with the same normalised text, if any.
        dup_of: Option<i64>,
    },
    /// The input is byte-identical to what is stored and cleans the same.
    Unchanged {
        /// The row id.
        id: i64,
    },
    /// Recorded in `drops`.
    Dropped,
    /// Counted as skipped.
    Skipped,
    /// The source is marked gone.
    Gone,
    /// Recorded in `errors`.
    Error,
}

impl Store {
    /// Record a batch in one transaction, in order. Run counters are updated
    /// in the same transaction, so a kill between batches leaves the database
    /// consistent: every committed batch is whole and counted.
    pub fn write_batch(&mut self, run: i64, items: &[Item<'_>]) -> Result<Vec<Outcome>, StoreError> {
        self.with_bands(|store, bands| store.write_batch_tx(run, items, bands))
    }

    /// Run a write transaction with the band index out of the store: if it
    /// is rolled back (an error, or a panic unwinding), the index, which may
    /// hold what the database does not, is not put back.
    fn with_bands<T>(
        &mut self,
        transaction: impl FnOnce(&mut Store, &mut LiveBands) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        let mut bands = std::mem::take(&mut self.bands);
        let done = transaction(self, &mut bands);
        if done.is_err() {
            bands.invalidate();
        }
        self.bands = bands;
        done
    }

    fn write_batch_tx(
        &mut self,
        run: i64,
        items: &[Item<'_>],
        bands: &mut LiveBands,
    ) -> Result<Vec<Outcome>, StoreError> {
        let path = self.path.clone();
        let err = |e| classify(&path, e);
        let near = self.near;
        let site = self.site;
        let raw = self.raw;
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        bands.check(&tx).map_err(err)?;
        let mut out = Vec::with_capacity(items.len());
        for item in items {
            let o = match item {
                Item::Doc { doc, fp, raw: stored, seq } => {
                    let encoded;
                    let stored = match stored {
                        Some(s) => *s,
                        None => {
                            encoded = crate::StoredRaw::encode(&doc.raw, raw);
                            &encoded
                        }
                    };
                    write_doc(&tx, bands, run, doc, fp, near.as_ref(), stored, *seq).and_then(|o| {
                        if let (Some(cfg), Outcome::New { id, dup_of } | Outcome::Updated { id, dup_of }) = (&site, o) {
                            crate::site::learn(&tx, run, id, doc, dup_of.is_none(), cfg)?;
                        }
                        Ok(o)
                    })
                }
                Item::Dropped { doc, reason } => write_drop(&tx, run, doc, *reason),
                Item::Skipped { .. } => Ok(Outcome::Skipped),
                Item::NotModified { locator } => not_modified(&tx, run, locator),
                Item::Gone { locator, status } => gone(&tx, run, locator, *status),
                Item::Error { locator, stage, kind, message } => write_error(&tx, run, locator, stage, kind, message),
            }
            .map_err(err)?;
            out.push(o);
        }
        let count = |f: fn(&Outcome) -> bool| out.iter().filter(|o| f(o)).count() as i64;
        let n_new = count(|o| matches!(o, Outcome::New { .. }));
        let n_upd = count(|o| matches!(o, Outcome::Updated { .. }));
        let n_same = count(|o| matches!(o, Outcome::Unchanged { .. }));
        let n_dup =
            count(|o| matches!(o, Outcome::New { dup_of: Some(_), .. } | Outcome::Updated { dup_of: Some(_), .. }));
        let n_drop = count(|o| matches!(o, Outcome::Dropped));
        let n_err = count(|o| matches!(o, Outcome::Error));
        let n_skip = count(|o| matches!(o, Outcome::Skipped));
        let n_gone = count(|o| matches!(o, Outcome::Gone));
        tx.execute(
            "UPDATE runs SET n_inputs = n_inputs + ?1, n_new = n_new + ?2, n_updated = n_updated + ?3,
                 n_unchanged = n_unchanged + ?4, n_duplicates = n_duplicates + ?5,
                 n_dropped = n_dropped + ?6, n_errors = n_errors + ?7, n_skipped = n_skipped + ?8,
                 n_gone = n_gone + ?9 WHERE id = ?10",
            params![items.len() as i64, n_new, n_upd, n_same, n_dup, n_drop, n_err, n_skip, n_gone, run],
        )
        .map_err(err)?;
        tx.commit().map_err(err)?;
        Ok(out)
    }
}

impl Store {
    /// Replace the clean result of stored documents cleaned again from their
    /// stored input (per-site learning): text, metadata, removed segments and
    /// fingerprints change; duplicate decisions and run counters do not. The
    /// `settled` documents (these, and those that would clean to nothing or
    /// are gone) leave the re-clean queue. One transaction.
    pub fn replace_clean(&mut self, items: &[(i64, &Doc, Fingerprint<'_>)], settled: &[i64]) -> Result<(), StoreError> {
        self.with_bands(|store, bands| store.replace_clean_tx(items, settled, bands))
    }

    fn replace_clean_tx(
        &mut self,
        items: &[(i64, &Doc, Fingerprint<'_>)],
        settled: &[i64],
        bands: &mut LiveBands,
    ) -> Result<(), StoreError> {
        let path = self.path.clone();
        let err = |e| classify(&path, e);
        let tx = self.conn.transaction_with_behavior(TransactionBehavior::Immediate).map_err(err)?;
        bands.check(&tx).map_err(err)?;
        // Off the re-clean queue in the same transaction as their new text:
        // a kill leaves either both or neither.
        for id in settled {
            tx.prepare_cached("DELETE FROM reclean_queue WHERE document_id = ?1")
                .and_then(|mut st| st.execute([id]))
                .map_err(err)?;
        }
        for (id, doc, fp) in items {
            let text = doc.text();
            tx.prepare_cached(
                "UPDATE documents SET title = ?2, published_at = ?3, author = ?4, site = ?5, lang = ?6,
                     canonical_url = ?7, text = ?8, text_sha256 = ?9, method = ?10, n_chars = ?11, n_removed = ?12,
                     updated_at = ?13, published_local = ?14 WHERE id = ?1",
            )
            .and_then(|mut st| {
                st.execute(params![
                    id,
                    doc.title,
                    doc.published_utc(),
                    doc.author,
                    doc.site,
                    doc.lang,
                    doc.canonical_url,
                    text,
                    fp.text_sha256,
                    doc.method,
                    text.chars().count() as i64,
                    doc.removed.len() as i64,
                    now(),
                    doc.published
                ])
            })
            .map_err(err)?;
            let had_signature: bool = tx
                .query_row("SELECT count(*) FROM minhash_signatures WHERE document_id = ?1", [id], |r| r.get(0))
                .map_err(err)?;
            if had_signature {
                drop_signature(&tx, bands, *id).and_then(|()| put_signature(&tx, bands, *id, fp)).map_err(err)?;
            }
            tx.execute("DELETE FROM removed_segments WHERE document_id = ?1", [id]).map_err(err)?;
            write_removed(&tx, *id, doc).map_err(err)?;
            settle_exact(&tx, *id, fp.text_sha256).map_err(err)?;
        }
        tx.commit().map_err(err)
    }
}

fn upsert_source(tx: &Transaction<'_>, run: i64, doc: &Doc, status: &str) -> rusqlite::Result<i64> {
    let redirects = (!doc.redirects.is_empty()).then(|| serde_json::to_string(&doc.redirects).unwrap_or_default());
    tx.prepare_cached(
        "INSERT INTO sources(locator, kind, url, raw_sha256, etag, last_modified, fetched_at,
                             first_run, last_run, last_status, last_error, archive, http_status, final_url, redirects)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?8, ?9, NULL, ?10, ?11, ?3, ?12)
         ON CONFLICT(locator) DO UPDATE SET
             kind = excluded.kind, url = coalesce(excluded.url, url), raw_sha256 = excluded.raw_sha256,
             etag = excluded.etag, last_modified = excluded.last_modified,
             fetched_at = coalesce(excluded.fetched_at, fetched_at), last_run = excluded.last_run,
             last_status = excluded.last_status, last_error = NULL, archive = excluded.archive,
             http_status = excluded.http_status, final_url = excluded.final_url, redirects = excluded.redirects,
             gone_at = NULL
         RETURNING id",
    )?
    .query_row(
        params![
            doc.source.locator,
            doc.source.kind.as_str(),
            doc.url,
            doc.raw_sha256,
            doc.etag,
            doc.last_modified,
            doc.fetched_at,
            run,
            status,
            doc.archive,
            doc.http_status,
            redirects
        ],
        |r| r.get(0),
    )
}

fn not_modified(tx: &Transaction<'_>, run: i64, locator: &str) -> rusqlite::Result<Outcome> {
    tx.prepare_cached(
        "UPDATE sources SET last_run = ?1, last_status = 'unchanged', http_status = 304, fetched_at = ?2,
             last_error = NULL, gone_at = NULL WHERE locator = ?3",
    )?
    .execute(params![run, now(), locator])?;
    let id: Option<i64> = tx
        .prepare_cached("SELECT id FROM documents WHERE source = ?1")?
        .query_row([locator], |r| r.get(0))
        .optional()?;
    if let Some(id) = id {
        tx.prepare_cached("UPDATE documents SET last_run = ?1 WHERE id = ?2")?.execute(params![run, id])?;
    }
    Ok(Outcome::Unchanged { id: id.unwrap_or(0) })
}

fn gone(tx: &Transaction<'_>, run: i64, locator: &str, status: u16) -> rusqlite::Result<Outcome> {
    let now = now();
    tx.prepare_cached(
        "INSERT INTO sources(locator, kind, url, first_run, last_run, last_status, http_status, gone_at, fetched_at)
         VALUES (?1, 'url', ?1, ?2, ?2, 'gone', ?3, ?4, ?4)
         ON CONFLICT(locator) DO UPDATE SET last_run = excluded.last_run, last_status = 'gone',
             http_status = excluded.http_status, gone_at = coalesce(gone_at, excluded.gone_at),
             fetched_at = excluded.fetched_at",
    )?
    .execute(params![locator, run, status, now])?;
    Ok(Outcome::Gone)
}

fn keep_version(tx: &Transaction<'_>, run: i64, id: i64) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO document_versions(document_id, run_id, replaced_at, title, published_at, published_local, text,
            text_sha256, raw_sha256)
         SELECT id, ?2, ?3, title, published_at, published_local, text, text_sha256, raw_sha256 FROM documents WHERE id = ?1",
    )?
    .execute(params![id, run, now()])?;
    Ok(())
}

/// The earliest original (not itself a duplicate) with this text, other than `except`.
fn find_original(tx: &Transaction<'_>, sha: &str, except: i64) -> rusqlite::Result<Option<i64>> {
    tx.prepare_cached(
        "SELECT id FROM documents WHERE text_sha256 = ?1 AND dup_of IS NULL AND id != ?2 ORDER BY id LIMIT 1",
    )?
    .query_row(params![sha, except], |r| r.get(0))
    .optional()
}

/// Confirmation attempts per candidate cluster.
const TRIES_PER_CLUSTER: usize = 3;

/// The duplicate decision for a document: exact first, then near.
struct DupDecision {
    dup_of: Option<i64>,
    kind: Option<&'static str>,
    similarity: Option<f64>,
}

fn decide(
    tx: &Transaction<'_>,
    bands: &mut LiveBands,
    fp: &Fingerprint<'_>,
    text: &str,
    self_id: i64,
    near: Option<&NearDupConfig>,
) -> rusqlite::Result<DupDecision> {
    if let Some(orig) = find_original(tx, fp.text_sha256, self_id)?.filter(|&o| self_id < 0 || o < self_id) {
        return Ok(DupDecision { dup_of: Some(orig), kind: Some("exact"), similarity: Some(1.0) });
    }
    let none = DupDecision { dup_of: None, kind: None, similarity: None };
    let (Some(cfg), Some(sig)) = (near, fp.minhash) else { return Ok(none) };
    let index = bands.get(tx)?;
    // Candidates sharing a band, with their cluster root and how many bands they share.
    let mut shared: std::collections::BTreeMap<i64, (i64, u32)> = std::collections::BTreeMap::new();
    {
        // Each candidate's stored band keys and cluster root, read once: the
        // index files keys by their high half, so a bucket member counts only
        // if its own key in that band is this one. Per band, the first
        // `max_bucket` members that do, by id. (At most as many that do
        // not are read, which bounds the work should a bucket be flooded.)
        let mut stored = tx.prepare_cached(
            "SELECT s.bands, coalesce(d.dup_of, d.id) FROM minhash_signatures s JOIN documents d ON d.id = s.document_id
             WHERE s.document_id = ?1",
        )?;
        let mut seen: std::collections::HashMap<i64, Option<(Vec<u8>, i64)>> = std::collections::HashMap::new();
        for (band, key) in fp.bands.iter().enumerate() {
            let (mut taken, mut foreign) = (0, 0);
            for id in index.bucket(band, *key) {
                if taken == cfg.max_bucket || foreign > cfg.max_bucket {
                    break;
                }
                let known = match seen.entry(id) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(e) => {
                        e.insert(stored.query_row([id], |r| Ok((r.get(0)?, r.get(1)?))).optional()?)
                    }
                };
                let Some((stored_keys, root)) = known else {
                    foreign += 1;
                    continue;
                };
                if keys(stored_keys).nth(band) != Some(*key) {
                    foreign += 1;
                    continue;
                }
                taken += 1;
                if id != self_id && (self_id < 0 || *root < self_id) {
                    shared.entry(id).or_insert((*root, 0)).1 += 1;
                }
            }
        }
    }
    // Per cluster, try the members sharing the most bands first; a few tries
    // settle it, however large the cluster (bounded work per document).
    let mut by_root: std::collections::BTreeMap<i64, Vec<(u32, i64)>> = std::collections::BTreeMap::new();
    for (id, (root, n)) in shared {
        by_root.entry(root).or_default().push((n, id));
    }
    let mut roots: std::collections::BTreeMap<i64, f64> = std::collections::BTreeMap::new();
    let mut load = tx.prepare_cached("SELECT sig, n_shingles FROM minhash_signatures WHERE document_id = ?1")?;
    for (root, mut members) in by_root {
        members.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
        for &(_, c) in members.iter().take(TRIES_PER_CLUSTER) {
            let row: Option<(Vec<u8>, u32)> = load.query_row([c], |r| Ok((r.get(0)?, r.get(1)?))).optional()?;
            let Some((other, other_shingles)) = row else { continue };
            if let Some(sim) = confirm(tx, cfg, sig, fp.shingles, text, c, &other, other_shingles)? {
                roots.insert(root, sim);
                break;
            }
        }
    }
    let Some((&root, &sim)) = roots.iter().next() else { return Ok(none) };
    // This document bridges several clusters: they are one cluster, under the earliest.
    for (&other, _) in roots.iter().skip(1) {
        merge_cluster(tx, other, root, cfg)?;
    }
    Ok(DupDecision { dup_of: Some(root), kind: Some("near"), similarity: Some(sim) })
}

/// Confirm one candidate: on the estimate when it is clearly above or below
/// the threshold, on the texts when it is close.
#[allow(clippy::too_many_arguments)]
fn confirm(
    tx: &Transaction<'_>,
    cfg: &NearDupConfig,
    sig: &[u8],
    shingles: u32,
    text: &str,
    candidate: i64,
    other: &[u8],
    other_shingles: u32,
) -> rusqlite::Result<Option<f64>> {
    let Some(verify) = cfg.verify else {
        return Ok((cfg.confirm)(sig, shingles, other, other_shingles, cfg.threshold));
    };
    // Below the threshold the window is twice as wide: an edited copy (see
    // `exact_near_duplicate`) can have a resemblance well under the threshold.
    let low = (cfg.threshold - 2.0 * cfg.verify_margin).max(0.0);
    match (cfg.confirm)(sig, shingles, other, other_shingles, low) {
        None => Ok(None),
        Some(est) if est >= cfg.threshold + cfg.verify_margin => Ok(Some(est)),
        Some(_) => {
            let stored: String =
                tx.prepare_cached("SELECT text FROM documents WHERE id = ?1")?.query_row([candidate], |r| r.get(0))?;
            Ok(verify(text, &stored, cfg.threshold))
        }
    }
}

/// Fold the cluster of original `from` into the cluster of original `into`.
fn merge_cluster(tx: &Transaction<'_>, from: i64, into: i64, cfg: &NearDupConfig) -> rusqlite::Result<()> {
    let sig = |id: i64| -> rusqlite::Result<Option<(Vec<u8>, u32)>> {
        tx.prepare_cached("SELECT sig, n_shingles FROM minhash_signatures WHERE document_id = ?1")?
            .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))
            .optional()
    };
    // Record how similar the two originals are themselves (it may be under the threshold).
    let sim = match (sig(from)?, sig(into)?) {
        (Some((a, na)), Some((b, nb))) => (cfg.confirm)(&a, na, &b, nb, 0.0),
        _ => None,
    };
    tx.prepare_cached("UPDATE documents SET dup_of = ?1 WHERE dup_of = ?2")?.execute(params![into, from])?;
    tx.prepare_cached("UPDATE documents SET dup_of = ?1, dup_kind = 'near', dup_similarity = ?2 WHERE id = ?3")?
        .execute(params![into, sim, from])?;
    Ok(())
}

fn put_signature(tx: &Transaction<'_>, bands: &mut LiveBands, id: i64, fp: &Fingerprint<'_>) -> rusqlite::Result<()> {
    let Some(sig) = fp.minhash else { return Ok(()) };
    let stored: Vec<u8> = fp.bands.iter().flat_map(|b| b.to_le_bytes()).collect();
    tx.prepare_cached(
        "INSERT OR REPLACE INTO minhash_signatures(document_id, n_shingles, sig, bands) VALUES (?1, ?2, ?3, ?4)",
    )?
    .execute(params![id, fp.shingles, sig, stored])?;
    if let Some(index) = bands.loaded() {
        index.insert_all(fp.bands, id).map_err(too_large)?;
    }
    Ok(())
}

/// Remove a document's signature and its band entries (its text changed).
fn drop_signature(tx: &Transaction<'_>, bands: &mut LiveBands, id: i64) -> rusqlite::Result<()> {
    let old: Option<Vec<u8>> = tx
        .prepare_cached("SELECT bands FROM minhash_signatures WHERE document_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()?;
    if let Some(old) = old {
        if let Some(index) = bands.loaded() {
            for (band, key) in keys(&old).enumerate() {
                index.remove(band, key, id);
            }
        }
        tx.prepare_cached("DELETE FROM minhash_signatures WHERE document_id = ?1")?.execute([id])?;
    }
    Ok(())
}

/// Insert a document row (`?1` is its source locator).
const INSERT_DOC: &str =
    "INSERT INTO documents(source, source_id, url, canonical_url, title, published_at, author, site,
        lang, text, text_sha256, dup_of, dup_kind, media_type, charset, method, raw_sha256,
        raw_bytes, n_chars, n_removed, first_run, last_run, created_at, updated_at, dup_similarity, host, published_local,
        input_run, input_seq)
    VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9,?10,?11,?12,?13,?14,?15,?16,?17,?18,?19,?20,?21,?21,?22,?22,?23,?24,?25,?21,?26)
    RETURNING id";

/// Update a document row in place (`?1` is its id); same values as [`INSERT_DOC`].
const UPDATE_DOC: &str = "UPDATE documents SET source_id=?2, url=?3, canonical_url=?4, title=?5, published_at=?6,
        author=?7, site=?8, lang=?9, text=?10, text_sha256=?11, dup_of=?12, dup_kind=?13, media_type=?14,
        charset=?15, method=?16, raw_sha256=?17, raw_bytes=?18, n_chars=?19, n_removed=?20,
        last_run=?21, updated_at=?22, dup_similarity=?23, host=?24, published_local=?25, input_run=?21, input_seq=?26
    WHERE id=?1 RETURNING id";

/// Run [`INSERT_DOC`] or [`UPDATE_DOC`] with a document's values; the row id.
#[allow(clippy::too_many_arguments)]
fn put_document(
    tx: &Transaction<'_>,
    sql: &str,
    key: &dyn rusqlite::ToSql,
    doc: &Doc,
    source_id: i64,
    url: &Option<String>,
    text: &str,
    sha: &str,
    d: &DupDecision,
    run: i64,
    now: &str,
    seq: Option<i64>,
) -> rusqlite::Result<i64> {
    tx.prepare_cached(sql)?.query_row(
        params![
            key,
            source_id,
            url,
            doc.canonical_url,
            doc.title,
            doc.published_utc(),
            doc.author,
            doc.site,
            doc.lang,
            text,
            sha,
            d.dup_of,
            d.kind,
            doc.media_type.as_str(),
            doc.charset,
            doc.method,
            doc.raw_sha256,
            doc.raw.len() as i64,
            text.chars().count() as i64,
            doc.removed.len() as i64,
            run,
            now,
            d.similarity,
            doc.host(),
            doc.published,
            seq
        ],
        |r| r.get(0),
    )
}

#[allow(clippy::too_many_arguments)]
fn write_doc(
    tx: &Transaction<'_>,
    bands: &mut LiveBands,
    run: i64,
    doc: &Doc,
    fp: &Fingerprint<'_>,
    near: Option<&NearDupConfig>,
    raw: &crate::StoredRaw,
    seq: Option<i64>,
) -> rusqlite::Result<Outcome> {
    let sha = fp.text_sha256;
    let existing: Option<(i64, String, Option<String>)> = tx
        .prepare_cached("SELECT id, text_sha256, raw_sha256 FROM documents WHERE source = ?1")?
        .query_row([&doc.source.locator], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .optional()?;
    let text = doc.text();
    let now = now();
    let url = doc.url.clone().or_else(|| doc.canonical_url.clone());
    match existing {
        Some((id, old_sha, old_raw)) if old_sha == sha && old_raw.as_deref() == Some(&doc.raw_sha256) => {
            upsert_source(tx, run, doc, "unchanged")?;
            tx.prepare_cached("UPDATE documents SET last_run = ?1 WHERE id = ?2")?.execute(params![run, id])?;
            Ok(Outcome::Unchanged { id })
        }
        Some((id, old_sha, _)) => {
            let source_id = upsert_source(tx, run, doc, "updated")?;
            keep_version(tx, run, id)?;
            let text_changed = old_sha != sha;
            if text_changed {
                drop_signature(tx, bands, id)?;
            }
            let d = decide(tx, bands, fp, &text, id, near)?;
            put_document(tx, UPDATE_DOC, &id, doc, source_id, &url, &text, sha, &d, run, &now, seq)?;
            if text_changed {
                repoint_duplicates_of(tx, id, sha)?;
            }
            if let Some(root) = d.dup_of {
                // Keep every dup_of pointing at a cluster's original.
                tx.prepare_cached("UPDATE documents SET dup_of = ?1 WHERE dup_of = ?2")?.execute(params![root, id])?;
            }
            if d.kind != Some("exact") {
                put_signature(tx, bands, id, fp)?;
            }
            tx.prepare_cached("DELETE FROM removed_segments WHERE document_id = ?1")?.execute([id])?;
            write_children(tx, id, doc, raw)?;
            Ok(Outcome::Updated { id, dup_of: d.dup_of })
        }
        None => {
            let source_id = upsert_source(tx, run, doc, "new")?;
            let d = decide(tx, bands, fp, &text, -1, near)?;
            let id = put_document(
                tx,
                INSERT_DOC,
                &doc.source.locator,
                doc,
                source_id,
                &url,
                &text,
                sha,
                &d,
                run,
                &now,
                seq,
            )?;
            if d.kind != Some("exact") {
                put_signature(tx, bands, id, fp)?;
            }
            write_children(tx, id, doc, raw)?;
            Ok(Outcome::New { id, dup_of: d.dup_of })
        }
    }
}

/// A re-cleaned document's new text may equal another's: the two are exact
/// duplicates then, the later of the earliest original, as they would be had
/// the later one been stored after the re-clean (in a later run). Whatever
/// pointed at the one that became a duplicate points at the original.
fn settle_exact(tx: &Transaction<'_>, id: i64, sha: &str) -> rusqlite::Result<()> {
    // Its near duplicates that now read the same are exact ones.
    tx.prepare_cached(
        "UPDATE documents SET dup_kind = 'exact', dup_similarity = 1.0
         WHERE dup_of = ?1 AND dup_kind = 'near' AND text_sha256 = ?2",
    )?
    .execute(params![id, sha])?;
    let (dup_of, kind): (Option<i64>, Option<String>) = tx
        .prepare_cached("SELECT dup_of, dup_kind FROM documents WHERE id = ?1")?
        .query_row([id], |r| Ok((r.get(0)?, r.get(1)?)))?;
    let Some(other) = find_original(tx, sha, id)? else { return Ok(()) };
    let (dup, original) = if other < id {
        if kind.as_deref() == Some("exact") && dup_of == Some(other) {
            return Ok(());
        }
        (id, other)
    } else if dup_of.is_none() {
        (other, id)
    } else {
        // A duplicate itself, of something earlier: the later original stays.
        return Ok(());
    };
    tx.prepare_cached("UPDATE documents SET dup_of = ?1 WHERE dup_of = ?2")?.execute(params![original, dup])?;
    tx.prepare_cached("UPDATE documents SET dup_of = ?1, dup_kind = 'exact', dup_similarity = 1.0 WHERE id = ?2")?
        .execute(params![original, dup])?;
    Ok(())
}

/// A document's text changed: the documents that pointed at it as their
/// exact-duplicate original no longer match it. The earliest of them becomes
/// the new original, the rest point at that one.
fn repoint_duplicates_of(tx: &Transaction<'_>, id: i64, new_sha: &str) -> rusqlite::Result<()> {
    let orphans: Vec<(i64, String)> = tx
        .prepare_cached(
            "SELECT id, text_sha256 FROM documents WHERE dup_of = ?1 AND dup_kind = 'exact' AND text_sha256 != ?2 ORDER BY id",
        )?
        .query_map(params![id, new_sha], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut new_original: Option<i64> = None;
    for (oid, _) in &orphans {
        match new_original {
            None => {
                tx.prepare_cached("UPDATE documents SET dup_of = NULL, dup_kind = NULL WHERE id = ?1")?
                    .execute([oid])?;
                new_original = Some(*oid);
            }
            Some(orig) => {
                tx.prepare_cached("UPDATE documents SET dup_of = ?1 WHERE id = ?2")?.execute(params![orig, oid])?;
            }
        }
    }
    Ok(())
}

fn write_removed(tx: &Transaction<'_>, id: i64, doc: &Doc) -> rusqlite::Result<()> {
    let mut st = tx.prepare_cached(
        "INSERT INTO removed_segments(document_id, seq, kind, rule, text) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?;
    for (i, r) in doc.removed.iter().enumerate() {
        st.execute(params![id, i as i64, r.kind, r.rule, r.text])?;
    }
    Ok(())
}

fn write_children(tx: &Transaction<'_>, id: i64, doc: &Doc, raw: &crate::StoredRaw) -> rusqlite::Result<()> {
    write_removed(tx, id, doc)?;
    crate::raw::put(tx, id, &doc.raw, raw)
}

fn write_drop(tx: &Transaction<'_>, run: i64, doc: &Doc, reason: DropReason) -> rusqlite::Result<Outcome> {
    upsert_source(tx, run, doc, "dropped")?;
    tx.prepare_cached("INSERT INTO drops(run_id, locator, reason, at) VALUES (?1, ?2, ?3, ?4)")?.execute(params![
        run,
        doc.source.locator,
        reason.as_str(),
        now()
    ])?;
    Ok(Outcome::Dropped)
}

fn write_error(
    tx: &Transaction<'_>,
    run: i64,
    locator: &str,
    stage: &str,
    kind: &str,
    message: &str,
) -> rusqlite::Result<Outcome> {
    tx.prepare_cached("INSERT INTO errors(run_id, locator, stage, kind, message, at) VALUES (?1, ?2, ?3, ?4, ?5, ?6)")?
        .execute(params![run, locator, stage, kind, message, now()])?;
    // A source already known keeps its document; only its status changes. A URL
    // is recorded as a source even when its first fetch fails, so it is retried.
    if locator.starts_with("http://") || locator.starts_with("https://") {
        tx.prepare_cached(
            "INSERT INTO sources(locator, kind, url, first_run, last_run, last_status, last_error)
             VALUES (?3, 'url', ?3, ?1, ?1, 'error', ?2)
             ON CONFLICT(locator) DO UPDATE SET last_run = ?1, last_status = 'error', last_error = ?2",
        )?
        .execute(params![run, message, locator])?;
    } else {
        tx.prepare_cached(
            "UPDATE sources SET last_run = ?1, last_status = 'error', last_error = ?2 WHERE locator = ?3",
        )?
        .execute(params![run, message, locator])?;
    }
    Ok(Outcome::Error)
}

#[cfg(test)]
mod tests {
    use super::*;
    use thresh_doc::{MediaType, Removed, Source};

    fn doc(loc: &str, text: &str) -> Doc {
        let mut d = Doc::new(Source::file(loc), MediaType::Text, format!("raw {text}"));
        d.raw_sha256 = format!("{:0>64}", text.len());
        d.paragraphs = text.split('\n').map(String::from).collect();
        d.title = Some("T".into());
        d.removed = vec![Removed::new("widget", "phrase", "Close")];
        d
    }

    fn sha(t: &str) -> String {
        format!("{:0>64}", t.bytes().map(|b| b as u32).sum::<u32>())
    }

    #[test]
    fn new_dup_unchanged_updated() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let a = doc("a", "alpha\nbeta");
        let b = doc("b", "alpha\nbeta");
        let (sa, sb) = (sha(&a.text()), sha(&b.text()));
        let out = s
            .write_batch(
                run,
                &[
                    Item::Doc { doc: &a, fp: Fingerprint::exact(&sa), raw: None, seq: None },
                    Item::Doc { doc: &b, fp: Fingerprint::exact(&sb), raw: None, seq: None },
                ],
            )
            .unwrap();
        assert_eq!(out, vec![Outcome::New { id: 1, dup_of: None }, Outcome::New { id: 2, dup_of: Some(1) }]);
        let out =
            s.write_batch(run, &[Item::Doc { doc: &a, fp: Fingerprint::exact(&sa), raw: None, seq: None }]).unwrap();
        assert_eq!(out, vec![Outcome::Unchanged { id: 1 }]);
        // a changes: b becomes the original of its text
        let a2 = doc("a", "gamma text");
        let sa2 = sha(&a2.text());
        let out =
            s.write_batch(run, &[Item::Doc { doc: &a2, fp: Fingerprint::exact(&sa2), raw: None, seq: None }]).unwrap();
        assert_eq!(out, vec![Outcome::Updated { id: 1, dup_of: None }]);
        let b_dup: Option<i64> = s.conn.query_row("SELECT dup_of FROM documents WHERE id=2", [], |r| r.get(0)).unwrap();
        assert_eq!(b_dup, None);
        let n: i64 =
            s.conn.query_row("SELECT count(*) FROM removed_segments WHERE document_id=1", [], |r| r.get(0)).unwrap();
        assert_eq!(n, 1, "removals replaced, not appended");
        let counts: (i64, i64, i64, i64) = s
            .conn
            .query_row("SELECT n_new, n_duplicates, n_unchanged, n_updated FROM runs WHERE id=?1", [run], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?))
            })
            .unwrap();
        assert_eq!(counts, (2, 1, 1, 1));
    }

    #[test]
    fn fts_follows_documents() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let a = doc("a", "the quick brown fox");
        let sa = sha(&a.text());
        s.write_batch(run, &[Item::Doc { doc: &a, fp: Fingerprint::exact(&sa), raw: None, seq: None }]).unwrap();
        let hit: i64 = s
            .conn
            .query_row("SELECT rowid FROM documents_fts WHERE documents_fts MATCH 'brown'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(hit, 1);
        let a2 = doc("a", "a lazy dog");
        let sa2 = sha(&a2.text());
        s.write_batch(run, &[Item::Doc { doc: &a2, fp: Fingerprint::exact(&sa2), raw: None, seq: None }]).unwrap();
        let n: i64 = s
            .conn
            .query_row("SELECT count(*) FROM documents_fts WHERE documents_fts MATCH 'brown'", [], |r| r.get(0))
            .unwrap();
        assert_eq!(n, 0);
    }

    #[test]
    fn an_error_keeps_the_stored_document() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let a = doc("a", "text");
        let sa = sha(&a.text());
        s.write_batch(run, &[Item::Doc { doc: &a, fp: Fingerprint::exact(&sa), raw: None, seq: None }]).unwrap();
        s.write_batch(run, &[Item::Error { locator: "a", stage: "fetch", kind: "gzip", message: "a: broken" }])
            .unwrap();
        let (n, status): (i64, String) = s
            .conn
            .query_row("SELECT (SELECT count(*) FROM documents), last_status FROM sources WHERE locator='a'", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert_eq!((n, status.as_str()), (1, "error"));
    }

    /// The writer's band index holds what one built afresh from the stored
    /// signatures holds, for these keys in the first two bands.
    fn same_index(s: &mut Store, keys: &[i64]) {
        let mut fresh = LiveBands::default();
        let fresh = fresh.get(&s.conn).unwrap();
        let live = s.bands.get(&s.conn).unwrap();
        for band in 0..2 {
            for &k in keys {
                assert_eq!(
                    live.bucket(band, k).collect::<Vec<_>>(),
                    fresh.bucket(band, k).collect::<Vec<_>>(),
                    "band {band} key {k}"
                );
            }
        }
    }

    /// Candidates of `key` in band 0, as the writer sees them (its index).
    fn candidates(s: &mut Store, key: i64) -> Vec<i64> {
        s.bands.get(&s.conn).unwrap().bucket(0, key).collect()
    }

    /// A test document with a signature of `fill` bytes and these band keys.
    struct TestDoc {
        doc: Doc,
        sha: String,
        sig: Vec<u8>,
        keys: &'static [i64],
    }

    impl TestDoc {
        fn new(loc: &str, fill: u8, keys: &'static [i64]) -> TestDoc {
            let doc = doc(loc, &format!("text of {loc}"));
            let sha = sha(&doc.text());
            TestDoc { doc, sha, sig: vec![fill; 40], keys }
        }

        fn item(&self) -> Item<'_> {
            let fp = Fingerprint { text_sha256: &self.sha, minhash: Some(&self.sig), shingles: 10, bands: self.keys };
            Item::Doc { doc: &self.doc, fp, raw: None, seq: None }
        }
    }

    fn near_config() -> NearDupConfig {
        NearDupConfig { threshold: 0.8, confirm: same_chunks, max_bucket: 16, verify: None, verify_margin: 0.0 }
    }

    /// A store at `path` deciding near duplicates, and a run in it.
    fn near_store(path: &std::path::Path) -> (Store, i64) {
        let mut s = Store::open(path).unwrap();
        s.set_near_dups(Some(near_config()));
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        (s, run)
    }

    /// A key with its high half set: a bucket of its own.
    const K: i64 = 3 << 40;

    #[test]
    fn a_rolled_back_batch_leaves_no_band_entries() {
        let dir = tempfile::tempdir().unwrap();
        let (mut s, run) = near_store(&dir.path().join("t.db"));
        s.write_batch(run, &[TestDoc::new("a", 1, &[K, 1 << 33]).item()]).unwrap();
        assert_eq!(candidates(&mut s, K), [1]);
        // b is written, then the batch fails (a trigger refuses c) and is rolled back.
        s.conn
            .execute_batch(
                "CREATE TRIGGER refuse_c BEFORE INSERT ON documents WHEN new.source = 'c'
                 BEGIN SELECT RAISE(ABORT, 'refused'); END",
            )
            .unwrap();
        let (b, c) = (TestDoc::new("b", 7, &[K, 5 << 33]), TestDoc::new("c", 8, &[9 << 33, 11 << 33]));
        assert!(s.write_batch(run, &[b.item(), c.item()]).is_err());
        assert_eq!(s.bands.builds, 1);
        assert_eq!(candidates(&mut s, K), [1], "b's entry went with its transaction");
        assert_eq!(s.bands.builds, 2, "built again after the rollback");
    }

    #[test]
    fn damaged_signature_rows_and_large_ids_do_not_stop_the_writer() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let (mut s, run) = near_store(&path);
        s.write_batch(run, &[TestDoc::new("a", 1, &[K, 1 << 33]).item()]).unwrap();
        // Ids jump to near the index's limit (a row placed there by hand), and
        // a's keys are damaged (text, not a blob).
        s.conn
            .execute_batch(
                "CREATE TEMP TABLE t AS SELECT * FROM documents WHERE id = 1;
                 UPDATE t SET id = 1999999999, source = 'placeholder', text_sha256 = printf('%064d', 0);
                 INSERT INTO documents SELECT * FROM t;
                 UPDATE minhash_signatures SET bands = 'garbage' WHERE document_id = 1;",
            )
            .unwrap();
        let (mut fresh, _) = near_store(&path);
        let out = fresh.write_batch(run, &[TestDoc::new("b", 1, &[K, 2 << 33]).item()]).unwrap();
        assert_eq!(out, [Outcome::New { id: 2_000_000_000, dup_of: None }], "a's keys cannot be read");
        // c, a near copy of both: b is found.
        let out = fresh.write_batch(run, &[TestDoc::new("c", 1, &[K, 5 << 33]).item()]).unwrap();
        assert_eq!(out, [Outcome::New { id: 2_000_000_001, dup_of: Some(2_000_000_000) }]);
    }

    #[test]
    fn another_connections_changes_are_seen() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("t.db");
        let (mut s, run) = near_store(&path);
        s.write_batch(run, &[TestDoc::new("a", 1, &[K, 1 << 33]).item()]).unwrap();
        assert_eq!(candidates(&mut s, K), [1]);
        // Another writer (its own index) stores b, a's near copy, and removes a.
        let (mut other, _) = near_store(&path);
        let out = other.write_batch(run, &[TestDoc::new("b", 1, &[K, 5 << 33]).item()]).unwrap();
        assert_eq!(out, [Outcome::New { id: 2, dup_of: Some(1) }]);
        other.conn.execute("UPDATE documents SET dup_of = NULL, dup_kind = NULL WHERE id = 2", []).unwrap();
        other.conn.execute("DELETE FROM documents WHERE id = 1", []).unwrap();
        drop(other);
        // The next batch here finds b, not the removed a.
        let out = s.write_batch(run, &[TestDoc::new("c", 1, &[K, 13 << 33]).item()]).unwrap();
        assert_eq!(out, [Outcome::New { id: 3, dup_of: Some(2) }]);
        assert_eq!(s.bands.builds, 2, "built again after the other connection's commits");
        same_index(&mut s, &[K, 1 << 33, 5 << 33, 13 << 33]);
    }

    fn same_chunks(a: &[u8], _: u32, b: &[u8], _: u32, threshold: f64) -> Option<f64> {
        let eq = a.chunks(4).zip(b.chunks(4)).filter(|(x, y)| x == y).count();
        Some(eq as f64 / (a.len() / 4) as f64).filter(|&s| s >= threshold)
    }

    #[test]
    fn near_duplicates_point_at_the_earliest_of_the_cluster() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = Store::open(&dir.path().join("t.db")).unwrap();
        s.set_near_dups(Some(NearDupConfig {
            threshold: 0.8,
            confirm: same_chunks,
            max_bucket: 16,
            verify: None,
            verify_margin: 0.0,
        }));
        let run = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        // Signatures of 10 u32s; a, b, c share band 7; d shares nothing.
        let sig = |fill: u8, changed: usize| {
            let mut v = vec![fill; 40];
            for b in v.iter_mut().take(changed * 4) {
                *b = 0xee;
            }
            v
        };
        let (sa, sb, sc, sd) = (sig(1, 0), sig(1, 1), sig(1, 2), sig(9, 0));
        let docs: Vec<Doc> = ["a", "b", "c", "d"].iter().map(|l| doc(l, &format!("text of {l}"))).collect();
        let shas: Vec<String> = docs.iter().map(|d| sha(&d.text())).collect();
        let fp = |i: usize, sig: &'static [u8], bands: &'static [i64]| Fingerprint {
            text_sha256: &shas[i],
            minhash: Some(sig),
            shingles: 10,
            bands,
        };
        let leak = |v: Vec<u8>| -> &'static [u8] { Box::leak(v.into_boxed_slice()) };
        let (sa, sb, sc, sd) = (leak(sa), leak(sb), leak(sc), leak(sd));
        let out = s
            .write_batch(run, &[Item::Doc { doc: &docs[0], fp: fp(0, sa, &[7 << 32, 1 << 32]), raw: None, seq: None }])
            .unwrap();
        assert_eq!(out, [Outcome::New { id: 1, dup_of: None }]);
        // A later run: b is 0.9 similar to a, c is 0.8 to a and 0.9 to b; d is unrelated.
        let run2 = s.begin_run("ingest", "[]", "{}", 1).unwrap();
        let out = s
            .write_batch(
                run2,
                &[
                    Item::Doc { doc: &docs[1], fp: fp(1, sb, &[7 << 32, 2 << 32]), raw: None, seq: None },
                    Item::Doc { doc: &docs[2], fp: fp(2, sc, &[8 << 32, 2 << 32]), raw: None, seq: None },
                    Item::Doc { doc: &docs[3], fp: fp(3, sd, &[7 << 32, 3 << 32]), raw: None, seq: None },
                ],
            )
            .unwrap();
        assert_eq!(
            out,
            [
                Outcome::New { id: 2, dup_of: Some(1) },
                // c only meets b through band 1 = 2, and b's cluster starts at a
                Outcome::New { id: 3, dup_of: Some(1) },
                Outcome::New { id: 4, dup_of: None },
            ]
        );
        let (kind, sim): (String, f64) = s
            .conn
            .query_row("SELECT dup_kind, dup_similarity FROM documents WHERE id=3", [], |r| Ok((r.get(0)?, r.get(1)?)))
            .unwrap();
        assert_eq!((kind.as_str(), sim), ("near", 0.9));
        let stored: i64 = s.conn.query_row("SELECT count(*) FROM minhash_signatures", [], |r| r.get(0)).unwrap();
        assert_eq!(stored, 4);
        same_index(&mut s, &[1 << 32, 2 << 32, 3 << 32, 5 << 32, 6 << 32, 7 << 32, 8 << 32]);
        // An update that changes the text removes the old band rows.
        let mut d2 = doc("d", "new text of d");
        d2.raw_sha256 = "f".repeat(64);
        let sh = sha(&d2.text());
        let f = Fingerprint { text_sha256: &sh, minhash: Some(sd), shingles: 10, bands: &[5 << 32, 6 << 32] };
        s.write_batch(run2, &[Item::Doc { doc: &d2, fp: f, raw: None, seq: None }]).unwrap();
        let keys: Vec<u8> =
            s.conn.query_row("SELECT bands FROM minhash_signatures WHERE document_id=4", [], |r| r.get(0)).unwrap();
        assert_eq!(keys, [(5i64 << 32).to_le_bytes(), (6i64 << 32).to_le_bytes()].concat());
        same_index(&mut s, &[1 << 32, 2 << 32, 3 << 32, 5 << 32, 6 << 32, 7 << 32, 8 << 32]);
        let clusters = s.dup_clusters().unwrap();
        assert_eq!(clusters.len(), 1);
        assert_eq!(clusters[0].members.iter().map(|m| m.doc.id).collect::<Vec<_>>(), [2, 3]);

        // e is confirmed against both a's cluster (band 0 = 7) and d (band 1 = 6): the clusters merge under a.
        let e = doc("e", "text of e");
        let she = sha(&e.text());
        let se = leak(sig(1, 1));
        let f = Fingerprint { text_sha256: &she, minhash: Some(se), shingles: 10, bands: &[7 << 32, 6 << 32] };
        // make d's stored signature close to e's so the confirmation passes
        s.conn.execute("UPDATE minhash_signatures SET sig = ?1 WHERE document_id = 4", [se]).unwrap();
        let out = s.write_batch(run2, &[Item::Doc { doc: &e, fp: f, raw: None, seq: None }]).unwrap();
        assert_eq!(out, [Outcome::New { id: 5, dup_of: Some(1) }]);
        let d_root: i64 = s.conn.query_row("SELECT dup_of FROM documents WHERE id = 4", [], |r| r.get(0)).unwrap();
        assert_eq!(d_root, 1);
        assert_eq!(s.dup_clusters().unwrap()[0].members.len(), 4);
        same_index(&mut s, &[1 << 32, 2 << 32, 3 << 32, 5 << 32, 6 << 32, 7 << 32, 8 << 32]);
        assert_eq!(s.bands.builds, 1, "kept in step with every write, never built again");
    }
}
