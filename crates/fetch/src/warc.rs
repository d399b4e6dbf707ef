//! WARC archives (plain, or gzip per record as Common Crawl writes them).
//!
//! [`WarcRecords`] streams records one at a time, so memory stays bounded
//! whatever the archive size. Each record is located by the byte offset of its
//! start in the file — for a `.warc.gz`, the offset of the gzip member that
//! holds it, which is what Common Crawl indexes record and what a range
//! request needs. `response` records with an HTML payload become HTML
//! documents, `conversion` records (WET) text documents; everything else is
//! skipped with a reason. A record that does not parse, or whose
//! Content-Length does not end it where the next begins, is an error naming
//! the file and offset, and reading resumes at the next `WARC/1.` header; a
//! gzip stream that breaks off keeps the records decoded before the break.

use std::fs::File;
use std::io::{self, BufRead, BufReader, Read};
use std::path::{Path, PathBuf};

use flate2::bufread::GzDecoder;
use thresh_doc::{Doc, MediaType, Source, SourceKind};

use crate::{load_bytes, FetchError};

/// One item read from an archive.
#[derive(Debug)]
pub enum WarcItem {
    /// A document to clean.
    Doc(Box<Doc>),
    /// A record that is not a document (request, metadata, an image, ...).
    Skipped {
        /// `FILE#OFFSET`.
        locator: String,
        /// A stable reason: `warcinfo`, `request`, `non_html`, `http_status`, ...
        reason: &'static str,
    },
}

/// Largest record accepted.
const MAX_RECORD: u64 = 64 << 20;

/// Counts bytes read from the file, to know where each gzip member starts.
struct Counting<R> {
    inner: R,
    pos: u64,
}

impl<R: Read> Read for Counting<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.pos += n as u64;
        Ok(n)
    }
}

type FileReader = BufReader<Counting<File>>;

/// Where the record bytes come from.
enum Bytes {
    /// A plain WARC: the file itself.
    Plain(FileReader),
    /// A gzipped WARC: the member being decoded, which started at `.1`.
    Member(GzDecoder<FileReader>, u64),
    /// A gzipped WARC between two members.
    Between(FileReader),
    /// Nothing more.
    Done,
}

/// Streams the records of one WARC file.
///
/// Records are cut from a window of decoded bytes. A record that does not
/// parse, or whose Content-Length does not end it where the next record
/// begins, is reported with its offset and skipped: reading resumes at the
/// next `WARC/1.` header, so one bad record never costs the ones after it.
/// A gzip stream that breaks off keeps the records decoded before the break.
pub struct WarcRecords {
    path: PathBuf,
    bytes: Bytes,
    /// Decoded bytes not yet cut into records: `window[start..]`.
    window: Vec<u8>,
    start: usize,
    /// Offset of `window[start]` in a plain file; of the member in a gzip one.
    offset: u64,
    /// The source of the window has no more bytes (end of file or of member).
    at_end: bool,
    /// The source broke off (reported): the incomplete record it cut is not
    /// reported again.
    broken: bool,
    /// In a run of junk already reported.
    in_junk: bool,
}

/// Read this much at a time into the window.
const CHUNK: usize = 256 * 1024;
/// Longest record header.
const MAX_HEADER: usize = 64 * 1024;

/// What the front of the window holds.
#[derive(Debug, PartialEq)]
enum Step {
    /// A record of this many bytes.
    Record(usize),
    /// This many bytes that are not a good record (reported), up to the next
    /// record header or the end.
    Bad(usize, String),
    /// This many bytes of whitespace between records.
    Gap(usize),
    /// This many bytes of something that is not a record (reported once per
    /// run of such bytes, however long).
    Junk(usize, String),
    /// Not enough bytes to tell.
    More,
    /// Nothing left.
    End,
}

