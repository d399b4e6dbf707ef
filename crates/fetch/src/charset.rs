//! Charset: BOM, then a declared charset, then detection; and HTML sniffing.

use chardetng::{EncodingDetector, Iso2022JpDetection, Utf8Detection};
use encoding_rs::{Encoding, UTF_8};
use thresh_doc::MediaType;

/// How far into a document a `<meta charset>` declaration is looked for.
const META_SCAN: usize = 4096;

/// Decode `bytes` to a `String`, returning the WHATWG name of the charset used.
///
/// Order: a byte-order mark; then `declared` (e.g. from an HTTP header) or a
/// `<meta charset>` / `http-equiv` declaration in the first 4 KiB; then
/// chardetng. A declaration is overridden when the bytes say otherwise: any
/// declared legacy charset when the bytes are valid UTF-8 with non-ASCII
/// content (legacy text is valid UTF-8 by accident almost never; pages
/// mis-declare this way often), and any declared charset that does not
/// decode the bytes cleanly when the detector's guess does (cp1251 bytes
/// declared UTF-8). The name returned is the charset used.
pub fn decode(bytes: &[u8], declared: Option<&str>) -> (String, &'static str) {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        return (text.into_owned(), enc.name());
    }
    let declared = declared
        .and_then(|l| Encoding::for_label(l.trim().as_bytes()))
        .or_else(|| meta_charset(&bytes[..bytes.len().min(META_SCAN)]));
    let detect = || {
        let mut det = EncodingDetector::new(Iso2022JpDetection::Deny);
        det.feed(bytes, true);
        det.guess(None, Utf8Detection::Allow)
    };
    let enc = match declared {
        // UTF-16 cannot be declared inside an ASCII-compatible document.
        Some(e) if e == encoding_rs::UTF_16LE || e == encoding_rs::UTF_16BE => UTF_8,
        Some(e) if e != UTF_8 && looks_utf8(bytes) => UTF_8,
        Some(e) => e,
        None if std::str::from_utf8(bytes).is_ok() => UTF_8,
        None => detect(),
    };
    let (text, _, errors) = enc.decode(bytes);
    // (UTF-8 with a few bad bytes among good multi-byte characters stays UTF-8.)
    let some_good_utf8 = || enc == UTF_8 && text.chars().any(|c| !c.is_ascii() && c != '\u{fffd}');
    if errors && declared.is_some() && !some_good_utf8() {
        let guess = detect();
        if guess != enc {
            let (better, _, still) = guess.decode(bytes);
            if !still {
                return (better.into_owned(), guess.name());
            }
        }
    }
    (text.into_owned(), enc.name())
}

/// Valid UTF-8 with at least one multi-byte sequence.
fn looks_utf8(bytes: &[u8]) -> bool {
    !bytes.is_ascii() && std::str::from_utf8(bytes).is_ok()
}

/// Find `<meta charset=X>` or `<meta http-equiv=content-type content="...charset=X">`.
fn meta_charset(head: &[u8]) -> Option<&'static Encoding> {
    let lower: Vec<u8> = head.iter().map(u8::to_ascii_lowercase).collect();
    let mut from = 0;
    while let Some(i) = memchr::memmem::find(&lower[from..], b"<meta") {
        let start = from + i;
        let end = lower[start..].iter().position(|&b| b == b'>').map_or(lower.len(), |e| start + e);
        let tag = &lower[start..end];
        if let Some(p) = memchr::memmem::find(tag, b"charset") {
            let rest = &tag[p + 7..];
            let rest = rest.trim_ascii_start();
            if let Some(rest) = rest.strip_prefix(b"=") {
                let rest = rest.trim_ascii_start();
                let rest = rest.strip_prefix(b"\"").or_else(|| rest.strip_prefix(b"'")).unwrap_or(rest);
                let label_end = rest
                    .iter()
                    .position(|&b| matches!(b, b'"' | b'\'' | b';' | b' ' | b'/' | b'>'))
                    .unwrap_or(rest.len());
                if let Some(enc) = Encoding::for_label(&rest[..label_end]) {
                    return Some(enc);
                }
            }
        }
        from = end.max(start + 5);
        if from >= lower.len() {
            break;
        }
    }
    None
}

