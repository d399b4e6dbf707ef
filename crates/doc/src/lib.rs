//! The one record that flows through thresh, and the small types around it.
//!
//! Every stage crate depends on this one and on nothing else of thresh's:
//! `fetch` makes a [`Doc`] from an input, `clean` fills in its metadata, body
//! and removed segments, `dedup` fingerprints its text, `store` writes it.
//! A stage answers with a [`Verdict`]: keep the document, or drop it with a
//! stable [`DropReason`]. Errors are the stage's own `Err` type and carry the
//! locator of what failed.
//!
//! ```
//! use thresh_doc::{Doc, MediaType, Source, Verdict};
//! let doc = Doc::new(Source::file("page.html"), MediaType::Html, "<p>Hi</p>".into());
//! assert_eq!(doc.source.locator, "page.html");
//! let v = Verdict::Keep(doc);
//! assert!(v.kept().is_some());
//! ```
#![warn(missing_docs)]

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::fmt;
use std::ops::AddAssign;

use serde::Serialize;

/// Where a document came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Source {
    /// What kind of input this is.
    pub kind: SourceKind,
    /// A stable, unique name for the input: a file path, `-` for stdin, a URL,
    /// or `FILE#OFFSET` for a record inside an archive. Re-running on the same
    /// input yields the same locator, so a refresh finds the same row.
    pub locator: String,
}

/// The kinds of input thresh reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A local file (possibly gzip-compressed).
    File,
    /// Standard input.
    Stdin,
    /// A record inside a WARC archive.
    Warc,
    /// A URL fetched over HTTP.
    Url,
}

impl SourceKind {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::File => "file",
            SourceKind::Stdin => "stdin",
            SourceKind::Warc => "warc",
            SourceKind::Url => "url",
        }
    }

    /// The kind stored under this name ([`SourceKind::as_str`]).
    pub fn parse(name: &str) -> Option<SourceKind> {
        [SourceKind::File, SourceKind::Stdin, SourceKind::Warc, SourceKind::Url]
            .into_iter()
            .find(|k| k.as_str() == name)
    }
}

impl Source {
    /// A local file source.
    pub fn file(path: impl Into<String>) -> Self {
        Source { kind: SourceKind::File, locator: path.into() }
    }
    /// Standard input (`-`).
    pub fn stdin() -> Self {
        Source { kind: SourceKind::Stdin, locator: "-".into() }
    }
}

/// How the body is to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    /// HTML markup: main-content extraction applies.
    Html,
    /// A plain-text dump: line rules apply.
    #[default]
    Text,
}

impl MediaType {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            MediaType::Html => "html",
            MediaType::Text => "text",
        }
    }

    /// The media type stored under this name ([`MediaType::as_str`]).
    pub fn parse(name: &str) -> Option<MediaType> {
        [MediaType::Html, MediaType::Text].into_iter().find(|m| m.as_str() == name)
    }
}

/// One piece of text the cleaner cut, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Removed {
    /// The family of boilerplate, e.g. `widget`, `donation-appeal`, `icon-string`.
    /// (Names fixed in the code are borrowed: most removals allocate only their text.)
    pub kind: Cow<'static, str>,
    /// The rule inside that family that fired, e.g. `phrase:close`, `context`.
    pub rule: Cow<'static, str>,
    /// The text that was removed, as it stood in the input.
    pub text: String,
}

impl Removed {
    /// A removal of `text` of the given kind by the named rule.
    pub fn new(
        kind: impl Into<Cow<'static, str>>,
        rule: impl Into<Cow<'static, str>>,
        text: impl Into<String>,
    ) -> Self {
        Removed { kind: kind.into(), rule: rule.into(), text: text.into() }
    }
}

