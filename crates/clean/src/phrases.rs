//! Rule family `phrase`: known boilerplate phrases from a data file.
//!
//! The rules live in `rules/boilerplate.tsv` (compiled in) and in any file
//! the user adds with `--rules`; see that file's header for the format. Each
//! rule carries the removal kind it records and a word limit, so a long
//! article paragraph that merely contains a phrase is never cut.

use regex::RegexSet;

use super::normalize;

/// Does the pattern spell an upper-case letter (not an escape such as `\S`
/// or a class name such as `\p{Lu}`)?
fn has_upper_literal(pat: &str) -> bool {
    let mut chars = pat.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some('p' | 'P') = chars.next() {
                    if chars.clone().next() == Some('{') {
                        chars.by_ref().find(|&c| c == '}');
                    } else {
                        chars.next();
                    }
                }
            }
            c if c.is_uppercase() => return true,
            _ => {}
        }
    }
    false
}

/// The built-in rules.
pub static DEFAULT_RULES: &str = include_str!("../rules/boilerplate.tsv");

/// A rule file that could not be read.
#[derive(Debug, thiserror::Error)]
#[error("{origin}:{line}: {message}")]
pub struct RuleError {
    /// Where the rules came from (a path, or `built-in`).
    pub origin: String,
    /// 1-based line number.
    pub line: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone)]
struct Rule {
    kind: String,
    max_words: usize,
    name: String,
}

/// A compiled set of phrase rules.
///
/// Two ways to match, with the same answers (a test holds them equal):
/// a whole document at once ([`Phrases::matches_lines`], the text cleaner's
/// way; see `Batch`), and one line at a time ([`Phrases::matches_key`],
/// for HTML blocks and glued sentences). For the second, the rules are
/// split by what a cheap Aho-Corasick scan can rule out: rules anchored at
/// the line start whose matches begin with one of a finite set of literals
/// (`^(close|menu|…)$`) run only when the line starts with one; the others
/// run together on every line.
#[derive(Debug, Clone)]
pub struct Phrases {
    rules: Vec<Rule>,
    /// The largest word limit of any rule: longer lines need no matching.
    max_words: usize,
    /// Start-anchored rules, behind a scan for their literals at the start.
    starting: Option<(aho_corasick::AhoCorasick, Group)>,
    /// The others: always run.
    rest: Option<Group>,
    /// Every rule in one automaton, for whole documents.
    batch: Option<Batch>,
}

/// Every rule in one lazy DFA that scans a whole document (its lines
/// joined by `\n`, the patterns in multi-line mode) once and reports every
/// (rule, end offset) match, overlapping ones included. A line in which no
/// match ends matches no rule: a match of a rule against a line alone is
/// also a match within the joined text. The few lines in which some match
/// ends are searched again alone, since a match may have run in from the
/// line above. Per-line matching pays the regex engine's per-search
/// overhead once per rule group and line; this pays it once per document.
///
/// Long lines (article paragraphs, most of a dump's bytes) are admitted by
/// few rules, each starting with a literal ("your support", "we use
/// cookies"): a SIMD literal search settles most of them, and only a line
/// holding one of those literals is run through that scanner's DFA.
#[derive(Debug, Clone)]
struct Batch {
    /// Every rule, for lines of at most [`LONG_LINE_WORDS`] words.
    short: Scanner,
    /// The rules admitting longer lines, if any.
    long: Option<Scanner>,
}

/// Lines with more words than this are scanned for the long-line rules only.
const LONG_LINE_WORDS: usize = 30;

/// One lazy DFA over some of the rules.
struct Scanner {
    dfa: regex_automata::hybrid::dfa::DFA,
    caches: regex_automata::util::pool::Pool<regex_automata::hybrid::dfa::Cache, CacheFn>,
    /// Rule index of each of the DFA's patterns.
    rules: Vec<usize>,
    /// A search for the literals every match starts with: lines without
    /// one are skipped, the others searched one by one.
    pre: Option<Starts>,
}

