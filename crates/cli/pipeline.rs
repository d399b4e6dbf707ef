//! The parallel part shared by `ingest` and `extract`: inputs go through
//! load → clean → fingerprint on the rayon pool in fixed-size batches; each
//! batch comes back in input order, so whatever consumes it (the SQLite
//! writer, the printer) sees the same sequence for any thread count, and
//! memory is bounded by the batch size.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use rayon::prelude::*;
use thresh_clean::Cleaner;
use thresh_doc::{Doc, DropReason, Verdict};
use thresh_fetch::{FetchError, Fetched, HttpFetcher, Input, LoadConfig, Validators, WarcItem, WarcRecords};

/// Inputs processed per batch.
pub const BATCH: usize = 64;
/// Input bytes in one batch, at most (past the first input): with the
/// batches queued for the writer, what bounds memory when inputs are large
/// (64 inputs of 44 MB took 11 GB).
pub const BATCH_BYTES: u64 = 64 << 20;

/// A kept document's fingerprints.
pub struct Prints {
    /// sha256 of the normalised text.
    pub sha: String,
    /// MinHash signature (None when near-dup detection is off).
    pub minhash: Option<(Vec<u8>, u32, [i64; thresh_dedup::minhash::BANDS])>,
    /// The input as it is to be stored (compressed here, in parallel, not
    /// in the writer); None where nothing is stored.
    pub raw: Option<thresh_store::StoredRaw>,
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
    /// Present when URLs are fetched.
    pub http: Option<HttpFetcher>,
    /// Page URLs for input files (`--manifest`).
    pub manifest: Option<crate::manifest::Manifest>,
    /// Lines learned per site before this run (ingest with learning on).
    pub site: Option<crate::site::SiteView>,
    /// [`PANIC_ON`], read once.
    pub panic_on: Option<String>,
    /// What is kept of each input in the database; None where nothing is
    /// stored (extract).
    pub raw: Option<thresh_store::RawMode>,
}

impl Stages {
    /// Stages for cleaning alone.
    pub fn new(load: LoadConfig, cleaner: Cleaner) -> Stages {
        let panic_on = std::env::var(PANIC_ON).ok().filter(|s| !s.is_empty());
        Stages { load, cleaner, minhasher: None, http: None, manifest: None, site: None, panic_on, raw: None }
    }
}

/// One unit of work, in input order.
pub enum Job {
    /// A file or stdin, read by the worker.
    Load(Input),
    /// A record already read from an archive.
    Loaded(Box<Doc>),
    /// A URL, fetched by the worker (conditionally, with stored validators).
    Url(String, Option<Validators>),
    /// Something not meant as a document.
    Skipped(String, &'static str),
    /// Something that failed before reaching a worker.
    Failed(FetchError),
}

impl Job {
    /// About how many bytes the job will hold in memory once loaded: a
    /// file's size (five times it for gzip, up to the input cap), an archive
    /// record's, a URL's body cap at most.
    pub fn size_hint(&self, max_input: u64) -> u64 {
        match self {
            Job::Load(Input::File(p)) => {
                let len = std::fs::metadata(p).map_or(0, |m| m.len());
                let gz = p.extension().is_some_and(|e| e.eq_ignore_ascii_case("gz"));
                (if gz { len.saturating_mul(5) } else { len }).min(max_input)
            }
            Job::Loaded(d) => d.raw.len() as u64,
            Job::Url(..) => 1 << 20,
            _ => 0,
        }
    }

    /// The path, URL or archive record the job is about.
    pub fn locator(&self) -> String {
        match self {
            Job::Load(input) => input.locator(),
            Job::Loaded(d) => d.source.locator.clone(),
            Job::Url(url, _) => url.clone(),
            Job::Skipped(locator, _) => locator.clone(),
            Job::Failed(e) => e.locator(),
        }
    }
}

/// One shard of a run split over machines (`--shard K/N`): a job belongs to
/// shard K when the first eight bytes of the sha256 of its key, read as a
/// big-endian number, leave K - 1 divided by N. The key is a file's
/// canonical path, a URL, or a WARC record's target URI and the sha256 of
/// its payload (its `FILE#OFFSET` when it has no URI): which shard takes an
/// input depends on nothing else (not its order, the thread count, or which
/// other inputs there are), so N runs over the same inputs take each once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// 1 ..= n.
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// The whole run, unsplit.
    pub const ALL: Shard = Shard { k: 1, n: 1 };

    /// Whether `key` falls in this shard.
    pub fn owns_key(&self, key: &str) -> bool {
        use sha2::Digest;
        if self.n <= 1 {
            return true;
        }
        let h = sha2::Sha256::digest(key.as_bytes());
        let x = u64::from_be_bytes(h[..8].try_into().expect("eight bytes"));
        x % self.n == self.k - 1
    }

    /// Whether `job` falls in this shard.
    pub fn owns(&self, job: &Job) -> bool {
        self.n <= 1 || self.owns_key(&job.shard_key())
    }
}

