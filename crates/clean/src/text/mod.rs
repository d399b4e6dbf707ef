//! Text-dump cleaning: what a naive scraper left behind, line by line.
//!
//! Rule families, each in its own file and each recording removals under its
//! own kind: [`normalize`] (invisible characters), [`icons`] (icon-font sprite
//! strings), [`phrases`] (known phrases from a data file: widgets, share,
//! donation, subscription, comment and cookie lines, image credits),
//! [`glue`] (sentences glued without a space), datelines, [`lists`]
//! (numbered lists and ranking tables, kept whole inside the body) and
//! [`context`] (jusText classification of what is left, in context). On top of those,
//! two document-level rules: an appeal region (lines between two appeal lines
//! are appeal too) and an end-of-article marker (a comment prompt after the
//! body ends it).

pub mod context;
pub mod glue;
pub mod icons;
pub mod layout;
pub mod lists;
pub mod render;

pub use crate::normalize::split_lines;

use std::borrow::Cow;
use std::sync::LazyLock;

use thresh_doc::Removed;

use crate::dates;
use crate::lang;
use crate::normalize;
use crate::phrases::{self, Phrases};
use crate::scan::{self, Counts};
use crate::site::{self, Learned};
use crate::stopwords::Stopwords;
use context::{Block, Class, Params};
use lists::Listed;

/// What the text cleaner produces.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TextOutput {
    /// The headline (first title-like line).
    pub title: Option<String>,
    /// A date from a dateline near the top, ISO 8601.
    pub published: Option<String>,
    /// Detected language.
    pub lang: Option<String>,
    /// Kept paragraphs, in order.
    pub paragraphs: Vec<String>,
    /// Removed segments, in order.
    pub removed: Vec<Removed>,
    /// Keys of every line and glued sentence, for per-site learning (when asked for).
    pub keys: Vec<crate::site::LineKey>,
    /// The rules removed everything, and the longest run of prose was kept instead.
    pub fallback: bool,
}

#[derive(Debug, Clone)]
struct Line<'a> {
    /// The original line, trimmed (what is recorded when removed).
    orig: &'a str,
    /// Normalised text that would be kept.
    text: Cow<'a, str>,
    /// `text` case- and quote-folded ([`normalize::key`]): what rules match.
    key: String,
    /// Words, characters, letters, stopwords of `text`.
    counts: Counts,
    class: Class,
    /// Why it is bad, when a rule (not context) decided.
    kind: Option<Why<'a>>,
    heading: bool,
}

/// Why a line is removed: a kind and rule named in the code, or a phrase rule's.
#[derive(Debug, Clone, Copy)]
enum Why<'a> {
    Fixed(&'static str, &'static str),
    Rule(&'a str, &'a str),
}

impl<'a> Why<'a> {
    fn kind(self) -> &'a str {
        match self {
            Why::Fixed(kind, _) | Why::Rule(kind, _) => kind,
        }
    }

    /// The removal of `text` (names fixed in the code are not copied).
    fn removal(self, text: &str) -> Removed {
        match self {
            Why::Fixed(kind, rule) => Removed::new(kind, rule, text),
            Why::Rule(kind, rule) => Removed::new(kind.to_string(), rule.to_string(), text),
        }
    }
}

impl<'a> Line<'a> {
    /// A line of `text`, from `orig` (the original line, trimmed).
    fn new(orig: &'a str, text: Cow<'a, str>, stop: Stopwords) -> Line<'a> {
        let s = scan::line(&text, stop);
        Line::scanned(orig, text, s)
    }

    fn scanned(orig: &'a str, text: Cow<'a, str>, s: scan::Scan) -> Line<'a> {
        Line { orig, text, key: s.key, counts: s.counts, class: Class::Short, kind: None, heading: false }
    }

    /// A line of the dump, normalised ([`normalize::line`]), unless it is empty then.
    fn of_dump(orig: &'a str, stop: Stopwords) -> Option<Line<'a>> {
        // Most lines are normal once trimmed: the pass that counts them says so.
        let t = orig.trim_ascii();
        let s = scan::line(t, stop);
        // A normal line has no other whitespace at its ends: `t` is `orig.trim()`.
        let line = if s.normal {
            Line::scanned(t, t.into(), s)
        } else {
            Line::new(orig.trim(), normalize::line(orig).into(), stop)
        };
        (!line.text.is_empty()).then_some(line)
    }

    /// Sentence-like and not noise: prose.
    fn sentence_like(&self) -> bool {
        terminal(&self.text) && self.counts.eff_words() >= SENTENCE_WORDS
    }
}

/// Does the line end like a sentence?
fn terminal(s: &str) -> bool {
    let s = s.trim_end_matches(['"', '\'', '”', '’', ')', ']', '»', '」', '』']);
    s.ends_with(SENTENCE_ENDS)
}

/// What ends a sentence, in the scripts of the world: Latin and CJK stops,
/// Devanagari danda, Urdu and Arabic full stop and question mark, Armenian,
/// Ethiopic, Myanmar and Tibetan stops, the Greek question mark.
const SENTENCE_ENDS: [char; 19] =
    ['.', '!', '?', '…', ':', '。', '！', '？', '｡', '︒', '।', '॥', '۔', '؟', '։', '።', '။', '།', '\u{37e}'];