/// A search for the literals every match of a scanner's rules starts with:
/// a line without one matches none of them.
///
/// The literals are cut to their first [`STARTS_BYTES`] bytes (a line
/// holding a literal holds its start), which leaves few enough for a SIMD
/// multi-literal search (Teddy) that skips most of a line sixteen or
/// thirty-two bytes at a time; literals of one or two bytes (`[` of a
/// shortcode rule), too short for its fingerprints, are searched for on
/// their own. When that cannot be built, an Aho-Corasick DFA without a
/// prefilter of its own: one table lookup per byte.
#[derive(Debug, Clone)]
enum Starts {
    Packed { teddy: Option<aho_corasick::packed::Searcher>, short: Vec<memchr::memmem::Finder<'static>> },
    Dfa(aho_corasick::AhoCorasick),
}

/// Bytes of each starting literal the SIMD search looks for.
const STARTS_BYTES: usize = 8;

/// At most this many literals shorter than Teddy's fingerprints are
/// searched for one by one.
const SHORT_STARTS: usize = 2;

impl Starts {
    /// The search for the literals every match of `hirs` starts with, if
    /// they have a finite set.
    fn build(hirs: &[regex_syntax::hir::Hir]) -> Option<Starts> {
        use regex_syntax::hir::literal::{ExtractKind, Extractor, Seq};
        let mut seq = Seq::empty();
        for h in hirs {
            seq.union(&mut Extractor::new().kind(ExtractKind::Prefix).extract(h));
        }
        let lits = seq.literals()?;
        if lits.is_empty() || lits.iter().any(|l| l.is_empty()) {
            return None;
        }
        let mut cut: Vec<&[u8]> = lits.iter().map(|l| &l.as_bytes()[..l.len().min(STARTS_BYTES)]).collect();
        cut.sort_unstable();
        cut.dedup();
        let (short, long): (Vec<&[u8]>, Vec<&[u8]>) = cut.into_iter().partition(|l| l.len() < 3);
        if short.len() <= SHORT_STARTS {
            // None when there is no SIMD search on this CPU, or too many literals.
            let teddy = aho_corasick::packed::Config::new().builder().extend(&long).build();
            if teddy.is_some() || long.is_empty() {
                let short = short.iter().map(|l| memchr::memmem::Finder::new(l).into_owned()).collect();
                return Some(Starts::Packed { teddy, short });
            }
        }
        aho_corasick::AhoCorasick::builder()
            .kind(Some(aho_corasick::AhoCorasickKind::DFA))
            .prefilter(false)
            .build(lits.iter().map(|l| l.as_bytes()))
            .ok()
            .map(Starts::Dfa)
    }

    /// Whether `hay` holds one of the literals (or, for the SIMD search, the
    /// start of one).
    fn is_match(&self, hay: &[u8]) -> bool {
        match self {
            Starts::Packed { teddy, short } => {
                short.iter().any(|f| f.find(hay).is_some()) || teddy.as_ref().is_some_and(|t| t.find(hay).is_some())
            }
            Starts::Dfa(ac) => ac.is_match(hay),
        }
    }
}

type CacheFn = Box<
    dyn Fn() -> regex_automata::hybrid::dfa::Cache + Send + Sync + std::panic::UnwindSafe + std::panic::RefUnwindSafe,
>;

/// Lazy-DFA cache per thread: enough that the states of a document's scan
/// are built once and kept.
const BATCH_CACHE_BYTES: usize = 8 << 20;

impl Batch {
    fn build(patterns: &[(usize, String)], rules: &[Rule]) -> Option<Batch> {
        let short = Scanner::build(patterns, false)?;
        let long: Vec<(usize, String)> =
            patterns.iter().filter(|p| rules[p.0].max_words > LONG_LINE_WORDS).cloned().collect();
        let long = if long.is_empty() { None } else { Some(Scanner::build(&long, true)?) };
        Some(Batch { short, long })
    }
}

impl Scanner {
    /// A scanner for `patterns` (rule index, pattern); with a prefilter of
    /// the literals every match starts with, when asked and they have one.
    fn build(patterns: &[(usize, String)], prefilter: bool) -> Option<Scanner> {
        use regex_automata::{hybrid::dfa::DFA, nfa::thompson, util::syntax, MatchKind};
        let syntax = syntax::Config::new().multi_line(true);
        let pre = if prefilter {
            let hirs: Option<Vec<_>> = patterns.iter().map(|p| syntax::parse_with(&p.1, &syntax).ok()).collect();
            hirs.and_then(|h| Starts::build(&h))
        } else {
            None
        };
        let dfa = DFA::builder()
            .configure(DFA::config().match_kind(MatchKind::All).cache_capacity(BATCH_CACHE_BYTES))
            .syntax(syntax)
            .thompson(thompson::Config::new().nfa_size_limit(Some(64 << 20)))
            .build_many(&patterns.iter().map(|p| p.1.as_str()).collect::<Vec<_>>())
            // A set the lazy DFA cannot take is matched line by line.
            .ok()?;
        Some(Scanner::with_dfa(dfa, patterns.iter().map(|p| p.0).collect(), pre))
    }