impl WarcRecords {
    /// Open an archive; gzip is recognised by its magic bytes.
    pub fn open(path: &Path) -> Result<WarcRecords, FetchError> {
        let file = File::open(path).map_err(|source| FetchError::Io { path: path.into(), source })?;
        let mut reader = BufReader::with_capacity(CHUNK, Counting { inner: file, pos: 0 });
        let head = reader.fill_buf().map_err(|source| FetchError::Io { path: path.into(), source })?;
        let bytes = if head.starts_with(&[0x1f, 0x8b]) { Bytes::Between(reader) } else { Bytes::Plain(reader) };
        Ok(WarcRecords {
            path: path.into(),
            bytes,
            window: Vec::new(),
            start: 0,
            offset: 0,
            at_end: false,
            broken: false,
            in_junk: false,
        })
    }

    fn err(&self, offset: u64, why: impl Into<String>) -> FetchError {
        FetchError::Warc { path: self.path.clone(), offset, why: why.into() }
    }

    /// Move `n` bytes past the front of the window.
    fn consume(&mut self, n: usize) {
        self.start += n;
        if matches!(self.bytes, Bytes::Plain(_)) {
            self.offset += n as u64;
        }
        if self.start > CHUNK && self.start * 2 > self.window.len() {
            self.window.drain(..self.start);
            self.start = 0;
        }
    }

    /// Add bytes to the window from the current source; Err is a source
    /// that broke off (with its offset).
    fn fill(&mut self) -> Result<(), (u64, String)> {
        let mut chunk = vec![0u8; CHUNK];
        loop {
            let (n, member) = match &mut self.bytes {
                Bytes::Done => {
                    self.at_end = true;
                    return Ok(());
                }
                Bytes::Plain(r) => (r.read(&mut chunk), None),
                Bytes::Member(gz, at) => (gz.read(&mut chunk), Some(*at)),
                Bytes::Between(r) => {
                    // The next member, or the end of the file.
                    let at = r.get_ref().pos - r.buffer().len() as u64;
                    match r.fill_buf() {
                        Ok([]) => {
                            self.bytes = Bytes::Done;
                            self.at_end = true;
                            return Ok(());
                        }
                        Ok(_) => {}
                        Err(e) => {
                            self.bytes = Bytes::Done;
                            return Err((at, e.to_string()));
                        }
                    }
                    let Bytes::Between(r) = std::mem::replace(&mut self.bytes, Bytes::Done) else { unreachable!() };
                    self.bytes = Bytes::Member(GzDecoder::new(r), at);
                    self.offset = at;
                    continue;
                }
            };
            match n {
                Ok(0) => {
                    self.bytes = match std::mem::replace(&mut self.bytes, Bytes::Done) {
                        Bytes::Member(gz, _) => Bytes::Between(gz.into_inner()),
                        _ => Bytes::Done,
                    };
                    self.at_end = true;
                    return Ok(());
                }
                Ok(k) => {
                    self.window.extend_from_slice(&chunk[..k]);
                    return Ok(());
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    // A member (or the file) that breaks off: what was decoded
                    // stays in the window; nothing after it can be trusted.
                    let at = member.unwrap_or(self.offset + (self.window.len() - self.start) as u64);
                    self.bytes = Bytes::Done;
                    self.at_end = true;
                    let what = if member.is_some() { "truncated or corrupt gzip member" } else { "read error" };
                    return Err((at, format!("{what}: {e}")));
                }
            }
        }
    }

