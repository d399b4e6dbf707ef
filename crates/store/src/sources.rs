//! Sources written by path before paths were canonical (migration 0009):
//! each run resolves what it can from its own directory.

use rusqlite::OptionalExtension;

use crate::{Store, StoreError};

/// What [`Store::adopt_relative_sources`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Adopted {
    /// Rows rewritten to the canonical path.
    pub rewritten: u64,
    /// Rows whose canonical path was already stored as another row (the
    /// file was ingested under both names): left as they are.
    pub already_stored: u64,
    /// Rows whose file this run could not find: left for a later run.
    pub unresolved: u64,
}

impl Store {
    /// Rewrite the relative file paths listed by migration 0009 to what
    /// `resolve` makes of them (the canonical path, seen from this run's
    /// directory; None when there is no such file). One transaction.
    pub fn adopt_relative_sources(&mut self, resolve: impl Fn(&str) -> Option<String>) -> Result<Adopted, StoreError> {
        let path = self.path.clone();
        let e = |e| crate::classify(&path, e);
        let mut done = Adopted::default();
        let tx = self.conn.transaction().map_err(e)?;
        let rows: Vec<(String, String, Option<String>)> = tx
            .prepare(
                "SELECT r.locator, s.kind, s.archive FROM relative_sources r JOIN sources s ON s.locator = r.locator
                 ORDER BY r.locator",
            )
            .and_then(|mut st| st.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?.collect())
            .map_err(e)?;
        for (locator, kind, archive) in rows {
            // A file is its own locator; a WARC record's archive is FILE#OFFSET,
            // and its locator the record's URL (or FILE#OFFSET when it has none).
            let (file, offset) = match (kind.as_str(), &archive) {
                ("warc", Some(a)) => match a.rsplit_once('#') {
                    Some((f, o)) => (f.to_string(), Some(o.to_string())),
                    None => (a.clone(), None),
                },
                _ => (locator.clone(), None),
            };
            let Some(canonical) = resolve(&file) else {
                done.unresolved += 1;
                continue;
            };
            let new_archive = offset.map(|o| format!("{canonical}#{o}"));
            let new_locator = match (&new_archive, &archive) {
                (Some(na), Some(a)) if *a == locator => na.clone(),
                (Some(_), _) => locator.clone(),
                (None, _) => canonical.clone(),
            };
            let taken = new_locator != locator
                && tx
                    .query_row("SELECT 1 FROM sources WHERE locator = ?1", [&new_locator], |_| Ok(()))
                    .optional()
                    .map_err(e)?
                    .is_some();
            if taken {
                done.already_stored += 1;
            } else {
                tx.execute(
                    "UPDATE sources SET locator = ?2, archive = coalesce(?3, archive) WHERE locator = ?1",
                    rusqlite::params![locator, new_locator, new_archive],
                )
                .map_err(e)?;
                tx.execute(
                    "UPDATE documents SET source = ?2 WHERE source = ?1",
                    rusqlite::params![locator, new_locator],
                )
                .map_err(e)?;
                done.rewritten += 1;
            }
            tx.execute("DELETE FROM relative_sources WHERE locator = ?1", [&locator]).map_err(e)?;
        }
        tx.commit().map_err(e)?;
        Ok(done)
    }
}