/// Clean a text dump; `learned` holds the lines learned as boilerplate for
/// its site (empty when none); `with_keys`: fill in the keys of its lines
/// for learning.
pub fn clean(raw: &str, phrases: &Phrases, params: &Params, learned: &Learned, with_keys: bool) -> TextOutput {
    let (layout, shape) = layout::layout(raw);
    // Language detection samples long lines: those of a wrapped dump are its blocks.
    let lang = if shape.joined {
        lang::detect(&layout.units().map(|u| u.text().into_owned()).collect::<Vec<_>>().join("\n"))
    } else {
        lang::detect(raw)
    };
    let has_stoplist = matches!(lang, Some("en" | "de" | "fr" | "es" | "it" | "pt" | "nl" | "ru"));
    let stop = Stopwords::for_lang(lang);
    let mut out = TextOutput { lang: lang.map(str::to_string), ..Default::default() };
    let mut removed_glued: Vec<(usize, Removed)> = Vec::new();
    let most_lines = match &layout {
        layout::Layout::Lines(raw) => memchr::memchr_iter(b'\n', raw.as_bytes()).count() + 1,
        layout::Layout::Blocks(v) => v.len(),
    };
    let mut keys = Vec::with_capacity(if with_keys { most_lines } else { 0 });

    let mut lines: Vec<Line> = Vec::with_capacity(most_lines);
    let rendering = match &layout {
        layout::Layout::Lines(raw) => render::Rendering::detect(split_lines(raw)),
        layout::Layout::Blocks(v) => render::Rendering::detect(v.iter().map(|u| u.joined.as_deref().unwrap_or(u.orig))),
    };
    for unit in layout.units() {
        let unit = &unit;
        let text = unit.text();
        let rewritten = if rendering.plain() { None } else { Some(rendering.rewrite(&text)).filter(|r| *r != text) };
        let line = match (&unit.joined, rewritten) {
            (None, None) => Line::of_dump(unit.orig, stop),
            (_, Some(r)) => Some(Line::new(unit.orig, normalize::line(&r).into(), stop)).filter(|l| !l.text.is_empty()),
            (Some(j), None) => {
                Some(Line::new(unit.orig, normalize::line(j).into(), stop)).filter(|l| !l.text.is_empty())
            }
        };
        let Some(mut line) = line else {
            // Nothing but markup (a tag, an image): gone, and said so.
            if !unit.orig.trim().is_empty() && !rendering.plain() {
                removed_glued.push((lines.len(), Removed::new("markup", "render", unit.orig.trim())));
            }
            continue;
        };
        if with_keys {
            keys.extend(site::folded_key(&line.key));
        }
        // Glued residue: cut rule-matched (or learned) sentences out of a line
        // that also holds other text ("…makes all the difference.David Cameron is…").
        let cuts = glue::boundaries(&line.text);
        if !cuts.is_empty() {
            let pieces = glue::split_at(&line.text, &cuts);
            if with_keys {
                keys.extend(pieces.iter().filter_map(|p| site::folded_key(&normalize::key(p.trim()))));
            }
            let hits: Vec<Option<Why>> = pieces
                .iter()
                .map(|p| match phrases.matches(p) {
                    Some(h) => Some(Why::Rule(h.kind, h.rule)),
                    None => learned.contains(p).then_some(Why::Fixed(site::KIND, site::RULE)),
                })
                .collect();
            if hits.iter().any(Option::is_some) && hits.iter().any(Option::is_none) {
                let mut kept = Vec::new();
                for (p, h) in pieces.iter().zip(&hits) {
                    match h {
                        Some(why) => removed_glued.push((lines.len(), why.removal(p.trim()))),
                        None => kept.push(p.trim()),
                    }
                }
                line = Line::new(line.orig, kept.join(" ").into(), stop);
            }
        }
        lines.push(line);
    }
    let hits = phrases.matches_lines(&lines.iter().map(|l| (l.key.as_str(), l.counts.eff_words())).collect::<Vec<_>>());
    for (i, (line, hit)) in lines.iter_mut().zip(hits).enumerate() {
        classify_free(line, hit, has_stoplist, params, &mut out.published, i);
    }
    // A script the stopword and punctuation signals do not know (no
    // stoplist; sentence ends of its own, or none, as in Thai): when they
    // find almost no good line, length alone judges the lines no rule took.
    // (Not where a stoplist exists: there, few good lines is a short story
    // among navigation, and length would keep the navigation.)
    if !has_stoplist && lines.iter().filter(|l| l.class == Class::Good).count() < 2 {
        for l in lines.iter_mut().filter(|l| l.kind.is_none() && l.class != Class::Good) {
            l.class = context::context_free(params, l.counts.eff_chars(), 1.0);
        }
    }
    let urls = render::url_lists(&lines.iter().map(|l| &*l.text).collect::<Vec<_>>());
    for (line, _) in lines.iter_mut().zip(urls).filter(|(_, u)| *u) {
        line.class = Class::Bad;
        line.kind = Some(Why::Fixed(render::REFERENCES, "url-list"));
    }

    pick_title(&mut lines, &mut out);
    // Learned site chrome (after the title is picked: a headline that other
    // pages of the site list in a sidebar is still this page's title).
    if !learned.is_empty() {
        for l in lines.iter_mut().filter(|l| l.kind.is_none() && learned.contains_folded(&l.key)) {
            l.class = Class::Bad;
            l.kind = Some(Why::Fixed(site::KIND, site::RULE));
        }
    }
    keys.sort_unstable();
    keys.dedup();
    out.keys = keys;
    appeal_regions(&mut lines);
    let posts = end_of_article(&mut lines);

    let list = {
        let texts: Vec<&str> = lines.iter().map(|l| &*l.text).collect();
        let ruled: Vec<bool> = lines.iter().map(|l| l.kind.is_some()).collect();
        let blocked: Vec<bool> =
            (0..lines.len()).map(|i| i > 0 && lines[i - 1].kind.is_some_and(|w| w.kind() != "title")).collect();
        let good: Vec<bool> = lines.iter().map(|l| l.class == Class::Good).collect();
        lists::lists(&texts, &ruled, &blocked, &good)
    };

    let blocks: Vec<Block> =
        lines.iter().map(|l| Block { class: l.class, chars: l.counts.eff_chars(), heading: l.heading }).collect();
    let in_context = context::revise(params, &blocks);
    let runs = body_runs(&lines, &in_context, &list, posts);
    let in_body = |i: usize| runs.iter().any(|&(s, e)| (s..=e).contains(&i));

    let mut keep: Vec<bool> = lines
        .iter()
        .zip(&in_context)
        .zip(&list)
        .enumerate()
        .map(|(i, ((line, &cls), listed))| {
            line.kind.is_none()
                && if runs.is_empty() {
                    cls == Class::Good
                } else if !in_body(i) {
                    false
                } else {
                    // A list inside the body: all of it, tables of numbers too;
                    // else what context keeps, and every sentence that is not noise.
                    listed.is_some()
                        || !line.counts.noise()
                            && (cls == Class::Good
                                || matches!(line.class, Class::Good | Class::NearGood)
                                || line.sentence_like())
                }
        })
        .collect();
    // Never empty a document with text: when the rules removed everything,
    // the longest run of prose is the body after all (a real article has
    // one of a hundred words or more); without prose, every line no rule
    // removed that is not noise.
    let mut fallback = None;
    if !keep.contains(&true) {
        if let Some((s, e)) = prose_fallback(&lines) {
            for (k, l) in keep[s..=e].iter_mut().zip(&lines[s..=e]) {
                *k = l.sentence_like() && !l.counts.noise();
            }
            fallback = Some((s, e));
        } else {
            for (k, l) in keep.iter_mut().zip(&lines) {
                *k = l.kind.is_none() && l.counts.letters > 0 && !l.counts.noise();
            }
        }
        out.fallback = keep.contains(&true);
    }

    out.removed.reserve(lines.len() + removed_glued.len());
    let mut glued = removed_glued.into_iter().peekable();
    for (i, ((line, keep), cls)) in lines.into_iter().zip(keep).zip(in_context).enumerate() {
        while let Some((_, r)) = glued.next_if(|(at, _)| *at == i) {
            out.removed.push(r);
        }
        if keep {
            out.paragraphs.push(line.text.into_owned());
            continue;
        }
        let _ = cls;
        let why = line.kind.filter(|_| fallback.is_none_or(|(s, e)| !(s..=e).contains(&i))).unwrap_or_else(|| {
            let kind = if line.counts.words <= 4 { "widget" } else { "boilerplate" };
            let rule = match (runs.is_empty() || in_body(i), line.class) {
                (false, _) => "outside-body",
                (_, Class::Good) => "context:good",
                (_, Class::NearGood) => "context:neargood",
                (_, Class::Short) => "context:short",
                (_, Class::Bad) => "context:bad",
            };
            Why::Fixed(kind, rule)
        });
        out.removed.push(why.removal(line.orig));
    }
    out.removed.extend(glued.map(|(_, r)| r));
    // Text the dump carries twice (an article joined into one line beside
    // its paragraphs, a block repeated).
    let drop = crate::repeats::repeats(&out.paragraphs);
    if drop.iter().any(|d| *d) {
        let mut keep = Vec::with_capacity(out.paragraphs.len());
        for (p, d) in std::mem::take(&mut out.paragraphs).into_iter().zip(drop) {
            if d {
                out.removed.push(Removed::new(crate::repeats::KIND, "repeat", p));
            } else {
                keep.push(p);
            }
        }
        out.paragraphs = keep;
    }
    out
}

