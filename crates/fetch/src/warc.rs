//! WARC archives (plain, or gzip per record as Common Crawl writes them).
//!
//! [`WarcRecords`] streams records one at a time, so memory stays bounded
//! whatever the archive size. Each record is located by the byte offset of its
//! start in the file — for a `.warc.gz`, the offset of the gzip member that
//! holds it, which is what Common Crawl indexes record and what a range
//! request needs. `response` records with an HTML payload become HTML
//! documents, `conversion` records (WET) text documents; everything else is
//! skipped with a reason. A truncated or corrupt record ends the stream with
//! an error naming the file and offset; the records before it are kept.

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

/// Streams the records of one WARC file.
pub struct WarcRecords {
    path: PathBuf,
    reader: BufReader<Counting<File>>,
    gzip: bool,
    /// Records decoded from the current gzip member and not yet returned
    /// (a member may hold several records when the whole file is one stream).
    pending: std::collections::VecDeque<(u64, Vec<u8>)>,
    done: bool,
}

impl WarcRecords {
    /// Open an archive; gzip is recognised by its magic bytes.
    pub fn open(path: &Path) -> Result<WarcRecords, FetchError> {
        let file = File::open(path).map_err(|source| FetchError::Io { path: path.into(), source })?;
        let mut reader = BufReader::with_capacity(256 * 1024, Counting { inner: file, pos: 0 });
        let head = reader.fill_buf().map_err(|source| FetchError::Io { path: path.into(), source })?;
        let gzip = head.starts_with(&[0x1f, 0x8b]);
        Ok(WarcRecords { path: path.into(), reader, gzip, pending: Default::default(), done: false })
    }

    fn offset(&self) -> u64 {
        self.reader.get_ref().pos - self.reader.buffer().len() as u64
    }

    fn err(&self, offset: u64, why: impl Into<String>) -> FetchError {
        FetchError::Warc { path: self.path.clone(), offset, why: why.into() }
    }

    /// The next raw record (offset, bytes of header + block), or None at the end.
    fn next_raw(&mut self) -> Option<Result<(u64, Vec<u8>), FetchError>> {
        if let Some(r) = self.pending.pop_front() {
            return Some(Ok(r));
        }
        if self.done {
            return None;
        }
        if !self.gzip {
            // Records are separated by blank lines; a record starts after them.
            if let Err(e) = skip_whitespace(&mut self.reader) {
                return Some(Err(self.err(self.offset(), e.to_string())));
            }
        }
        let offset = self.offset();
        match self.reader.fill_buf() {
            Ok([]) => return None,
            Ok(_) => {}
            Err(e) => return Some(Err(self.err(offset, e.to_string()))),
        }
        if self.gzip {
            // One gzip member; it may hold one record (per-record gzip) or many.
            let mut data = Vec::new();
            let res = GzDecoder::new(&mut self.reader).take(MAX_RECORD * 4).read_to_end(&mut data);
            if let Err(e) = res {
                self.done = true;
                return Some(Err(self.err(offset, format!("truncated or corrupt gzip member: {e}"))));
            }
            match split_records(&data) {
                Ok(records) => {
                    self.pending.extend(records.into_iter().map(|r| (offset, r)));
                    self.next_raw()
                }
                Err(why) => {
                    self.done = true;
                    Some(Err(self.err(offset, why)))
                }
            }
        } else {
            match read_plain_record(&mut self.reader) {
                Ok(Some(rec)) => Some(Ok((offset, rec))),
                Ok(None) => None,
                Err(why) => {
                    self.done = true;
                    Some(Err(self.err(offset, why)))
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

/// Split decompressed bytes into whole records.
fn split_records(mut data: &[u8]) -> Result<Vec<Vec<u8>>, String> {
    let mut out = Vec::new();
    while !data.iter().all(u8::is_ascii_whitespace) {
        let skip = data.iter().take_while(|b| b.is_ascii_whitespace()).count();
        data = &data[skip..];
        let (fields, head_len) = parse_header(data)?;
        let len = content_length(&fields)?;
        if data.len() < head_len + len {
            return Err(format!("truncated record: {} of {} block bytes", data.len() - head_len, len));
        }
        out.push(data[..head_len + len].to_vec());
        data = &data[head_len + len..];
    }
    Ok(out)
}

fn skip_whitespace(r: &mut impl BufRead) -> io::Result<()> {
    loop {
        let buf = r.fill_buf()?;
        let ws = buf.iter().take_while(|b| b.is_ascii_whitespace()).count();
        if ws == 0 {
            return Ok(());
        }
        r.consume(ws);
    }
}

fn read_plain_record(r: &mut impl BufRead) -> Result<Option<Vec<u8>>, String> {
    if r.fill_buf().map_err(|e| e.to_string())?.is_empty() {
        return Ok(None);
    }
    let mut head = Vec::new();
    while !head.ends_with(b"\r\n\r\n") {
        let n = r.read_until(b'\n', &mut head).map_err(|e| e.to_string())?;
        if n == 0 {
            return Err("truncated record header".into());
        }
        if head.len() > 64 * 1024 {
            return Err("record header larger than 64 KiB".into());
        }
    }
    let (fields, _) = parse_header(&head)?;
    let len = content_length(&fields)?;
    let mut block = vec![0u8; len];
    let mut got = 0;
    while got < len {
        match r.read(&mut block[got..]) {
            Ok(0) => return Err(format!("truncated record: {got} of {len} block bytes")),
            Ok(n) => got += n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e.to_string()),
        }
    }
    head.extend_from_slice(&block);
    Ok(Some(head))
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

    #[test]
    fn chunked_bodies_are_joined() {
        assert_eq!(dechunk(b"4\r\nWiki\r\n5\r\npedia\r\n0\r\n\r\n").unwrap(), b"Wikipedia");
        assert_eq!(dechunk(b"zz\r\n"), None);
    }
}