/// The document: its source, its raw body, and — once cleaned — its metadata
/// and clean body.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Doc {
    /// Where it came from.
    pub source: Source,
    /// How to read the body.
    pub media_type: MediaType,
    /// The decoded raw body (HTML or text).
    #[serde(skip)]
    pub raw: String,
    /// sha256 (hex) of the raw bytes as read, before decoding: tells a changed
    /// input from an unchanged one.
    pub raw_sha256: String,
    /// The charset the raw bytes were decoded from (WHATWG name).
    pub charset: String,
    /// The page URL when known (from the HTTP request, the WARC record, a manifest).
    pub url: Option<String>,
    /// When the input was fetched (ISO 8601), when known.
    pub fetched_at: Option<String>,
    /// HTTP `ETag` validator, when fetched over HTTP.
    pub etag: Option<String>,
    /// HTTP `Last-Modified` validator, when fetched over HTTP.
    pub last_modified: Option<String>,
    /// Where inside an archive the document was read: `FILE#OFFSET`.
    pub archive: Option<String>,
    /// Redirects followed to reach `url` (from the first URL requested).
    pub redirects: Vec<String>,
    /// HTTP status of the answer, when fetched over HTTP.
    pub http_status: Option<u16>,

    /// Title.
    pub title: Option<String>,
    /// Published date, ISO 8601 (`YYYY-MM-DD` or with a time).
    pub published: Option<String>,
    /// Author or byline.
    pub author: Option<String>,
    /// Site name.
    pub site: Option<String>,
    /// Language, ISO 639-1 where known (e.g. `en`).
    pub lang: Option<String>,
    /// Canonical URL declared by the page.
    pub canonical_url: Option<String>,
    /// The clean body, one paragraph per entry.
    pub paragraphs: Vec<String>,
    /// User comments, when asked for (kept apart from the body).
    pub comments: Vec<String>,
    /// Everything the cleaner cut, in input order.
    pub removed: Vec<Removed>,
    /// How the body was found (e.g. `container`, `readability`, `lines`).
    pub method: Option<String>,
    /// Keys of the lines (text dumps) or paragraphs (HTML) the cleaner saw,
    /// distinct and sorted: what per-site boilerplate learning counts.
    #[serde(skip)]
    pub site_keys: Vec<u64>,
}

impl Default for Source {
    fn default() -> Self {
        Source::file(String::new())
    }
}

impl Doc {
    /// A fresh, uncleaned document.
    pub fn new(source: Source, media_type: MediaType, raw: String) -> Self {
        Doc { source, media_type, raw, ..Doc::default() }
    }

    /// The document as it was loaded, before cleaning: its source, input and
    /// what fetching said of it, with nothing the cleaner fills in.
    pub fn uncleaned(&self) -> Doc {
        Doc {
            source: self.source.clone(),
            media_type: self.media_type,
            raw: self.raw.clone(),
            raw_sha256: self.raw_sha256.clone(),
            charset: self.charset.clone(),
            url: self.url.clone(),
            fetched_at: self.fetched_at.clone(),
            etag: self.etag.clone(),
            last_modified: self.last_modified.clone(),
            archive: self.archive.clone(),
            redirects: self.redirects.clone(),
            http_status: self.http_status,
            ..Doc::default()
        }
    }

    /// The clean body: paragraphs joined by `\n`.
    pub fn text(&self) -> String {
        self.paragraphs.join("\n")
    }

    /// The published date in UTC, RFC 3339 (`2019-11-19T15:04:00Z`): one
    /// shape that sorts. See [`utc_rfc3339`].
    pub fn published_utc(&self) -> Option<String> {
        self.published.as_deref().and_then(utc_rfc3339)
    }

    /// The document as `extract --format json` prints it; `dropped` says why
    /// nothing was kept, comments are there when they were asked for.
    pub fn record<'a>(&'a self, dropped: Option<&'a str>, with_comments: bool) -> Record<'a> {
        Record {
            author: &self.author,
            canonical_url: &self.canonical_url,
            comments: with_comments.then_some(self.comments.as_slice()),
            dropped,
            lang: &self.lang,
            media_type: self.media_type.as_str(),
            method: &self.method,
            path: &self.source.locator,
            published: &self.published,
            published_at: self.published_utc(),
            published_local: &self.published,
            removed: &self.removed,
            site: &self.site,
            source: &self.source.locator,
            text: self.text(),
            title: &self.title,
            url: self.url.as_ref().or(self.canonical_url.as_ref()),
        }
    }

    /// The host of the page URL (or canonical URL), lower-cased, without `www.`.
    pub fn host(&self) -> Option<String> {
        let u = self.url.as_deref().or(self.canonical_url.as_deref())?;
        let rest = u.split_once("://").map(|(_, r)| r)?;
        let host = rest.split(['/', '?', '#']).next()?;
        let host = host.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
        let host = host.strip_prefix("www.").map(str::to_string).unwrap_or(host);
        (!host.is_empty()).then_some(host)
    }
}