/// Words of prose in a run that make a document a real article.
pub const FALLBACK_WORDS: usize = 100;

/// The run of lines with the most words of prose (sentences that are not
/// noise; a line of another kind between two of them does not end the run):
/// what to keep when the rules removed everything. A document with a run of
/// [`FALLBACK_WORDS`] or more is a real article, which never comes out empty.
fn prose_fallback(lines: &[Line]) -> Option<(usize, usize)> {
    let prose = |l: &Line| l.sentence_like() && !l.counts.noise();
    let mut best: Option<(usize, usize, usize)> = None;
    let mut i = 0;
    while i < lines.len() {
        if !prose(&lines[i]) {
            i += 1;
            continue;
        }
        let (start, mut end, mut words) = (i, i, 0);
        let mut j = i;
        while j < lines.len() {
            if prose(&lines[j]) {
                words += lines[j].counts.eff_words();
                end = j;
            } else if !lines.get(j + 1).is_some_and(prose) {
                break;
            }
            j += 1;
        }
        if best.is_none_or(|b| words > b.2) {
            best = Some((start, end, words));
        }
        i = end + 1;
    }
    best.filter(|b| b.2 >= FALLBACK_WORDS || b.2 >= SENTENCE_WORDS).map(|b| (b.0, b.1))
}