/// HTML or plain text, from the content (and, in a close call, the name).
///
/// A document is HTML when it is a page: it opens with a doctype, `<html>`
/// or an XML declaration, it has the `html` / `head` / `body` structure, or
/// markup is a fifth of its visible bytes (an HTML fragment). A line holding
/// a tag does not make a text dump HTML: a dump that opens with an ad's
/// `<a href=…><img …></a>` is text, and the text cleaner strips the tags.
pub fn sniff_media_type(text: &str, hint: Option<&str>) -> MediaType {
    let sample = &text[..floor_char_boundary(text, 65536)];
    let start = sample.trim_start_matches('\u{feff}').trim_start();
    let opening = start.as_bytes()[..start.len().min(16)].to_ascii_lowercase();
    if [&b"<!doctype html"[..], b"<html", b"<?xml"].iter().any(|o| opening.starts_with(o)) {
        return MediaType::Html;
    }
    let lower = sample.to_ascii_lowercase();
    let structure = ["<html", "<head", "<body", "</body>", "</html>"].iter().filter(|t| lower.contains(*t)).count();
    if structure >= 2 {
        return MediaType::Html;
    }
    let (tags, share) = markup(sample);
    if tags >= 3 && share >= 0.2 {
        return MediaType::Html;
    }
    match hint.map(|h| h.to_ascii_lowercase()) {
        Some(h)
            if tags >= 1
                && share >= 0.05
                && (h.ends_with(".html") || h.ends_with(".htm") || h.ends_with(".html.gz")) =>
        {
            MediaType::Html
        }
        _ => MediaType::Text,
    }
}

/// Tags in `s` (`<`, `</` or `<!` and a name in one case, up to the next
/// `>` with no `<` on the way, at most 2,000 bytes: `<The Palace>` is a
/// title in angle quotes), and the share of its non-space bytes they take.
fn markup(s: &str) -> (usize, f64) {
    let b = s.as_bytes();
    let (mut tags, mut tag_bytes) = (0usize, 0usize);
    let mut i = 0;
    while let Some(p) = memchr::memchr(b'<', &b[i..]) {
        let at = i + p;
        i = at + 1;
        let name_at = at + 1 + usize::from(matches!(b.get(at + 1), Some(b'/' | b'!')));
        let name = &b[name_at..b.len().min(name_at + 16)];
        let len = name.iter().take_while(|c| c.is_ascii_alphanumeric() || **c == b'-').count();
        let one_case =
            name[..len].iter().all(|c| !c.is_ascii_uppercase()) || name[..len].iter().all(|c| !c.is_ascii_lowercase());
        let ends = name.get(len).is_none_or(|c| c.is_ascii_whitespace() || *c == b'/' || *c == b'>');
        if len == 0 || !name[0].is_ascii_alphabetic() || !one_case || !ends {
            continue;
        }
        let window = &b[at + 1..b.len().min(at + 2_000)];
        match memchr::memchr2(b'>', b'<', window) {
            Some(q) if window[q] == b'>' => {
                tags += 1;
                tag_bytes += q + 2;
                i = at + q + 2;
            }
            _ => {}
        }
    }
    let visible = b.iter().filter(|c| !c.is_ascii_whitespace()).count().max(1);
    (tags, tag_bytes as f64 / visible as f64)
}

