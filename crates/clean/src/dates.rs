//! Dates: find one in a string and write it as ISO 8601.
//!
//! Handles ISO 8601 and its near relatives (`2019-11-19`, `2019/11/19`,
//! `2019-11-19T10:00:00Z`), RFC 2822 (`Tue, 19 Nov 2019 10:00:00 GMT`),
//! day-month-year and month-day-year with month names in English, German,
//! French, Spanish, Italian, Portuguese and Dutch (`10 May, 2013 18:20`,
//! `November 19, 2019 6:00 AM`), and numeric `19.11.2019`. The result is
//! `YYYY-MM-DD`, with `THH:MM[:SS]` and an offset when the input had them.

use std::sync::LazyLock;

use regex::Regex;

const MONTHS: &[(&str, u32)] = &[
    ("january", 1),
    ("jan", 1),
    ("january", 1),
    ("januar", 1),
    ("janvier", 1),
    ("enero", 1),
    ("gennaio", 1),
    ("janeiro", 1),
    ("januari", 1),
    ("jänner", 1),
    ("february", 2),
    ("feb", 2),
    ("februar", 2),
    ("février", 2),
    ("fevrier", 2),
    ("febrero", 2),
    ("febbraio", 2),
    ("fevereiro", 2),
    ("februari", 2),
    ("march", 3),
    ("mar", 3),
    ("märz", 3),
    ("mars", 3),
    ("marzo", 3),
    ("março", 3),
    ("maart", 3),
    ("april", 4),
    ("apr", 4),
    ("avril", 4),
    ("abril", 4),
    ("aprile", 4),
    ("may", 5),
    ("mai", 5),
    ("mayo", 5),
    ("maggio", 5),
    ("maio", 5),
    ("mei", 5),
    ("june", 6),
    ("jun", 6),
    ("juni", 6),
    ("juin", 6),
    ("junio", 6),
    ("giugno", 6),
    ("junho", 6),
    ("july", 7),
    ("jul", 7),
    ("juli", 7),
    ("juillet", 7),
    ("julio", 7),
    ("luglio", 7),
    ("julho", 7),
    ("august", 8),
    ("aug", 8),
    ("août", 8),
    ("aout", 8),
    ("agosto", 8),
    ("augustus", 8),
    ("september", 9),
    ("sep", 9),
    ("sept", 9),
    ("septembre", 9),
    ("septiembre", 9),
    ("settembre", 9),
    ("setembro", 9),
    ("october", 10),
    ("oct", 10),
    ("oktober", 10),
    ("octobre", 10),
    ("octubre", 10),
    ("ottobre", 10),
    ("outubro", 10),
    ("november", 11),
    ("nov", 11),
    ("novembre", 11),
    ("noviembre", 11),
    ("novembro", 11),
    ("december", 12),
    ("dec", 12),
    ("dezember", 12),
    ("décembre", 12),
    ("decembre", 12),
    ("diciembre", 12),
    ("dicembre", 12),
    ("dezembro", 12),
];

fn month(name: &str) -> Option<u32> {
    let n = name.trim_end_matches('.').to_lowercase();
    MONTHS.iter().find(|(m, _)| *m == n).map(|&(_, v)| v)
}

const MONTH_RE: &str = r"(?i:jan(?:uary|uar|vier|eiro|uari)?|j[äa]nner|enero|gennaio|feb(?:ruary|ruar|rero|braio|ruari)?|f[ée]vrier|fevereiro|mar(?:ch|s|zo|ço)?|m[äa]rz|maart|apr(?:il|ile)?|avril|abril|ma(?:y|i|yo|ggio|io)|mei|jun(?:e|i|io|ho)?|juin|giugno|jul(?:y|i|io|ho)?|juillet|luglio|aug(?:ust|ustus)?|ao[ûu]t|agosto|sep(?:t|tember|tembre|tiembre)?|settembre|setembro|oct(?:ober|obre|ubre)?|oktober|ottobre|outubro|nov(?:ember|embre|iembre|embro)?|dec(?:ember|embre)?|d[ée]cembre|dezember|diciembre|dicembre|dezembro)\.?";

