//! Per-site learning, the workers' side: what was learned before this run,
//! read through a second connection and cached per host, and the sample line
//! stored with a learned key. (Re-cleaning stored documents when the writer
//! learns more: `reclean.rs`.)

use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, Mutex};

use thresh_clean::Learned;
use thresh_doc::{Doc, MediaType};
use thresh_store::{SiteReader, StoreError};

/// The workers' view of learned lines: what was learned in runs before this
/// one, read through a second connection and cached per host.
pub struct SiteView {
    reader: Mutex<SiteReader>,
    run: i64,
    cache: Mutex<HashMap<String, Arc<Learned>>>,
}

/// Hosts cached at once (the cache is emptied when full, to bound memory).
const CACHED_HOSTS: usize = 4096;

impl SiteView {
    pub fn open(db: &Path, run: i64) -> Result<SiteView, StoreError> {
        Ok(SiteView { reader: Mutex::new(SiteReader::open(db)?), run, cache: Mutex::default() })
    }

    /// Lines learned for the host of `doc`'s URL (empty when none or unknown).
    pub fn learned_for(&self, doc: &Doc) -> Arc<Learned> {
        let Some(host) = thresh_store::learning_host(doc) else { return Arc::default() };
        if let Some(l) = self.cache.lock().expect("cache lock").get(&host) {
            return l.clone();
        }
        // A read failure (the writer is busy past the timeout) costs only the
        // learned lines for this document, and is not remembered: the next
        // document of the host reads again.
        let Ok(keys) = self.reader.lock().expect("reader lock").learned_before(&host, self.run) else {
            return Arc::default();
        };
        let learned = Arc::new(Learned::new(keys));
        let mut cache = self.cache.lock().expect("cache lock");
        if cache.len() >= CACHED_HOSTS {
            cache.clear();
        }
        cache.insert(host, learned.clone());
        learned
    }
}

/// The text of the line with this key in a document (raw lines of a dump,
/// sentences of glued lines, paragraphs of HTML), for `site_lines.sample`.
pub fn sample(doc: &Doc, key: u64) -> Option<String> {
    let hit = |s: &str| thresh_clean::site::line_key(s) == Some(key);
    let found = match doc.media_type {
        MediaType::Text => doc.raw.lines().find_map(|l| {
            if hit(l) {
                return Some(l.trim().to_string());
            }
            thresh_clean::text::glue::split(l).into_iter().find(|p| hit(p)).map(|p| p.trim().to_string())
        }),
        MediaType::Html => None,
    };
    found.or_else(|| doc.paragraphs.iter().chain(doc.removed.iter().map(|r| &r.text)).find(|p| hit(p)).cloned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sample_finds_the_line_behind_a_key() {
        let doc =
            Doc::new(thresh_doc::Source::file("d.txt"), MediaType::Text, "Top\n  Explore the Gazette \nBody".into());
        let key = thresh_clean::site::line_key("explore the gazette").unwrap();
        assert_eq!(sample(&doc, key).as_deref(), Some("Explore the Gazette"));
        assert_eq!(sample(&doc, 7), None);
    }
}