/// A sentence ends with terminal punctuation and has at least this many words.
const SENTENCE_WORDS: usize = 6;

/// The article body as one contiguous run of lines: the run with the largest
/// content score (good text counts for it, boilerplate and short lines
/// against), found with a maximum-subarray scan. When the headline is
/// repeated further down (a page title, then the article's own heading), the
/// body follows that heading: the best run starting there is preferred
/// unless a run elsewhere is several times larger. None when no run has a
/// positive score. `posts`: the page is a thread of posts ([`end_of_article`]),
/// each a run of its own.
fn body_runs(lines: &[Line], in_context: &[Class], list: &[Option<Listed>], posts: bool) -> Vec<(usize, usize)> {
    let values = line_values(lines, in_context, list);
    let Some(main) = body_run(lines, &values) else { return Vec::new() };
    let mut runs = vec![main];
    // A page that is not one article (a service page, a listing, a thread):
    // when good text lies outside the body, the body does not follow a
    // headline nor hold a few paragraphs of prose, and nothing announces
    // comments after it, the other runs worth a fifth of it are content too.
    let good = |l: &Line| if l.kind.is_none() && l.class == Class::Good { l.counts.eff_chars() } else { 0 };
    let total: usize = lines.iter().map(good).sum();
    let inside: usize = lines[main.0..=main.1].iter().map(good).sum();
    let prompt = lines.iter().any(|l| l.kind.is_some_and(|w| w.kind() == "comments-prompt"));
    // A body right under its headline, or with a few paragraphs of prose,
    // is a story.
    let titled = lines[main.0.saturating_sub(HEADING_WINDOW)..main.0]
        .iter()
        .any(|l| l.kind.is_some_and(|w| w.kind() == "title"));
    let prose = lines[main.0..=main.1].iter().filter(|l| good(l) >= STORY_PARAGRAPH).count();
    let posts = posts || dated_posts(lines, main, good);
    // A thread of posts is not one article either, whatever its first
    // post looks like: a question under its headline, an answer of several
    // paragraphs.
    if inside < total && (posts || !prompt && !titled && prose < STORY_PARAGRAPHS) {
        let mut masked = values.clone();
        let score = |r: (usize, usize)| values[r.0..=r.1].iter().sum::<f64>();
        let floor = MORE_RUNS * score(main);
        loop {
            for &(s, e) in &runs {
                masked[s..=e].iter_mut().for_each(|v| *v = f64::NEG_INFINITY);
            }
            match max_run(&masked, 0) {
                Some((s, e, sum)) if sum >= floor => runs.push((s, e)),
                _ => break,
            }
        }
        runs.sort_unstable();
    }
    runs
}

/// Another run of a page that is not one article is content when it is
/// worth this share of the body run (a short section of a service page, a
/// post of a thread: the gate above has already said the page is not a story).
const MORE_RUNS: f64 = 0.1;

/// A thread whose posts each carry a date ("Mar 27, 2025" over every post
/// of a forum): [`POST_DATES`] datelines or more, and between two of them,
/// away from the body run, a post worth [`DATED_POST_SHARE`] of the good
/// text of the body run. Under an article, dated comments come nowhere
/// near the article's length; in a thread the first post (or the one the
/// body run found) is one post among others of its size.
fn dated_posts(lines: &[Line], main: (usize, usize), good: impl Fn(&Line) -> usize) -> bool {
    let dates: Vec<usize> =
        (0..lines.len()).filter(|&i| lines[i].kind.is_some_and(|w| w.kind() == "dateline")).collect();
    if dates.len() < POST_DATES {
        return false;
    }
    let inside: usize = lines[main.0..=main.1].iter().map(&good).sum();
    let post = dates
        .windows(2)
        .filter(|w| w[1] < main.0 || w[0] > main.1)
        .map(|w| lines[w[0] + 1..w[1]].iter().map(&good).sum::<usize>())
        .max()
        .unwrap_or(0);
    post > 0 && post as f64 >= DATED_POST_SHARE * inside as f64
}

/// Datelines that make a page a thread of dated posts (see [`dated_posts`]).
const POST_DATES: usize = 4;
/// Share of the body run's good text one other dated post must hold.
const DATED_POST_SHARE: f64 = 0.5;
/// A body with this many good paragraphs this long (characters) is a story.
const STORY_PARAGRAPHS: usize = 3;
const STORY_PARAGRAPH: usize = 150;

