//! The parallel part shared by `ingest` and `extract`: inputs go through
//! load → clean → fingerprint on the rayon pool in fixed-size batches; each
//! batch comes back in input order, so whatever consumes it (the SQLite
//! writer, the printer) sees the same sequence for any thread count, and
//! memory is bounded by the batch size.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use thresh_clean::Cleaner;
use thresh_doc::{Doc, DropReason, Verdict};
use thresh_fetch::{FetchError, Input, LoadConfig};

/// Inputs processed per batch.
pub const BATCH: usize = 64;

/// A kept document's fingerprints.
pub struct Prints {
    /// sha256 of the normalised text.
    pub sha: String,
    /// MinHash signature (None when near-dup detection is off).
    pub minhash: Option<(Vec<u8>, u32, [i64; thresh_dedup::minhash::BANDS])>,
}

impl Prints {
    pub fn fingerprint(&self) -> thresh_store::Fingerprint<'_> {
        match &self.minhash {
            Some((sig, shingles, bands)) => {
                thresh_store::Fingerprint { text_sha256: &self.sha, minhash: Some(sig), shingles: *shingles, bands }
            }
            None => thresh_store::Fingerprint::exact(&self.sha),
        }
    }
}

/// Everything the workers need, built once.
pub struct Stages {
    pub load: LoadConfig,
    pub cleaner: Cleaner,
    /// Present when near duplicates are detected.
    pub minhasher: Option<thresh_dedup::MinHasher>,
}

/// One input after the parallel stages.
pub enum Processed {
    /// Kept, with its fingerprints.
    Kept(Box<Doc>, Prints),
    /// Read but not kept.
    Dropped(Box<Doc>, DropReason),
    /// Failed.
    Failed {
        /// The path / URL.
        locator: String,
        /// Which stage.
        stage: &'static str,
        /// Stable error class.
        kind: &'static str,
        /// Full message (names the locator).
        message: String,
    },
}

impl Processed {
    fn from_fetch_error(locator: String, e: &FetchError) -> Processed {
        Processed::Failed { locator, stage: "fetch", kind: e.kind(), message: e.to_string() }
    }
}

/// Load, clean and fingerprint one input. Pure but for reading the input.
pub fn process(input: &Input, st: &Stages) -> Processed {
    let doc = match thresh_fetch::load(input, &st.load) {
        Ok(d) => d,
        Err(e) => return Processed::from_fetch_error(input.locator(), &e),
    };
    match st.cleaner.apply(doc) {
        Verdict::Keep(doc) => {
            let text = doc.text();
            let sha = thresh_dedup::text_sha256(&text);
            let minhash = st.minhasher.as_ref().map(|m| {
                let sig = m.signature(&text);
                (sig.to_bytes(), sig.shingles, sig.bands())
            });
            Processed::Kept(Box::new(doc), Prints { sha, minhash })
        }
        Verdict::Drop(doc, reason) => Processed::Dropped(Box::new(doc), reason),
    }
}

/// Run every input through [`process`] on `pool`, handing each batch, in
/// input order, to `sink`. Stops early if `sink` returns false.
pub fn run_batches(
    inputs: Vec<Result<Input, FetchError>>,
    pool: &rayon::ThreadPool,
    stages: &Stages,
    progress: &ProgressBar,
    mut sink: impl FnMut(Vec<Processed>) -> bool,
) {
    for chunk in inputs.chunks(BATCH) {
        let batch: Vec<Processed> = pool.install(|| {
            chunk
                .par_iter()
                .map(|r| {
                    let p = match r {
                        Ok(input) => process(input, stages),
                        Err(e) => Processed::from_fetch_error(error_locator(e), e),
                    };
                    progress.inc(1);
                    p
                })
                .collect()
        });
        if !sink(batch) {
            break;
        }
    }
    progress.finish_and_clear();
}

fn error_locator(e: &FetchError) -> String {
    match e {
        FetchError::Io { path, .. }
        | FetchError::Gzip { path, .. }
        | FetchError::Empty { path }
        | FetchError::Binary { path, .. }
        | FetchError::TooLarge { path, .. } => path.to_string_lossy().into_owned(),
    }
}

/// A progress bar on stderr, or a hidden one (not a terminal, or `--quiet`).
pub fn progress_bar(len: usize, show: bool, what: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(Some(len as u64), ProgressDrawTarget::stderr());
    let style = ProgressStyle::with_template("{prefix} {bar:40} {pos}/{len} {per_sec} eta {eta}")
        .unwrap_or_else(|_| ProgressStyle::default_bar());
    pb.set_style(style);
    pb.set_prefix(what.to_string());
    pb
}

/// The store's near-dup confirmation, on stored signatures.
pub fn confirm_near(a: &[u8], a_shingles: u32, b: &[u8], b_shingles: u32, threshold: f64) -> Option<f64> {
    let a = thresh_dedup::Signature::from_bytes(a, a_shingles)?;
    let b = thresh_dedup::Signature::from_bytes(b, b_shingles)?;
    a.near_duplicate(&b, threshold)
}

/// The rayon pool for `threads` workers.
pub fn pool(threads: usize) -> anyhow::Result<rayon::ThreadPool> {
    Ok(rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("thresh-worker-{i}")).build()?)
}