    fn with_dfa(dfa: regex_automata::hybrid::dfa::DFA, rules: Vec<usize>, pre: Option<Starts>) -> Scanner {
        let for_caches = dfa.clone();
        let caches = regex_automata::util::pool::Pool::new(Box::new(move || for_caches.create_cache()) as CacheFn);
        Scanner { dfa, caches, rules, pre }
    }

    /// The first rule (within its word limit) matching each line of
    /// `lines` that `admit`s, into `out`. Err when the lazy DFA gave up.
    fn first_rules<'p>(
        &self,
        phrases: &'p Phrases,
        lines: &[(&str, usize)],
        admit: impl Fn(usize) -> bool,
        out: &mut [Option<Hit<'p>>],
    ) -> Result<(), regex_automata::MatchError> {
        if let Some(pre) = &self.pre {
            let mut cache = self.caches.get();
            for (i, &(key, words)) in lines.iter().enumerate() {
                let key = match_form(key).as_bytes();
                if !admit(words) || !pre.is_match(key) {
                    continue;
                }
                out[i] = self.first_rule(&mut cache, phrases, key, 0..key.len(), words)?;
            }
            return Ok(());
        }
        // The admitted lines, each followed by a line break: (line, start, end).
        let mut hay = Vec::with_capacity(lines.iter().map(|l| l.0.len() + 1).sum());
        let mut spans = Vec::with_capacity(lines.len());
        for (i, &(key, words)) in lines.iter().enumerate() {
            if admit(words) {
                let key = match_form(key);
                spans.push((i, hay.len(), hay.len() + key.len()));
                hay.extend_from_slice(key.as_bytes());
                hay.push(b'\n');
            }
        }
        if spans.is_empty() {
            return Ok(());
        }
        let mut cache = self.caches.get();
        // Lines in which some match ends (ends arrive in order).
        let mut candidates = Vec::new();
        let mut at = 0;
        self.each_match(&mut cache, &hay, 0..hay.len(), |_, end| {
            while at < spans.len() && spans[at].2 < end {
                at += 1;
            }
            if at < spans.len() && candidates.last() != Some(&at) {
                candidates.push(at);
            }
        })?;
        for at in candidates {
            let (line, start, end) = spans[at];
            let words = lines[line].1;
            out[line] = self.first_rule(&mut cache, phrases, &hay, start..end, words)?;
        }
        Ok(())
    }

