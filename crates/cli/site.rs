//! Per-site learning glue: the manifest that gives text dumps their URL, the
//! workers' view of what was learned before this run, and re-cleaning stored
//! documents when the writer learns more.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use anyhow::Context;
use rayon::prelude::*;
use thresh_clean::Learned;
use thresh_doc::{Doc, MediaType, Verdict};
use thresh_store::{SiteReader, Store, StoreError};

use crate::pipeline::{Prints, Stages};

/// Maps input paths to page URLs (`--manifest`): CSV with a `path,url`
/// header, or JSON lines `{"path": …, "url": …}`. Relative paths are tried
/// against the manifest's directory and the working directory.
#[derive(Debug, Default)]
pub struct Manifest {
    urls: HashMap<PathBuf, String>,
}

impl Manifest {
    pub fn read(file: &Path) -> anyhow::Result<Manifest> {
        let text =
            std::fs::read_to_string(file).with_context(|| format!("{}: cannot read manifest", file.display()))?;
        let base = file.parent().unwrap_or(Path::new("."));
        let pairs = if text.trim_start().starts_with('{') { jsonl_pairs(&text) } else { csv_pairs(&text) }
            .with_context(|| format!("{}: not a path,url manifest", file.display()))?;
        let mut urls = HashMap::new();
        for (path, url) in pairs {
            let p = PathBuf::from(&path);
            let candidates = if p.is_absolute() { vec![p] } else { vec![base.join(&p), p] };
            for c in candidates {
                if let Ok(c) = c.canonicalize() {
                    urls.insert(c, url.clone());
                }
            }
        }
        Ok(Manifest { urls })
    }

    /// The URL listed for an input path, if any.
    pub fn url_for(&self, path: &Path) -> Option<&str> {
        if self.urls.is_empty() {
            return None;
        }
        self.urls.get(&path.canonicalize().ok()?).map(String::as_str)
    }
}

fn jsonl_pairs(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for (i, line) in text.lines().enumerate().filter(|(_, l)| !l.trim().is_empty()) {
        let v: serde_json::Value = serde_json::from_str(line).with_context(|| format!("line {}", i + 1))?;
        let field = |k: &str| v.get(k).and_then(|x| x.as_str()).map(str::to_string);
        let (Some(p), Some(u)) = (field("path"), field("url")) else {
            anyhow::bail!("line {}: needs \"path\" and \"url\"", i + 1);
        };
        out.push((p, u));
    }
    Ok(out)
}

fn csv_pairs(text: &str) -> anyhow::Result<Vec<(String, String)>> {
    let mut r = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let headers = r.headers()?.clone();
    let col = |name: &str| headers.iter().position(|h| h.trim().eq_ignore_ascii_case(name));
    let (Some(p), Some(u)) = (col("path"), col("url")) else { anyhow::bail!("the header needs columns path and url") };
    let mut out = Vec::new();
    for rec in r.records() {
        let rec = rec?;
        if let (Some(path), Some(url)) = (rec.get(p), rec.get(u)) {
            if !path.trim().is_empty() && !url.trim().is_empty() {
                out.push((path.trim().to_string(), url.trim().to_string()));
            }
        }
    }
    Ok(out)
}

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

/// Clean again the stored documents queued for it (lines of their site were
/// learned, in this run or in one that stopped first), on the worker pool,
/// and store the new results; each chunk leaves the queue as it is stored.
/// Returns how many documents changed. A document that would clean to
/// nothing keeps its stored text.
pub fn reclean(store: &mut Store, stages: &Stages, pool: &rayon::ThreadPool) -> Result<usize, StoreError> {
    let ids = store.queued_reclean()?;
    let mut changed = 0;
    for chunk in ids.chunks(crate::pipeline::BATCH) {
        let mut learned: HashMap<String, Arc<Learned>> = HashMap::new();
        let mut inputs = Vec::with_capacity(chunk.len());
        for &id in chunk {
            let Some(input) = store.stored_input(id)? else { continue };
            let Some(host) = thresh_store::learning_host(&input.doc) else { continue };
            let l = match learned.get(&host) {
                Some(l) => l.clone(),
                None => {
                    let l = Arc::new(Learned::new(store.learned(&host)?));
                    learned.insert(host, l.clone());
                    l
                }
            };
            inputs.push((input, l));
        }
        let done: Vec<(i64, Doc, Prints)> = pool.install(|| {
            inputs
                .into_par_iter()
                .filter_map(|(input, l)| match stages.cleaner.apply_with(input.doc, &l) {
                    Verdict::Keep(doc) => {
                        let prints = crate::pipeline::fingerprint(&doc, stages);
                        Some((input.id, doc, prints))
                    }
                    Verdict::Drop(..) => None,
                })
                .collect()
        });
        let items: Vec<_> = done.iter().map(|(id, doc, p)| (*id, doc, p.fingerprint())).collect();
        store.replace_clean(&items, chunk)?;
        changed += items.len();
    }
    Ok(changed)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_reads_csv_and_json_lines_with_relative_paths() {
        let tmp = tempfile::tempdir().unwrap();
        let page = tmp.path().join("a.txt");
        std::fs::write(&page, "x").unwrap();
        let csv = tmp.path().join("m.csv");
        std::fs::write(&csv, "url,path\nhttps://example.com/a,a.txt\n").unwrap();
        assert_eq!(Manifest::read(&csv).unwrap().url_for(&page), Some("https://example.com/a"));
        let jsonl = tmp.path().join("m.jsonl");
        std::fs::write(&jsonl, format!("{{\"path\": {:?}, \"url\": \"https://example.com/b\"}}\n", page.display()))
            .unwrap();
        assert_eq!(Manifest::read(&jsonl).unwrap().url_for(&page), Some("https://example.com/b"));
        assert_eq!(Manifest::read(&jsonl).unwrap().url_for(&tmp.path().join("other.txt")), None);
        // A manifest without the columns is an error that names the file.
        let bad = tmp.path().join("bad.csv");
        std::fs::write(&bad, "file,link\na.txt,https://example.com/a\n").unwrap();
        let e = format!("{:#}", Manifest::read(&bad).unwrap_err());
        assert!(e.contains("bad.csv") && e.contains("path and url"), "{e}");
    }

    #[test]
    fn sample_finds_the_line_behind_a_key() {
        let doc =
            Doc::new(thresh_doc::Source::file("d.txt"), MediaType::Text, "Top\n  Explore the Gazette \nBody".into());
        let key = thresh_clean::site::line_key("explore the gazette").unwrap();
        assert_eq!(sample(&doc, key).as_deref(), Some("Explore the Gazette"));
        assert_eq!(sample(&doc, 7), None);
    }
}
