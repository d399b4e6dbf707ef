use super::*;

fn run(html: &str) -> HtmlOutput {
    extract(html, None, &HtmlConfig::default(), &Phrases::builtin()).unwrap()
}

const PARA: &str = "The committee met on Tuesday to discuss the proposal, which would change how the city funds its schools and libraries over the next decade.";

fn page(body: &str) -> String {
    format!("<!doctype html><html lang=en><head><title>A Story - The Site</title></head><body>{body}</body></html>")
}

#[test]
fn picks_the_article_and_drops_chrome() {
    let html = page(&format!(
        r#"<nav><a href="/">Home</a> <a href="/news">News</a></nav>
        <div class="main"><article><h1>A Story</h1><p>By Jane Doe</p>
        <p>{PARA}</p><h2>Funding gap</h2><p>{PARA} Again, with feeling.</p>
        <div class="share-tools"><a href='#'>Share on Facebook</a></div>
        <p>{PARA} A third time.</p></article>
        <aside class="related"><h3>Related</h3><ul><li><a href="/x">Other story one</a></li></ul></aside></div>
        <div id="comments"><p>Great article, I totally agree with everything the author has said here!</p></div>
        <footer>© 2019 The Site. All rights reserved.</footer>"#
    ));
    let out = run(&html);
    assert_eq!(
        out.paragraphs,
        [
            PARA.to_string(),
            "Funding gap".into(),
            format!("{PARA} Again, with feeling."),
            format!("{PARA} A third time.")
        ]
    );
    assert!(out.removed.iter().any(|r| r.kind == "title"));
    assert!(out.removed.iter().any(|r| r.kind == "byline"));
    assert_eq!(out.meta.title.as_deref(), Some("A Story"));
    assert_eq!(out.lang.as_deref(), Some("en"));
}

#[test]
fn comments_are_excluded_by_default_and_collected_on_request() {
    let html = page(&format!(
        r#"<article><p>{PARA}</p><p>{PARA}</p></article><section class="comments"><div class="comment"><p>First comment here, quite long enough to count as text.</p></div></section>"#
    ));
    assert!(!run(&html).paragraphs.iter().any(|p| p.contains("First comment")));
    let cfg = HtmlConfig { include_comments: true, ..Default::default() };
    let out = extract(&html, None, &cfg, &Phrases::builtin()).unwrap();
    assert!(out.comments.iter().any(|c| c.contains("First comment")));
    assert!(!out.paragraphs.iter().any(|p| p.contains("First comment")));
}

#[test]
fn br_splits_and_inline_spacing() {
    let html = page(&format!(
        r#"<div class="story-body"><p>{PARA}</p><p>Line one<br>Line <b>two</b>, <i>here</i>.</p></div>"#
    ));
    let out = run(&html);
    assert_eq!(out.paragraphs[1..], ["Line one", "Line two, here."]);
}

#[test]
fn guard_keeps_an_article_inside_a_misleading_container() {
    // The whole page sits in a form with a "sidebar-layout" class: pruning it would lose everything.
    let html = page(&format!(
        r#"<form id="aspnetForm"><div class="sidebar-layout"><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p></div></form>"#
    ));
    assert_eq!(run(&html).paragraphs.len(), 3);
}

/// A reading found only with names ignored that shares next to nothing with
/// the product's declared description read the wrong part of the page.
#[test]
fn declared_description_beats_an_unrelated_lenient_reading() {
    let description = "These quarters are engineered for comfort and designed to stand out: higher than an ankle sock, lower than a calf sock, right for a million different shoes, styles and lazy Sundays.";
    let legal = "Notice to consumers: the company may collect identifiers, characteristics of protected classifications, commercial information and geolocation data when you visit this website, as described in our privacy policy. ";
    let shell = |visible: &str| {
        format!(
            r#"<html><head><script type="application/ld+json">{{"@type":"Product","name":"Quarter Socks","description":"{description}"}}</script></head><body><div class="sidebar"><p>{visible}</p></div><div class="related"><p>{visible}</p></div></body></html>"#
        )
    };
    // (Two blocks named as chrome, neither holding most of the text: the
    // strict reading is empty, the lenient one reads them.)
    for repeat in [2, 10] {
        let out = run(&shell(&legal.repeat(repeat)));
        assert_eq!(out.method, "json-ld", "{repeat}");
        assert_eq!(out.paragraphs, [description]);
        assert!(out.removed.iter().any(|r| r.rule == "declared-description" && r.text.starts_with("Notice")));
    }
    // The same reading holding the description stays.
    let out = run(&shell(&format!("{description} {legal}")));
    assert_eq!(out.method, "container-lenient");
    assert!(out.paragraphs[0].starts_with("These quarters"));
}