    /// The first rule (in file order, within its word limit) matching the
    /// line `hay[span]` of `words` words on its own.
    fn first_rule<'p>(
        &self,
        cache: &mut regex_automata::hybrid::dfa::Cache,
        phrases: &'p Phrases,
        hay: &[u8],
        span: std::ops::Range<usize>,
        words: usize,
    ) -> Result<Option<Hit<'p>>, regex_automata::MatchError> {
        let mut first: Option<usize> = None;
        self.each_match(cache, hay, span, |rule, _| {
            if words <= phrases.rules[rule].max_words && first.is_none_or(|f| rule < f) {
                first = Some(rule);
            }
        })?;
        Ok(first.map(|r| phrases.hit(r)))
    }

    /// Call `found(rule, end)` for every match in `span` of `hay`,
    /// overlapping ones included (the DFA matches every rule and reports at
    /// each position all rules whose match ends there). An error when the
    /// lazy DFA gives up (a Unicode word boundary in a user rule met a
    /// non-ASCII byte): the caller then matches line by line.
    ///
    /// The DFA's own overlapping search checks for prefilters and tracks
    /// its progress at every byte; this loop does only the transition.
    fn each_match(
        &self,
        cache: &mut regex_automata::hybrid::dfa::Cache,
        hay: &[u8],
        span: std::ops::Range<usize>,
        mut found: impl FnMut(usize, usize),
    ) -> Result<(), regex_automata::MatchError> {
        use regex_automata::MatchError;
        let dfa = &self.dfa;
        let input = regex_automata::Input::new(hay).range(span.clone());
        let mut sid = dfa.start_state_forward(cache, &input)?;
        // Matches are reported one byte late: entering a match state on the
        // byte at `at` means matches ended at `at`.
        let mut report =
            |cache: &mut regex_automata::hybrid::dfa::Cache, sid: regex_automata::hybrid::LazyStateID, at: usize| {
                for i in 0..dfa.match_len(cache, sid) {
                    found(self.rules[dfa.match_pattern(cache, sid, i).as_usize()], at);
                }
            };
        let mut at = span.start;
        while at < span.end {
            // The common case, in a tight loop: untagged states to untagged
            // states. It stops before the byte that leads anywhere else.
            if !sid.is_tagged() {
                for &b in &hay[at..span.end] {
                    let next = dfa.next_state_untagged(cache, sid, b);
                    if next.is_tagged() {
                        break;
                    }
                    sid = next;
                    at += 1;
                }
                if at == span.end {
                    break;
                }
            }
            let b = hay[at];
            sid = dfa.next_state(cache, sid, b).map_err(|_| MatchError::gave_up(at))?;
            if sid.is_match() {
                report(cache, sid, at);
            } else if sid.is_dead() {
                return Ok(());
            } else if sid.is_quit() {
                return Err(MatchError::quit(b, at));
            }
            at += 1;
        }
        // The end: what follows the span (a line break) or the end of the text.
        let end = span.end;
        sid = match hay.get(end) {
            Some(&b) => dfa.next_state(cache, sid, b),
            None => dfa.next_eoi_state(cache, sid),
        }
        .map_err(|_| MatchError::gave_up(end))?;
        if sid.is_match() {
            report(cache, sid, end);
        } else if sid.is_quit() {
            return Err(MatchError::quit(hay.get(end).copied().unwrap_or(0), end));
        }
        Ok(())
    }
}

impl Clone for Scanner {
    fn clone(&self) -> Scanner {
        Scanner::with_dfa(self.dfa.clone(), self.rules.clone(), self.pre.clone())
    }
}

impl std::fmt::Debug for Scanner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Scanner")
            .field("rules", &self.rules.len())
            .field("prefiltered", &self.pre.is_some())
            .finish_non_exhaustive()
    }
}

/// Some of the rules, compiled as regex sets, one set per range of line lengths: a line
/// of `words` words is scanned once, by the set of the rules whose word
/// limit admits it. Long lines meet only the few long-limit rules, which
/// makes for a smaller automaton and a faster scan.
#[derive(Debug, Clone)]
struct Group {
    /// (longest line in words, set, index into `Phrases::rules` of each pattern of the set).
    tiers: Vec<(usize, RegexSet, Vec<usize>)>,
}

/// Upper word counts of the line-length ranges with a set of their own.
const TIERS: [usize; 3] = [8, 30, usize::MAX];

fn rules_error(e: impl std::fmt::Display) -> RuleError {
    RuleError { origin: "rules".into(), line: 0, message: e.to_string() }
}

impl Group {
    fn build(patterns: Vec<(usize, String)>, rules: &[Rule]) -> Result<Option<Group>, RuleError> {
        let mut tiers = Vec::new();
        let mut shorter = 0;
        for upto in TIERS {
            let admitted: Vec<&(usize, String)> = patterns.iter().filter(|p| rules[p.0].max_words > shorter).collect();
            if !admitted.is_empty() {
                let set = regex::RegexSetBuilder::new(admitted.iter().map(|p| &p.1))
                    .dfa_size_limit(64 << 20)
                    .size_limit(64 << 20)
                    .build()
                    .map_err(rules_error)?;
                let longest = admitted.iter().map(|p| rules[p.0].max_words).max().unwrap_or(0).min(upto);
                tiers.push((longest, set, admitted.iter().map(|p| p.0).collect()));
            }
            shorter = upto;
        }
        Ok((!tiers.is_empty()).then_some(Group { tiers }))
    }

