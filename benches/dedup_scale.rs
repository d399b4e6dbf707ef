//! Near-duplicate detection at scale: per-document dedup cost and peak memory
//! when ingesting into databases that already hold N documents.
//!
//! For each size N (default 10k and 100k; `THRESH_SCALE_SIZES=10000,100000,1000000`
//! for the full table), a child process fills a fresh database with N
//! synthetic documents through the real writer (`Store::write_batch`), then times 2,000 more documents — a fifth of them edited
//! copies of stored ones — and reports microseconds per document for the
//! signature (worker side) and for the writer (band lookups, confirmation,
//! inserts), the near duplicates found, the time a later run's first
//! document takes (the writer builds its band index from the stored
//! signatures), the peak RSS of the process, and the database size. Run
//! with `cargo bench --bench dedup_scale` or `just bench`.

use std::process::Command;
use std::time::Instant;

use thresh_dedup::MinHasher;
use thresh_doc::{Doc, MediaType, Source};
use thresh_store::{Fingerprint, Item, NearDupConfig, Outcome, Store};

const PROBE: usize = 2000;
const BATCH: usize = 2000;

/// A small deterministic generator (no dependency, stable across versions).
struct Lcg(u64);
impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

/// Synthetic article `k`: ~150 words over a 20,000-word vocabulary, with some
/// function words so it reads as text to any later stage.
fn article(k: u64) -> String {
    let mut rng = Lcg(k.wrapping_mul(0x9E3779B97F4A7C15) ^ 0xDEADBEEF);
    const FUNCTION: [&str; 8] = ["the", "of", "and", "to", "in", "that", "with", "for"];
    let mut words = Vec::with_capacity(150);
    for i in 0..150 {
        if i % 4 == 3 {
            words.push(FUNCTION[(rng.next() % 8) as usize].to_string());
        } else {
            words.push(format!("w{}", rng.next() % 20_000));
        }
    }
    words.chunks(50).map(|c| c.join(" ") + ".").collect::<Vec<_>>().join("\n")
}

fn edited(k: u64) -> String {
    // One word in the middle replaced.
    let t = article(k);
    let mut words: Vec<&str> = t.split(' ').collect();
    let mid = words.len() / 2;
    words[mid] = "edited";
    words.join(" ")
}

fn confirm(a: &[u8], na: u32, b: &[u8], nb: u32, t: f64) -> Option<f64> {
    let a = thresh_dedup::Signature::from_bytes(a, na)?;
    let b = thresh_dedup::Signature::from_bytes(b, nb)?;
    a.near_duplicate(&b, t)
}

struct Prepared {
    doc: Doc,
    sha: String,
    sig: Vec<u8>,
    shingles: u32,
    bands: [i64; 16],
}

fn prepare(mh: &MinHasher, name: String, text: String) -> Prepared {
    let mut doc = Doc::new(Source::file(name), MediaType::Text, text.clone());
    doc.paragraphs = text.lines().map(String::from).collect();
    doc.raw_sha256 = thresh_dedup::text_sha256(&text);
    let sha = doc.raw_sha256.clone();
    let s = mh.signature(&text);
    Prepared { doc, sha, sig: s.to_bytes(), shingles: s.shingles, bands: s.bands() }
}

fn write(store: &mut Store, run: i64, batch: &[Prepared]) -> Vec<Outcome> {
    let items: Vec<Item<'_>> = batch
        .iter()
        .map(|p| Item::Doc {
            doc: &p.doc,
            fp: Fingerprint { text_sha256: &p.sha, minhash: Some(&p.sig), shingles: p.shingles, bands: &p.bands },
            raw: None,
            seq: None,
        })
        .collect();
    store.write_batch(run, &items).expect("write")
}

fn near_config() -> NearDupConfig {
    NearDupConfig {
        threshold: 0.8,
        confirm,
        max_bucket: 256,
        verify: Some(thresh_dedup::minhash::exact_near_duplicate),
        verify_margin: thresh_dedup::minhash::VERIFY_MARGIN,
    }
}