#[test]
fn json_ld_body_is_a_fallback() {
    let body = "A long declared body. ".repeat(30);
    let html = format!(
        r#"<html><head><script type="application/ld+json">{{"@type":"NewsArticle","headline":"H","articleBody":"{body}"}}</script></head><body><div>Menu</div></body></html>"#
    );
    let out = run(&html);
    assert_eq!(out.method, "json-ld");
    assert_eq!(out.paragraphs, [body.trim()]);
}

#[test]
fn element_cap_and_deep_nesting() {
    let deep =
        format!("<html><body>{}<p>{PARA}</p>{}</body></html>", "<div>".repeat(100_000), "</div>".repeat(100_000));
    let cfg = HtmlConfig { max_elements: 1000, ..Default::default() };
    let wide = page(&format!("<p>{PARA}</p>").repeat(2000));
    assert_eq!(extract(&wide, None, &cfg, &Phrases::builtin()).unwrap_err(), DropReason::TooManyElements);
    // With the default cap the deep page is processed without overflowing the stack.
    let out = run(&deep);
    assert_eq!(out.paragraphs, [PARA]);
}

#[test]
fn garbage_does_not_panic() {
    for s in [
        "",
        "<",
        "<<<>>>",
        "<p",
        "</p></div></body>",
        "\u{0}\u{fffd}<html><p>x",
        "<table><td><p>a<li>b</table>",
        "<svg><p>x</svg>",
    ] {
        let _ = extract(s, None, &HtmlConfig::default(), &Phrases::builtin());
    }
}

/// Debug aid: `THRESH_DEBUG_HTML=page.html cargo test -p thresh-clean debug_page -- --ignored --nocapture`
/// prints the ancestors of the first long paragraph with their junk verdicts.
#[test]
#[ignore]
fn debug_page() {
    let Ok(path) = std::env::var("THRESH_DEBUG_HTML") else { return };
    let raw = std::fs::read_to_string(path).unwrap();
    let pre = prescan::prescan(&raw);
    let tree = arena::parse(&pre.html);
    let dom = dom::Dom::build(&tree, 1_000_000).unwrap();
    let junk = junk::mark(&dom, &junk::classify_page(&dom, Favor::Balanced), junk::Marking::default());
    let stats = score::Stats::compute(&dom, &junk);
    let facts = groups::facts(&dom);
    let teaser = groups::teaser_marks(&dom, &groups::find(&dom, &junk, &stats, 3, &facts));
    let picked = score::pick(&dom, &junk, &stats, Favor::Balanced, &teaser);
    println!(
        "picked: {:?}",
        picked.as_ref().map(|p| p
            .roots
            .iter()
            .map(|&r| (dom.tag(r), dom.attr(r, "class"), dom.attr(r, "id")))
            .collect::<Vec<_>>())
    );
    for g in groups::find(&dom, &junk, &stats, 3, &facts) {
        let m = g.members[0];
        println!(
            "group x{} under {:?} {:?}.{:?}: headlines {} timed {} linked {} teasers {} text {}",
            g.members.len(),
            dom.nodes[m].parent,
            dom.tag(m),
            dom.attr(m, "class"),
            g.headlines,
            g.timed,
            g.linked,
            g.is_teasers(),
            g.members.iter().map(|&x| stats.text[x]).sum::<u32>()
        );
    }
    let needle = std::env::var("THRESH_DEBUG_TEXT").unwrap_or_default();
    let target = (0..dom.len()).find(|&i| match dom.nodes[i].kind {
        dom::Kind::Text(t) => {
            if needle.is_empty() {
                t.len() > 150
            } else {
                t.contains(&needle)
            }
        }
        _ => false,
    });
    let Some(mut i) = target else {
        println!("no long text");
        return;
    };
    while i != usize::MAX {
        println!(
            "{:?} {:?} class={:?} id={:?} text={} junk={:?}",
            i,
            dom.tag(i),
            dom.attr(i, "class"),
            dom.attr(i, "id"),
            stats.text[i],
            junk[i]
        );
        i = dom.nodes[i].parent;
    }
}