    /// The next raw record (offset, bytes of header + block), or None at the end.
    fn next_raw(&mut self) -> Option<Result<(u64, Vec<u8>), FetchError>> {
        loop {
            let step = split_one(&self.window[self.start..], self.at_end);
            let offset = self.offset;
            let junk = matches!(step, Step::Junk(..));
            match step {
                Step::Bad(n, why) | Step::Junk(n, why) => {
                    // Reported once per run of junk, and not when it is the
                    // remains of a source that broke off (already reported).
                    let tail = self.start + n == self.window.len();
                    self.consume(n);
                    let quiet = (junk && self.in_junk) || (self.broken && tail);
                    self.in_junk = junk;
                    if !quiet {
                        return Some(Err(self.err(offset, why)));
                    }
                }
                Step::Record(n) => {
                    self.in_junk = false;
                    let rec = self.window[self.start..self.start + n].to_vec();
                    self.consume(n);
                    return Some(Ok((offset, rec)));
                }
                Step::Gap(n) => self.consume(n),
                Step::End if matches!(self.bytes, Bytes::Done) => return None,
                Step::End | Step::More => {
                    if self.at_end && !matches!(self.bytes, Bytes::Done) {
                        // The next gzip member: a fresh window.
                        self.window.drain(..self.start);
                        self.start = 0;
                        if !self.window.is_empty() {
                            let n = self.window.len();
                            self.consume(n);
                            return Some(Err(self.err(offset, "incomplete record at the end of a gzip member")));
                        }
                    }
                    self.at_end = false;
                    if let Err((at, why)) = self.fill() {
                        self.broken = true;
                        return Some(Err(self.err(at, why)));
                    }
                }
            }
        }
    }
}

impl Iterator for WarcRecords {
    type Item = Result<WarcItem, FetchError>;

    fn next(&mut self) -> Option<Self::Item> {
        let (offset, raw) = match self.next_raw()? {
            Ok(r) => r,
            Err(e) => return Some(Err(e)),
        };
        Some(to_item(&self.path, offset, &raw).map_err(|why| self.err(offset, why)))
    }
}

/// The next record header at or after `from` in `data` (`WARC/1.` at the
/// start of a line).
fn next_header(data: &[u8], from: usize) -> Option<usize> {
    let mut i = from;
    while let Some(p) = memchr::memmem::find(&data[i.min(data.len())..], b"WARC/1.") {
        let at = i + p;
        if at == 0 || data[at - 1] == b'\n' {
            return Some(at);
        }
        i = at + 1;
    }
    None
}

/// Cut the front of `data` (the rest of the source when `at_end`): a whole
/// record, bad bytes up to the next header, or a call for more bytes.
fn split_one(data: &[u8], at_end: bool) -> Step {
    let ws = data.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if ws > 0 {
        return Step::Gap(ws);
    }
    if data.is_empty() {
        return if at_end { Step::End } else { Step::More };
    }
    // Bad bytes up to the next header after `from` (or all of them).
    let resync = |from: usize, why: String| match next_header(data, from) {
        Some(p) => Step::Bad(p, why),
        None if at_end || data.len() > 2 * MAX_RECORD as usize => Step::Bad(data.len(), why),
        None => Step::More,
    };
    if !data.starts_with(b"WARC/") {
        if data.len() < 5 && !at_end {
            return Step::More;
        }
        let first = data.split(|&b| b == b'\n').next().unwrap_or(data);
        let shown: String = String::from_utf8_lossy(first).chars().take(20).collect();
        let why = format!("not a WARC record (starts with {shown:?})");
        return match next_header(data, 1) {
            Some(p) => Step::Junk(p, why),
            None if at_end => Step::Junk(data.len(), why),
            // Keep only what could be the start of a header cut in two.
            None if data.len() > MAX_HEADER => Step::Junk(data.len() - 8, why),
            None => Step::More,
        };
    }
    let Some(end) = memchr::memmem::find(&data[..data.len().min(MAX_HEADER)], b"\r\n\r\n") else {
        if data.len() >= MAX_HEADER {
            return resync(1, "record header larger than 64 KiB".into());
        }
        return if at_end { resync(1, "truncated record header".into()) } else { Step::More };
    };
    let head_len = end + 4;
    let len = match parse_header(&data[..head_len]).and_then(|(fields, _)| content_length(&fields)) {
        Ok(len) => len,
        Err(why) => return resync(head_len, why),
    };
    let stop = head_len + len;
    // A record ends with two CRLFs, then the next record or the end.
    let Some(after) = data.get(stop..) else {
        if at_end {
            return resync(head_len, format!("truncated record: {} of {len} block bytes", data.len() - head_len));
        }
        // A Content-Length past the next header would never fill: look now.
        return match next_header(data, head_len) {
            Some(p) if data.len() - head_len > 2 * MAX_RECORD as usize => {
                Step::Bad(p, "Content-Length runs past the next record".into())
            }
            _ => Step::More,
        };
    };
    // The record's own terminator, or whitespace and the next header.
    if after.starts_with(b"\r\n\r\n") {
        return Step::Record(stop);
    }
    let gap = after.iter().take_while(|b| b.is_ascii_whitespace()).count();
    if gap == after.len() && !at_end && after.len() < 8 {
        return Step::More;
    }
    if (gap == after.len() && at_end) || after[gap..].starts_with(b"WARC/") {
        return Step::Record(stop);
    }
    if after.len() - gap < 5 && !at_end {
        return Step::More;
    }
    // The block does not end where the next record begins: its
    // Content-Length is wrong. Resume at the first header after this one's.
    match next_header(data, head_len) {
        Some(p) if p < stop => Step::Bad(p, format!("Content-Length {len} runs past the record's end")),
        Some(p) => Step::Bad(p, format!("Content-Length {len} stops short of the record's end")),
        None => resync(head_len, format!("Content-Length {len} does not end the record")),
    }
}