/// An ISO 8601 date as pages write it (`2019-11-19`, `2019-11-19T10:04`,
/// with seconds, with `Z` or an offset such as `-05:00`) in UTC, RFC 3339
/// with seconds and `Z`. A date alone is taken as midnight UTC, a time
/// without an offset as UTC (the page did not say which zone). None when
/// `iso` is not such a date.
pub fn utc_rfc3339(iso: &str) -> Option<String> {
    use chrono::{DateTime, NaiveDate, NaiveDateTime};
    const OUT: &str = "%Y-%m-%dT%H:%M:%SZ";
    let iso = iso.trim();
    if let Ok(t) = DateTime::parse_from_rfc3339(iso) {
        return Some(t.naive_utc().format(OUT).to_string());
    }
    // RFC 3339 wants seconds; pages often stop at minutes.
    if let Some(t) =
        ["%Y-%m-%dT%H:%M%:z", "%Y-%m-%dT%H:%M%#z"].iter().find_map(|f| DateTime::parse_from_str(iso, f).ok())
    {
        return Some(t.naive_utc().format(OUT).to_string());
    }
    let naive = iso.strip_suffix(['Z', 'z']).unwrap_or(iso);
    if let Some(t) =
        ["%Y-%m-%dT%H:%M:%S%.f", "%Y-%m-%dT%H:%M"].iter().find_map(|f| NaiveDateTime::parse_from_str(naive, f).ok())
    {
        return Some(t.format(OUT).to_string());
    }
    let d = NaiveDate::parse_from_str(iso, "%Y-%m-%d").ok()?;
    Some(d.and_hms_opt(0, 0, 0)?.format(OUT).to_string())
}

/// Why a document was dropped: a stable `snake_case` name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropReason {
    /// Nothing was left after cleaning.
    EmptyAfterClean,
    /// The page is larger than the configured size cap.
    TooLarge,
    /// The page has more elements than the configured element cap.
    TooManyElements,
}

impl DropReason {
    /// The stable name stored in the database.
    pub fn as_str(self) -> &'static str {
        match self {
            DropReason::EmptyAfterClean => "empty_after_clean",
            DropReason::TooLarge => "too_large",
            DropReason::TooManyElements => "too_many_elements",
        }
    }
}

impl fmt::Display for DropReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a stage decided about a document.
#[derive(Debug, Clone)]
pub enum Verdict {
    /// Go on with this document.
    Keep(Doc),
    /// Stop here; the document and the reason are still recorded.
    Drop(Doc, DropReason),
}

impl Verdict {
    /// The document if it was kept.
    pub fn kept(&self) -> Option<&Doc> {
        match self {
            Verdict::Keep(d) => Some(d),
            Verdict::Drop(..) => None,
        }
    }
    /// The document, kept or not.
    pub fn doc(&self) -> &Doc {
        match self {
            Verdict::Keep(d) | Verdict::Drop(d, _) => d,
        }
    }
    /// The document, kept or not, by value.
    pub fn into_doc(self) -> Doc {
        match self {
            Verdict::Keep(d) | Verdict::Drop(d, _) => d,
        }
    }
}

/// A document as `thresh extract --format json` prints it (and the Python
/// package returns it), borrowed from the [`Doc`]: keys in alphabetical
/// order, as they always were. Field names are the schema's (`source`,
/// `published_at`, `published_local`); `path` and `published` are their old
/// spellings, kept for one release.
#[derive(Debug, Serialize)]
pub struct Record<'a> {
    author: &'a Option<String>,
    canonical_url: &'a Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    comments: Option<&'a [String]>,
    /// Why nothing was kept, for a document that cleaned to nothing.
    #[serde(skip_serializing_if = "Option::is_none")]
    dropped: Option<&'a str>,
    lang: &'a Option<String>,
    media_type: &'a str,
    method: &'a Option<String>,
    /// Old spelling of `source`.
    path: &'a str,
    /// Old spelling of `published_local`.
    published: &'a Option<String>,
    /// The date in UTC, RFC 3339 (as the database stores it).
    published_at: Option<String>,
    /// The date as the page wrote it.
    published_local: &'a Option<String>,
    removed: &'a [Removed],
    site: &'a Option<String>,
    source: &'a str,
    text: String,
    title: &'a Option<String>,
    url: Option<&'a String>,
}

/// Counters one worker keeps for itself and merges once at the end.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct StageStats {
    /// Documents that entered the stage.
    pub docs_in: u64,
    /// Documents kept.
    pub kept: u64,
    /// Documents dropped, by reason.
    pub dropped: BTreeMap<String, u64>,
    /// Inputs that failed with an error.
    pub errors: u64,
    /// Segments removed, by kind.
    pub removed_by_kind: BTreeMap<String, u64>,
    /// Characters of raw text that entered cleaning.
    pub chars_in: u64,
    /// Characters of clean text kept.
    pub chars_kept: u64,
    /// Stored documents cleaned again because lines of their site were learned.
    pub recleaned: u64,
}

