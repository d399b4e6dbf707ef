//! Local inputs: files, directories, gzip, stdin.

use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};

use flate2::read::MultiGzDecoder;
use sha2::{Digest, Sha256};
use thresh_doc::{Doc, Source};

use crate::{decode, sniff_media_type, FetchError};

/// One thing to load.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Input {
    /// A file on disk.
    File(PathBuf),
    /// A WARC archive: many documents.
    Warc(PathBuf),
    /// Standard input.
    Stdin,
}

/// `.warc`, `.warc.gz` (and `.wet`, `.wet.gz` text conversions).
pub fn is_warc_name(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    n.ends_with(".warc") || n.ends_with(".wet") || n.ends_with(".warc.wet")
}

impl Input {
    /// The locator stored as the document's source.
    pub fn locator(&self) -> String {
        match self {
            Input::File(p) | Input::Warc(p) => p.to_string_lossy().into_owned(),
            Input::Stdin => "-".into(),
        }
    }
}

/// Limits applied while loading.
#[derive(Debug, Clone)]
pub struct LoadConfig {
    /// Largest input accepted, after decompression, in bytes.
    pub max_bytes: u64,
    /// What stdin's document is stored as (`--name`); None: `stdin:<sha256
    /// of its bytes>`, so two different inputs never overwrite each other.
    pub stdin_name: Option<String>,
    /// The page URL of stdin's document (`--url`): its site, for learning.
    pub stdin_url: Option<String>,
}

impl LoadConfig {
    /// The default input cap (`--max-input-mib 64`).
    pub const DEFAULT_MAX_BYTES: u64 = 64 << 20;
}

impl Default for LoadConfig {
    fn default() -> Self {
        LoadConfig { max_bytes: Self::DEFAULT_MAX_BYTES, stdin_name: None, stdin_url: None }
    }
}

/// How directories are walked.
#[derive(Debug, Clone, Default)]
pub struct Walk {
    /// Extensions taken besides the page and archive ones (lower case, no
    /// dot; `none` for files without one): `php`, `asp`, … of a site mirror.
    pub include_ext: Vec<String>,
}

/// Inputs, and what walking directories left out.
#[derive(Debug, Default)]
pub struct Enumerated {
    /// In order; a path that cannot be read is an error in its place.
    pub inputs: Vec<Result<Input, FetchError>>,
    /// Files in directories not taken, with their extension (`none` when
    /// they have none), in walk order.
    pub skipped: Vec<(PathBuf, String)>,
}

/// The extension a walk judges a file by: lower case, `.gz` aside; `none`.
fn extension(name: &str) -> String {
    let n = name.to_ascii_lowercase();
    let n = n.strip_suffix(".gz").unwrap_or(&n);
    match n.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && !ext.is_empty() => ext.to_string(),
        _ => "none".into(),
    }
}

/// Extensions ([`extension`]) taken when walking a directory.
fn wanted(ext: &str, walk: &Walk) -> bool {
    ["html", "htm", "txt", "xhtml", "warc", "wet"].contains(&ext) || walk.include_ext.iter().any(|e| e == ext)
}

/// Expand user-named paths into inputs, in a deterministic order: each path
/// in the order given; a directory recursively, sorted by file name, keeping
/// `.html`, `.htm`, `.xhtml`, `.txt` and their `.gz` forms. A file named
/// explicitly is taken whatever its name. Paths that cannot be read come back
/// as errors, in place, so the caller can report them and go on.
pub fn enumerate(paths: &[PathBuf]) -> Vec<Result<Input, FetchError>> {
    enumerate_walk(paths, &Walk::default()).inputs
}

