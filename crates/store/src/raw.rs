//! The decoded input of each document (`document_raw.body`), kept for
//! `show --raw` and for cleaning again: as text, compressed with zstd (the
//! default: HTML shrinks five- to tenfold), or not at all.
//!
//! A compressed body is a BLOB in the same column (SQLite keeps a value's
//! own type whatever the column's affinity), a plain one TEXT, so databases
//! written before compression read as they are: `typeof(body)` tells them
//! apart, and migration 0010 lists the plain ones to compress.

use rusqlite::types::ValueRef;
use rusqlite::{params, OptionalExtension, Transaction};

use crate::{Store, StoreError};

/// What is kept of a document's input.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum RawMode {
    /// As text, readable in `sqlite3`.
    Keep,
    /// zstd-compressed.
    #[default]
    Compress,
    /// Nothing: `show --raw` has nothing to show, and per-site learning
    /// cannot clean the document again.
    Drop,
}

/// zstd's level: its default. Level 6 stores 6% less on news pages but
/// compresses three times slower (119 against 363 MB/s), which would cost an
/// ingest more CPU than cleaning does.
const LEVEL: i32 = 3;

/// A document's input as it will be stored, encoded where the work is
/// parallel (a worker thread) rather than in the writer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StoredRaw {
    /// The input itself, as text.
    Text,
    /// The input, zstd-compressed.
    Zstd(Vec<u8>),
    /// Nothing stored.
    Nothing,
}

impl StoredRaw {
    /// `raw` encoded as `mode` says.
    pub fn encode(raw: &str, mode: RawMode) -> StoredRaw {
        match mode {
            RawMode::Keep => StoredRaw::Text,
            RawMode::Compress => StoredRaw::Zstd(compress(raw)),
            RawMode::Drop => StoredRaw::Nothing,
        }
    }
}

/// Store (or, with nothing to store, remove) the input `raw` of document `id`.
pub(crate) fn put(tx: &Transaction<'_>, id: i64, raw: &str, stored: &StoredRaw) -> rusqlite::Result<()> {
    let insert = || tx.prepare_cached("INSERT OR REPLACE INTO document_raw(document_id, body) VALUES (?1, ?2)");
    match stored {
        StoredRaw::Text => insert()?.execute(params![id, raw])?,
        StoredRaw::Zstd(z) => insert()?.execute(params![id, z])?,
        StoredRaw::Nothing => tx.prepare_cached("DELETE FROM document_raw WHERE document_id = ?1")?.execute([id])?,
    };
    Ok(())
}

fn compress(raw: &str) -> Vec<u8> {
    thread_local! {
        /// One compression context per thread, reused: making one per input
        /// (what `zstd::bulk::compress` does) allocated and zeroed its tables
        /// every time, which showed as page faults in a profile.
        static COMPRESSOR: std::cell::RefCell<Option<zstd::bulk::Compressor<'static>>> =
            const { std::cell::RefCell::new(None) };
    }
    COMPRESSOR
        .with(|c| {
            let mut c = c.borrow_mut();
            if c.is_none() {
                *c = Some(zstd::bulk::Compressor::new(LEVEL)?);
            }
            c.as_mut().expect("made above").compress(raw.as_bytes())
        })
        .expect("compressing to memory cannot fail")
}

/// The stored body in column `idx` of `row`, decompressed if it was compressed.
pub(crate) fn body(row: &rusqlite::Row<'_>, idx: usize) -> rusqlite::Result<String> {
    use rusqlite::types::{FromSqlError, Type};
    let decoded = match row.get_ref(idx)? {
        ValueRef::Text(t) => return Ok(String::from_utf8_lossy(t).into_owned()),
        ValueRef::Blob(b) => zstd::stream::decode_all(b)
            .map_err(|e| FromSqlError::Other(Box::new(e)))
            .and_then(|bytes| String::from_utf8(bytes).map_err(|e| FromSqlError::Other(Box::new(e)))),
        _ => Err(FromSqlError::InvalidType),
    };
    decoded.map_err(|e| rusqlite::Error::FromSqlConversionFailure(idx, Type::Blob, Box::new(e)))
}

impl Store {
    /// What is kept of the inputs written from now on.
    pub fn set_raw_mode(&mut self, mode: RawMode) {
        self.raw = mode;
    }

    /// What is kept of the inputs written from now on.
    pub fn raw_mode(&self) -> RawMode {
        self.raw
    }

    /// Compress the plain bodies migration 0010 listed, `batch` to a
    /// transaction, until none are left; returns how many. A kill loses at
    /// most the batch under way, which the next call does again.
    pub fn compress_stored_raw(&mut self, batch: usize) -> Result<u64, StoreError> {
        let path = self.path.clone();
        let e = |e| crate::classify(&path, e);
        let mut done = 0u64;
        loop {
            let tx = self.conn.transaction().map_err(e)?;
            let ids: Vec<i64> = tx
                .prepare("SELECT document_id FROM raw_to_compress ORDER BY document_id LIMIT ?1")
                .and_then(|mut st| st.query_map([batch as i64], |r| r.get(0))?.collect())
                .map_err(e)?;
            if ids.is_empty() {
                return Ok(done);
            }
            for id in &ids {
                let text: Option<Option<String>> = tx
                    .query_row(
                        "SELECT CASE typeof(body) WHEN 'text' THEN body END FROM document_raw WHERE document_id = ?1",
                        [id],
                        |r| r.get(0),
                    )
                    .optional()
                    .map_err(e)?;
                if let Some(Some(text)) = text {
                    tx.execute(
                        "UPDATE document_raw SET body = ?2 WHERE document_id = ?1",
                        params![id, compress(&text)],
                    )
                    .map_err(e)?;
                }
                tx.execute("DELETE FROM raw_to_compress WHERE document_id = ?1", [id]).map_err(e)?;
            }
            tx.commit().map_err(e)?;
            done += ids.len() as u64;
        }
    }

    /// Rebuild the file to give back the space freed pages hold (SQLite's
    /// `VACUUM`), then checkpoint the write-ahead log. Returns the file's
    /// size before and after, in bytes.
    pub fn vacuum(&mut self) -> Result<(u64, u64), StoreError> {
        let size = |p: &std::path::Path| std::fs::metadata(p).map(|m| m.len()).unwrap_or(0);
        let wal = |p: &std::path::Path| {
            let mut w = p.as_os_str().to_owned();
            w.push("-wal");
            size(std::path::Path::new(&w))
        };
        let before = size(&self.path) + wal(&self.path);
        self.conn
            .execute_batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
            .map_err(|e| crate::classify(&self.path, e))?;
        Ok((before, size(&self.path) + wal(&self.path)))
    }
}