/// What each line is worth to the body run.
fn line_values(lines: &[Line], in_context: &[Class], list: &[Option<Listed>]) -> Vec<f64> {
    let value = |((l, ctx), listed): ((&Line, &Class), &Option<Listed>)| -> f64 {
        let chars = l.counts.eff_chars() as f64;
        if l.kind.is_some() {
            return -chars.max(50.0);
        }
        let plain = match (l.class, ctx) {
            (Class::Good, _) => chars,
            (Class::NearGood, _) => chars * 0.5,
            // A short line that context puts among good text (a list item, a subheading).
            (Class::Short, Class::Good) => chars.min(SHORT_PENALTY) * 0.5,
            (Class::Short, _) => -SHORT_PENALTY,
            (Class::Bad, _) if l.sentence_like() && !l.counts.noise() => chars * 0.1,
            // A long line of few stopwords (a table row, a recipe line)
            // costs what a short line does: it may sit inside the body.
            (Class::Bad, _) => -chars.min(SHORT_PENALTY),
        };
        // A numbered list's items count as text; the lines between them
        // (a link, a row: a paragraph about the item counts as it would
        // anywhere) and the items of a list a colon introduced cost
        // little: enough good text after them carries the body across, a
        // trailing list of sources or links does not extend it.
        match listed {
            Some(Listed::Item) => chars.max(SHORT_PENALTY),
            Some(Listed::Between) => plain.max(-LIST_LINE_COST),
            Some(Listed::Introduced) => -LIST_LINE_COST,
            None => plain,
        }
    };
    lines.iter().zip(in_context).zip(list).map(value).collect()
}

/// The article body as one contiguous run of lines (see [`body_runs`]).
fn body_run(lines: &[Line], values: &[f64]) -> Option<(usize, usize)> {
    let best = max_run(values, 0)?;
    let heading = lines.iter().skip(1).position(|l| l.kind.is_some_and(|w| w.kind() == "title")).map(|p| p + 1);
    if let Some(h) = heading {
        // The body starts right under its headline (after a byline, a date,
        // share buttons): the best run starting within a few lines of it.
        let after = (h + 1..values.len().min(h + 1 + HEADING_WINDOW))
            .filter_map(|s| best_prefix(values, s))
            .reduce(|a, r| if a.2 >= r.2 { a } else { r });
        if let Some(after) = after.or_else(|| max_run(values, h + 1)) {
            if after.2 * HEADING_PREFERENCE >= best.2 {
                return Some((after.0, after.1));
            }
        }
    }
    Some((best.0, best.1))
}

/// A short line inside the body costs this much (characters of good text).
const SHORT_PENALTY: f64 = 40.0;
/// What a line inside a list costs the body run.
const LIST_LINE_COST: f64 = 10.0;
/// The run after the repeated headline wins unless another is this many times larger.
const HEADING_PREFERENCE: f64 = 4.0;

/// Lines after the repeated headline where the body may start.
const HEADING_WINDOW: usize = 12;

/// The best run starting exactly at `start`: (start, end, sum), if positive.
fn best_prefix(values: &[f64], start: usize) -> Option<(usize, usize, f64)> {
    let mut best: Option<(usize, usize, f64)> = None;
    let mut sum = 0.0;
    for (i, &v) in values.iter().enumerate().skip(start) {
        sum += v;
        if sum > best.map_or(0.0, |b| b.2) {
            best = Some((start, i, sum));
        }
    }
    best
}

/// Maximum-sum run of `values[from..]`: (start, end, sum), if any sum is positive.
fn max_run(values: &[f64], from: usize) -> Option<(usize, usize, f64)> {
    let mut best: Option<(usize, usize, f64)> = None;
    let (mut cur, mut start) = (0.0f64, from);
    for (i, &v) in values.iter().enumerate().skip(from) {
        if cur <= 0.0 {
            cur = 0.0;
            start = i;
        }
        cur += v;
        if cur > best.map_or(0.0, |b| b.2) {
            best = Some((start, i, cur));
        }
    }
    best
}

/// Context-free classification of one line: rule families first, then
/// length and stopword density.
fn classify_free<'a>(
    line: &mut Line<'a>,
    phrase: Option<phrases::Hit<'a>>,
    has_stoplist: bool,
    params: &Params,
    published: &mut Option<String>,
    index: usize,
) {
    let t = &line.text;
    let bad = |line: &mut Line<'a>, why: Why<'a>| {
        line.class = Class::Bad;
        line.kind = Some(why);
    };
    let counted = (line.counts.density_words, line.counts.stops);
    if icons::is_icon_string_counted(&line.key, line.counts.words, counted) {
        return bad(line, Why::Fixed("icon-string", "icon-affix"));
    }
    if let Some(h) = phrase {
        return bad(line, Why::Rule(h.kind, h.rule));
    }
    if line.counts.words <= CONSENT_MAX_WORDS && consent_banner(&line.key) {
        return bad(line, Why::Fixed("cookie", "consent-banner"));
    }
    if let Some(iso) = dates::dateline_words(t, line.counts.words) {
        if published.is_none() && index < 40 {
            *published = Some(iso);
        }
        return bad(line, Why::Fixed("dateline", "dateline"));
    }
    if line.counts.letters == 0 {
        return bad(line, Why::Fixed("widget", "no-letters"));
    }
    let chars = line.counts.eff_chars();
    let density = if has_stoplist {
        let (w, s) = counted;
        if w == 0 {
            0.0
        } else {
            s as f64 / w as f64
        }
    } else if terminal(t) || t.contains(['。', '，', '、', ',', '،', '٫']) {
        // No stoplist for this language (e.g. CJK): sentence punctuation stands in.
        1.0
    } else {
        0.0
    };
    // A whole sentence of eight words or more is at least near-good,
    // whatever its stopwords (a sentence of names and numbers).
    let density = if terminal(t) && line.counts.eff_words() >= 8 { density.max(params.stopwords_low) } else { density };
    line.class = context::context_free(params, chars, density);
    line.heading = chars < params.length_low && !terminal(t) && line.counts.eff_words() <= 12;
}

