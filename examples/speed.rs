//! Extraction speed: pages (or MB) per CPU-second, single thread and with
//! two threads, for thresh's HTML extractor, a parse-only baseline
//! (scraper's `Html::parse_document`, i.e. html5ever into a DOM), and the
//! text-dump cleaner. Driven by `bench/speed.py` (which interleaves it with
//! resiliparse) and `just bench`.
//!
//! Usage: speed MODE DIR [ROUNDS]
//!   MODE: html | parse | text | html2 (two threads) | text2 | scaling (html and html2 alternating)
//!         | spinscaling (a register-only loop per page, one and two threads alternating: the machine's ceiling)
//! Prints one JSON object per round: {"mode", "items", "bytes", "cpu_s", "wall_s"}.

use std::path::Path;
use std::time::Instant;

use rayon::prelude::*;
use thresh_clean::{CleanConfig, Cleaner};
use thresh_doc::{Doc, MediaType, Source};

/// The allocator the thresh binary uses.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// CPU time of the process, all threads.
fn cpu_seconds() -> f64 {
    cpu_time::ProcessTime::now().as_duration().as_secs_f64()
}

fn load(dir: &Path) -> Vec<(String, String)> {
    let mut files: Vec<_> =
        std::fs::read_dir(dir).expect("read dir").filter_map(|e| e.ok().map(|e| e.path())).collect();
    files.sort();
    files
        .into_iter()
        .map(|p| {
            let mut bytes = std::fs::read(&p).expect("read");
            if p.extension().is_some_and(|e| e == "gz") {
                let mut plain = Vec::new();
                std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(&bytes[..]), &mut plain).expect("gunzip");
                bytes = plain;
            }
            let (text, _) = thresh_fetch::decode(&bytes, None);
            (p.display().to_string(), text)
        })
        .collect()
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let (mode, dir) = (args.get(1).expect("MODE").as_str(), Path::new(args.get(2).expect("DIR")));
    let rounds: usize = args.get(3).and_then(|r| r.parse().ok()).unwrap_or(1);
    let mut pages = load(dir);
    let bytes: usize = pages.iter().map(|p| p.1.len()).sum();
    let cleaner = Cleaner::new(&CleanConfig::default()).expect("cleaner");
    let media = if mode.starts_with("text") { MediaType::Text } else { MediaType::Html };
    // The page is handed to the cleaner and taken back after, as ingest
    // hands over its decoded body: the loop times no copy of the input.
    let one = |(name, raw): &mut (String, String)| -> usize {
        match mode {
            // The machine's own ceiling: a register-only loop per page, no
            // memory traffic, so two threads can only lose to the hardware.
            "spin" | "spin2" | "spinscaling" => {
                let mut x = raw.len() as u64 | 1;
                for _ in 0..12_000_000 {
                    x = x.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                }
                (x >> 63) as usize
            }
            "parse" => scraper::Html::parse_document(raw).tree.nodes().count(),
            _ => {
                let doc = Doc::new(Source::file(name.clone()), media, std::mem::take(raw));
                let mut doc = cleaner.apply(doc).into_doc();
                *raw = std::mem::take(&mut doc.raw);
                doc.paragraphs.len()
            }
        }
    };
    let pool = rayon::ThreadPoolBuilder::new().num_threads(2).build().expect("pool");
    for round in 0..rounds {
        // "scaling" alternates one-thread and two-thread passes, so each pair
        // is measured back to back.
        let two = mode.ends_with('2') || (matches!(mode, "scaling" | "spinscaling") && round % 2 == 1);
        let label = match mode {
            "scaling" if two => "html2",
            "scaling" => "html",
            "spinscaling" if two => "spin2",
            "spinscaling" => "spin",
            m => m,
        };
        let (c0, w0) = (cpu_seconds(), Instant::now());
        let n: usize =
            if two { pool.install(|| pages.par_iter_mut().map(one).sum()) } else { pages.iter_mut().map(one).sum() };
        let (cpu, wall) = (cpu_seconds() - c0, w0.elapsed().as_secs_f64());
        println!(
            "{{\"mode\":\"{label}\",\"items\":{},\"bytes\":{bytes},\"cpu_s\":{cpu:.6},\"wall_s\":{wall:.6},\"check\":{n}}}",
            pages.len()
        );
    }
}