impl std::fmt::Display for Shard {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}/{}", self.k, self.n)
    }
}

impl Job {
    /// What decides a job's shard (see [`Shard`]).
    pub fn shard_key(&self) -> String {
        match self {
            Job::Loaded(d) => match &d.url {
                Some(url) => format!("{url} sha256:{}", d.raw_sha256),
                None => d.archive.clone().unwrap_or_else(|| d.source.locator.clone()),
            },
            other => other.locator(),
        }
    }
}

/// How many jobs `inputs` make, when that is known up front (an archive's
/// record count is not).
pub fn known_len(inputs: &[Result<Input, FetchError>]) -> Option<usize> {
    (!inputs.iter().any(|i| matches!(i, Ok(Input::Warc(_))))).then_some(inputs.len())
}

/// Where a job stands in its run: the input's position in the run's list of
/// inputs times 2^32, plus the record's number within a WARC archive (0 for
/// anything else). Every shard of a run numbers its jobs alike, so the
/// documents of shards interleave back into the one run's order
/// (`documents.input_seq`, `thresh merge`).
pub type Seq = u64;

/// The [`Seq`] of input `input`'s record `record`.
pub fn seq(input: usize, record: usize) -> Seq {
    ((input as u64) << 32) | (record as u64 & 0xFFFF_FFFF)
}

/// Expand inputs into jobs lazily: a WARC archive becomes its records one
/// at a time, so memory stays bounded by the batch, not the archive.
pub fn jobs(inputs: Vec<Result<Input, FetchError>>) -> impl Iterator<Item = (Seq, Job)> {
    let mut inputs = inputs.into_iter().enumerate();
    let mut archive: Option<(usize, usize, WarcRecords)> = None;
    std::iter::from_fn(move || loop {
        if let Some((i, n, a)) = archive.as_mut() {
            let at = seq(*i, *n);
            *n += 1;
            match a.next() {
                Some(Ok(WarcItem::Doc(d))) => return Some((at, Job::Loaded(d))),
                Some(Ok(WarcItem::Skipped { locator, reason })) => return Some((at, Job::Skipped(locator, reason))),
                Some(Err(e)) => return Some((at, Job::Failed(e))),
                None => archive = None,
            }
        }
        let (i, input) = inputs.next()?;
        match input {
            Ok(Input::Warc(p)) => match WarcRecords::open(&p) {
                Ok(a) => archive = Some((i, 0, a)),
                Err(e) => return Some((seq(i, 0), Job::Failed(e))),
            },
            Ok(input) => return Some((seq(i, 0), Job::Load(input))),
            Err(e) => return Some((seq(i, 0), Job::Failed(e))),
        }
    })
}

/// One input after the parallel stages.
pub enum Processed {
    /// Kept, with its fingerprints.
    Kept(Box<Doc>, Prints),
    /// Read but not kept.
    Dropped(Box<Doc>, DropReason),
    /// Not meant as a document (counted).
    Skipped(String, &'static str),
    /// A URL that answered 304.
    NotModified(String),
    /// A URL that answered 404 / 410.
    Gone(String, u16),
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
    fn from_fetch_error(e: &FetchError) -> Processed {
        Processed::Failed { locator: e.locator(), stage: "fetch", kind: e.kind(), message: e.to_string() }
    }
}

/// Load (or fetch), clean and fingerprint one job. Pure but for the input's I/O.
pub fn process(job: Job, st: &Stages) -> Processed {
    let doc = match job {
        Job::Load(input) => match thresh_fetch::load(&input, &st.load) {
            Ok(mut d) => {
                if let (Some(m), Input::File(path)) = (&st.manifest, &input) {
                    if let Some(url) = m.url_for(path) {
                        d.url = Some(url.to_string());
                    }
                }
                d
            }
            Err(e) => return Processed::from_fetch_error(&e),
        },
        Job::Loaded(d) => *d,
        Job::Url(url, validators) => {
            let Some(http) = &st.http else { unreachable!("URL jobs are only made with a fetcher") };
            match http.fetch(&url, validators.as_ref()) {
                Ok(Fetched::Doc(d)) => *d,
                Ok(Fetched::NotModified) => return Processed::NotModified(url),
                Ok(Fetched::Gone(status)) => return Processed::Gone(url, status),
                Ok(Fetched::Disallowed) => return Processed::Skipped(url, "robots_txt"),
                Err(e) => return Processed::from_fetch_error(&e),
            }
        }
        Job::Skipped(locator, reason) => return Processed::Skipped(locator, reason),
        Job::Failed(e) => return Processed::from_fetch_error(&e),
    };
    let verdict = match &st.site {
        Some(site) => {
            let learned = site.learned_for(&doc);
            st.cleaner.apply_with(doc, &learned)
        }
        None => st.cleaner.apply(doc),
    };
    match verdict {
        Verdict::Keep(doc) => {
            let mut prints = fingerprint(&doc, st);
            prints.raw = st.raw.map(|mode| thresh_store::StoredRaw::encode(&doc.raw, mode));
            Processed::Kept(Box::new(doc), prints)
        }
        Verdict::Drop(doc, reason) => Processed::Dropped(Box::new(doc), reason),
    }
}

/// [`process`], with a panic (a bug) turned into a failure of that input:
/// the run goes on with the others, and the input is recorded in `errors`.
pub fn process_guarded(job: Job, st: &Stages) -> Processed {
    let locator = job.locator();
    let fault = st.panic_on.as_deref().is_some_and(|p| locator.contains(p));
    match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        assert!(!fault, "fault injected by {PANIC_ON}");
        process(job, st)
    })) {
        Ok(p) => p,
        Err(payload) => {
            let what =
                LAST_PANIC.with(|p| p.borrow_mut().take()).unwrap_or_else(|| thresh_doc::panic_message(&*payload));
            Processed::Failed {
                message: format!("{locator}: internal error, please report it: {what}"),
                locator,
                stage: "clean",
                kind: "internal",
            }
        }
    }
}