/// The database at `path`, deciding near duplicates, and a run in it.
fn open_run(path: &std::path::Path) -> (Store, i64) {
    let mut store = Store::open(path).expect("open");
    store.set_near_dups(Some(near_config()));
    let run = store.begin_run("bench", "[]", "{}", 1).expect("run");
    (store, run)
}

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| s.lines().find(|l| l.starts_with("VmHWM:")).map(str::to_string))
        .and_then(|l| l.split_whitespace().nth(1).and_then(|v| v.parse::<f64>().ok()))
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn run_one(n: usize) {
    let dir = tempfile::tempdir().expect("tempdir");
    // THRESH_SCALE_KEEP=DIR keeps the filled database there (to study it).
    let dir_path = std::env::var_os("THRESH_SCALE_KEEP").map_or_else(|| dir.path().to_path_buf(), Into::into);
    let path = dir_path.join("scale.db");
    let (mut store, run) = open_run(&path);
    let mh = MinHasher::new();
    let t0 = Instant::now();
    let mut k = 0u64;
    while (k as usize) < n {
        let end = (k as usize + BATCH).min(n) as u64;
        let batch: Vec<Prepared> = (k..end).map(|i| prepare(&mh, format!("syn/{i}"), article(i))).collect();
        write(&mut store, run, &batch);
        k = end;
    }
    let fill = t0.elapsed().as_secs_f64();

    // The probe: 2,000 new documents, every fifth an edited copy of a stored one.
    let mut rng = Lcg(42);
    let texts: Vec<(String, String)> = (0..PROBE as u64)
        .map(|i| {
            let name = format!("probe/{i}");
            if i % 5 == 0 {
                (name, edited(rng.next() % n as u64))
            } else {
                (name, article(10_000_000 + i))
            }
        })
        .collect();
    let t1 = Instant::now();
    let batch: Vec<Prepared> = texts.into_iter().map(|(n, t)| prepare(&mh, n, t)).collect();
    let sig_us = t1.elapsed().as_secs_f64() * 1e6 / PROBE as f64;
    let t2 = Instant::now();
    let outcomes = write(&mut store, run, &batch);
    let write_us = t2.elapsed().as_secs_f64() * 1e6 / PROBE as f64;
    let found = outcomes.iter().filter(|o| matches!(o, Outcome::New { dup_of: Some(_), .. })).count();
    drop(store);
    let cold_ms = first_write_ms(&path, &mh, n, "late/0");
    let db_mib = std::fs::metadata(&path).map_or(0.0, |m| m.len() as f64 / 1048576.0)
        + std::fs::metadata(dir_path.join("scale.db-wal")).map_or(0.0, |m| m.len() as f64 / 1048576.0);
    println!(
        "| {n:>9} | {fill:>8.1} | {:>9.0} | {sig_us:>12.1} | {write_us:>13.1} | {found:>5}/{} | {cold_ms:>10.0} | {:>13.1} | {db_mib:>8.0} |",
        n as f64 / fill,
        PROBE / 5,
        peak_rss_mib()
    );
}

/// A later run's first document: the writer builds its band index from the
/// stored signatures (what a small cron run into a large database pays).
fn first_write_ms(path: &std::path::Path, mh: &MinHasher, n: usize, name: &str) -> f64 {
    let (mut store, run) = open_run(path);
    let one = [prepare(mh, name.into(), edited(7 % n as u64))];
    let t = Instant::now();
    let late = write(&mut store, run, &one);
    let ms = t.elapsed().as_secs_f64() * 1e3;
    assert!(matches!(late[0], Outcome::New { dup_of: Some(_), .. }), "the edited copy is found");
    ms
}

fn main() {
    // THRESH_SCALE_COLD=DIR: only the first write into DIR/scale.db (kept by
    // THRESH_SCALE_KEEP), three times.
    if let Ok(dir) = std::env::var("THRESH_SCALE_COLD") {
        let path = std::path::Path::new(&dir).join("scale.db");
        for i in 0..3 {
            println!(
                "first write after open: {:.0} ms",
                first_write_ms(&path, &MinHasher::new(), 1000, &format!("cold/{}/{i}", std::process::id()))
            );
        }
        return;
    }
    // THRESH_SCALE_PROBE=DIR: 2,000 new documents into DIR/scale.db after its
    // first one (which builds the index), writer µs per document (for `perf`).
    if let Ok(dir) = std::env::var("THRESH_SCALE_PROBE") {
        let (mut store, run) = open_run(&std::path::Path::new(&dir).join("scale.db"));
        let mh = MinHasher::new();
        let pid = u64::from(std::process::id());
        let count: u64 =
            std::env::var("THRESH_SCALE_PROBE_N").ok().and_then(|v| v.parse().ok()).unwrap_or(PROBE as u64);
        let batch: Vec<Prepared> =
            (0..count).map(|i| prepare(&mh, format!("p{pid}/{i}"), article(20_000_000 + pid * 10_000 + i))).collect();
        write(&mut store, run, &batch[..1]);
        let t = Instant::now();
        for chunk in batch[1..].chunks(PROBE) {
            write(&mut store, run, chunk);
        }
        println!("writer: {:.1} µs per document", t.elapsed().as_secs_f64() * 1e6 / (count - 1) as f64);
        return;
    }
    if let Ok(n) = std::env::var("THRESH_SCALE_ONE") {
        run_one(n.parse().expect("size"));
        return;
    }
    let sizes = std::env::var("THRESH_SCALE_SIZES").unwrap_or_else(|_| "10000,100000".into());
    println!(
        "| stored N  | fill (s) | fill doc/s | signature µs | writer µs/doc | near found | first write after open (ms) | peak RSS MiB | DB MiB |"
    );
    println!("|---|---|---|---|---|---|---|---|---|");
    let exe = std::env::current_exe().expect("exe");
    for n in sizes.split(',').filter(|s| !s.trim().is_empty()) {
        let status = Command::new(&exe).env("THRESH_SCALE_ONE", n.trim()).arg("--bench").status().expect("child");
        assert!(status.success(), "size {n} failed");
    }
}