/// Longest consent-banner paragraph recognised.
const CONSENT_MAX_WORDS: usize = 130;

/// Consent-banner prose ("Necessary cookies are absolutely essential for
/// the website to function properly…"): names cookies at least twice beside
/// the website, the browser or consent. `key` is the folded line.
fn consent_banner(key: &str) -> bool {
    static COOKIE: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("cookie"));
    COOKIE.find_iter(key.as_bytes()).nth(1).is_some()
        && ["website", "browser", "consent"].iter().any(|w| key.contains(w))
}

/// The first title-like line becomes the title and leaves the body; later
/// lines repeating it (a page title, then the same headline) go too.
fn pick_title(lines: &mut [Line], out: &mut TextOutput) {
    let Some(i) = lines.iter().take(12).position(|l| {
        let w = l.counts.words;
        l.kind.is_none() && (1..=40).contains(&w) && l.counts.chars >= 8 && !(terminal(&l.text) && w > 25)
    }) else {
        return;
    };
    let title = lines[i].text.to_string();
    let key = lines[i].key.clone();
    // "Headline - Site" and "Headline | Site" repeat as plain "Headline".
    let short_key = Some(normalize::key(&crate::title::strip_site_suffix(&title))).filter(|k| *k != key);
    for l in lines.iter_mut().skip(i) {
        if l.key == key || short_key.as_deref() == Some(l.key.as_str()) {
            l.class = Class::Bad;
            l.kind = Some(Why::Fixed("title", "title"));
        }
    }
    out.title = Some(title);
}

/// Lines sandwiched between two donation-appeal lines (at most 4 apart) are
/// part of the same appeal.
fn appeal_regions(lines: &mut [Line]) {
    let is_appeal = |l: &Line| l.kind.is_some_and(|w| w.kind() == "donation-appeal");
    let idx: Vec<usize> = (0..lines.len()).filter(|&i| is_appeal(&lines[i])).collect();
    for w in idx.windows(2) {
        let (a, b) = (w[0], w[1]);
        if b - a <= 4 {
            for l in &mut lines[a + 1..b] {
                if l.kind.is_none() {
                    l.class = Class::Bad;
                    l.kind = Some(Why::Fixed("donation-appeal", "appeal-region"));
                }
            }
        }
    }
}

/// Good text (bytes) above a comment prompt for a thread below it to end the
/// article whatever its length (a prompt in the page header has none).
const THREAD_MIN_ARTICLE: usize = 200;

/// A comment prompt after the body ends the article: everything after it
/// is the comment section or page chrome — when there is more good text
/// before the marker than after it, or when what follows is plainly a
/// thread (two commenter bylines), however long the thread runs.
///
/// Unless the prompt is a button under every post (the same prompt line
/// [`POST_PROMPTS`] times or more) and some post between two of them is
/// worth [`POST_SHARE`] of the good text above the first: then the page is
/// a thread of posts (a forum, a question with its answers), nothing is
/// cut, and the answer is true. Under an article the same button follows
/// each comment, but no comment comes near the article's length.
fn end_of_article(lines: &mut [Line]) -> bool {
    let kind_is = |l: &Line, k: &str| l.kind.is_some_and(|w| w.kind() == k);
    let good_chars = |ls: &[Line]| ls.iter().filter(|l| l.class == Class::Good).map(|l| l.text.len()).sum::<usize>();
    let Some(m) = lines.iter().position(|l| kind_is(l, "comments-prompt")) else {
        return false;
    };
    let before = good_chars(&lines[..m]);
    let prompts: Vec<usize> =
        (m..lines.len()).filter(|&i| kind_is(&lines[i], "comments-prompt") && lines[i].key == lines[m].key).collect();
    let post = prompts.windows(2).map(|w| good_chars(&lines[w[0] + 1..w[1]])).max().unwrap_or(0);
    if prompts.len() >= POST_PROMPTS && post > 0 && post as f64 >= POST_SHARE * before as f64 {
        return true;
    }
    // A thread: commenter bylines, or the timestamps each comment carries.
    let after = &lines[m + 1..];
    let thread = before >= THREAD_MIN_ARTICLE
        && (after.iter().filter(|l| kind_is(l, "comment-byline")).count() >= 2
            || after.iter().filter(|l| kind_is(l, "dateline")).count() >= 3);
    if before == 0 || (good_chars(after) >= before && !thread) {
        return false;
    }
    for l in &mut lines[m + 1..] {
        if l.kind.is_none() {
            l.class = Class::Bad;
            l.kind = Some(Why::Fixed("comments", "after-comments-prompt"));
        }
    }
    false
}