/// [`enumerate`], taking the extensions `walk` adds, and saying which files
/// of the directories were left out. A directory that yields no input is
/// an error in its place (with how many files it skipped).
pub fn enumerate_walk(paths: &[PathBuf], walk: &Walk) -> Enumerated {
    let mut out = Vec::new();
    let mut skipped = Vec::new();
    for p in paths {
        if p.as_os_str() == "-" {
            out.push(Ok(Input::Stdin));
            continue;
        }
        match std::fs::metadata(p) {
            // A URL where a path goes (as trafilatura takes one): say how thresh fetches.
            Err(e) if e.kind() == io::ErrorKind::NotFound && looks_like_url(p) => out.push(Err(FetchError::Io {
                path: p.clone(),
                source: io::Error::other(format!("no such file; {URL_HINT}")),
            })),
            Err(e) => out.push(Err(FetchError::Io { path: p.clone(), source: e })),
            Ok(m) if m.is_dir() => {
                let (before, skipped_before) = (out.len(), skipped.len());
                for entry in walkdir::WalkDir::new(p).follow_links(true).sort_by_file_name() {
                    match entry {
                        Ok(e) if e.file_type().is_file() => {
                            let name = e.file_name().to_string_lossy().into_owned();
                            let ext = extension(&name);
                            if !wanted(&ext, walk) {
                                skipped.push((e.into_path(), ext));
                                continue;
                            }
                            out.push(canonical(&e.into_path()).map(|p| {
                                if is_warc_name(&name) {
                                    Input::Warc(p)
                                } else {
                                    Input::File(p)
                                }
                            }))
                        }
                        Ok(_) => {}
                        Err(e) => {
                            let path = e.path().map(Path::to_path_buf).unwrap_or_else(|| p.clone());
                            let source = e.into_io_error().unwrap_or_else(|| io::Error::other("walk error"));
                            out.push(Err(FetchError::Io { path, source }));
                        }
                    }
                }
                if out.len() == before {
                    let n = skipped.len() - skipped_before;
                    let why = if n == 0 {
                        "no files in this directory".to_string()
                    } else {
                        format!("no page, text or archive files in this directory ({n} others skipped: --include-ext takes them)")
                    };
                    out.push(Err(FetchError::Io { path: p.clone(), source: io::Error::other(why) }));
                }
            }
            // A FIFO, socket or device would block or never end: not an input.
            Ok(m) if !m.is_file() => out.push(Err(FetchError::Io {
                path: p.clone(),
                source: io::Error::other("not a regular file (a FIFO, socket or device); pipe it to stdin with -"),
            })),
            Ok(_) if is_warc_name(&p.to_string_lossy()) => out.push(canonical(p).map(Input::Warc)),
            Ok(_) => out.push(canonical(p).map(Input::File)),
        }
    }
    Enumerated { inputs: out, skipped }
}

/// A file's identity: its canonical absolute path (symbolic links and `..`
/// resolved), so `samples/a.txt`, `./samples/a.txt` and `/srv/samples/a.txt`
/// are one document, whichever directory a run starts in.
pub fn canonical(p: &Path) -> Result<PathBuf, FetchError> {
    std::fs::canonicalize(p).map_err(|source| FetchError::Io { path: p.to_path_buf(), source })
}

/// What to say of a URL given where a path goes.
pub const URL_HINT: &str = "to fetch URLs, list them in a file: thresh ingest --urls LIST";

/// An `http://` or `https://` URL given where a path goes.
pub fn looks_like_url(p: &Path) -> bool {
    let s = p.to_string_lossy();
    ["http://", "https://"].iter().any(|scheme| s.get(..scheme.len()).is_some_and(|h| h.eq_ignore_ascii_case(scheme)))
}

/// One line on what walking left out, by extension ("3 files skipped in
/// directories: .php 2, none 1 (--include-ext php,none takes them)"), or
/// None when nothing was.
pub fn skipped_summary(skipped: &[(PathBuf, String)]) -> Option<String> {
    if skipped.is_empty() {
        return None;
    }
    let mut by: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for (_, ext) in skipped {
        *by.entry(ext.as_str()).or_default() += 1;
    }
    let counts: Vec<String> =
        by.iter().map(|(e, n)| if *e == "none" { format!("no extension {n}") } else { format!(".{e} {n}") }).collect();
    let names: Vec<&str> = by.keys().copied().collect();
    Some(format!(
        "{} files skipped in directories by extension: {} (--include-ext {} takes them)",
        skipped.len(),
        counts.join(", "),
        names.join(",")
    ))
}

/// Read a whole file, transparently gunzipping it when it starts with the gzip
/// magic bytes (whatever its name), up to `max` bytes.
pub fn read_maybe_gzip(path: &Path, max: u64) -> Result<Vec<u8>, FetchError> {
    let io_err = |source| FetchError::Io { path: path.to_path_buf(), source };
    let mut f = File::open(path).map_err(io_err)?;
    let mut head = [0u8; 2];
    let n = read_full(&mut f, &mut head).map_err(io_err)?;
    let mut raw = head[..n].to_vec();
    if n == 2 && head == [0x1f, 0x8b] {
        return gunzip(io::Cursor::new(head).chain(f), path, max);
    }
    f.take(max + 1 - raw.len() as u64).read_to_end(&mut raw).map_err(io_err)?;
    if raw.len() as u64 > max {
        return Err(FetchError::TooLarge { path: path.into(), size: raw.len() as u64, limit: max });
    }
    Ok(raw)
}