mod no_panic {
    use super::*;
    use proptest::prelude::*;

    /// Markup-ish fragments, so generated inputs reach the tree builder's odd corners.
    fn fragment() -> impl Strategy<Value = String> {
        prop_oneof![
            Just("<p>".to_string()),
            Just("</p>".to_string()),
            Just("<div class=\"share comments article-body\">".to_string()),
            Just("</div>".to_string()),
            Just("<table><tr><td>".to_string()),
            Just("<script>".to_string()),
            Just("<!--".to_string()),
            Just("<svg><title>icon x</title>".to_string()),
            Just("<br>".to_string()),
            Just("<a href=x>".to_string()),
            // Attribute pruning edge cases: unterminated quotes, bare names, '=' first, slashes.
            Just("<img data-x='".to_string()),
            Just("<div class=a/b =c data-y onclick=\"go()\" / id='q'>".to_string()),
            Just("<p hidden data-é=\"\u{e000}\">".to_string()),
            Just("<a href=\"/y\" title=".to_string()),
            // Numbered lines (lists in dumps).
            Just("\n1) First item\n2) Second item\nhttp://x.co/2\n3) Third".to_string()),
            Just("<meta charset=\"iso-8859-1\">".to_string()),
            Just("<script type=\"application/ld+json\">{\"@type\":\"NewsArticle\",\"articleBody\":".to_string()),
            "[a-zA-Z .,é\u{e000}]{0,40}",
            any::<String>(),
        ]
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

        #[test]
        fn html_extraction_never_panics(parts in proptest::collection::vec(fragment(), 0..40)) {
            let html = parts.concat();
            let _ = extract(&html, Some("https://x.example/2019/11/19/a"), &HtmlConfig::default(), &Phrases::builtin());
        }

        #[test]
        fn text_cleaning_never_panics(lines in proptest::collection::vec(fragment(), 0..40)) {
            let text = lines.join("\n");
            let _ = crate::text::clean(&text, &Phrases::builtin(), &crate::text::context::Params::for_dumps(), &crate::Learned::default(), true);
        }
    }
}

#[test]
fn an_article_in_chunks_beside_ad_rails_is_read_whole() {
    let chunk = |n: usize, paras: usize| {
        let ps: String = (0..paras).map(|k| format!("<p>Chunk {n}, part {k}. {PARA}</p>")).collect();
        format!(
            r#"<div class="grid"><div class="body article-body">{ps}</div><div class="col-narrow"><span>Advertisement</span></div></div>"#
        )
    };
    let html = page(&format!(
        r#"<nav><a href="/">Home</a></nav><div class="chunks">{}{}{}</div><footer>About us</footer>"#,
        chunk(1, 2),
        chunk(2, 5),
        chunk(3, 2)
    ));
    let out = run(&html);
    assert_eq!(out.paragraphs.len(), 9, "{:?}", out.paragraphs);
    assert!(out.paragraphs[0].starts_with("Chunk 1, part 0."));
    assert!(out.paragraphs[8].starts_with("Chunk 3, part 1."));
}

