//! Inputs into documents: files, directories, gzip, stdin; charset sniffing
//! and decoding; HTML-or-text sniffing.
//!
//! [`enumerate`] expands the paths a user names into a deterministic list of
//! [`Input`]s (directories recursively, sorted by name); [`load`] reads one
//! into a [`Doc`] or a [`FetchError`] that names the path.
//!
//! ```
//! use thresh_fetch::{decode, sniff_media_type};
//! use thresh_doc::MediaType;
//! let (text, charset) = decode(b"<meta charset=\"utf-8\"><p>caf\xc3\xa9</p>", None);
//! assert_eq!(charset, "UTF-8");
//! assert!(text.contains("café"));
//! assert_eq!(sniff_media_type(&text, Some("x.txt")), MediaType::Html);
//! ```
#![warn(missing_docs)]

mod charset;
mod files;
pub mod http;
pub mod warc;

pub use charset::{decode, sniff_media_type};
pub use files::{
    canonical, check_text, decode_bytes, enumerate, enumerate_walk, load, load_bytes, looks_like_url, read_maybe_gzip,
    skipped_summary, Enumerated, Input, LoadConfig, Walk, URL_HINT,
};
pub use http::{Fetched, HttpConfig, HttpFetcher, Validators};
pub use warc::{WarcItem, WarcRecords};

use std::path::PathBuf;

/// Why an input could not become a document. Every variant names what failed.
#[derive(Debug, thiserror::Error)]
pub enum FetchError {
    /// The file could not be opened or read.
    #[error("{path}: cannot read: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// What the OS said.
        source: std::io::Error,
    },
    /// The gzip stream is corrupt or truncated.
    #[error("{path}: broken gzip stream after {offset} decompressed bytes: {source}")]
    Gzip {
        /// The file.
        path: PathBuf,
        /// How many decompressed bytes were read before the error.
        offset: u64,
        /// The decoder's error.
        source: std::io::Error,
    },
    /// The file holds nothing (or only whitespace).
    #[error("{path}: empty input")]
    Empty {
        /// The file.
        path: PathBuf,
    },
    /// The bytes are not text (a binary file).
    #[error("{path}: not text: {why}")]
    Binary {
        /// The file.
        path: PathBuf,
        /// What gave it away, with the byte offset.
        why: String,
    },
    /// A URL could not be fetched.
    #[error("{url}: {why}")]
    Http {
        /// The URL.
        url: String,
        /// What went wrong (DNS, refused, timeout, HTTP status, ...).
        why: String,
    },
    /// A WARC record could not be read.
    #[error("{path}: WARC record at offset {offset}: {why}")]
    Warc {
        /// The archive.
        path: PathBuf,
        /// Byte offset of the record (of its gzip member, for `.warc.gz`).
        offset: u64,
        /// What is wrong.
        why: String,
    },
    /// The input exceeds the size cap.
    #[error("{path}: {size} bytes exceeds the {limit}-byte input cap")]
    TooLarge {
        /// The file.
        path: PathBuf,
        /// Its size (or how far we read).
        size: u64,
        /// The cap.
        limit: u64,
    },
}

impl FetchError {
    /// A stable `snake_case` name for the error class (stored with the error).
    pub fn kind(&self) -> &'static str {
        match self {
            FetchError::Io { .. } => "io",
            FetchError::Gzip { .. } => "gzip",
            FetchError::Empty { .. } => "empty",
            FetchError::Binary { .. } => "binary",
            FetchError::TooLarge { .. } => "too_large",
            FetchError::Warc { .. } => "warc",
            FetchError::Http { .. } => "http",
        }
    }

    /// The locator of what failed: the path, or `FILE#OFFSET` inside an archive.
    pub fn locator(&self) -> String {
        match self {
            FetchError::Io { path, .. }
            | FetchError::Gzip { path, .. }
            | FetchError::Empty { path }
            | FetchError::Binary { path, .. }
            | FetchError::TooLarge { path, .. } => path.to_string_lossy().into_owned(),
            FetchError::Warc { path, offset, .. } => format!("{}#{offset}", path.display()),
            FetchError::Http { url, .. } => url.clone(),
        }
    }
}