    /// A group with the scan for the literals its matches start the line with.
    fn with_scan(
        patterns: Vec<(usize, String)>,
        mut literals: Vec<Vec<u8>>,
        rules: &[Rule],
    ) -> Result<Option<(aho_corasick::AhoCorasick, Group)>, RuleError> {
        let Some(g) = Group::build(patterns, rules)? else { return Ok(None) };
        literals.sort();
        literals.dedup();
        let ac = aho_corasick::AhoCorasick::builder()
            .start_kind(aho_corasick::StartKind::Anchored)
            .build(&literals)
            .map_err(rules_error)?;
        Ok(Some((ac, g)))
    }

    /// Rule indices matching `key` (one early-exit scan settles the common
    /// case, no match, before the search for every matching pattern).
    fn matching<'a>(&'a self, key: &str, words: usize) -> impl Iterator<Item = usize> + 'a {
        let tier = self.tiers.iter().find(|t| words <= t.0).filter(|t| t.1.is_match(key));
        let hits = tier.map(|(_, set, rules)| (set.matches(key), rules));
        hits.into_iter().flat_map(|(m, rules)| m.into_iter().map(|i| rules[i]))
    }
}

/// How a pattern can be ruled out cheaply.
enum Prefilter {
    /// Anchored at the start; every match begins with one of these.
    Starts(Vec<Vec<u8>>),
    None,
}

fn prefilter(pattern: &str) -> Prefilter {
    let Ok(hir) = regex_syntax::ParserBuilder::new().build().parse(pattern) else { return Prefilter::None };
    let seq = regex_syntax::hir::literal::Extractor::new().extract(&hir);
    let Some(lits) = seq.literals().filter(|l| !l.is_empty()) else { return Prefilter::None };
    let lits: Vec<Vec<u8>> = lits.iter().map(|l| l.as_bytes().to_vec()).collect();
    let shortest = lits.iter().map(Vec::len).min().unwrap_or(0);
    if hir.properties().look_set_prefix().contains(regex_syntax::hir::Look::Start) && shortest >= 1 {
        Prefilter::Starts(lits)
    } else {
        Prefilter::None
    }
}

/// A rule that fired: the kind to record and the rule's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hit<'a> {
    /// Removal kind.
    pub kind: &'a str,
    /// `phrase:<origin>:<line>`.
    pub rule: &'a str,
}

impl Phrases {
    /// Compile rule texts; each is `(origin, contents)`.
    pub fn compile(sources: &[(&str, &str)]) -> Result<Phrases, RuleError> {
        let mut patterns = Vec::new();
        let mut rules = Vec::new();
        for (origin, text) in sources {
            for (i, raw) in text.lines().enumerate() {
                let line = raw.trim_end_matches('\r');
                if line.trim().is_empty() || line.trim_start().starts_with('#') {
                    continue;
                }
                let err = |message: String| RuleError { origin: origin.to_string(), line: i + 1, message };
                let mut f = line.splitn(3, '\t');
                let (Some(kind), Some(max), Some(pat)) = (f.next(), f.next(), f.next()) else {
                    return Err(err("expected KIND<TAB>MAX_WORDS<TAB>PATTERN".into()));
                };
                let max_words = max.trim().parse().map_err(|_| err(format!("MAX_WORDS {max:?} is not a number")))?;
                regex::Regex::new(pat).map_err(|e| err(format!("bad pattern: {e}")))?;
                // ASCII word boundaries keep the whole set on the lazy DFA
                // (a Unicode `\b` forces the much slower PikeVM).
                // Lines are matched lower-cased, so a lower-case pattern needs no
                // case folding (which multiplies the automaton's states).
                let fold = if has_upper_literal(pat) { "(?i)" } else { "" };
                patterns.push((rules.len(), format!("{fold}{}", pat.replace(r"\b", r"(?-u:\b)"))));
                rules.push(Rule {
                    kind: kind.trim().to_string(),
                    max_words,
                    name: format!("phrase:{origin}:{}", i + 1),
                });
            }
        }
        let batch = Batch::build(&patterns, &rules);
        let (mut starting, mut rest, mut start_lits) = (Vec::new(), Vec::new(), Vec::new());
        for (i, pat) in patterns {
            match prefilter(&pat) {
                Prefilter::Starts(lits) => {
                    start_lits.extend(lits);
                    starting.push((i, pat));
                }
                // An unanchored literal scan costs about what the lazy DFA
                // does (measured), so unanchored rules share one set.
                Prefilter::None => rest.push((i, pat)),
            }
        }
        let max_words = rules.iter().map(|r| r.max_words).max().unwrap_or(0);
        let starting = Group::with_scan(starting, start_lits, &rules)?;
        let rest = Group::build(rest, &rules)?;
        Ok(Phrases { rules, max_words, starting, rest, batch })
    }