#[test]
fn table_rows_named_for_their_data_are_kept() {
    let rows: String = (1..=12)
        .map(|k| {
            format!(
                r#"<tr class="oddrow player-2020-{k}"><td>{k}</td><td>Driver Number{k}</td><td>{}</td></tr>"#,
                5000 - k
            )
        })
        .collect();
    let html = page(&format!(
        r#"<article><p>{PARA}</p><p>{PARA}</p><p>{PARA}</p><p>The final standings after all races of the season, with points:</p><table>{rows}</table></article>"#
    ));
    let out = run(&html);
    assert!(out.paragraphs.iter().any(|p| p.contains("Driver Number7")), "{:?}", out.paragraphs);
}

#[test]
fn embedded_tweets_quoted_by_the_story_stay() {
    let html = page(&format!(
        r#"<article><p>{PARA}</p><p>{PARA} One reader put it this way on Twitter:</p>
        <div class="social-media-embed"><blockquote class="twitter-tweet"><p>Yes this is real and the state spent half a million dollars on it, which is something.</p>&mdash; A Reader (@reader) <a href="https://twitter.com/x">November 18, 2019</a></blockquote></div>
        <p>{PARA} And so on.</p><div class="social-share"><a href="/s">Share on Twitter</a></div></article>"#
    ));
    let out = run(&html);
    assert!(out.paragraphs.iter().any(|p| p.starts_with("Yes this is real")), "{:?}", out.paragraphs);
    assert!(!out.paragraphs.iter().any(|p| p.contains("Share on Twitter")));
}

#[test]
fn among_sibling_articles_the_story_is_the_one_with_the_headline() {
    let teaser = |n: usize| {
        format!(
            "<article class=\"postbox\"><h3>Teaser {n}</h3><p>Teaser {n}: {PARA}</p><p>More of teaser {n}, which goes on for a while, with commas, clauses, and more clauses.</p></article>"
        )
    };
    let html = page(&format!(
        r#"<div class="col"><article class="articlebox"><h1>A Story</h1><div>{PARA}<br>{PARA} Again.</div></article>{}{}{}</div>"#,
        teaser(1),
        teaser(2),
        teaser(3)
    ));
    let out = run(&html);
    assert!(out.paragraphs.iter().any(|p| p.starts_with(PARA)), "{:?}", out.paragraphs);
    assert!(!out.paragraphs.iter().any(|p| p.contains("Teaser")), "{:?}", out.paragraphs);
}

#[test]
fn paywalled_article_text_stays_and_recent_posts_go() {
    let html = page(&format!(
        r#"<article><p>{PARA}</p><div class="paywall"><p>Behind the gate: {PARA}</p><p>Still gated: {PARA}</p></div>
        <div class="row-recent"><h5>Another story entirely</h5><p>An excerpt of another story that goes on long enough to look like a paragraph of prose, with commas.</p></div></article>
        <aside>{}</aside>"#,
        format!("<p>Sidebar: {PARA}</p>").repeat(4)
    ));
    let out = run(&html);
    assert!(out.paragraphs.iter().any(|p| p.starts_with("Behind the gate")), "{:?}", out.paragraphs);
    assert!(!out.paragraphs.iter().any(|p| p.contains("another story")), "{:?}", out.paragraphs);
}