/// Decompress gzip (all members) from `r`; more than `max` bytes of output
/// is an error (a bomb stops at the cap, it is never cut short and kept).
fn gunzip(r: impl Read, path: &Path, max: u64) -> Result<Vec<u8>, FetchError> {
    let mut gz = MultiGzDecoder::new(r);
    let mut buf = Vec::new();
    let mut chunk = vec![0u8; 64 * 1024];
    loop {
        match gz.read(&mut chunk) {
            Ok(0) => return Ok(buf),
            Ok(k) => {
                buf.extend_from_slice(&chunk[..k]);
                if buf.len() as u64 > max {
                    return Err(FetchError::TooLarge { path: path.into(), size: buf.len() as u64, limit: max });
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(source) => return Err(FetchError::Gzip { path: path.into(), offset: buf.len() as u64, source }),
        }
    }
}

fn read_full(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Read one input into an uncleaned [`Doc`].
///
/// A WARC archive is not one document: read it with [`crate::WarcRecords`].
pub fn load(input: &Input, cfg: &LoadConfig) -> Result<Doc, FetchError> {
    match input {
        Input::File(p) | Input::Warc(p) => {
            let bytes = read_maybe_gzip(p, cfg.max_bytes)?;
            load_bytes(Source::file(p.to_string_lossy()), &bytes, None, Some(&p.to_string_lossy()))
        }
        Input::Stdin => {
            let path = PathBuf::from("-");
            let mut bytes = Vec::new();
            io::stdin()
                .lock()
                .take(cfg.max_bytes + 1)
                .read_to_end(&mut bytes)
                .map_err(|source| FetchError::Io { path: path.clone(), source })?;
            if bytes.len() as u64 > cfg.max_bytes {
                return Err(FetchError::TooLarge { path, size: bytes.len() as u64, limit: cfg.max_bytes });
            }
            // stdin may itself be gzip
            let bytes =
                if bytes.starts_with(&[0x1f, 0x8b]) { gunzip(&bytes[..], &path, cfg.max_bytes)? } else { bytes };
            let mut doc = load_bytes(Source::stdin(), &bytes, None, None)?;
            doc.source.locator = match &cfg.stdin_name {
                Some(name) => name.clone(),
                None => format!("stdin:{}", doc.raw_sha256),
            };
            if let Some(url) = &cfg.stdin_url {
                doc.url = Some(url.clone());
            }
            Ok(doc)
        }
    }
}

/// Make a [`Doc`] from bytes already in memory (a file, an HTTP body, a WARC
/// record): reject empty and binary input, decode the charset (`declared`
/// from a transport header, if any), and sniff HTML vs text (`name_hint` is a
/// file name or URL used only when the content is ambiguous).
pub fn load_bytes(
    source: Source,
    bytes: &[u8],
    declared: Option<&str>,
    name_hint: Option<&str>,
) -> Result<Doc, FetchError> {
    let mut doc = decode_bytes(source, bytes, declared, name_hint)?;
    doc.raw_sha256 = hex::encode(Sha256::digest(bytes));
    Ok(doc)
}

/// [`load_bytes`] without the sha256 of the bytes (which only the database
/// needs, to know an unchanged input).
pub fn decode_bytes(
    source: Source,
    bytes: &[u8],
    declared: Option<&str>,
    name_hint: Option<&str>,
) -> Result<Doc, FetchError> {
    check_text(&source.locator, bytes)?;
    let (text, charset) = decode(bytes, declared);
    let media = sniff_media_type(&text, name_hint);
    let mut doc = Doc::new(source, media, text);
    doc.charset = charset.to_string();
    Ok(doc)
}

/// What makes bytes no input at all: nothing but whitespace, or binary.
pub fn check_text(locator: &str, bytes: &[u8]) -> Result<(), FetchError> {
    let path = PathBuf::from(locator);
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(FetchError::Empty { path });
    }
    if let Some(why) = binary_evidence(bytes) {
        return Err(FetchError::Binary { path, why });
    }
    Ok(())
}

/// Some bytes are not text: NUL bytes (outside UTF-16, which has a BOM), or a
/// high share of C0 control characters. Returns what gave it away.
fn binary_evidence(bytes: &[u8]) -> Option<String> {
    if bytes.starts_with(&[0xff, 0xfe]) || bytes.starts_with(&[0xfe, 0xff]) {
        return None;
    }
    let sample = &bytes[..bytes.len().min(8192)];
    if let Some(i) = memchr::memchr(0, sample) {
        return Some(format!("NUL byte at offset {i}"));
    }
    let ctl = sample.iter().filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c)).count();
    if ctl * 20 > sample.len() {
        return Some(format!("{ctl} control bytes in the first {} bytes", sample.len()));
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn gz(data: &[u8]) -> Vec<u8> {
        let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        e.write_all(data).unwrap();
        e.finish().unwrap()
    }

    #[test]
    fn directories_are_walked_in_name_order_and_filtered() {
        let d = tempfile::tempdir().unwrap();
        std::fs::create_dir(d.path().join("sub")).unwrap();
        for n in ["b.html", "a.txt", "sub/c.htm.gz", "skip.jpg", "z.TXT"] {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        let got: Vec<String> = enumerate(&[d.path().to_path_buf()])
            .into_iter()
            .map(|r| r.unwrap().locator())
            .map(|l| l.strip_prefix(&*d.path().to_string_lossy()).unwrap().to_string())
            .collect();
        assert_eq!(got, ["/a.txt", "/b.html", "/sub/c.htm.gz", "/z.TXT"]);
    }

    #[test]
    fn skipped_files_are_told_and_include_ext_takes_them() {
        let d = tempfile::tempdir().unwrap();
        for n in ["a.php", "b", "c.html", "d.PHP.gz", "e.jpg"] {
            std::fs::write(d.path().join(n), "x").unwrap();
        }
        let e = enumerate_walk(&[d.path().to_path_buf()], &Walk::default());
        assert_eq!(e.inputs.len(), 1);
        let exts: Vec<&str> = e.skipped.iter().map(|s| s.1.as_str()).collect();
        assert_eq!(exts, ["php", "none", "php", "jpg"]);
        assert_eq!(
            skipped_summary(&e.skipped).unwrap(),
            "4 files skipped in directories by extension: .jpg 1, no extension 1, .php 2 (--include-ext jpg,none,php takes them)"
        );
        let walk = Walk { include_ext: vec!["php".into(), "none".into()] };
        let e = enumerate_walk(&[d.path().to_path_buf()], &walk);
        assert_eq!(e.inputs.len(), 4);
        assert_eq!(e.skipped.len(), 1);
        // A directory with nothing to take is an error in its place.
        let empty = tempfile::tempdir().unwrap();
        let e = enumerate_walk(&[empty.path().to_path_buf()], &Walk::default());
        assert!(e.inputs[0].as_ref().is_err_and(|e| e.to_string().contains("no files in this directory")));
        let only_skipped = enumerate_walk(&[d.path().to_path_buf()], &Walk { include_ext: vec![] });
        assert_eq!(only_skipped.inputs.len(), 1, "c.html is taken");
    }

    #[test]
    fn missing_path_is_an_error_in_place() {
        let got = enumerate(&[PathBuf::from("/no/such/thresh/path")]);
        assert!(matches!(&got[0], Err(FetchError::Io { path, .. }) if path.ends_with("path")));
    }

    #[test]
    fn gzip_by_magic_and_truncated_gzip() {
        let d = tempfile::tempdir().unwrap();
        let body = b"<html><body><p>Hello gzip</p></body></html>".repeat(50);
        let z = gz(&body);
        let ok = d.path().join("page.bin");
        std::fs::write(&ok, &z).unwrap();
        assert_eq!(read_maybe_gzip(&ok, 1 << 20).unwrap(), body);
        let bad = d.path().join("cut.html.gz");
        std::fs::write(&bad, &z[..z.len() / 2]).unwrap();
        let err = read_maybe_gzip(&bad, 1 << 20).unwrap_err();
        assert_eq!(err.kind(), "gzip");
        assert!(err.to_string().contains("cut.html.gz"), "{err}");
    }

    #[test]
    fn size_cap() {
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join("big.txt");
        std::fs::write(&p, vec![b'a'; 1000]).unwrap();
        let err = read_maybe_gzip(&p, 100).unwrap_err();
        assert_eq!(err.kind(), "too_large");
    }

    #[test]
    fn empty_and_binary_are_rejected_with_the_path() {
        let e = load_bytes(Source::file("e.txt"), b"  \n ", None, None).unwrap_err();
        assert_eq!(e.kind(), "empty");
        let e = load_bytes(Source::file("x.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None, None).unwrap_err();
        assert_eq!(e.kind(), "binary");
        assert!(e.to_string().starts_with("x.png: "), "{e}");
    }

    #[test]
    fn load_sets_hash_charset_and_media_type() {
        let d = load_bytes(Source::file("a.txt"), "Title\n\nBody text é".as_bytes(), None, Some("a.txt")).unwrap();
        assert_eq!(d.charset, "UTF-8");
        assert_eq!(d.media_type, thresh_doc::MediaType::Text);
        assert_eq!(d.raw_sha256.len(), 64);
    }
}