fn floor_char_boundary(s: &str, mut i: usize) -> usize {
    if i >= s.len() {
        return s.len();
    }
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bom_wins() {
        let (t, c) = decode(b"\xef\xbb\xbfhello", Some("iso-8859-1"));
        assert_eq!((t.as_str(), c), ("hello", "UTF-8"));
        let (t, c) = decode(b"\xff\xfeh\x00i\x00", None);
        assert_eq!((t.as_str(), c), ("hi", "UTF-16LE"));
    }

    #[test]
    fn meta_charset_is_honoured() {
        let html = b"<html><head><meta charset='windows-1251'></head><body>\xcf\xf0\xe8\xe2\xe5\xf2</body>";
        let (t, c) = decode(html, None);
        assert_eq!(c, "windows-1251");
        assert!(t.contains("Привет"));
        let html = b"<meta http-equiv=\"Content-Type\" content=\"text/html; charset=ISO-8859-1\"><p>caf\xe9";
        let (t, c) = decode(html, None);
        assert_eq!(c, "windows-1252");
        assert!(t.contains("café"));
    }

    #[test]
    fn declared_latin1_but_valid_utf8_comes_out_right() {
        let html = "<meta charset=\"ISO-8859-1\"><p>Zürich – naïve “quotes”</p>";
        let (t, c) = decode(html.as_bytes(), None);
        assert_eq!(c, "UTF-8");
        assert!(t.contains("Zürich – naïve “quotes”"));
    }

    /// cp1251 bytes declared UTF-8, and UTF-8 declared Shift_JIS: the
    /// bytes win, and the charset used is the one named.
    #[test]
    fn a_wrong_declaration_gives_way_to_the_bytes() {
        let russian = "Москва — столица России, крупнейший по численности населения город страны.";
        let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(russian);
        let (t, c) = decode(&cp1251, Some("utf-8"));
        assert_eq!(c, "windows-1251");
        assert_eq!(t, russian);
        let japanese = "東京は日本の首都であり、世界有数の大都市である。";
        let (t, c) = decode(japanese.as_bytes(), Some("Shift_JIS"));
        assert_eq!(c, "UTF-8");
        assert_eq!(t, japanese);
        // A right declaration stands.
        let (sjis, _, _) = encoding_rs::SHIFT_JIS.encode(japanese);
        assert_eq!(decode(&sjis, Some("shift_jis")), (japanese.to_string(), "Shift_JIS"));
    }

    #[test]
    fn undeclared_latin1_is_detected() {
        let (t, _) = decode(b"Le caf\xe9 est tr\xe8s bon, d\xe9j\xe0 vu, \xe0 la fran\xe7aise.", None);
        assert!(t.contains("café"), "{t}");
        assert!(t.contains("française"), "{t}");
    }

    #[test]
    fn invalid_utf8_is_replaced_not_fatal() {
        // A bad byte among good UTF-8 stays UTF-8, replaced.
        let (t, c) = decode(
            "ok \u{e9}t\u{e9} \u{2014} ".bytes().chain(*b"\xff then more").collect::<Vec<_>>().as_slice(),
            Some("utf-8"),
        );
        assert_eq!(c, "UTF-8");
        assert!(t.starts_with("ok \u{e9}t\u{e9}") && t.contains('\u{fffd}'), "{t}");
        // Bytes that are no UTF-8 at all: the detector's charset.
        let (t, c) = decode(b"ok \xff\xfe\xfd then more ascii text here", Some("utf-8"));
        assert!(t.starts_with("ok "));
        assert_ne!(c, "UTF-8");
    }

    #[test]
    fn sniffing() {
        assert_eq!(sniff_media_type("<!DOCTYPE html><html>", None), MediaType::Html);
        assert_eq!(sniff_media_type("  \n<html lang=en>", Some("a.txt")), MediaType::Html);
        assert_eq!(sniff_media_type("Title\n\nA paragraph.", Some("a.html")), MediaType::Text);
        assert_eq!(sniff_media_type("junk <div>a</div><p>b</p><br>", Some("a.txt")), MediaType::Html);
        assert_eq!(sniff_media_type("a < b and c > d", None), MediaType::Text);
        // A stray tag does not make a dump HTML (an ad pasted into the text).
        let dump = format!(
            "<a href=\"https://ads.example/x\"><img src=\"/b.png\" alt=\"\"></a>\nHeadline\n{}",
            "A long paragraph of the article that goes on and on. ".repeat(40)
        );
        assert_eq!(sniff_media_type(&dump, Some("a.txt")), MediaType::Text);
        assert_eq!(sniff_media_type("<div class=x><p>One</p><p>Two</p></div>", None), MediaType::Html);
        assert_eq!(sniff_media_type("<head><title>t</title></head><body>x", None), MediaType::Html);
    }
}