/// Crashers the fuzzer found (fuzz/fuzz_targets/html_prescan.rs), kept.
#[test]
fn prescan_fuzz_regressions() {
    for page in [
        // An end tag whose attributes hold what looks like a tag.
        "<header><a>Coastal</a\n  <h1>Harbour</h1></header>",
        // A tag name holding `<`.
        "<p>one<a<h1>two</p>",
        // Empty comments, and one closed by `--!>`.
        "<!--><",
        // In a table, whitespace and a `<` that opens no tag around a cut
        // comment: the parser keeps the one in the table and moves the other
        // out, beside the text before the table.
        "i<table>\n<!--><",
        "a<!--->b<!-- c --!>d",
        // Bogus comments hold what looks like markup.
        "<!<!--><",
        "x<?php <!-- ?>y</ <b>z",
        // A quote in a tag name, or after an `=` that starts an attribute
        // name, opens no value.
        "<G=\"><t p=\"><a \">P",
        // A stray `<` must not meet what follows a cut span.
        "<<!-->c",
        // A table cell outside a table is ignored: the words around it stay apart.
        ">\n<tH>H",
        // Whitespace reopens a formatting element left open ("reconstruct
        // the active formatting elements"): it is not cut before a block then.
        "<header><a></header>\n<div><main><article><h2><main><article><h1><p>r</a>o",
        // A `<link>` dropped between two words would glue them.
        "en-GB<link r?l=x href=\"/\">Coastal",
        "<<link><",
        // Text moved out of a table goes before it: a `<link>` dropped
        // before the table would let it meet the text before.
        "P<link><table>r",
        // Formatting elements alike but for attributes the pre-scan used to
        // drop: the parser keeps three alike on its list ("Noah's Ark").
        "<s><s><p><s e><s></s></s></s>d</s>1",
        "<s><s><p><s><s \"></s></s></s>1</s>v",
        // Nor before an element the pre-scan cuts whole.
        "P<link><script></script>r",
        "P<link><style>x</style>r",
        "P<link><noscript>n</noscript>r",
        // Whitespace and text a cut brings together would move as one out of a table.
        "><table>\n<!-->b",
        // A doctype in a table is dropped without ending the table text
        // before it: the cut comment's place must still keep "\n" and "d" apart.
        "><table>\n<!--><!DOCTYPE>d",
        "-<template><a><template><th></template></template>a",
        // In "column group" mode a template's parser ignores a `<script>`:
        // no raw text, the template ends where it says.
        "<template><col><script></template>h",
        "<TEMPLATE><!-- x --> <Col span=2><style></template>h",
        "<form><\n<form><",
        "<table>e<template><l></template>\n<col>r",
        "><table>\n<link>m",
        "><table>\n<link></i><",
        "t <table>n",
        "e<link></i>0",
        // An end tag's attributes are read like a start tag's.
        "</s= s=\"><d \">c",
        "a<<script>x</script>b",
        "<t =\"x>\">y",
    ] {
        let pre = prescan::prescan(page);
        assert_eq!(visible_words(&pre.html), visible_words(page), "{page:?} -> {:?}", pre.html);
    }
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(512))]
    /// The pre-scan only cuts what the tokenizer would read as raw text or a
    /// comment: a page parsed with and without it reads the same, whatever
    /// markup the raw-text, RCDATA and comment spans hold. (An `<svg>` is
    /// foreign content, not raw text: it is cut whole, so it comes closed.)
    #[test]
    fn the_prescan_changes_no_visible_text(parts in proptest::collection::vec(proptest::sample::select(vec![
        "<p>", "</p>", "<div class=x>", "</div>", "<p title='a>b'>", "<span data-x=\"</script>\">", "<i x=a'b>", "<g=\">", "<t =\"", " p=\"", "<b>", "</b>", "<br>", "<pre>", "</pre>", "<span>", "</span>",
        "<title>", "</title>", "<textarea>", "</textarea>", "<xmp>", "</xmp>", "<iframe>", "</iframe>",
        "<noembed>", "</noembed>", "<noframes>", "</noframes>",
        "<script>", "</script>", "<SCRIPT type=text/javascript>", "</script >", "<style>", "</style>",
        "<script type=\"application/ld+json\">", "<svg><path d=\"M0 0\"/><text>label</text></svg>",
        "<noscript>", "</noscript>",
        "<template>", "</template>", "<!--", "-->", "<!---->", "<!-->", "<!--->", "--!>", "<!", "<?", "</ ", "</>", "<", "c", "<th>", "<tr>", "<td>", "</s= s=\"", "</script x=\">", "</template a=\">", "<!doctype html>",
        "alpha", "beta", " gamma ", "\n", "  ", "&amp;", "&lt;b&gt;", "x<y", "a>b", "'", "\"",
    ]), 0..40)) {
        let page: String = parts.concat();
        let pre = prescan::prescan(&page);
        proptest::prop_assert_eq!(visible_words(&pre.html), visible_words(&page), "page: {:?}\nprescanned: {:?}", page, pre.html);
    }
}
