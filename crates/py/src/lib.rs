//! thresh from Python (`import thresh`): the extractor, the text-dump
//! cleaner and the duplicate fingerprints of the command line, with the GIL
//! released while they work. Each call returns what `thresh extract
//! --format json` prints for the same input, as a JSON string the Python
//! side parses (so the two can never disagree on a field), and fails with a
//! `thresh.Error` subclass carrying the message the command line prints.
//! The Python wrappers live in `python/thresh/`.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::sync::{Mutex, OnceLock};

use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;
use pyo3::types::{PyBytes, PyString};
use rayon::prelude::*;
use thresh_clean::{CleanConfig, Cleaner, Favor};
use thresh_doc::{MediaType, Source, Verdict};
use thresh_fetch::FetchError;

/// The allocator of the command line (many small strings per page, freed
/// together): the extension's own allocations only, Python keeps its own.
#[global_allocator]
static ALLOC: mimalloc::MiMalloc = mimalloc::MiMalloc;

create_exception!(_native, Error, PyException, "Anything thresh could not do with an input.");
create_exception!(_native, InputError, Error, "The input is not a page or text: empty, binary, undecodable.");
create_exception!(_native, TooLargeError, InputError, "The input is over the size cap (64 MiB).");
create_exception!(_native, InternalError, Error, "A bug in thresh: please report it with the input.");

/// Largest input, as the command line's default `--max-input-mib`.
const MAX_BYTES: u64 = thresh_fetch::LoadConfig::DEFAULT_MAX_BYTES;

/// One input as it crossed from Python: text already decoded, or bytes to decode.
enum Page {
    Text(String),
    Bytes(Vec<u8>),
}

impl Page {
    fn from_py(obj: &Bound<'_, PyAny>) -> PyResult<Page> {
        if let Ok(s) = obj.cast::<PyString>() {
            Ok(Page::Text(s.to_cow()?.into_owned()))
        } else if let Ok(b) = obj.cast::<PyBytes>() {
            Ok(Page::Bytes(b.as_bytes().to_vec()))
        } else {
            Err(pyo3::exceptions::PyTypeError::new_err("a page is str or bytes"))
        }
    }
}

/// Why one input failed: the command line's kind and message.
struct Failure {
    kind: &'static str,
    message: String,
}

impl Failure {
    fn into_py(self) -> PyErr {
        match self.kind {
            "too_large" => TooLargeError::new_err(self.message),
            "internal" => InternalError::new_err(self.message),
            _ => InputError::new_err(self.message),
        }
    }
}

impl From<FetchError> for Failure {
    fn from(e: FetchError) -> Failure {
        // (An input with no URL is named "input" where the command line names the file.)
        let message = e.to_string();
        let message = match message.strip_prefix(": ") {
            Some(rest) => format!("input: {rest}"),
            None => message,
        };
        Failure { kind: e.kind(), message }
    }
}

/// The cleaner for one set of options, built once per process (building
/// one compiles every phrase rule).
fn cleaner(favor: Favor, include_comments: bool) -> &'static Cleaner {
    static CLEANERS: [OnceLock<Cleaner>; 6] = [const { OnceLock::new() }; 6];
    let i = match favor {
        Favor::Precision => 0,
        Favor::Balanced => 1,
        Favor::Recall => 2,
    } * 2
        + usize::from(include_comments);
    CLEANERS[i].get_or_init(|| {
        let cfg = CleanConfig { favor, include_comments, ..CleanConfig::default() };
        Cleaner::new(&cfg).expect("the built-in rules compile")
    })
}

fn favor(name: &str) -> PyResult<Favor> {
    match name {
        "precision" => Ok(Favor::Precision),
        "balanced" => Ok(Favor::Balanced),
        "recall" => Ok(Favor::Recall),
        _ => Err(pyo3::exceptions::PyValueError::new_err(format!(
            "favor is \"precision\", \"balanced\" or \"recall\", not {name:?}"
        ))),
    }
}

/// Load and clean one page as `thresh extract` does a file, and return its
/// record as JSON. `media` forces HTML or text (the caller said which).
fn clean_one(
    page: Page,
    url: Option<String>,
    media: MediaType,
    favor: Favor,
    comments: bool,
) -> Result<String, Failure> {
    let locator = url.clone().unwrap_or_default();
    let run = || -> Result<String, Failure> {
        let bytes = match &page {
            Page::Text(s) => s.as_bytes(),
            Page::Bytes(b) => b.as_slice(),
        };
        if bytes.len() as u64 > MAX_BYTES {
            let path = locator.clone().into();
            return Err(FetchError::TooLarge { path, size: bytes.len() as u64, limit: MAX_BYTES }.into());
        }
        // The checks and decoding of a file's bytes; a str is already text.
        let source = Source::file(locator.clone());
        let mut doc = match page {
            Page::Text(s) => {
                thresh_fetch::check_text(&locator, s.as_bytes())?;
                let mut doc = thresh_doc::Doc::new(source, media, s);
                doc.charset = "utf-8".into();
                doc
            }
            Page::Bytes(b) => thresh_fetch::decode_bytes(source, &b, None, url.as_deref())?,
        };
        doc.media_type = media;
        doc.url = url;
        let verdict = cleaner(favor, comments).apply(doc);
        let json = match &verdict {
            Verdict::Keep(d) => serde_json::to_string(&d.record(None, comments)),
            Verdict::Drop(d, reason) => serde_json::to_string(&d.record(Some(reason.as_str()), comments)),
        };
        Ok(json.expect("a record serialises"))
    };
    match catch_unwind(AssertUnwindSafe(run)) {
        Ok(r) => r,
        Err(p) => {
            let what = thresh_doc::panic_message(&*p);
            Err(Failure { kind: "internal", message: format!("{locator}: internal error: {what}") })
        }
    }
}