    /// The built-in rules only.
    pub fn builtin() -> Phrases {
        Phrases::compile(&[("built-in", DEFAULT_RULES)]).expect("built-in rules compile (tested)")
    }

    /// The largest word limit of any rule: lines with more words never match.
    pub fn max_words(&self) -> usize {
        self.max_words
    }

    /// The first rule (in file order) that matches this line or sentence.
    pub fn matches(&self, text: &str) -> Option<Hit<'_>> {
        let words = normalize::words(text);
        if words > self.max_words {
            return None;
        }
        self.matches_key(&normalize::key(text), words)
    }

    /// [`Phrases::matches_key`] for every line of a document at once: each
    /// line is (key, words). Same answers, one scan of the document.
    pub fn matches_lines(&self, lines: &[(&str, usize)]) -> Vec<Option<Hit<'_>>> {
        let per_line = || lines.iter().map(|&(k, w)| self.matches_key(k, w)).collect();
        let Some(batch) = &self.batch else { return per_line() };
        // Keys are normalised lines, which hold no line breaks; anything else
        // is matched line by line.
        if lines.iter().any(|l| memchr::memchr(b'\n', l.0.as_bytes()).is_some()) {
            return per_line();
        }
        let mut out = vec![None; lines.len()];
        let long_limit = if batch.long.is_some() { LONG_LINE_WORDS } else { self.max_words };
        let short = batch.short.first_rules(self, lines, |w| w <= long_limit, &mut out);
        let long = match &batch.long {
            Some(long) => long.first_rules(self, lines, |w| w > LONG_LINE_WORDS && w <= self.max_words, &mut out),
            None => Ok(()),
        };
        if short.is_err() || long.is_err() {
            return per_line();
        }
        out
    }

    fn hit(&self, i: usize) -> Hit<'_> {
        Hit { kind: &self.rules[i].kind, rule: &self.rules[i].name }
    }

    /// [`Phrases::matches`] for a line already folded with [`normalize::key`],
    /// with its word count.
    pub fn matches_key(&self, key: &str, words: usize) -> Option<Hit<'_>> {
        if words > self.max_words {
            return None;
        }
        let key = match_form(key);
        let anchored = aho_corasick::Input::new(key).anchored(aho_corasick::Anchored::Yes);
        let starting = self.starting.as_ref().filter(|(ac, _)| ac.is_match(anchored)).map(|(_, g)| g);
        // The first rule in file order whose word limit the line is within.
        starting
            .into_iter()
            .chain(&self.rest)
            .flat_map(|g| g.matching(key, words))
            .filter(|&i| words <= self.rules[i].max_words)
            .min()
            .map(|i| self.hit(i))
    }
}