// ASCII word boundaries and digits: a Unicode `\b` keeps the regex engine off
// its DFAs (dates run on every short line of a text dump).
const ISO_RE: &str = r"(?-u:\b)((?:19|20)[0-9][0-9])[-/.]([0-9]{1,2})[-/.]([0-9]{1,2})(?:[T ]([0-9]{1,2}):([0-9][0-9])(?::([0-9][0-9]))?(?:\.[0-9]+)?\s*(Z|[+-][0-9][0-9]:?[0-9][0-9])?)?";
static ISO: LazyLock<Regex> = LazyLock::new(|| Regex::new(ISO_RE).expect("static regex"));
fn dmy_re() -> String {
    format!(
        r"(?-u:\b)([0-9]{{1,2}})(?:st|nd|rd|th|er|º)?\.?\s+(?:de\s+)?({MONTH_RE})(?:\s+de)?,?\s+((?:19|20)[0-9][0-9])(?-u:\b)(?:,?\s*(?:at|um|à|a las|alle|às)?\s*([0-9]{{1,2}})[:.h]([0-9][0-9])\s*((?i:[ap]\.?m\.?))?)?"
    )
}
static DMY: LazyLock<Regex> = LazyLock::new(|| Regex::new(&dmy_re()).expect("static regex"));
fn mdy_re() -> String {
    format!(
        r"(?-u:\b)({MONTH_RE})\s+([0-9]{{1,2}})(?:st|nd|rd|th)?,?\s+((?:19|20)[0-9][0-9])(?-u:\b)(?:,?\s*(?:at\s*)?([0-9]{{1,2}}):([0-9][0-9])\s*((?i:[ap]\.?m\.?))?)?"
    )
}
static MDY: LazyLock<Regex> = LazyLock::new(|| Regex::new(&mdy_re()).expect("static regex"));
const NUMERIC_DMY_RE: &str = r"(?-u:\b)([0-9]{1,2})\.([0-9]{1,2})\.((?:19|20)[0-9][0-9])(?-u:\b)";
static NUMERIC_DMY: LazyLock<Regex> = LazyLock::new(|| Regex::new(NUMERIC_DMY_RE).expect("static regex"));
/// The four formats at once: which of them occur at all, in one scan of the
/// text (most lines with a year hold no date), before any is captured.
static ANY: LazyLock<regex::RegexSet> = LazyLock::new(|| {
    regex::RegexSet::new([ISO_RE.to_string(), dmy_re(), mdy_re(), NUMERIC_DMY_RE.to_string()]).expect("static regex")
});

/// Whether `s` holds 19xx or 20xx, which every format here needs: most
/// lines with digits have none, and are settled without a regex.
fn has_year(s: &str) -> bool {
    let b = s.as_bytes();
    memchr::memchr2_iter(b'1', b'2', b).any(|i| {
        matches!(b.get(i..i + 4), Some([b'1', b'9', c, d] | [b'2', b'0', c, d]) if c.is_ascii_digit() && d.is_ascii_digit())
    })
}

fn valid(y: i32, m: u32, d: u32) -> bool {
    chrono::NaiveDate::from_ymd_opt(y, m, d).is_some()
}

fn fmt(y: i32, m: u32, d: u32, time: Option<(u32, u32, Option<u32>)>, tz: Option<&str>) -> Option<String> {
    if !valid(y, m, d) {
        return None;
    }
    let mut s = format!("{y:04}-{m:02}-{d:02}");
    if let Some((h, mi, sec)) = time {
        if h > 23 || mi > 59 {
            return Some(s);
        }
        s.push_str(&format!("T{h:02}:{mi:02}"));
        if let Some(sec) = sec.filter(|&x| x < 61) {
            s.push_str(&format!(":{sec:02}"));
        }
        match tz {
            Some("Z") | Some("z") => s.push('Z'),
            Some(off) if off.len() >= 5 => {
                let digits: String = off[1..].chars().filter(char::is_ascii_digit).collect();
                if digits.len() == 4 {
                    s.push_str(&format!("{}{}:{}", &off[..1], &digits[..2], &digits[2..]));
                }
            }
            _ => {}
        }
    }
    Some(s)
}

fn hour12(h: u32, ampm: Option<&str>) -> u32 {
    match ampm.map(|s| s.to_ascii_lowercase()) {
        Some(a) if a.starts_with('p') && h < 12 => h + 12,
        Some(a) if a.starts_with('a') && h == 12 => 0,
        _ => h,
    }
}

/// A date found in `s`, with its byte span, as ISO 8601.
pub fn find_date(s: &str) -> Option<(String, std::ops::Range<usize>)> {
    if !has_year(s) {
        return None;
    }
    let num = |c: &regex::Captures, i| c.get(i).and_then(|m| m.as_str().parse::<u32>().ok());
    let found = ANY.matches(s);
    if !found.matched_any() {
        return None;
    }
    // Only the formats that occur are captured (in the same order as ever).
    let captures = |i: usize, re: &'static Regex| if found.matched(i) { re.captures(s) } else { None };
    if let Some(c) = captures(0, &ISO) {
        let y = num(&c, 1)? as i32;
        let time = num(&c, 4).zip(num(&c, 5)).map(|(h, m)| (h, m, num(&c, 6)));
        if let Some(out) = fmt(y, num(&c, 2)?, num(&c, 3)?, time, c.get(7).map(|m| m.as_str())) {
            return Some((out, c.get(0)?.range()));
        }
    }
    if let Some(c) = captures(1, &DMY) {
        let ampm = c.get(6).map(|m| m.as_str());
        let time = num(&c, 4).zip(num(&c, 5)).map(|(h, m)| (hour12(h, ampm), m, None));
        if let Some(out) = fmt(num(&c, 3)? as i32, month(c.get(2)?.as_str())?, num(&c, 1)?, time, None) {
            return Some((out, c.get(0)?.range()));
        }
    }
    if let Some(c) = captures(2, &MDY) {
        let ampm = c.get(6).map(|m| m.as_str());
        let time = num(&c, 4).zip(num(&c, 5)).map(|(h, m)| (hour12(h, ampm), m, None));
        if let Some(out) = fmt(num(&c, 3)? as i32, month(c.get(1)?.as_str())?, num(&c, 2)?, time, None) {
            return Some((out, c.get(0)?.range()));
        }
    }
    if let Some(c) = captures(3, &NUMERIC_DMY) {
        if let Some(out) = fmt(num(&c, 3)? as i32, num(&c, 2)?, num(&c, 1)?, None, None) {
            return Some((out, c.get(0)?.range()));
        }
    }
    None
}