/// Header block of a record: version line and fields, up to the blank line.
fn parse_header(data: &[u8]) -> Result<(Vec<(String, String)>, usize), String> {
    let end = memchr::memmem::find(data, b"\r\n\r\n").ok_or("record header not terminated")?;
    let head = std::str::from_utf8(&data[..end]).map_err(|_| "record header is not UTF-8")?;
    let mut lines = head.split("\r\n");
    let version = lines.next().unwrap_or("");
    if !version.starts_with("WARC/") {
        return Err(format!("not a WARC record (starts with {:?})", version.chars().take(20).collect::<String>()));
    }
    let fields = lines
        .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
        .collect();
    Ok((fields, end + 4))
}

fn field<'a>(fields: &'a [(String, String)], name: &str) -> Option<&'a str> {
    fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
}

fn content_length(fields: &[(String, String)]) -> Result<usize, String> {
    let v = field(fields, "content-length").ok_or("record has no Content-Length")?;
    let n: u64 = v.parse().map_err(|_| format!("bad Content-Length {v:?}"))?;
    if n > MAX_RECORD {
        return Err(format!("record of {n} bytes exceeds the {MAX_RECORD}-byte cap"));
    }
    Ok(n as usize)
}

/// Turn one record into a document or a skip.
fn to_item(path: &Path, offset: u64, raw: &[u8]) -> Result<WarcItem, String> {
    let locator = format!("{}#{offset}", path.display());
    let (fields, head_len) = parse_header(raw)?;
    let block = &raw[head_len..];
    let skip = |reason| Ok(WarcItem::Skipped { locator: locator.clone(), reason });
    let kind = field(&fields, "warc-type").unwrap_or("").to_ascii_lowercase();
    let uri = field(&fields, "warc-target-uri").map(|u| u.trim_matches(['<', '>']).to_string());
    let date = field(&fields, "warc-date").map(String::from);
    let (media, body, declared) = match kind.as_str() {
        "response" => {
            let Some(hdr_end) = memchr::memmem::find(block, b"\r\n\r\n") else { return skip("not_http") };
            let head = String::from_utf8_lossy(&block[..hdr_end]);
            let mut lines = head.split("\r\n");
            let status: u16 =
                lines.next().and_then(|l| l.split_whitespace().nth(1)).and_then(|s| s.parse().ok()).unwrap_or(0);
            let headers: Vec<(String, String)> = lines
                .filter_map(|l| l.split_once(':').map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string())))
                .collect();
            if !(200..300).contains(&status) {
                return skip("http_status");
            }
            let ctype = field(&headers, "content-type").unwrap_or("").to_ascii_lowercase();
            if !(ctype.is_empty() || ctype.contains("html")) {
                return skip("non_html");
            }
            let mut body = block[hdr_end + 4..].to_vec();
            if field(&headers, "transfer-encoding").is_some_and(|t| t.eq_ignore_ascii_case("chunked")) {
                body = dechunk(&body).ok_or("broken chunked encoding")?;
            }
            if field(&headers, "content-encoding").is_some_and(|t| t.contains("gzip")) {
                let mut out = Vec::new();
                flate2::read::MultiGzDecoder::new(&body[..])
                    .take(MAX_RECORD)
                    .read_to_end(&mut out)
                    .map_err(|e| format!("gzip content-encoding: {e}"))?;
                body = out;
            }
            let charset = ctype
                .split(';')
                .find_map(|p| p.trim().strip_prefix("charset=").map(|c| c.trim_matches('"').to_string()));
            (MediaType::Html, body, charset)
        }
        "conversion" => (MediaType::Text, block.to_vec(), Some("utf-8".to_string())),
        "resource" => {
            let ctype = field(&fields, "content-type").unwrap_or("").to_ascii_lowercase();
            if ctype.contains("html") {
                (MediaType::Html, block.to_vec(), None)
            } else if ctype.starts_with("text/plain") {
                (MediaType::Text, block.to_vec(), None)
            } else {
                return skip("non_html");
            }
        }
        "warcinfo" => return skip("warcinfo"),
        "request" => return skip("request"),
        "metadata" => return skip("metadata"),
        "revisit" => return skip("revisit"),
        _ => return skip("other_type"),
    };
    if body.iter().all(u8::is_ascii_whitespace) {
        return skip("empty");
    }
    let source = Source { kind: SourceKind::Warc, locator: uri.clone().unwrap_or_else(|| locator.clone()) };
    let mut doc = load_bytes(source, &body, declared.as_deref(), uri.as_deref()).map_err(|e| e.to_string())?;
    doc.media_type = media;
    doc.url = uri;
    doc.fetched_at = date;
    doc.archive = Some(locator);
    Ok(WarcItem::Doc(Box::new(doc)))
}