/// `thresh.extract`: the record of one HTML page, as JSON.
#[pyfunction]
#[pyo3(signature = (html, url=None, favor="balanced", include_comments=false))]
fn extract(
    py: Python<'_>,
    html: &Bound<'_, PyAny>,
    url: Option<String>,
    favor: &str,
    include_comments: bool,
) -> PyResult<String> {
    let page = Page::from_py(html)?;
    let f = self::favor(favor)?;
    py.detach(|| clean_one(page, url, MediaType::Html, f, include_comments)).map_err(Failure::into_py)
}

/// `thresh.clean_text`: the record of one text dump, as JSON.
#[pyfunction]
#[pyo3(signature = (text, url=None))]
fn clean_text(py: Python<'_>, text: &Bound<'_, PyAny>, url: Option<String>) -> PyResult<String> {
    let page = Page::from_py(text)?;
    py.detach(|| clean_one(page, url, MediaType::Text, Favor::Balanced, false)).map_err(Failure::into_py)
}

/// `thresh.fingerprint`: sha256 (hex) of the normalised text and the MinHash
/// signature's bytes, as the database stores them (`text_sha256`,
/// `minhash_signatures.sig`).
#[pyfunction]
fn fingerprint(py: Python<'_>, text: String) -> (String, Py<PyBytes>) {
    static HASHER: OnceLock<thresh_dedup::MinHasher> = OnceLock::new();
    let (sha, sig) = py.detach(|| {
        let sig = HASHER.get_or_init(thresh_dedup::MinHasher::new).signature(&text);
        (thresh_dedup::text_sha256(&text), sig.to_bytes())
    });
    (sha, PyBytes::new(py, &sig).unbind())
}

/// `thresh.extract_many`: records (as JSON) or failures (kind, message) of
/// many pages, cleaned on a pool of `threads` (rayon's global pool when
/// None), in input order.
#[pyfunction]
#[pyo3(signature = (pages, threads=None, favor="balanced", include_comments=false))]
#[allow(clippy::type_complexity)]
fn extract_many(
    py: Python<'_>,
    pages: Vec<(Bound<'_, PyAny>, Option<String>)>,
    threads: Option<usize>,
    favor: &str,
    include_comments: bool,
) -> PyResult<Vec<(Option<String>, Option<(String, String)>)>> {
    let f = self::favor(favor)?;
    let pages: Vec<(Page, Option<String>)> =
        pages.iter().map(|(p, u)| Ok((Page::from_py(p)?, u.clone()))).collect::<PyResult<_>>()?;
    let work = move || -> Vec<Result<String, Failure>> {
        pages.into_par_iter().map(|(p, u)| clean_one(p, u, MediaType::Html, f, include_comments)).collect()
    };
    let out = match threads {
        None => py.detach(work),
        Some(n) => {
            let pool = pool(n).map_err(|e| pyo3::exceptions::PyValueError::new_err(e.to_string()))?;
            py.detach(|| pool.install(work))
        }
    };
    Ok(out
        .into_iter()
        .map(|r| match r {
            Ok(json) => (Some(json), None),
            Err(f) => (None, Some((f.kind.to_string(), f.message))),
        })
        .collect())
}

/// A pool of `n` threads, kept for the next call that asks for as many.
fn pool(n: usize) -> Result<std::sync::Arc<rayon::ThreadPool>, rayon::ThreadPoolBuildError> {
    static POOLS: Mutex<Vec<(usize, std::sync::Arc<rayon::ThreadPool>)>> = Mutex::new(Vec::new());
    let n = n.clamp(1, 1024);
    let mut pools = POOLS.lock().unwrap_or_else(|e| e.into_inner());
    if let Some((_, p)) = pools.iter().find(|(k, _)| *k == n) {
        return Ok(p.clone());
    }
    let p = std::sync::Arc::new(rayon::ThreadPoolBuilder::new().num_threads(n).build()?);
    pools.push((n, p.clone()));
    Ok(p)
}

#[pymodule]
fn _native(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    m.add("Error", py.get_type::<Error>())?;
    m.add("InputError", py.get_type::<InputError>())?;
    m.add("TooLargeError", py.get_type::<TooLargeError>())?;
    m.add("InternalError", py.get_type::<InternalError>())?;
    m.add_function(wrap_pyfunction!(extract, m)?)?;
    m.add_function(wrap_pyfunction!(clean_text, m)?)?;
    m.add_function(wrap_pyfunction!(fingerprint, m)?)?;
    m.add_function(wrap_pyfunction!(extract_many, m)?)?;
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    Ok(())
}