/// What rules see of a folded line: trailing separators (`Related:`,
/// `Next »`) and spaces trimmed.
fn match_form(key: &str) -> &str {
    let b = key.as_bytes();
    // Most keys end in a letter or a full stop and start without a space: as they are.
    let plain = |c: &u8| c.is_ascii() && !c.is_ascii_whitespace() && !matches!(c, b':' | b'|' | b'>');
    if b.first().is_some_and(plain) && b.last().is_some_and(plain) {
        return key;
    }
    key.trim_end_matches([':', '|', '»', '›', '>', '→']).trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(p: &Phrases, s: &str) -> Option<String> {
        p.matches(s).map(|h| h.kind.to_string())
    }

    #[test]
    fn builtin_rules_compile_and_fire() {
        let p = Phrases::builtin();
        assert_eq!(kind(&p, "Close").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "What’s Hot").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "Click to follow").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "• Published").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "Join our commenting forum").as_deref(), Some("comments-prompt"));
        assert_eq!(kind(&p, "Your support makes all the difference.").as_deref(), Some("donation-appeal"));
        assert_eq!(
            kind(&p, "David Cameron and President PutinImage source, PA/Getty Images").as_deref(),
            Some("image-credit")
        );
        assert_eq!(
            kind(&p, "Subscribe to Independent Premium to bookmark this article").as_deref(),
            Some("subscription-prompt")
        );
        assert_eq!(kind(&p, "Share on Facebook").as_deref(), Some("share"));
        assert_eq!(kind(&p, "1.2K shares").as_deref(), Some("share"));
        assert_eq!(kind(&p, "We use cookies to improve your experience.").as_deref(), Some("cookie"));
        assert_eq!(kind(&p, "Tags:").as_deref(), Some("tags"));
        assert_eq!(kind(&p, "0shares").as_deref(), Some("share"));
        assert_eq!(kind(&p, "Sharing is caring!").as_deref(), Some("share"));
        assert_eq!(kind(&p, "Like this story? Share it with a friend!").as_deref(), Some("share"));
        assert_eq!(kind(&p, "Tell us what YOU think...").as_deref(), Some("comments-prompt"));
        assert_eq!(kind(&p, "Lascia un commento Annulla risposta").as_deref(), Some("comments-prompt"));
        assert_eq!(kind(&p, "Related links:").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "Updated at 1:23 p.m.").as_deref(), Some("dateline"));
        assert_eq!(
            kind(&p, "The contents of this site are ©2019 Capitol Hill Publishing Corp.").as_deref(),
            Some("legal")
        );
        assert_eq!(kind(&p, "You may like these posts").as_deref(), Some("widget"));
        assert_eq!(kind(&p, "This slideshow requires JavaScript.").as_deref(), Some("widget"));
        assert_eq!(
            kind(&p, "[button link=”http://x.co/review/” type=”big”] Send us YOUR kit review[/button]").as_deref(),
            Some("widget")
        );
    }

    #[test]
    fn article_sentences_are_left_alone() {
        let p = Phrases::builtin();
        for s in [
            "The prime minister said he would close the gap between the two sides before the summit.",
            "'Deep differences'",
            "Report: the council will vote on Monday.",
            "Tags on the luggage were checked twice.",
            "You may like the new design, or you may not.",
            "Updated at 1:23 p.m., the figures showed a further fall in the index.",
            "The newsletter, founded in 2010, now has 40,000 readers across the country and beyond.",
            "Mr Putin said that support for the regime might not be open ended, and that the talks would go on through the winter while both sides consider your support for the plan and other options.",
        ] {
            assert_eq!(kind(&p, s), None, "{s}");
        }
    }

    /// Whole-document matching answers what line-by-line matching does:
    /// on the bundled sample dumps, and on lines built so that a match
    /// could run from one line into the next.
    #[test]
    fn document_scan_matches_line_by_line() {
        let p = Phrases::builtin();
        let batch = p.batch.as_ref().expect("the built-in rules fit one lazy DFA");
        assert!(batch.long.as_ref().is_some_and(|l| l.pre.is_some()), "long-line rules start with literals");
        let mut texts: Vec<String> = [
            include_str!("../../../samples/000_12da990105962c31.txt"),
            include_str!("../../../samples/001_e461bc2495ff5da0.txt"),
            include_str!("../../../samples/002_f25422c66ff5e1f2.txt"),
            include_str!("../../../samples/003_ef1a346737207dae.txt"),
            include_str!("../../../samples/004_054d8c58e29a5cdd.txt"),
        ]
        .iter()
        .flat_map(|s| s.lines())
        .map(normalize::line)
        .filter(|l| !l.is_empty())
        .collect();
        texts.extend(
            [
                "Photo taken (photo",
                "by AP)",
                "Share this:",
                "Tags",
                "Related:",
                "• Published",
                "12 Comments",
                "your",
                "support",
                "© 2019",
                "rights reserved",
                "Close",
                "(Image",
                "credit) x",
                "- Updated",
                "Subscribe now",
                ": ",
                "",
                "Update at 1:23 p.m.",
            ]
            .map(String::from),
        );
        let keys: Vec<String> = texts.iter().map(|t| normalize::key(t)).collect();
        let lines: Vec<(&str, usize)> =
            keys.iter().zip(&texts).map(|(k, t)| (k.as_str(), normalize::words(t))).collect();
        let each: Vec<_> = lines.iter().map(|&(k, w)| p.matches_key(k, w)).collect();
        assert!(each.iter().filter(|h| h.is_some()).count() > 20, "the sample has rule hits");
        assert_eq!(p.matches_lines(&lines), each);
        // Every window of a few lines, so each line meets other neighbours.
        for w in lines.windows(3) {
            assert_eq!(p.matches_lines(w), w.iter().map(|&(k, n)| p.matches_key(k, n)).collect::<Vec<_>>());
        }
    }

    /// Long lines meet only the long-limit rules, behind the search for
    /// their starting literals (cut short): the same answers as matching
    /// each line alone, hits and misses, with literals in and out of place.
    #[test]
    fn long_lines_behind_the_literal_search_match_line_by_line() {
        let p = Phrases::builtin();
        let long = p.batch.as_ref().and_then(|b| b.long.as_ref()).expect("long-line rules");
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("ssse3") {
            assert!(matches!(&long.pre, Some(Starts::Packed { teddy: Some(_), .. })), "{:?}", long.pre);
        }
        let texts = [
            "If you value what we do, please support our journalism with a gift of any size today, because every contribution, however big or small, helps us keep reporting on the stories that matter to you and your community.",
            "We use cookies to give you the best experience on our website and to show you relevant adverts; by continuing to use this site you agree to our use of cookies as described in the policy, which you can read at any time.",
            "Image caption: the minister arrives at the summit in Brussels on Monday morning, where leaders from all twenty-seven member states gathered to discuss the budget and the response to the crisis in the east.",
            "[caption id=\"attachment_1\" width=\"300\"] The river at dawn, seen from the old bridge in the centre of the town where the festival takes place every summer and draws visitors from all over the country [/caption]",
            "We need to get the numbers right before the vote, the minister said, adding that this site of the old factory would be cleared by the spring and that the council had already set aside the money for it.",
            "The report [pdf] runs to three hundred pages and was published on Monday, a week after the deadline, with a summary that the committee says anyone can read in ten minutes and a set of tables at the end.",
            "Subscribers can read the full interview in the weekend edition, in which the novelist talks about her childhood in the north, the years she spent abroad and the book that took her more than a decade to finish.",
        ];
        let keys: Vec<String> = texts.iter().map(|t| normalize::key(t)).collect();
        let lines: Vec<(&str, usize)> =
            keys.iter().zip(&texts).map(|(k, t)| (k.as_str(), normalize::words(t))).collect();
        assert!(lines.iter().all(|l| l.1 > LONG_LINE_WORDS), "{lines:?}");
        let each: Vec<_> = lines.iter().map(|&(k, w)| p.matches_key(k, w)).collect();
        assert_eq!(p.matches_lines(&lines), each);
        let hits = each.iter().filter(|h| h.is_some()).count();
        assert!((4..texts.len()).contains(&hits), "{each:?}");
    }

    #[test]
    fn upper_case_in_a_pattern_still_matches_the_lower_cased_line() {
        assert!(has_upper_literal("^Buy now$"));
        assert!(!has_upper_literal(r"^\S+ \p{Lu}\PL \W$"));
        let p = Phrases::compile(&[("mine.tsv", "promo\t10\t^Buy One\n")]).unwrap();
        assert_eq!(kind(&p, "BUY ONE get one").as_deref(), Some("promo"));
    }

    #[test]
    fn user_rules_add_and_bad_rules_are_reported() {
        let p =
            Phrases::compile(&[("built-in", DEFAULT_RULES), ("mine.tsv", "promo\t10\t^buy one get one\n")]).unwrap();
        assert_eq!(kind(&p, "Buy one get one free").as_deref(), Some("promo"));
        let e = Phrases::compile(&[("mine.tsv", "# c\nwidget\tx\t^a$\n")]).unwrap_err();
        assert_eq!((e.origin.as_str(), e.line), ("mine.tsv", 2));
        let e = Phrases::compile(&[("mine.tsv", "widget\t3\t(unclosed\n")]).unwrap_err();
        assert!(e.message.contains("bad pattern"));
    }
}