/// A comment prompt seen this many times is a button under every post.
const POST_PROMPTS: usize = 3;
/// A post worth this share of the good text above the first prompt makes
/// the page a thread of posts rather than an article with comments.
const POST_SHARE: f64 = 1.0 / 3.0;

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        #[test]
        fn lines_are_cut_as_str_lines(s in "[a\r\n]{0,12}") {
            proptest::prop_assert_eq!(split_lines(&s).collect::<Vec<_>>(), s.lines().collect::<Vec<_>>());
        }
    }

    fn run(s: &str) -> TextOutput {
        clean(s, &Phrases::builtin(), &Params::for_dumps(), &Learned::default(), true)
    }

    const P1: &str = "Senior British and Russian officials are to resume efforts to find a solution to the crisis in Syria, David Cameron and Vladimir Putin have agreed on Monday.";
    const P2: &str = "The resumption of talks between security advisers was discussed by the leaders in a telephone conversation on Monday, Downing Street said in a statement.";

    #[test]
    fn title_body_and_widgets() {
        let t = run(&format!(
            "UK and Russia to resume talks\n\n  • Published\n{P1}\n\n'Deep differences'\n\n{P2}\nClose\nWhat's Hot\n"
        ));
        assert_eq!(t.title.as_deref(), Some("UK and Russia to resume talks"));
        assert_eq!(t.paragraphs, [P1, "'Deep differences'", P2]);
        let kinds: Vec<_> = t.removed.iter().map(|r| (&*r.kind, r.text.as_str())).collect();
        assert_eq!(
            kinds,
            [
                ("title", "UK and Russia to resume talks"),
                ("widget", "• Published"),
                ("widget", "Close"),
                ("widget", "What's Hot")
            ]
        );
    }

    /// Thai: no stoplist, and no sentence punctuation. Length judges its
    /// lines, so the two paragraphs are kept and the menu is not.
    #[test]
    fn a_script_without_stopwords_or_sentence_ends_is_judged_by_length() {
        let p1 = "กรุงเทพมหานครเป็นเมืองหลวงและนครที่มีประชากรมากที่สุดของประเทศไทย เป็นศูนย์กลางการปกครอง การศึกษา การคมนาคมขนส่ง การเงินการธนาคาร การพาณิชย์ การสื่อสาร และความเจริญของประเทศ";
        let p2 = "เมืองนี้ตั้งอยู่บนสามเหลี่ยมปากแม่น้ำเจ้าพระยา มีแม่น้ำเจ้าพระยาไหลผ่านและแบ่งเมืองออกเป็นสองฝั่ง คือ ฝั่งพระนครและฝั่งธนบุรี กรุงเทพมหานครมีพื้นที่ทั้งหมดประมาณหนึ่งพันห้าร้อยตารางกิโลเมตร";
        let t = run(&format!("หน้าแรก\nข่าว\nกีฬา\nบันเทิง\nเข้าสู่ระบบ\n{p1}\n{p2}\nติดต่อเรา\nนโยบายความเป็นส่วนตัว\n"));
        assert_eq!(t.lang.as_deref(), Some("th"));
        assert_eq!(t.paragraphs, [p1, p2]);
        assert!(!t.fallback);
        assert!(t.removed.iter().any(|r| r.text == "ติดต่อเรา"));
    }

    #[test]
    fn glued_appeal_is_cut_out_of_the_paragraph() {
        let t = run(&format!("Headline here\nYour support makes all the difference.{P1}\n{P2}"));
        assert_eq!(t.paragraphs, [P1, P2]);
        assert!(t
            .removed
            .iter()
            .any(|r| r.kind == "donation-appeal" && r.text == "Your support makes all the difference."));
    }

    #[test]
    fn dateline_sets_published() {
        let t = run(&format!("10 May, 2013 18:20\nRussia, UK both interested in ending Syrian violence\n{P1}\n{P2}"));
        assert_eq!(t.published.as_deref(), Some("2013-05-10T18:20"));
        assert_eq!(t.title.as_deref(), Some("Russia, UK both interested in ending Syrian violence"));
        assert_eq!(t.removed[0].kind, "dateline");
    }

    #[test]
    fn comment_section_after_prompt_is_dropped() {
        let t = run(&format!("Title of it\n{P1}\n{P2}\nJoin our commenting forum\nA reader wrote that this is all a plot by the government and they should resign, honestly, what a shame.\n"));
        assert_eq!(t.paragraphs, [P1, P2]);
        assert_eq!(t.removed.last().unwrap().kind, "comments");
    }

    #[test]
    fn a_comment_thread_longer_than_the_article_is_still_cut() {
        let c1 = "I read the report twice and I still think the council has not explained why the bridge costs so much more now.";
        let c2 = "Honestly the repairs were overdue for years, and everybody in town knew it long before the council finally admitted it.";
        let c3 = "My father worked on that bridge in the seventies and he always said the foundations would need replacing one day.";
        let t = run(&format!(
            "Title of it\n{P1}\n{P2}\n12 Comments\nAlex on September 17, 2018 at 6:34 am said:\n{c1}\njoetoronto says:\n{c2}\nmaria says:\n{c3}\n"
        ));
        assert_eq!(t.paragraphs, [P1, P2]);
        assert!(t.removed.iter().any(|r| r.kind == "comment-byline" && r.text == "joetoronto says:"));
    }

    /// A question and its answers, each under the same comment button:
    /// a thread of posts, not an article with comments, so nothing is cut.
    #[test]
    fn a_prompt_under_every_post_does_not_cut_the_thread() {
        let a1 = "You can book a one-way ticket and buy the return later, which is usually cheaper when you do not know the date of your trip home yet. I did that twice.";
        let a2 = "Check the terms of a return ticket before you skip the second leg, because some airlines cancel the rest of the booking when you do not show up.";
        let a3 = "Low-cost airlines sell one-way fares at half the price of a return, so the question only matters for the long-haul flights in the end, as far as I know.";
        let t = run(&format!(
            "Title of it\n{P1}\n{P2}\nAdd a comment |\n{a1}\nShare\nAdd a comment |\n{a2}\nShare\nAdd a comment |\n{a3}\nAdd a comment |\n"
        ));
        for a in [a1, a2, a3] {
            assert!(t.paragraphs.iter().any(|p| p == a), "{a} dropped: {:?}", t.paragraphs);
        }
        assert!(!t.removed.iter().any(|r| r.kind == "comments"));
    }

    /// A forum thread: every post under a date, far apart in the dump. The
    /// posts are all content, not only the longest.
    #[test]
    fn dated_posts_of_a_thread_are_all_kept() {
        let posts = [P1, P2, "Officials on both sides said the talks would cover the ceasefire, the flow of aid and the future of the peace process in the coming months."];
        let chrome = "Quote\nBookmark\nLike\nJoined\nMessages\nPoints\nLocation\n";
        let mut dump = String::from("Forum home\nMembers\nNew posts\n");
        for (i, p) in posts.iter().enumerate() {
            dump += &format!("member{i}\nMar 2{i}, 2025\n{p}\n{chrome}");
        }
        dump += "Mar 29, 2025\nYou must log in or register to reply here.\n";
        let t = run(&dump);
        for p in posts {
            assert!(t.paragraphs.iter().any(|k| k == p), "{p} dropped: {:?}", t.paragraphs);
        }
        assert!(!t.paragraphs.iter().any(|k| k == "Messages"));
    }

    #[test]
    fn consent_banner_prose_is_cookie_text_whatever_its_length() {
        let banner = "Necessary cookies are absolutely essential for the website to function properly. This category only includes cookies that ensure basic functionalities and security features of the website. These cookies do not store any personal information, and you can change them in your browser settings at any time you like.";
        let t = run(&format!("Title of it\n{P1}\n{P2}\n{banner}\n"));
        assert_eq!(t.paragraphs, [P1, P2]);
        assert_eq!(t.removed.last().map(|r| &*r.kind), Some("cookie"));
        // An article that mentions cookies once is left alone.
        let news = "The regulator said on Tuesday that websites must ask before setting advertising cookies, a rule that the industry has fought for years.";
        assert_eq!(run(&format!("Title of it\n{P1}\n{news}\n{P2}\n")).paragraphs, [P1, news, P2]);
    }

    #[test]
    fn a_numbered_list_or_table_under_the_body_is_kept() {
        let items = "1 Kyle Busch 5040 5 1 17 27\n2 Martin Truex Jr. 5035 7 0 15 24\n3 Kevin Harvick 5033 4 6 15 26\n4 Denny Hamlin 5027 6 3 19 24";
        let t = run(&format!("Title of it\n{P1}\n{P2}\nThe final standings after 36 races:\n{items}\nShare this\n"));
        for row in items.lines() {
            assert!(t.paragraphs.iter().any(|p| p == row), "{row} dropped: {:?}", t.paragraphs);
        }
        assert!(!t.paragraphs.iter().any(|p| p == "Share this"));
        // Without the numbering the same rows are a table of numbers: noise.
        let rows: String = items.lines().map(|l| format!("{}\n", &l[2..])).collect();
        let t = run(&format!("Title of it\n{P1}\n{P2}\nThe final standings after 36 races:\n{rows}"));
        assert!(!t.paragraphs.iter().any(|p| p.starts_with("Kyle Busch")));
    }

    #[test]
    fn a_real_article_never_comes_out_empty() {
        // Every line of the article is a "Share" line to the rules (a custom
        // rule file gone wrong), yet it is a hundred words of prose.
        let rules = Phrases::compile(&[("built-in", phrases::DEFAULT_RULES), ("x.tsv", "share\t200\t.*\n")]).unwrap();
        let p3 = "Officials on both sides said the talks would cover the ceasefire, the flow of aid and the future of the peace process in the coming months.";
        let dump = format!("Title of it\n{P1}\n{P2}\n{p3}\nShare\n");
        let t = clean(&dump, &rules, &Params::for_dumps(), &Learned::default(), false);
        assert!(t.fallback, "{:?} {:?}", t.paragraphs, t.removed);
        assert_eq!(t.paragraphs, [P1, P2, p3]);
        // Short of prose, the lines no rule removed.
        let t = run("Menu\nRed wool rug, 5 x 8 ft\n$129.00\nBlue cotton rug, 3 x 5 ft\n");
        assert!(t.fallback, "{:?}", t.paragraphs);
        assert_eq!(t.title.as_deref(), Some("Red wool rug, 5 x 8 ft"));
        assert!(t.paragraphs.iter().any(|p| p.starts_with("Blue cotton rug")));
    }

    #[test]
    fn empty_and_junk_inputs_do_not_panic() {
        assert_eq!(run("").paragraphs.len(), 0);
        assert_eq!(run("\n\n   \n").paragraphs.len(), 0);
        let _ = run("\u{feff}\u{e000}\u{0}|||\n....\n");
    }
}