fn dechunk(mut b: &[u8]) -> Option<Vec<u8>> {
    let mut out = Vec::new();
    loop {
        let nl = memchr::memmem::find(b, b"\r\n")?;
        let size_str = std::str::from_utf8(&b[..nl]).ok()?.split(';').next()?.trim();
        let size = usize::from_str_radix(size_str, 16).ok()?;
        b = &b[nl + 2..];
        if size == 0 {
            return Some(out);
        }
        if b.len() < size {
            return None;
        }
        out.extend_from_slice(&b[..size]);
        b = b.get(size + 2..).unwrap_or(&[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn record(kind: &str, uri: &str, block: &[u8]) -> Vec<u8> {
        let mut r = format!(
            "WARC/1.0\r\nWARC-Type: {kind}\r\nWARC-Target-URI: {uri}\r\nWARC-Date: 2019-11-19T10:00:00Z\r\nContent-Length: {}\r\n\r\n",
            block.len()
        )
        .into_bytes();
        r.extend_from_slice(block);
        r.extend_from_slice(b"\r\n\r\n");
        r
    }

    fn http(ctype: &str, body: &str) -> Vec<u8> {
        format!("HTTP/1.1 200 OK\r\nContent-Type: {ctype}\r\nContent-Length: {}\r\n\r\n{body}", body.len()).into_bytes()
    }

    fn gz(b: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(b).unwrap();
        e.finish().unwrap()
    }

    fn sample() -> Vec<Vec<u8>> {
        vec![
            record("warcinfo", "", b"software: test"),
            record("request", "https://a.example/1", b"GET /1 HTTP/1.1\r\n\r\n"),
            record(
                "response",
                "https://a.example/1",
                &http("text/html; charset=utf-8", "<html><p>One caf\u{e9}</p></html>"),
            ),
            record("response", "https://a.example/logo.png", &http("image/png", "PNGDATA")),
            record("conversion", "https://a.example/2", "Plain text of two".as_bytes()),
        ]
    }

    fn collect(path: &Path) -> Vec<Result<WarcItem, FetchError>> {
        WarcRecords::open(path).unwrap().collect()
    }

    #[test]
    fn reads_plain_and_per_record_gzip_with_offsets() {
        let dir = tempfile::tempdir().unwrap();
        let recs = sample();
        let plain = dir.path().join("a.warc");
        std::fs::write(&plain, recs.concat()).unwrap();
        let gzp = dir.path().join("a.warc.gz");
        let members: Vec<Vec<u8>> = recs.iter().map(|r| gz(r)).collect();
        std::fs::write(&gzp, members.concat()).unwrap();
        for (path, starts) in [
            (
                &plain,
                recs.iter()
                    .scan(0, |o, r| {
                        let s = *o;
                        *o += r.len();
                        Some(s)
                    })
                    .collect::<Vec<_>>(),
            ),
            (
                &gzp,
                members
                    .iter()
                    .scan(0, |o, r| {
                        let s = *o;
                        *o += r.len();
                        Some(s)
                    })
                    .collect::<Vec<_>>(),
            ),
        ] {
            let items = collect(path);
            assert_eq!(items.len(), 5);
            let docs: Vec<&Doc> = items
                .iter()
                .filter_map(|i| match i {
                    Ok(WarcItem::Doc(d)) => Some(&**d),
                    _ => None,
                })
                .collect();
            assert_eq!(docs.len(), 2);
            assert_eq!(docs[0].url.as_deref(), Some("https://a.example/1"));
            assert_eq!(docs[0].source.locator, "https://a.example/1");
            assert_eq!(docs[0].media_type, MediaType::Html);
            assert!(docs[0].raw.contains("One café"));
            assert_eq!(docs[0].fetched_at.as_deref(), Some("2019-11-19T10:00:00Z"));
            assert_eq!(docs[0].archive.as_deref(), Some(format!("{}#{}", path.display(), starts[2]).as_str()));
            assert_eq!(docs[1].media_type, MediaType::Text);
            let reasons: Vec<&str> = items
                .iter()
                .filter_map(|i| match i {
                    Ok(WarcItem::Skipped { reason, .. }) => Some(*reason),
                    _ => None,
                })
                .collect();
            assert_eq!(reasons, ["warcinfo", "request", "non_html"]);
        }
    }

    #[test]
    fn truncated_last_record_is_an_error_with_offset_after_good_records() {
        let dir = tempfile::tempdir().unwrap();
        let recs = sample();
        for gzipped in [false, true] {
            let mut bytes: Vec<u8> = Vec::new();
            let mut last_start = 0;
            for (i, r) in recs.iter().enumerate() {
                let enc = if gzipped { gz(r) } else { r.clone() };
                if i == recs.len() - 1 {
                    last_start = bytes.len();
                    bytes.extend_from_slice(&enc[..enc.len() / 2]);
                } else {
                    bytes.extend_from_slice(&enc);
                }
            }
            let p = dir.path().join(if gzipped { "cut.warc.gz" } else { "cut.warc" });
            std::fs::write(&p, &bytes).unwrap();
            let items = collect(&p);
            assert_eq!(items.len(), 5, "four good records and one error");
            assert!(items[..4].iter().all(|i| i.is_ok()));
            let err = items[4].as_ref().unwrap_err();
            let msg = err.to_string();
            assert!(msg.contains("cut.warc") && msg.contains(&format!("offset {last_start}")), "{msg}");
        }
    }

    #[test]
    fn junk_is_an_error_not_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("junk.warc");
        std::fs::write(&p, b"this is not a warc file at all\r\n\r\nreally").unwrap();
        let items = collect(&p);
        assert_eq!(items.len(), 1);
        assert!(items[0].as_ref().unwrap_err().to_string().contains("offset 0"));
    }

    /// A first line cut inside a character at byte 20 (a panic once).
    #[test]
    fn junk_with_a_wide_character_at_byte_20_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("p.warc");
        std::fs::write(&p, b"aaaaaaaaaaaaaaaaaa\xe2\x86\x92 x\r\n\r\nbody").unwrap();
        let items = collect(&p);
        assert_eq!(items.len(), 1);
        let e = items[0].as_ref().unwrap_err().to_string();
        assert!(e.contains("offset 0") && e.contains("not a WARC record"), "{e}");
    }

    /// Eight HTML responses of about 6 KB each.
    fn eight() -> Vec<Vec<u8>> {
        (0..8)
            .map(|i| {
                let page = format!("<html><p>Page {i}. {}</p></html>", "Words of the page. ".repeat(300));
                record("response", &format!("https://a.example/{i}"), &http("text/html", &page))
            })
            .collect()
    }

    /// Documents and errors read from `bytes` written as `name`.
    fn read(name: &str, bytes: &[u8]) -> (Vec<String>, Vec<String>) {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join(name);
        std::fs::write(&p, bytes).unwrap();
        let (mut docs, mut errs) = (Vec::new(), Vec::new());
        for item in collect(&p) {
            match item {
                Ok(WarcItem::Doc(d)) => docs.push(d.url.unwrap_or_default()),
                Ok(WarcItem::Skipped { .. }) => {}
                Err(e) => errs.push(e.to_string()),
            }
        }
        (docs, errs)
    }

    /// Record 3 with its Content-Length changed by `delta`.
    fn with_bad_length(recs: &[Vec<u8>], delta: i64) -> Vec<Vec<u8>> {
        let mut out = recs.to_vec();
        let r = String::from_utf8(out[3].clone()).unwrap();
        let len: i64 = r.split("Content-Length: ").nth(1).unwrap().split("\r\n").next().unwrap().parse().unwrap();
        out[3] =
            r.replacen(&format!("Content-Length: {len}"), &format!("Content-Length: {}", len + delta), 1).into_bytes();
        out
    }

    /// A Content-Length 5,000 too small or too large costs that record only
    /// (it swallowed or dropped the ones after it once), plain and gzipped.
    #[test]
    fn a_wrong_content_length_costs_one_record() {
        for delta in [-5000, 5000] {
            let recs = with_bad_length(&eight(), delta);
            let plain = recs.concat();
            let per_record: Vec<u8> = recs.iter().flat_map(|r| gz(r)).collect();
            for (name, bytes) in [("a.warc", plain), ("a.warc.gz", per_record)] {
                let (docs, errs) = read(name, &bytes);
                let want: Vec<String> = (0..8).filter(|&i| i != 3).map(|i| format!("https://a.example/{i}")).collect();
                assert_eq!(docs, want, "{name} {delta}: {errs:?}");
                assert_eq!(errs.len(), 1, "{name} {delta}: {errs:?}");
                assert!(errs[0].contains("offset") && errs[0].contains(name), "{}", errs[0]);
            }
        }
    }

    /// A whole-file gzipped WARC cut at 90% keeps the records before the cut.
    #[test]
    fn a_cut_gzip_stream_keeps_what_came_before() {
        let whole = gz(&eight().concat());
        let (docs, errs) = read("cut.warc.gz", &whole[..whole.len() * 9 / 10]);
        assert!(docs.len() >= 6, "{docs:?} {errs:?}");
        assert_eq!(docs[0], "https://a.example/0");
        assert_eq!(errs.len(), 1, "{errs:?}");
        assert!(errs[0].contains("gzip"), "{}", errs[0]);
    }

    /// Junk between records is reported once, and reading goes on.
    #[test]
    fn junk_between_records_is_skipped_to_the_next_header() {
        let recs = eight();
        let mut bytes = recs[..4].concat();
        bytes.extend_from_slice(b"garbage that is not a record\r\n\r\n");
        bytes.extend_from_slice(&recs[4..].concat());
        let (docs, errs) = read("j.warc", &bytes);
        assert_eq!(docs.len(), 8, "{errs:?}");
        assert_eq!(errs.len(), 1);
        assert!(errs[0].contains("not a WARC record"), "{}", errs[0]);
    }

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(), b"Wikipedia");
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