/// Parse a string that is (mostly) a date.
pub fn parse_date(s: &str) -> Option<String> {
    find_date(s).map(|(d, _)| d)
}

/// Words allowed around a date in a dateline.
const DATELINE_WORDS: &[&str] = &[
    "published",
    "updated",
    "posted",
    "modified",
    "last",
    "first",
    "on",
    "at",
    "am",
    "pm",
    "a.m.",
    "p.m.",
    "et",
    "est",
    "edt",
    "gmt",
    "bst",
    "utc",
    "cet",
    "cest",
    "pt",
    "pst",
    "pdt",
    "ist",
    "msk",
    "date",
    "time",
    "-",
    "|",
    "•",
    "·",
    "—",
    "–",
    "mon",
    "tue",
    "wed",
    "thu",
    "fri",
    "sat",
    "sun",
    "monday",
    "tuesday",
    "wednesday",
    "thursday",
    "friday",
    "saturday",
    "sunday",
    "veröffentlicht",
    "aktualisiert",
    "publié",
    "publicado",
    "pubblicato",
    "le",
    "el",
    "il",
    "am",
    "um",
    "uhr",
    "de",
    "à",
    "h",
];

/// A line that is only a date (with a few words like "Published" or "Updated"
/// and a time): returns the ISO date.
pub fn dateline(line: &str) -> Option<String> {
    // (Long lines go before their words are counted.)
    if line.len() > 200 {
        return None;
    }
    dateline_words(line, line.split_whitespace().count())
}

/// [`dateline`] of a line whose words are already counted.
pub fn dateline_words(line: &str, words: usize) -> Option<String> {
    // Every date format here has a year; most lines have none, or are long.
    if line.len() > 200 || words > 12 || !has_year(line) {
        return None;
    }
    let (iso, span) = find_date(line)?;
    let rest = format!("{} {}", &line[..span.start], &line[span.end..]);
    let ok = rest.split_whitespace().all(|w| {
        let w = w.trim_matches(|c: char| matches!(c, ',' | ':' | '(' | ')' | '.')).to_lowercase();
        w.is_empty()
            || DATELINE_WORDS.contains(&w.as_str())
            || w.chars().all(|c| c.is_ascii_digit() || c == ':')
            || w.trim_end_matches(|c: char| c.is_ascii_alphabetic()).chars().all(|c| c.is_ascii_digit() || c == ':')
                && w.ends_with(['m', 'M'])
    });
    ok.then_some(iso)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        assert_eq!(parse_date("2019-11-19T10:05:00Z").as_deref(), Some("2019-11-19T10:05:00Z"));
        assert_eq!(parse_date("2019-11-19T10:05:00.000+0100").as_deref(), Some("2019-11-19T10:05:00+01:00"));
        assert_eq!(parse_date("2019/11/19").as_deref(), Some("2019-11-19"));
        assert_eq!(parse_date("Tue, 19 Nov 2019 10:00:00 GMT").as_deref(), Some("2019-11-19T10:00"));
        assert_eq!(parse_date("10 May, 2013 18:20").as_deref(), Some("2013-05-10T18:20"));
        assert_eq!(parse_date("November 19, 2019 6:00 PM ET").as_deref(), Some("2019-11-19T18:00"));
        assert_eq!(parse_date("le 3 mars 2020").as_deref(), Some("2020-03-03"));
        assert_eq!(parse_date("19.11.2019").as_deref(), Some("2019-11-19"));
        assert_eq!(parse_date("3 de mayo de 2018").as_deref(), Some("2018-05-03"));
        assert_eq!(parse_date("2019-02-30"), None);
        assert_eq!(parse_date("no date here"), None);
    }

    #[test]
    fn datelines() {
        assert_eq!(dateline("10 May, 2013 18:20").as_deref(), Some("2013-05-10T18:20"));
        assert_eq!(dateline("Published: 19 November 2019").as_deref(), Some("2019-11-19"));
        assert_eq!(dateline("Updated 6:00 PM ET, Tue November 19, 2019").as_deref(), Some("2019-11-19"));
        assert_eq!(dateline("On 10 May 2013 the talks began in Sochi."), None);
    }
}