impl StageStats {
    /// Count one document: kept, or dropped for a reason.
    pub fn count(&mut self, doc: &Doc, dropped: Option<DropReason>) {
        self.docs_in += 1;
        match dropped {
            None => self.kept += 1,
            Some(r) => *self.dropped.entry(r.as_str().to_string()).or_default() += 1,
        }
        for r in &doc.removed {
            match self.removed_by_kind.get_mut(&*r.kind) {
                Some(n) => *n += 1,
                None => {
                    self.removed_by_kind.insert(r.kind.to_string(), 1);
                }
            }
        }
        self.chars_in += doc.raw.len() as u64;
        self.chars_kept += doc.paragraphs.iter().map(|p| p.len() as u64).sum::<u64>();
    }
}

impl AddAssign<&StageStats> for StageStats {
    fn add_assign(&mut self, o: &StageStats) {
        self.docs_in += o.docs_in;
        self.kept += o.kept;
        self.errors += o.errors;
        self.chars_in += o.chars_in;
        self.chars_kept += o.chars_kept;
        for (k, v) in &o.dropped {
            *self.dropped.entry(k.clone()).or_default() += v;
        }
        for (k, v) in &o.removed_by_kind {
            *self.removed_by_kind.entry(k.clone()).or_default() += v;
        }
    }
}

/// A panic's message, as a failure record states it (`panic!` makes a
/// `&str` or a `String`; anything else is an "unknown panic").
pub fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn host_strips_www_port_and_case() {
        let mut d = Doc::new(Source::file("x"), MediaType::Html, String::new());
        d.url = Some("https://WWW.Example.com:8080/a/b?c#d".into());
        assert_eq!(d.host().as_deref(), Some("example.com"));
        d.url = None;
        assert_eq!(d.host(), None);
    }

    #[test]
    fn published_dates_come_out_in_one_utc_shape() {
        for (page, utc) in [
            ("2019-11-19", "2019-11-19T00:00:00Z"),
            ("2019-11-19T10:04", "2019-11-19T10:04:00Z"),
            ("2019-11-19T10:04:05", "2019-11-19T10:04:05Z"),
            ("2019-11-19T10:04:05Z", "2019-11-19T10:04:05Z"),
            ("2019-11-19T10:04Z", "2019-11-19T10:04:00Z"),
            ("2019-11-19T22:04:05-05:00", "2019-11-20T03:04:05Z"),
            ("2019-11-19T01:30+02:00", "2019-11-18T23:30:00Z"),
            ("2019-11-19T10:04:05.250+00:00", "2019-11-19T10:04:05Z"),
        ] {
            assert_eq!(utc_rfc3339(page).as_deref(), Some(utc), "{page}");
        }
        for junk in ["", "yesterday", "2019-13-45", "2019-11"] {
            assert_eq!(utc_rfc3339(junk), None, "{junk}");
        }
    }

    #[test]
    fn stored_names_parse_back() {
        for k in [SourceKind::File, SourceKind::Stdin, SourceKind::Warc, SourceKind::Url] {
            assert_eq!(SourceKind::parse(k.as_str()), Some(k));
        }
        for m in [MediaType::Html, MediaType::Text] {
            assert_eq!(MediaType::parse(m.as_str()), Some(m));
        }
        assert_eq!(SourceKind::parse("ftp"), None);
        assert_eq!(MediaType::parse("pdf"), None);
    }

    #[test]
    fn stats_merge_adds_every_counter() {
        let mut d = Doc::new(Source::file("x"), MediaType::Text, "abc".into());
        d.paragraphs = vec!["ab".into()];
        d.removed.push(Removed::new("widget", "r", "Close"));
        let mut a = StageStats::default();
        a.count(&d, None);
        let mut b = StageStats::default();
        b.count(&d, Some(DropReason::EmptyAfterClean));
        a += &b;
        assert_eq!(a.docs_in, 2);
        assert_eq!(a.kept, 1);
        assert_eq!(a.dropped["empty_after_clean"], 1);
        assert_eq!(a.removed_by_kind["widget"], 2);
        assert_eq!(a.chars_in, 6);
        assert_eq!(a.chars_kept, 4);
    }
}
