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
pub static DEFAULT_RULES: &str = include_str!("../../rules/boilerplate.tsv");

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
/// Matching is the text cleaner's hottest step, so the rules are split by
/// what a cheap Aho-Corasick scan can rule out: rules anchored at the line
/// start whose matches begin with one of a finite set of literals
/// (`^(close|menu|…)$`) run only when the line starts with one; the others
/// run together on every line (an unanchored literal scan measured no
/// cheaper than their lazy DFA).
#[derive(Debug, Clone)]
pub struct Phrases {
    rules: Vec<Rule>,
    /// The largest word limit of any rule: longer lines need no matching.
    max_words: usize,
    /// Start-anchored rules, behind a scan for their literals at the start.
    starting: Option<(aho_corasick::AhoCorasick, Group)>,
    /// The others: always run.
    rest: Option<Group>,
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
        Ok(Phrases { rules, max_words, starting, rest })
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

    /// [`Phrases::matches`] for a line already folded with [`normalize::key`],
    /// with its word count.
    pub fn matches_key(&self, key: &str, words: usize) -> Option<Hit<'_>> {
        if words > self.max_words {
            return None;
        }
        let key = key.trim_end_matches([':', '|', '»', '›', '>', '→']);
        let key = key.trim();
        let anchored = aho_corasick::Input::new(key).anchored(aho_corasick::Anchored::Yes);
        let starting = self.starting.as_ref().filter(|(ac, _)| ac.is_match(anchored)).map(|(_, g)| g);
        // The first rule in file order whose word limit the line is within.
        starting
            .into_iter()
            .chain(&self.rest)
            .flat_map(|g| g.matching(key, words))
            .filter(|&i| words <= self.rules[i].max_words)
            .min()
            .map(|i| Hit { kind: &self.rules[i].kind, rule: &self.rules[i].name })
    }
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