thread_local! {
    /// The last panic on this worker thread: message and place.
    static LAST_PANIC: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Panics on worker threads are kept for [`process_guarded`] to report as
/// one line with the input's locator; elsewhere the default report stands.
pub fn install_panic_hook() {
    let default = std::panic::take_hook();
    std::panic::set_hook(Box::new(move |info| {
        if std::thread::current().name().is_some_and(|n| n.starts_with(WORKER)) {
            let msg = thresh_doc::panic_message(info.payload());
            let at = info.location().map(|l| format!(" at {}:{}", l.file(), l.line())).unwrap_or_default();
            LAST_PANIC.with(|p| *p.borrow_mut() = Some(format!("{msg}{at}")));
        } else {
            default(info);
        }
    }));
}

/// Fault injection for tests: a worker panics on every input whose locator
/// holds this variable's value (to show that a bug in one input fails that
/// input only).
pub const PANIC_ON: &str = "THRESH_TEST_PANIC_ON";

/// The name prefix of worker threads.
const WORKER: &str = "thresh-worker-";

/// A clean document's fingerprints.
pub fn fingerprint(doc: &Doc, st: &Stages) -> Prints {
    let norm = thresh_dedup::normalize(&doc.text());
    let sha = thresh_dedup::normalized_sha256(&norm);
    let minhash = st.minhasher.as_ref().map(|m| {
        let sig = m.signature_of_normalized(&norm);
        (sig.to_bytes(), sig.shingles, sig.bands())
    });
    Prints { sha, minhash, raw: None }
}

/// Run every job through [`process`] on `pool`, handing each batch, in
/// input order, to `sink`. Stops early if `sink` returns false.
pub fn run_batches(
    mut jobs: impl Iterator<Item = (Seq, Job)>,
    pool: &rayon::ThreadPool,
    stages: &Stages,
    progress: &ProgressBar,
    mut sink: impl FnMut(Vec<(Seq, Processed)>) -> bool,
) {
    let mut next: Option<(Seq, Job)> = None;
    loop {
        let mut chunk: Vec<(Seq, Job)> = Vec::with_capacity(BATCH);
        let mut bytes = 0u64;
        while chunk.len() < BATCH {
            let Some(job) = next.take().or_else(|| jobs.next()) else { break };
            let size = job.1.size_hint(stages.load.max_bytes);
            if !chunk.is_empty() && bytes + size > BATCH_BYTES {
                next = Some(job);
                break;
            }
            bytes += size;
            chunk.push(job);
        }
        if chunk.is_empty() {
            break;
        }
        let batch: Vec<(Seq, Processed)> = pool.install(|| {
            chunk
                .into_par_iter()
                .map(|(at, job)| {
                    let p = process_guarded(job, stages);
                    progress.inc(1);
                    (at, p)
                })
                .collect()
        });
        if !sink(batch) {
            break;
        }
    }
    progress.finish_and_clear();
}

/// A progress bar on stderr, or a hidden one (not a terminal, or `--quiet`).
/// `len` is None when the count is not known up front (archives).
pub fn progress_bar(len: Option<usize>, show: bool, what: &str) -> ProgressBar {
    if !show {
        return ProgressBar::hidden();
    }
    let pb = ProgressBar::with_draw_target(len.map(|n| n as u64), ProgressDrawTarget::stderr());
    let template = if len.is_some() {
        "{prefix} {bar:40} {pos}/{len} {per_sec} eta {eta}"
    } else {
        "{prefix} {spinner} {pos} documents {per_sec}"
    };
    let style = ProgressStyle::with_template(template).unwrap_or_else(|_| ProgressStyle::default_bar());
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
    Ok(rayon::ThreadPoolBuilder::new().num_threads(threads).thread_name(|i| format!("{WORKER}{i}")).build()?)
}
